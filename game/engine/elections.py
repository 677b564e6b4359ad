"""Elections ahead: when each government next faces the voters and the approval it needs.

The content says when (a side's ``elections``, as the formulas' ``year``) and what is needed
(``election_approval``); this module finds the next vote from the coming turn on, so the
screens can warn a player before it, not after.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the game module does not import this one; the screens do
    from game.engine.game import Game


@dataclass(frozen=True)
class Election:
    """A side's next vote: the turn that resolves it, its date, and approval needed against now."""

    side: str
    turn: int
    date: str
    needed: float
    approval: float

    def turns_away(self, now: int) -> int:
        """Turns still to play before the vote is resolved (0: the coming turn resolves it)."""
        return self.turn - now - 1


def next_election(game: Game, side: str) -> Election | None:
    """The side's next election, from the coming turn to the scenario's last; None if there is none."""
    spec = game.world.sides[side]
    if not spec.elections or spec.approval is None or spec.election_approval is None or game.is_over:
        return None
    for turn in range(game.turn + 1, game.turns + 1):
        year = game.year(turn)
        if any(abs(year - when) < 0.01 for when in spec.elections):
            return Election(
                side,
                turn,
                game.date(turn),
                float(game.value(spec.election_approval).mean()),
                float(game.value(spec.approval).mean()),
            )
    return None
