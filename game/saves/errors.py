"""What can go wrong with a save, in words a player can act on."""

from __future__ import annotations

from game.errors import BorderlineError


class SaveError(BorderlineError):
    """A save cannot be written or read; the message says which file, what is wrong and what to do."""


class SaveExists(SaveError):
    """Saving would replace an existing save and overwriting was not asked for."""

    def __init__(self, path: object, message: str) -> None:
        self.path = path
        super().__init__(message)


class PackMismatch(SaveError):
    """The packs loaded now differ from the ones the save was made with.

    ``differences`` lists each one (id, version, content); load again with
    ``allow_pack_mismatch=True`` to continue anyway with a warning.
    """

    def __init__(self, message: str, differences: list[str]) -> None:
        self.differences = differences
        super().__init__(message)


class ReplayMismatch(SaveError):
    """Replaying the save's log did not give the state the save recorded."""

    def __init__(self, message: str, differences: list[str]) -> None:
        self.differences = differences
        super().__init__(message)
