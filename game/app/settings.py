"""The player's settings: what the game remembers about the player between games.

For now, which hints of the first-game guide were dismissed, so they do not come back. The
file is JSON in the user's data folder (``game.locations.settings_file``). A missing file is
a first game; a damaged one is read as empty (and replaced on the next write) rather than
stopping the game; writing is atomic so a crash never leaves half a file.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

from game import locations

MAX_SETTINGS_BYTES = 64_000  # a settings file is a few hundred bytes; anything bigger is not ours


class Settings:
    """The settings file, read once and written when something changes."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else locations.settings_file()
        self.problem = ""  # why the file could not be read or written ("" when all is well)
        self.dismissed_hints: set[str] = set()
        self._read()

    def _read(self) -> None:
        try:
            if self.path.stat().st_size > MAX_SETTINGS_BYTES:
                raise ValueError(f"larger than {MAX_SETTINGS_BYTES:,} bytes")
            doc = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            self.problem = f"{self.path} could not be read ({exc}); the game starts from defaults"
            return
        hints = doc.get("guide", {}).get("dismissed", []) if isinstance(doc, dict) else []
        if isinstance(hints, list):
            self.dismissed_hints = {h for h in hints if isinstance(h, str) and len(h) <= 64}

    def dismiss(self, *hints: str) -> None:
        """Remember hints as dismissed, for good."""
        if set(hints) <= self.dismissed_hints:
            return
        self.dismissed_hints.update(hints)
        self._write({"guide": {"dismissed": sorted(self.dismissed_hints)}})

    def _write(self, doc: dict[str, object]) -> None:
        tmp = ""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".settings.", suffix=".tmp", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(doc, handle, indent=2)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
            tmp = ""
            self.problem = ""
        except OSError as exc:
            self.problem = f"cannot write {self.path}: {exc.strerror or exc}"
        finally:
            if tmp:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
