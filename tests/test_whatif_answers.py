"""What if a dilemma had been answered otherwise: the engine's replay, the command line and the
debrief's what-if dialog, on the mini pack's massacre dilemma (Deny or Crack down)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from driving import ready, started, sync

from game.classroom.whatif import Answer, Change, WhatIfError, comparison_text, what_if
from game.cli import main
from game.engine import Game, World
from game.saves import save_game


def massacre_turn(game: Game) -> int:
    return next(c.turn for c in game.choices_made if c.event == "massacre")


@pytest.fixture
def cracked(mini_world: World, massacre_seed: int) -> Game:
    """Six quarters of the mini pack, its massacre answered "Crack down", treatment raised after it."""
    game = Game(mini_world, "test-run", seed=massacre_seed, status_quo=True, interactive=True)
    for turn in range(1, 7):
        if turn == 2:
            game.set_level("treatment", 1)
        game.resolve_turn()
        for dilemma in list(game.pending_dilemmas):
            game.choose(dilemma.event, "crack_down")
    assert [(c.event, c.by_default) for c in game.choices_made] == [("massacre", False)]
    return game


def test_another_answer_replays_the_game_with_it_and_the_same_answer_changes_nothing(
    cracked: Game,
) -> None:
    game = cracked
    turn = massacre_turn(game)
    denied = what_if(game, [], [Answer(turn, "massacre", "deny")])
    assert not denied.identical and denied.changes == [
        f"with 'A massacre' answered 'Deny' in quarter {turn} ({game.date(turn)})"
    ]
    assert [(c.turn, c.event, c.choice) for c in denied.changed.choices_made if c.event == "massacre"] == [
        (turn, "massacre", "deny")
    ]
    assert not denied.unused and "answered 'Deny'" in comparison_text(denied)
    same = what_if(game, [], [Answer(turn, "massacre", "crack_down")])  # the answer the player gave
    assert same.identical and same.after.score == same.before.score


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("{t}:masacre=deny", "no event 'masacre' (did you mean \"massacre\"?)"),
        ("{t}:fad=deny", "no dilemma 'fad'"),
        ("{t}:massacre=surrender", "massacre has no choice 'surrender': its choices are deny, crack_down"),
        ("{later}:massacre=deny", "did not come up in turn {later} (the dilemmas answered: {t}:massacre)"),
        ("99:massacre=deny", "6 turns were played: choose a turn from 1 to 6"),
        ("{t}:massacre", "is not TURN:EVENT=CHOICE"),
    ],
)
def test_an_answer_that_does_not_fit_the_game_is_one_clear_message(
    cracked: Game, answer: str, message: str
) -> None:
    game = cracked
    turn = massacre_turn(game)
    later = turn % 6 + 1
    with pytest.raises(WhatIfError) as caught:
        what_if(game, [], [Answer.parse(answer.format(t=turn, later=later))])
    assert message.format(t=turn, later=later) in str(caught.value)


def test_an_answer_the_changed_game_never_asks_for_is_said_not_given(mini_world: World) -> None:
    # a game whose massacre comes up only because of its first decision: without it, the
    # what-if's game never asks, and the answer to it is reported as not given
    for seed in range(60):
        game = Game(mini_world, "test-run", seed=seed, status_quo=True, interactive=True)
        game.set_level("enforcement", 2)
        for _ in range(6):
            game.resolve_turn()
            for dilemma in list(game.pending_dilemmas):
                game.choose(dilemma.event, "crack_down")
        if not any(c.event == "massacre" for c in game.choices_made):
            continue
        turn = massacre_turn(game)
        result = what_if(game, [Change(1, "enforcement")], [Answer(turn, "massacre", "deny")])
        if result.unused:
            break
    else:
        raise AssertionError("no seed of the mini pack loses its massacre without its first decision")
    assert result.unused == [
        f"'A massacre' did not come up in quarter {turn} of the what-if, so that answer was not given"
    ]
    assert f"note: {result.unused[0]}" in comparison_text(result)


def test_the_command_line_answers_a_dilemma_otherwise(
    cracked: Game, mini_as_base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    game = cracked
    turn = massacre_turn(game)
    path = save_game(game, "cracked down", folder=tmp_path)
    answer = ["--answer", f"{turn}:massacre=deny"]
    assert main(["whatif", str(path), *answer, "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["identical"] is False and "answered 'Deny'" in shown["changes"][0]
    assert shown["answers_not_given"] == []
    assert main(["whatif", str(path), "--answer", f"{turn}:massacre=surrender"]) == 1
    err = capsys.readouterr().err
    assert "its choices are deny, crack_down" in err and "Traceback" not in err


@sync
async def test_the_debriefs_what_if_offers_the_dilemmas_other_answers(
    mini_world: World, cracked: Game, tmp_path: Path
) -> None:
    from textual.widgets import OptionList

    from game.app.screens.what_if import WhatIfDialog

    game = cracked
    turn = massacre_turn(game)
    async with started(mini_world, tmp_path) as pilot:
        pilot.app.push_screen(WhatIfDialog(game))
        await ready(pilot)
        picker = pilot.app.screen.query_one("#whatif-list", OptionList)
        prompts = [str(picker.get_option_at_index(i).prompt) for i in range(picker.option_count)]
        answered = f"quarter {turn} ({game.date(turn)}): A massacre: answered Crack down"
        assert answered in prompts
        # in the order things happened: the dilemma of quarter 1, then the decision before quarter 2
        assert prompts.index(answered) == 0 and prompts[1].startswith("quarter 2 (")
        picker.highlighted = prompts.index(answered)
        await pilot.press("enter")
        await pilot.pause()
        assert [str(picker.get_option_at_index(i).prompt) for i in range(picker.option_count)] == [
            "answer Deny instead"
        ]
        await pilot.press("enter")
        await ready(pilot)
        result = str(pilot.app.screen.query_one("#whatif-result").render())
        assert f"with 'A massacre' answered 'Deny' in quarter {turn}" in result and "score:" in result
        await pilot.press("escape")  # from the outcome back to the decisions
        await ready(pilot)
        assert picker.highlighted == prompts.index(answered) and picker.has_focus  # on the answer just tried


@sync
async def test_the_outcome_of_a_what_if_fills_the_dialog_at_80x24_whatever_the_decisions(
    base_world, tmp_path
):
    """A game of a dozen decisions: the list of them filled the dialog and the comparison sat below
    it, off the screen, with nothing to scroll to it (a playtest found it so on every debrief)."""
    from play_helpers import screen_lines

    from game.app.screens.what_if import WhatIfDialog

    game = Game(base_world, "both-sides", 4, status_quo=True)
    levers = sorted(base_world.actions)[:12]
    for lever in levers:
        game.set_level(lever, 1, enforce=False)
        game.resolve_turn()
    async with started(base_world, tmp_path) as pilot:
        pilot.app.push_screen(WhatIfDialog(game))
        await ready(pilot)
        await pilot.press("enter")  # the first decision
        await ready(pilot)
        await pilot.press("enter")  # drop it
        await ready(pilot)
        shown = "\n".join(screen_lines(pilot.app))
        assert "without the decision on" in shown and "Addiction" in shown, shown  # the outcome, first
        row = next(line for line in shown.splitlines() if "Addiction" in line)
        assert "→" in row and ")" in row, shown  # a row on one line, its points not wrapped below it
        assert "-0.0 " not in shown and "(-0.0)" not in shown, shown  # a change too small to show is no loss
        import re

        for a, b, change in re.findall(r"([+-]\d+\.\d) → ([+-]\d+\.\d) \(([+-]\d+\.\d)\)", shown):
            assert round(float(b) - float(a), 1) == float(change), shown  # each row adds up as read
        await pilot.press("end")  # its end, by keys: the score
        await ready(pilot)
        shown = "\n".join(screen_lines(pilot.app))
        assert "score:" in shown, shown


def test_a_rows_points_add_up_as_shown():
    """+3.8 → +4.4 read "(+0.5)" when the decimals behind them made it so (a playtester)."""
    from types import SimpleNamespace as Of

    row = Of(
        label="Deaths", decimals=0, status_quo=10.0, before=9.0, after=8.0,
        points_before=3.84, points_after=4.36, points_change=0.52, status_quo_after=None,
    )  # fmt: skip
    result = Of(
        original=Of(scenario=Of(turn_name="quarter", name="S"), scenario_id="s", seed=1, turn=4),
        changes=["x"], identical=False, objectives=[row], warnings=[], unused=[],
        before=Of(score=1.0, grade="bad", earned="bad", ending=None),
        after=Of(score=1.5, grade="bad", earned="bad", ending=None),
    )  # fmt: skip
    assert "+3.8 → +4.4 (+0.6)" in comparison_text(result, compact=True)  # type: ignore[arg-type]


def test_a_what_if_whose_ending_capped_its_grade_says_so():
    """+20.0 read "(bad)" beside a scale whose unpleasant band is +10 to +30, with no reason (a
    playtester): the what-if met an ending that caps the grade, and now the table says so."""
    from types import SimpleNamespace as Of

    result = Of(
        original=Of(scenario=Of(turn_name="year", name="S"), scenario_id="s", seed=1, turn=10),
        changes=["x"], identical=False, objectives=[], warnings=[], unused=[],
        before=Of(score=22.9, grade="unpleasant", earned="unpleasant", ending=None),
        after=Of(score=20.0, grade="bad", earned="unpleasant", ending=Of(title="Voted out in Washington")),
    )  # fmt: skip
    text = comparison_text(result)  # type: ignore[arg-type]
    assert "score: +22.9 (unpleasant) → +20.0 (bad): -2.9 points" in text
    assert (
        "note: the what-if met the ending 'Voted out in Washington', which caps the grade at bad "
        "(the score alone earned unpleasant)"
    ) in text


def test_the_compact_table_gives_its_labels_the_room_the_dialog_has():
    """At 120x40 the dialog is wider than at 80x24: its labels were cut to 17 columns all the same."""
    from types import SimpleNamespace as Of

    label = "American lives: drug overdose deaths"
    row = Of(
        label=label, decimals=0, status_quo=10.0, before=9.0, after=8.0,
        points_before=1.0, points_after=1.0, points_change=0.0, status_quo_after=None,
    )  # fmt: skip
    result = Of(
        original=Of(scenario=Of(turn_name="quarter", name="S"), scenario_id="s", seed=1, turn=4),
        changes=[], identical=True, objectives=[row], warnings=[], unused=[],
        before=Of(score=1.0, grade="bad", earned="bad", ending=None),
        after=Of(score=1.0, grade="bad", earned="bad", ending=None),
    )  # fmt: skip
    narrow = comparison_text(result, compact=True)  # type: ignore[arg-type]
    wide = comparison_text(result, compact=True, room=83)  # type: ignore[arg-type]
    assert label[:16] + "…" in narrow and label[:26] + "…" in wide
    rows = [line for text in (narrow, wide) for line in text.splitlines() if line.startswith("American")]
    assert [len(line) for line in rows] == [73, 83]  # each row fills its room exactly


def score_line(result) -> str:
    return next(x for x in comparison_text(result).splitlines() if x.startswith("score: "))


def test_a_score_that_moved_too_little_to_show_says_so_instead_of_minus_zero(cracked: Game) -> None:
    """A playtester read "score: +0.1 (bad) → +0.1 (bad): -0.0 points" for a what-if that did
    change the game (by 0.003 points): it read as a loss, and as no change."""
    import dataclasses

    turn = massacre_turn(cracked)
    denied = what_if(cracked, [], [Answer(turn, "massacre", "deny")])
    assert not denied.identical
    after = dataclasses.replace(denied.after, score=denied.before.score - 0.003)
    line = score_line(dataclasses.replace(denied, after=after))
    assert line.endswith(": +0.0 points (under 0.05: the numbers moved, barely)"), line
    assert "-0.0" not in line
    same = what_if(cracked, [], [Answer(turn, "massacre", "crack_down")])
    assert score_line(same).endswith("+0.0 points")


def test_a_what_if_measured_over_other_years_shows_the_status_quo_each_is_scored_against():
    """A game Mexico's crisis ended in year 6, replayed without its kingpin decision to no ending:
    1,880 killings against the status quo's 1,771 read "+0.2 points" (a playtester), because the
    what-if is measured over other years, against the status quo over those (1,907)."""
    from types import SimpleNamespace as Of

    from game.classroom.whatif import ObjectiveChange

    row = ObjectiveChange("mx", "Mexican lives", "a month", 0, 1771.0, 2768.0, 1880.0, -6.5, 0.2, 1907.0)
    assert row.own_status_quo == 1907.0
    ended = Of(score=-7.8, grade="catastrophic", earned="bad", ending=Of(title="Mexico loses control"),
               measured_over="over the game up to its ending")  # fmt: skip
    result = Of(
        original=Of(scenario=Of(turn_name="year", name="S"), scenario_id="s", seed=1, turn=6),
        changes=["x"], identical=False, objectives=[row], warnings=[], unused=[], before=ended,
        after=Of(score=-1.0, grade="bad", earned="bad", ending=None, measured_over="over the game"),
    )  # fmt: skip
    text = comparison_text(result)  # type: ignore[arg-type]
    header, line = (next(t for t in text.splitlines() if t.startswith(s)) for s in ("objective", "Mexican"))
    assert header.split()[1:7] == ["status", "quo", "your", "game", "its", "sq"]
    assert line.split()[2:6] == ["1,771", "2,768", "1,907", "1,880"] and "—" in line  # no difference
    assert "compare each with its own status quo (the points do)" in text
    assert "your game met 'Mexico loses control' and the what-if met no ending" in text
    compact = comparison_text(result, compact=True)  # type: ignore[arg-type]
    assert "1,907" not in compact and "the status quo under each" in compact


def test_the_score_change_is_the_two_scores_as_shown():
    """'+37.5 → +31.0: -6.4 points' (a playtester): the change is taken from the scores shown."""
    from types import SimpleNamespace as Of

    result = Of(
        original=Of(scenario=Of(turn_name="quarter", name="S"), scenario_id="s", seed=1, turn=40),
        changes=["x"], identical=False, objectives=[], warnings=[], unused=[],
        before=Of(score=37.46, grade="merely distasteful", earned="merely distasteful", ending=None),
        after=Of(score=31.04, grade="merely distasteful", earned="merely distasteful", ending=None),
    )  # fmt: skip
    assert "→ +31.0 (merely distasteful): -6.5 points" in comparison_text(result)  # type: ignore[arg-type]
