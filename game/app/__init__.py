"""The Textual interface: title screen to debrief, on the engine's public API.

Importing this package is free (nothing heavy at module level); ``game.app.app`` holds the
``BorderlineApp`` and ``run_app`` starts it, which is what ``borderline`` with no verb does.
"""

from __future__ import annotations

import sys
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
    difficulty: str | None = None,
    class_file: str | Path | None = None,
    players: dict[str, str] | None = None,
    served: bool = False,
) -> int:
    """Run the game in the terminal: the title screen, a new game of ``scenario``, a loaded save,
    or a class's game (``class_file``: the student is asked their name first).

    ``packs`` replaces the base game and the enabled mods; ``extra_packs`` (``--pack``) load
    after them. ``players`` (side -> name) with ``scenario``: a two-player game. ``served``:
    run for ``borderline serve`` (ask the student's name first).
    """
    from game.app.app import BorderlineApp

    app = BorderlineApp(
        packs,
        extra_packs=extra_packs,
        scenario=scenario,
        seed=seed,
        loaded=loaded,
        difficulty=difficulty,
        served=served,
        players=players,
        class_file=class_file,
    )
    app.run()
    if app.refused:
        print(f"borderline: error: {app.refused}", file=sys.stderr)
        return 1
    return 0
