"""Errors a modder can cause, each pointing at a file, a line and a column."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from game.content.printable import printable


@dataclass(frozen=True, order=True)
class ContentError:
    """One problem in a content file: where it is and what was expected."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        """``file:line:col: message``, with any control character in either escaped: both may
        come from a stranger's pack (a file name, a quoted key) and end up on a terminal."""
        return f"{printable(self.file, newlines=False)}:{self.line}:{self.column}: {printable(self.message)}"


class ContentErrors(Exception):
    """Every problem found in a set of files; raised so that nothing half-loads."""

    def __init__(self, errors: Iterable[ContentError]) -> None:
        self.errors = sorted(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """Return ' (did you mean "x"?)' when a candidate is close to ``name``, else ''."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.75)
    return f' (did you mean "{close[0]}"?)' if close else ""
