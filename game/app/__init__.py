"""The Textual interface: title screen to debrief, on the engine's public API.

Importing this package is free (nothing heavy at module level); ``game.app.app`` holds the
``BorderlineApp`` and ``run_app`` starts it, which is what ``borderline`` with no verb does.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any


def run_app(
    packs: Sequence[str | Path] | None = None,
    *,
    extra_packs: Sequence[str | Path] = (),
    scenario: str | None = None,
    seed: int | None = None,
    loaded: Any = None,
) -> int:
    """Run the game in the terminal: the title screen, a new game of ``scenario``, or a loaded save.

    ``packs`` replaces the base game and the enabled mods; ``extra_packs`` (``--pack``) load
    after them.
    """
    from game.app.app import BorderlineApp

    BorderlineApp(packs, extra_packs=extra_packs, scenario=scenario, seed=seed, loaded=loaded).run()
    return 0
