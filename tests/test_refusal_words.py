"""A refusal for want of political capital names what this change costs, apart from the rest.

A playtester saw "needs 42 political capital, 38 available" for a change that cost 15: the
42 was the whole plan. The refusal now says the change's own cost and what the other
planned changes take.
"""

from __future__ import annotations

from game.engine import ActionRefused, Game


def test_a_refusal_for_capital_separates_this_change_from_the_rest_of_the_plan(base_world):
    game = Game(base_world, "both-sides", seed=1, runs=1, interactive=True)
    side = "us"
    costly = sorted(
        (a for a, info in base_world.actions.items() if info.spec.side == side and not info.prerequisites),
        key=lambda a: -base_world.actions[a].capital_to_change(0, base_world.actions[a].levels - 1),
    )
    refusal = None
    for aid in costly:
        top = base_world.actions[aid].levels - 1
        try:
            game.set_level(aid, top)
        except ActionRefused as refused:
            if any("political capital" in r for r in refused.reasons) and game.capital_needed(side) > 0:
                own = base_world.actions[aid].capital_to_change(game.committed_level(aid), top)
                refusal = refused
                break
    assert refusal is not None, "planning every costly US lever at its top never ran out of capital"
    words = next(r for r in refusal.reasons if "political capital" in r)
    planned = game.capital_needed(side)
    assert words == (
        f"needs {own:.0f} political capital; with the {planned:.0f} the other planned changes take, "
        f"that is {own + planned:.0f}, and {game.capital(side):.0f} is available"
    )


def test_a_shortfall_under_one_point_shows_the_decimals_that_tell_the_two_apart(base_world):
    """A playtester read "needs 3 political capital, 3 available": 2.96 was available."""
    import numpy as np

    game = Game(base_world, "both-sides", seed=1, runs=1, interactive=True)
    aid = next(
        a
        for a, info in sorted(base_world.actions.items())
        if info.spec.side == "us" and not info.prerequisites and info.capital_to_change(0, 1) >= 1
    )
    cost = base_world.actions[aid].capital_to_change(game.committed_level(aid), 1)
    capital = base_world.sides["us"].capital
    game._state.stocks[capital] = np.full((1, 1), cost - 0.04)
    words = next(r for r in game.check_level(aid, 1) if "political capital" in r)
    assert words == f"needs {cost:.0f} political capital, {cost - 0.04:.2f} available"
