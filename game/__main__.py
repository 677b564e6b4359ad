"""Allow ``python -m game`` to behave like the ``borderline`` command."""

from game.cli import main

raise SystemExit(main())
