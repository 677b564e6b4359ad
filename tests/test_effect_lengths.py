"""An effect's length is told in the game's own turns, as the engine counts it.

A playtester read "US approval shock -2 for 8 years" in the decade-in-years scenario and
"for 8 quarters" for the same choice in the quarterly one: the content writes 8 quarters,
the engine makes that 2 years, and the dialog said 8 of the game's turns.
"""

from __future__ import annotations

from game.app.consequences import effect_words
from game.engine import ChoiceMade, Game


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
    assert "-0.44 percentage points" in said(share, add=-0.00441)  # not -0.441: two figures, as read
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


def test_an_effect_written_as_a_formula_is_worked_out_for_the_game_as_it_stands(base_world):
    from game.app.consequences import choice_words

    game = Game(base_world, "both-sides", seed=1, runs=1)
    found = [
        (eid, choice)
        for eid, info in base_world.events.items()
        for choice in info.spec.choices
        if any(e.add is not None and not isinstance(e.add, float) for e in choice.effects)
    ]
    assert found, "the base game has a dilemma whose effect is a formula"
    for eid, choice in found:
        assert " changed " in choice_words(base_world, eid, choice, "quarter")  # nothing to work it out in
        worked_out = choice_words(base_world, eid, choice, "quarter", env=game.env)
        assert " changed " not in worked_out and "percentage points" in worked_out, worked_out


def test_the_news_says_what_was_taken_when_nobody_could_decide(base_world):
    from game.app.screens.dialogs import NewsDialog

    eid, choice = next(
        (eid, c)
        for eid, info in base_world.events.items()
        for c in info.spec.choices
        if c.default and c.capital
    )
    game = Game(base_world, "both-sides", seed=1, runs=1)
    taken = ChoiceMade(1, eid, choice.id, by_default=True, label="The words the player read")
    news = NewsDialog("2012 Q3", [], base_world, "quarter", game.turn_scale, game.env, {eid: taken})
    said = news._default_taken(eid).plain
    assert said.startswith(
        "\nNot put to you (no other answer would have changed anything, so there was nothing to decide): "
        "The words the player read"
    )
    scale = game.turn_scale
    final = NewsDialog("2021 Q4", [], base_world, "quarter", scale, game.env, {eid: taken}, final=True)
    assert final._default_taken(eid).plain.startswith("\nNot put to you (the game ended with this quarter): ")
    assert "political capital" in said
    assert news._default_taken("no_such_event").plain == ""


def test_the_news_says_a_dilemma_of_a_side_the_scenario_withholds_was_not_the_players(base_world):
    from game.app.screens.dialogs import NewsDialog

    game = Game(base_world, "high-point", seed=1, runs=1)
    election = base_world.events["mx_election_2012"].spec
    choice = next(c for c in election.choices if c.default)
    taken = ChoiceMade(3, "mx_election_2012", choice.id, by_default=True, label=choice.label)
    defaults, unplayed = {taken.event: taken}, {"mx": "Mexico"}
    news = NewsDialog("2012 Q3", [], base_world, "quarter", game.turn_scale, game.env, defaults, unplayed)
    said = news._default_taken(taken.event).plain
    assert said.startswith(f"\nNot put to you (Mexico is not yours to play here): {choice.label}")
