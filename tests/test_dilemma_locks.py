"""A dilemma never moves a lever the class locked.

A playtester's class file locked Mexico's kingpin strategy; the 2012 election dilemma then
offered "Pull the army back" (lower the kingpin strategy to off), and taking it moved the
locked lever, unflagged by the teacher's report.
"""

from __future__ import annotations

import pytest

from game.engine import Game, GameError

LOCKED = "mx_kingpin_strategy"
ELECTION = "mx_election_2012"


def election(world, locks: dict[str, str]) -> tuple[Game, object]:
    game = Game(world, "both-sides", seed=1, runs=1, interactive=True)
    game.locks.update(locks)
    for _ in range(6):
        game.resolve_turn()
        for dilemma in list(game.pending_dilemmas):
            if dilemma.event == ELECTION:
                return game, dilemma
            game.choose(dilemma.event, next(c.id for c in dilemma.choices if c.default))
    raise AssertionError("Mexico's 2012 election did not come up in the first six quarters")


def test_a_choice_that_would_move_a_locked_lever_is_not_offered(base_world):
    _, free = election(base_world, {})
    assert "end_the_war" in {c.id for c in free.choices}  # the control: offered when nothing is locked
    game, held = election(base_world, {LOCKED: "locked by the class (Week 3)"})
    offered = {c.id for c in held.choices}
    assert "end_the_war" not in offered and {"stay_the_course", "promise_violence_reduction"} <= offered
    with pytest.raises(GameError, match="does not offer 'end_the_war'"):
        game.choose(ELECTION, "end_the_war")
    kingpin = game.level(LOCKED)
    game.choose(ELECTION, "promise_violence_reduction")
    game.resolve_turn()
    assert game.level(LOCKED) == kingpin
