"""Errors a modder can cause, each pointing at a file, a line and a column."""

from __future__ import annotations

from collections.abc import Iterable
from functools import total_ordering

from game.errors import BorderlineError, did_you_mean

__all__ = ["ContentError", "ContentErrors", "did_you_mean", "unknown"]

from game.content.printable import printable


@total_ordering
class ContentError(BorderlineError):
    """One problem in a content file: where it is and what was expected.

    Collected by the loaders into lists (it sorts by file, line and column) and raised,
    usually together with the others found, as ``ContentErrors``; ``except ContentError``
    catches both.
    """

    def __init__(self, file: str, line: int, column: int, message: str) -> None:
        self.file, self.line, self.column, self.message = file, line, column, message
        super().__init__(file, line, column, message)

    def _key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.message)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._key() == other._key()  # type: ignore[attr-defined]

    def __lt__(self, other: ContentError) -> bool:
        return self._key() < other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"ContentError({self.file!r}, {self.line}, {self.column}, {self.message!r})"

    def __str__(self) -> str:
        """``file:line:col: message``, with any control character in either escaped: both may
        come from a stranger's pack (a file name, a quoted key) and end up on a terminal."""
        return f"{printable(self.file, newlines=False)}:{self.line}:{self.column}: {printable(self.message)}"


class ContentErrors(ContentError):
    """Every problem found in a set of files; raised so that nothing half-loads.

    ``errors`` lists them in file order; the exception's own place is the first one's.
    ``unchecked``: what these errors kept from being checked at all ("" where nothing was).
    """

    def __init__(self, errors: Iterable[ContentError], unchecked: str = "") -> None:
        self.errors = sorted(errors)
        self.unchecked = unchecked
        first = self.errors[0] if self.errors else ContentError("", 0, 0, "")
        super().__init__(first.file, first.line, first.column, first.message)
        self.args = (self.errors, unchecked)  # how it is rebuilt (pickled, copied)

    def _key(self) -> tuple[str, int, int, str]:
        return ("", 0, 0, "\n".join(str(e) for e in self.errors))

    def __repr__(self) -> str:
        return f"ContentErrors({self.errors!r})"

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def unknown(what: str, name: str, known: Iterable[str], packs: Iterable[str]) -> str:
    """'unknown action "x" (did you mean "y"?)', or, with nothing close, where it may be from.

    ``packs`` are the ids of the packs loaded: a name none of them defines often belongs to
    a mod that was not loaded.
    """
    close = did_you_mean(name, known)
    if close:
        return f"unknown {what} {name!r}{close}"
    loaded = ", ".join(packs) or "none"
    return (
        f"unknown {what} {name!r}: no loaded pack ({loaded}) defines it; if a mod does, load it "
        "with --pack FOLDER or enable it on the Mods screen"
    )
