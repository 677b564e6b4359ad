"""A dilemma's answer is recorded as the one the game applied: a plan or a what-if naming an answer
that was not on offer (its levers already where it takes them) gets the default, and says so.

The base world's 2012 election at seed 7 (quarter 3): with Mexico's kingpin strategy already off
and violence targeting already on, "Promise to target violence" and "Pull the army back" would
move no lever, so only the default ("Keep to your own course") is on offer.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from driving import ready, started, sync

from game.classroom.whatif import Answer, comparison_text, what_if
from game.cli import main
from game.engine import Game, World
from game.saves import load_save

ELECTION, PROMISE, TURN = "mx_election_2012", "promise_violence_reduction", 3
PLAN = f"""
[[step]]
turn = 2
action = "mx_kingpin_strategy"
level = 0

[[step]]
turn = 2
action = "mx_violence_targeting"
level = 1

[[choice]]
turn = {TURN}
event = "{ELECTION}"
choice = "{PROMISE}"
"""


def targeting_already(world: World, *, interactive: bool) -> Game:
    """Seed 7 to the 2012 election, Mexico's levers already where the promise would take them."""
    game = Game(world, "both-sides", seed=7, status_quo=True, interactive=interactive)
    game.resolve_turn()
    game.set_level("mx_kingpin_strategy", 0, enforce=False)
    game.set_level("mx_violence_targeting", 1, enforce=False)
    game.resolve_turn()
    return game


def test_a_what_if_answer_not_on_offer_is_said_to_be_the_default_not_given(base_world: World) -> None:
    game = targeting_already(base_world, interactive=True)
    game.resolve_turn()
    assert not game.pending_dilemmas  # nothing to decide: the default was taken
    assert [(c.turn, c.event, c.choice, c.by_default) for c in game.choices_made] == [
        (TURN, ELECTION, "stay_the_course", True)
    ]
    result = what_if(game, [], [Answer(TURN, ELECTION, PROMISE)])
    made = [(c.choice, c.by_default, c.label) for c in result.changed.choices_made if c.event == ELECTION]
    assert made == [("stay_the_course", True, "Keep to your own course")]  # not the promise it never got
    assert result.identical  # the default's capital (+5), not the promise's (+8)
    assert result.unused == [
        "'Mexico votes, July 2012' came up in quarter 3 of the what-if, but 'Promise to target violence, "
        "not trafficking' was not on offer there (an answer that would move no lever, or one the class "
        "locks, is not offered), so the default 'Keep to your own course' was taken"
    ]
    assert f"note: {result.unused[0]}" in comparison_text(result)


def test_a_plans_answer_not_on_offer_is_recorded_as_the_default(base_world: World) -> None:
    game = targeting_already(base_world, interactive=False)
    game.planned_choices = {(TURN, ELECTION): PROMISE}
    game.resolve_turn()
    assert [(c.choice, c.by_default) for c in game.choices_made if c.event == ELECTION] == [
        ("stay_the_course", True)
    ]


@pytest.mark.parametrize("turns", [3, 6])
def test_a_save_that_named_the_answer_not_on_offer_still_replays_to_the_bit(
    tmp_path: Path, turns: int, capsys: pytest.CaptureFixture[str]
) -> None:
    # saves written before answers were recorded as applied name the answer the plan asked for;
    # main at a566761 wrote this very file but for that answer (checked by diff). A save whose last
    # turn holds the answer did not replay on main either (its live turn took the default at once).
    plan = tmp_path / "plan.toml"
    plan.write_text('scenario = "both-sides"\n' + PLAN)
    save = tmp_path / "promise.json"
    args = ["simulate", "--plan", str(plan), "--seed", "7", "--turns", str(turns), "--save", str(save)]
    assert main([*args, "--out", str(tmp_path / "out.json")]) == 0
    doc = json.loads(save.read_text())
    (answer,) = [c for t in doc["log"] if t["turn"] == TURN for c in t["choices"]]
    assert answer == {"event": ELECTION, "choice": "stay_the_course", "by_default": True}
    answer.update(choice=PROMISE, by_default=False)  # as main wrote it
    save.write_text(json.dumps(doc))
    capsys.readouterr()
    assert main(["replay", str(save)]) == 0
    assert "the replay matches the saved state exactly" in capsys.readouterr().out
    loaded = load_save(save)
    assert not loaded.differences
    assert [(c.choice, c.by_default) for c in loaded.game.choices_made if c.event == ELECTION] == [
        ("stay_the_course", True)
    ]
    answer.update(choice="no_such_answer")  # an answer the dilemma does not have is still an edit
    save.write_text(json.dumps(doc))
    assert main(["replay", str(save)]) == 1
    err = capsys.readouterr().err
    assert "no_such_answer" in err and "Traceback" not in err


def test_each_block_of_a_batch_of_plans_records_what_its_own_game_records(
    base_world: World, tmp_path: Path
) -> None:
    from game.engine import run_plan
    from game.engine.plans import replay_plans

    already = tmp_path / "already.toml"  # the promise would move nothing: the default is applied
    already.write_text('scenario = "both-sides"\n' + PLAN)
    asked = tmp_path / "asked.toml"  # the promise is on offer and given
    asked.write_text('scenario = "both-sides"\n[[choice]]' + PLAN.split("[[choice]]")[1])
    blocks = replay_plans(base_world, "both-sides", [already, asked], 1, 7, turns=TURN)
    for block, plan in zip(blocks, (already, asked), strict=True):
        alone = run_plan(base_world, "both-sides", plan, seed=7, turns=TURN, status_quo=False).game
        assert [(c.event, c.choice, c.by_default) for c in block.choices_made] == [
            (c.event, c.choice, c.by_default) for c in alone.choices_made
        ]
    election = [[c.choice for c in b.choices_made if c.event == ELECTION] for b in blocks]
    assert election == [["stay_the_course"], [PROMISE]]


@sync
async def test_what_if_shows_an_answer_that_was_not_on_offer_then_but_does_not_offer_it(
    base_world: World, tmp_path: Path
) -> None:
    from textual.widgets import OptionList

    from game.app.screens.what_if import WhatIfDialog

    game = targeting_already(base_world, interactive=True)
    game.resolve_turn()
    (made,) = game.choices_made
    assert made.offered == ("stay_the_course",)  # the promise and the pull-back would move no lever
    async with started(base_world, tmp_path, batch_runs=0) as pilot:
        pilot.app.push_screen(WhatIfDialog(game))
        await ready(pilot)
        picker = pilot.app.screen.query_one("#whatif-list", OptionList)
        prompts = [str(picker.get_option_at_index(i).prompt) for i in range(picker.option_count)]
        answer = next(i for i, p in enumerate(prompts) if "Mexico votes, July 2012" in p)
        assert "not put to a player: Keep to your own course" in prompts[answer]
        picker.highlighted = answer
        await pilot.press("enter")
        await pilot.pause()
        shown = [picker.get_option_at_index(i) for i in range(picker.option_count)]
        assert [(str(o.prompt), o.disabled) for o in shown] == [
            ("answer Promise to target violence, not trafficking instead (was not on offer then)", True),
            ("answer Pull the army back instead (was not on offer then)", True),
        ]
        help_text = str(pilot.app.screen.query_one("#whatif-help").render())
        assert "no other answer was on offer then" in help_text
        hint = str(pilot.app.screen.query_one("#whatif-hint").render())
        assert hint == "escape to go back", hint  # nothing to choose: enter is not offered
        # a decision offers dropping it, and the other levels: not the one it came from (the same)
        await pilot.press("escape")
        await pilot.pause()
        prompts = [str(picker.get_option_at_index(i).prompt) for i in range(picker.option_count)]
        decision = next(i for i, p in enumerate(prompts) if "kingpin" in p.lower())
        picker.highlighted = decision
        await pilot.press("enter")
        await pilot.pause()
        offered = [str(picker.get_option_at_index(i).prompt) for i in range(picker.option_count)]
        made = next(d for d in game.log if d.action == "mx_kingpin_strategy")
        before = base_world.actions["mx_kingpin_strategy"].spec.levels[made.previous]
        assert offered[0] == "drop this decision" and f"set it to {before}" not in offered, offered
        assert "enter to choose" in str(pilot.app.screen.query_one("#whatif-hint").render())
