"""The app's door to saves: the names the screens use from ``game.saves``, in one place.

Screens import only this module, so the save system can move or grow without touching them.
It is imported when a screen first saves or loads, never at start-up (it loads the engine).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from game.saves import (
    LoadedSave,
    PackMismatch,
    ReplayMismatch,
    SaveError,
    SaveExists,
    SaveInfo,
    autosave,
    latest_autosave,
    list_saves,
    load_save,
    save_game,
    saves_dir,
)
from game.saves.files import autosave_game, autosave_paths, renamed, safe_name
from game.saves.format import read_save


def is_finished(path: Path) -> bool:
    """Whether a save holds a game that had ended (False if it cannot be read: loading will say why)."""
    try:
        save, _ = read_save(path)
    except SaveError:
        return False
    return save.state is not None and save.state.over


def class_game_in_progress(folder: Path, settings: dict[str, Any]) -> Path | None:
    """The newest autosave in ``folder`` of an unfinished game of the class with these rules
    (a room of a class continues only its own games), or None."""
    for path in autosave_paths(folder):
        try:
            save, _ = read_save(path)
        except SaveError:
            continue
        record = save.classroom
        if record is not None and record.settings == settings and not (save.state and save.state.over):
            return path
    return None


def folder_or_default(folder: str | os.PathLike[str] | None) -> Path:
    """The folder the app was given for saves, or the save system's default, as a full path.

    Absolute so messages name a folder the player can find ("saves" alone says little).
    """
    return saves_dir(folder).absolute()


__all__ = [
    "LoadedSave",
    "PackMismatch",
    "ReplayMismatch",
    "SaveError",
    "SaveExists",
    "SaveInfo",
    "autosave",
    "autosave_game",
    "autosave_paths",
    "folder_or_default",
    "is_finished",
    "latest_autosave",
    "list_saves",
    "load_save",
    "renamed",
    "save_game",
    "safe_name",
    "saves_dir",
]
