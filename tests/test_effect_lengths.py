"""An effect's length is told in the game's own turns, as the engine counts it.

A playtester read "US approval shock -2 for 8 years" in the decade-in-years scenario and
"for 8 quarters" for the same choice in the quarterly one: the content writes 8 quarters,
the engine makes that 2 years, and the dialog said 8 of the game's turns.
"""

from __future__ import annotations

from game.app.screens.dialogs import effect_words
from game.engine import Game


def test_a_yearly_game_tells_an_eight_quarter_effect_as_two_years(base_world):
    effect = next(
        e
        for event in base_world.events.values()
        for choice in event.spec.choices
        for e in choice.effects
        if e.turns == 8
    )
    yearly = Game(base_world, "one-period", seed=1, runs=1)
    quarterly = Game(base_world, "both-sides", seed=1, runs=1)
    assert effect_words(base_world, effect, "quarter", quarterly.turn_scale).endswith("for 8 quarters")
    assert effect_words(base_world, effect, "year", yearly.turn_scale).endswith("for 2 years")


def test_an_effect_is_told_in_its_targets_units_not_as_a_raw_number(base_world):
    from game.content.schema import Effect

    def said(target: str, **change: float) -> str:
        return effect_words(base_world, Effect(target=target, **change), "quarter")

    share = next(p for p, info in base_world.parameters.items() if info.unit.startswith("fraction"))
    assert "+3.5 percentage points" in said(share, add=0.035)
    assert said(share, add=0.035).endswith("from now on")  # no length: the rest of the game
    points = next(p for p, info in base_world.parameters.items() if info.unit == "points")
    assert "-2 points" in said(points, add=-2.0, turns=8)
    assert "-10%" in said(points, multiply=0.9) and "×3" in said(points, multiply=3.0)
    stock = next(iter(base_world.stocks))
    assert said(stock, add=1.0).endswith("at once")  # a stock's jump happens once


def test_a_levers_ramp_is_told_in_the_games_turns_as_the_engine_converts_it(base_world):
    from game.app.widgets.detail_pane import describe_action

    aid = next(a for a, info in base_world.actions.items() if info.spec.ramp_turns == 4)
    quarterly = Game(base_world, "both-sides", seed=1, runs=1)
    yearly = Game(base_world, "one-period", seed=1, runs=1)
    assert "Ramp: full effect after 4 quarters." in describe_action(quarterly, aid).plain
    yearly_text = describe_action(yearly, aid).plain
    assert "Ramp: full effect next year." in yearly_text  # four quarters are one year
    assert "money a year" in yearly_text
