"""The root of every error Borderline raises on purpose, and the helper that words "did you mean".

Every problem a user can cause (bad content, a bad formula, a request the game cannot
honour, a bad save, a bad command-line argument) raises a ``BorderlineError``, so a caller
that wants to show one message and go on catches one thing:

    BorderlineError
    ├── ContentError          a problem in a content file (game.content.errors)
    │   └── ContentErrors     every problem found in a set of files, raised together
    ├── FormulaError          a mistake in a formula's text (game.formula)
    ├── GameError             a request the game cannot honour (game.engine)
    │   ├── ActionRefused     a level that cannot be set now, with the reasons
    │   └── SimulationError   content that produced a value that is not a finite number
    ├── SaveError             a save that cannot be written or read (game.saves)
    └── CliError              a command-line mistake (game.cli)

This module sits beneath every layer and imports none of them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class BorderlineError(Exception):
    """Something a user can cause and be told about in one message; bugs raise other exceptions."""


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """Return ' (did you mean "x"?)' when a candidate is close to ``name``, else ''."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.75)
    return f' (did you mean "{close[0]}"?)' if close else ""
