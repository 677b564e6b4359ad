"""The player's settings: what the game remembers about the player between games.

Here, which hints of the first-game guide were dismissed, so they do not come back. They are
the ``[guide]`` table of the one settings file (``game.locations.settings_file``, TOML), whose
``[mods]`` table belongs to the Mods screen (game/app/mod_list.py); each part rewrites only its
own table. A missing file is a first game; a damaged one is read as empty rather than stopping
the game, and left as it is: the guide remembers dismissed hints for the session only, since a
file it rewrote would hold no ``[mods]`` table and every mod, the ones turned off too, would load
next time (the Mods screen's next change replaces it, keeping it as ``settings.toml.bad``).
Writing is atomic so a crash never leaves half a file::

    [guide]
    dismissed = ["dashboard", "levers"]
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from game import locations

MAX_HINT_ID = 64  # a hint id is a short word; anything longer is not one of ours


class Settings:
    """The settings file's ``[guide]`` table, read once and written when something changes."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else locations.settings_file()
        self._problem = ""
        self._damaged = False  # the file is there and could not be read: it is not written over
        self._hints: set[str] = set()
        self._loaded = False  # read when first asked: the title screen needs none of it

    @property
    def problem(self) -> str:
        """Why the file could not be read or written ("" when all is well)."""
        self._load()
        return self._problem

    @property
    def dismissed_hints(self) -> set[str]:
        self._load()
        return self._hints

    def _load(self) -> None:
        if not self._loaded:
            self._loaded = True
            self._read()

    def _read(self) -> None:
        if not self.path.exists():
            return
        # deferred: the TOML reader and the mods' module load pydantic, not needed to start
        from game.app.mod_list import SETTINGS_CAP
        from game.content.errors import ContentErrors
        from game.content.tomlpos import read_toml

        try:
            doc = read_toml(self.path, cap=SETTINGS_CAP)
        except ContentErrors as exc:
            reason = "; ".join(str(e) for e in exc.errors)
            self._problem = (
                f"the settings could not be read ({reason}); the guide starts from the beginning and "
                "remembers only until the game closes: fix the file, or change a mod on the Mods screen "
                "to write a new one"
            )
            self._damaged = True
            return
        guide = doc.data.get("guide", {})
        hints = guide.get("dismissed", []) if isinstance(guide, dict) else []
        if isinstance(hints, list):
            self._hints = {h for h in hints if isinstance(h, str) and 0 < len(h) <= MAX_HINT_ID}

    def dismiss(self, *hints: str) -> None:
        """Remember hints as dismissed, for good."""
        if set(hints) <= self.dismissed_hints:
            return
        self.dismissed_hints.update(hints)
        self._write()

    def _write(self) -> None:
        if self._damaged:  # left for the player to fix, or the Mods screen to replace (the docstring)
            return
        # deferred: as in _read
        from game.app.mod_list import SettingsError, write_settings_file

        names = ", ".join(json.dumps(h) for h in sorted(self.dismissed_hints))
        text = (
            "# Borderline's settings. The Mods screen rewrites [mods]; you may edit it by hand.\n"
            + self._other_tables()
            + "[guide]\n"
            + "# hints of the first-game guide dismissed, which do not come back\n"
            + f"dismissed = [{names}]\n"
        )
        try:
            write_settings_file(self.path, text.encode("utf-8"))
        except SettingsError as exc:
            self._problem = str(exc)
        else:
            self._problem = ""

    def _other_tables(self) -> str:
        """Whatever else the settings file holds (the mods' table), kept as written."""
        # deferred: as in _read
        from game.app.mod_list import other_tables

        return other_tables(self.path, "guide")
