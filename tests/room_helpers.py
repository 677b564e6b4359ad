"""Helpers the room's app tests share (a served or class app on a test world; typing a name)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from driving import MINI, ready
from textual.pilot import Pilot

from game.app.app import BorderlineApp


def class_app(world: Any, folder: Path, path: Path, *, served: bool = False) -> BorderlineApp:
    """The app started with a class file (``served``: as one tab of ``borderline serve --class``)."""
    return BorderlineApp(
        [MINI],
        world=world,
        served=served,
        class_file=path,
        saves_folder=folder,
        reports_folder=folder,
        previews=False,
        batch_runs=0,
        cursor_blink=False,
    )


async def type_into(pilot: Pilot[Any], text: str) -> None:
    """Type ``text`` into the focused field and press enter."""
    for ch in text:
        await pilot.press("space" if ch == " " else ch)
    await pilot.press("enter")
    await ready(pilot)


async def read_the_briefing(pilot: Pilot[Any]) -> None:
    """A class game's briefing, read after the name: enter starts the game."""
    from game.app.screens.classroom import ClassBriefingDialog

    assert isinstance(pilot.app.screen, ClassBriefingDialog), pilot.app.screen
    await pilot.press("enter")
    await ready(pilot)
