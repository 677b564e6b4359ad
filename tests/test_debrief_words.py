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


def test_an_indicators_detail_names_its_source(base_world):
    from game.app.widgets.detail_pane import describe_indicator
    from game.engine import Game

    game = Game(base_world, "both-sides", seed=1, runs=1)
    for indicator in ("mx_drug_homicides", "us_overdose_deaths"):
        item = base_world.symbols[indicator].located.item
        assert item.source and f"Source: {item.source}" in describe_indicator(game, indicator).plain


def test_the_briefing_counts_the_game_in_its_own_turns(base_world):
    from game.app.screens.new_game import briefing_text

    assert "40 quarters (10 years)" in briefing_text(base_world, "both-sides").plain
    assert "10 years (10 years)" not in briefing_text(base_world, "one-period").plain
    assert "1 years" not in briefing_text(base_world, "one-period").plain


def test_the_headers_budget_line_takes_a_short_form_when_it_would_be_cut(base_world):
    """A playtester's mod with a third side cut the line at 80x24 ("... │ City $0")."""
    from game.app.widgets.turn_header import header_text
    from game.engine import Game

    game = Game(base_world, "both-sides", seed=1, runs=1)
    wide = header_text(game, None, width=120).plain.splitlines()[1]
    narrow = header_text(game, None, width=60).plain.splitlines()[1]
    assert " of " in wide and "capital 40" in wide and " a quarter" in wide
    assert len(narrow) <= 58 and "cap 40" in narrow and "/" in narrow and "MX" in narrow
