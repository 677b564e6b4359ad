"""A planned change that rests on another planned change goes when that change goes.

A playtester planned Mexico's designation, then the US support for it ("Target the designated
organization's US distributors", whose prerequisite is the designation), then cancelled the
designation: the US change stayed planned, resolved at "yes" and spent its capital although
its prerequisite was never met.
"""

from __future__ import annotations

import pytest

from game.engine import ActionRefused, Game

SUPPORT, DESIGNATION = "us_target_designated_suppliers", "mx_violence_targeting"
WHY = "Mexico has not announced a designation to support."


@pytest.fixture
def planned(base_world):
    def plan(interactive: bool) -> Game:
        game = Game(base_world, "both-sides", seed=5, runs=4, interactive=interactive)
        with pytest.raises(ActionRefused, match="designation"):
            game.set_level(SUPPORT, 1)  # nothing to support yet
        game.set_level(DESIGNATION, 1)
        game.set_level(SUPPORT, 1)  # now it rests on the planned designation
        return game

    return plan


def test_cancelling_a_change_drops_the_planned_changes_that_rested_on_it_and_says_why(planned, base_world):
    game = planned(interactive=True)
    game.set_level(DESIGNATION, 0)  # the player changes their mind
    assert SUPPORT not in game.pending and DESIGNATION not in game.pending
    assert game.dropped == [(SUPPORT, 1, [WHY])]
    game.resolve_turn()
    assert game.level(SUPPORT) == 0
    assert not any(d.action == SUPPORT for d in game.log)
    untouched = Game(base_world, "both-sides", seed=5, runs=4, interactive=True)
    untouched.resolve_turn()
    assert game.capital("us") == untouched.capital("us")  # no capital went on the dropped change


def test_unsetting_the_change_drops_them_too(planned):
    game = planned(interactive=True)
    game.unset_level(DESIGNATION)
    assert SUPPORT not in game.pending
    assert [d[0] for d in game.dropped] == [SUPPORT]


def test_a_change_that_still_has_its_support_stays(planned):
    game = planned(interactive=True)
    game.set_level(DESIGNATION, 2)  # a different level that still meets "designation >= 1"
    assert game.pending[SUPPORT] == 1 and game.dropped == []


def test_a_headless_plan_keeps_its_levels_and_warns_when_the_turn_resolves(planned):
    game = planned(interactive=False)
    game.set_level(DESIGNATION, 0)
    assert game.pending[SUPPORT] == 1  # a plan is played as written (what-if, replays)
    game.resolve_turn()
    assert game.warnings == [f"turn 1: {SUPPORT} -> 1: {WHY}"]
