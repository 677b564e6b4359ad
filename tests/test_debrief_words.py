"""The debrief's words agree with how the score is computed.

A playtester read "deaths per year, average over the game" beside 89,500 and found 73,197 by
averaging the exported turns: the measure runs over the game and the ten years played on after
it (scoring.py), which the row did not say.
"""

from __future__ import annotations

from game.app.readouts import measure_words, objective_shares_of


def test_an_objective_measured_past_the_game_says_so(base_world):
    horizon = base_world.scenarios["both-sides"].horizon_years
    assert horizon > 0
    for share in objective_shares_of(base_world, "both-sides"):
        assert "at the end" in share.how or f"over the game + {horizon:g} years after" in share.how
    assert measure_words("mean", 10) == "average over the game + 10 years after"
    assert measure_words("mean") == "average over the game"  # no horizon: the game alone
    assert measure_words("final", 10) == "at the end"
