"""Whether a replay verifies its save: to the bit, or within a tolerance across kinds of machine.

A replay on the machine that made the save, or one with the same numerics
(``game.engine.numerics``), gives the saved state to the bit, so any difference there means
the content, the engine or the file changed. Another kind of machine computes ``exp``,
``log`` and powers with other routines, each within about one unit in the last place, and a
game's numbers drift apart by a little more than that over its turns. So a save made under
other numerics than this machine's (or under unknown ones: saves made before they were
recorded) verifies when every difference is a float within ``TOLERANCE`` of the replay's
and nothing else differs: the same log, events, endings, lists of the same lengths, no key
missing. Anything else is a difference, as before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from game.engine.numerics import same_numerics
from game.saves.replay import Difference

TOLERANCE = 1e-9
"""The largest relative difference (``|saved - replayed| / max(|saved|, |replayed|)``) taken as
the drift between two kinds of machine. Measured with tests/numerics_drift.py, which moves
every finite non-zero result of exp, log and power one unit in the last place (more than any
real machine differs: they disagree on a share of a percent of inputs): the base game's 40
quarters of both-sides, the status quo and five plans at seeds 1 and 42, each with every
result moved up and again down (24 games, 1 Dec 2026), differ from this machine's games in
630-1,120 of the ~2,590 values a save records, by at most 1.24e-15 relative (about ten ulps:
errors of 1e-16 grow through the quarters but the model damps them). 1e-9 is some 800,000
times that drift, room for longer games, mods and chaotic stretches, and a hundred thousandth
of what a player could see (the game shows four or five significant figures, 1e-4 relative
at best): an edit that changes anything a player reads is always beyond it.
tests/test_saves_numerics.py keeps the measured drift below a thousandth of it."""

TOLERANCE_WORDS = "one part in a billion"


@dataclass(frozen=True)
class Verdict:
    """A replay judged against its save: ``found``, every value that is not the same to the
    bit; ``checked``, how many were compared; ``foreign``, whether the save was made under
    other numerics than this machine's, or unknown ones."""

    found: tuple[Difference, ...]
    checked: int
    foreign: bool

    @property
    def differences(self) -> list[str]:
        """Every difference, as the player reads it."""
        return [d.line for d in self.found]

    @property
    def beyond(self) -> list[str]:
        """The differences no machine's routines explain: beyond the tolerance, or not two
        floats (a nan size, which two finite floats never give, counts as beyond)."""
        return [d.line for d in self.found if not d.size <= TOLERANCE]

    @property
    def exact(self) -> bool:
        return not self.found

    @property
    def within_tolerance(self) -> bool:
        """The save verifies only because it was made on another kind of machine."""
        return bool(self.found) and self.foreign and not self.beyond

    @property
    def verifies(self) -> bool:
        return self.exact or self.within_tolerance

    @property
    def refused(self) -> list[str]:
        """What a refusal names: under this machine's numerics every difference, as before;
        under another's, those beyond the tolerance (the rest are its routines' last bits)."""
        if self.verifies:
            return []
        return self.beyond if self.foreign else self.differences

    @property
    def note(self) -> str | None:
        """What to tell the player, once, about a save that verifies within the tolerance."""
        if not self.within_tolerance:
            return None
        return (
            "this save was made on a machine that computes exp, log and power differently from "
            f"this one; its numbers agree with this machine's replay to within {TOLERANCE:g} "
            f"({TOLERANCE_WORDS}; {len(self.found)} of {self.checked} values differ in their last digits)"
        )


def judge(found: Sequence[Difference], checked: int, numerics: Mapping[str, str] | None) -> Verdict:
    """The verdict on the differences ``found`` between a replay and a save recorded under
    ``numerics`` (None: a save from before saves recorded them)."""
    foreign = numerics is None or not same_numerics(dict(numerics))
    return Verdict(tuple(found), checked, foreign)
