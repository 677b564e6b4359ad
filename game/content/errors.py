"""Errors a modder can cause, each pointing at a file, a line and a column."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class ContentError:
    """One problem in a content file: where it is and what was expected."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class ContentErrors(Exception):
    """Every problem found in a set of files; raised so that nothing half-loads."""

    def __init__(self, errors: Iterable[ContentError]) -> None:
        self.errors = sorted(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """Return ' (did you mean "x"?)' when a candidate is close to ``name``, else ''."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.75)
    return f' (did you mean "{close[0]}"?)' if close else ""


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
