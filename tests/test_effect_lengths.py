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
