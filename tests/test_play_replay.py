"""A reason to play again and a way to take a turn back (issue 12): difficulty levels as content,
and undoing the last turn as a replay minus that turn."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest
from driving import started
from play_helpers import eventually, mini_mod, play, screen_lines
from test_app import MINI, end_turn, highlight_action, ready, sync

from game.app.screens.dialogs import BusyDialog, ConfirmDialog
from game.app.screens.main import MainScreen
from game.app.widgets.action_panel import ActionPanel
from game.app.widgets.dashboard import Dashboard
from game.content.errors import ContentErrors
from game.engine import Game, GameError, load_world, run_plan, undo_last_turn
from game.saves import load_save, save_game

LEVELS = textwrap.dedent(
    """
    [difficulty.gentle]
    name = "Gentle"
    description = "Twice the money, more capital, and no surprises."
    order = 1
    multiply = { us_budget = 2.0 }
    start = { us_capital = 1.5 }
    uncertainty = 0.0

    [difficulty.normal]
    name = "Normal"
    description = "As the content says."
    order = 2
    default = true

    [difficulty.wild]
    name = "Wild"
    description = "Every uncertain number anywhere in its range."
    order = 3
    spread = "uniform"
    """
)


pack = mini_mod


@pytest.fixture(scope="module")
def levels(tmp_path_factory):
    return load_world([MINI, pack(tmp_path_factory.mktemp("levels"), LEVELS, "levels")])


# --------------------------------------------------------------------------- difficulty


def test_difficulties_come_in_order_with_a_default(levels):
    assert list(levels.difficulties) == ["gentle", "normal", "wild"]
    assert levels.default_difficulty == "normal"
    assert Game(levels, "test-run", seed=4).difficulty == "normal"


def test_a_difficulty_changes_money_capital_and_the_draws(levels):
    normal = Game(levels, "test-run", seed=4, difficulty="normal")
    gentle = Game(levels, "test-run", seed=4, difficulty="gentle")
    assert float(gentle.value("us_budget").mean()) == 2 * float(normal.value("us_budget").mean())
    assert gentle.capital("us") == 1.5 * normal.capital("us")
    assert gentle.capital("mx") == normal.capital("mx")
    for pid in ("initiation", "efficacy"):  # no surprises: every uncertain number at its best estimate
        assert float(gentle.parameter(pid)[0, 0]) == levels.parameters[pid].value
    assert float(normal.parameter("initiation")[0, 0]) != levels.parameters["initiation"].value


def test_a_wide_spread_reaches_the_ends_of_the_range_more_often(levels):
    normal = Game(levels, "test-run", seed=4, runs=2000, difficulty="normal")
    wild = Game(levels, "test-run", seed=4, runs=2000, difficulty="wild")
    low, high = levels.parameters["initiation"].range
    edge = 0.1 * (high - low)

    def near_ends(game: Game) -> float:
        values = game.parameter("initiation")[:, 0]
        return float(np.mean((values < low + edge) | (values > high - edge)))

    assert near_ends(wild) > 2 * near_ends(normal)
    assert ((wild.parameter("initiation") >= low) & (wild.parameter("initiation") <= high)).all()


def test_a_pinned_value_is_left_as_pinned(levels):
    gentle = Game(levels, "test-run", seed=4, difficulty="gentle", pins={"us_budget": 7.0})
    assert float(gentle.value("us_budget").mean()) == 7.0


def test_the_status_quo_and_the_bands_play_at_the_same_difficulty(levels):
    game = Game(levels, "test-run", seed=4, difficulty="gentle", status_quo=True)
    assert game.status_quo is not None and game.status_quo.difficulty == "gentle"
    assert game.batch(3).difficulty == "gentle"


def test_an_unknown_difficulty_is_refused_with_the_known_ones(levels):
    expected = "unknown difficulty 'gentel'.*gentle.*choose one of: gentle, normal, wild"
    with pytest.raises(GameError, match=expected):
        Game(levels, "test-run", seed=4, difficulty="gentel")


def test_a_save_replays_at_its_difficulty(levels, tmp_path):
    game = play(Game(levels, "test-run", seed=4, difficulty="gentle", status_quo=True, interactive=True), 3)
    loaded = load_save(save_game(game, "gentle", folder=tmp_path), levels).game
    assert loaded.difficulty == "gentle" and loaded.state_digest() == game.state_digest()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[difficulty.a]\nmultiply = { no_such = 2.0 }\n", "unknown parameter 'no_such'"),
        ("[difficulty.a]\nstart = { us_budget = 2.0 }\n", "unknown stock 'us_budget'"),
        ("[difficulty.a]\nmultiply = { us_budget = 0.0 }\n", "must be above 0"),
        ("[difficulty.a]\nuncertainty = 2.0\n", "must be 1.0 or less"),
        ("[difficulty.a]\ndefault = true\n[difficulty.b]\ndefault = true\n", "two difficulties are"),
    ],
)
def test_bad_difficulties_are_refused_at_their_place(tmp_path, text, message):
    with pytest.raises(ContentErrors) as caught:
        load_world([MINI, pack(tmp_path, text, "bad")])
    errors = "\n".join(str(e) for e in caught.value.errors)
    assert message in errors and "content.toml:" in errors


def test_the_base_world_offers_three_difficulties_and_standard_plays_as_before():
    world = load_world([Path(__file__).parent.parent / "content" / "base"])
    assert list(world.difficulties) == ["easy", "standard", "hard"] and world.default_difficulty == "standard"
    hard, easy = (Game(world, "both-sides", seed=7, difficulty=d) for d in ("hard", "easy"))
    assert hard.capital("us") < Game(world, "both-sides", seed=7).capital("us") < easy.capital("us")
    for level in world.difficulties.values():
        assert level.description, "the new-game screen describes each difficulty"


def test_learning_says_hope_is_the_lever_it_leaves_a_gamble_and_it_is(base_world):
    """Learning sits every uncertain number at its best estimate, and HOPE's is the replications'
    null: a plan built on HOPE grades lower there than on Standard (a playtester took it for an
    inverted ladder). Its description says so, and what it says is what the world does."""
    plan = Path(__file__).parent.parent / "content" / "base" / "plans" / "hope_full.toml"
    easy = base_world.difficulties["easy"]
    assert "HOPE" in easy.description and "Standard" in easy.description
    learning = run_plan(base_world, "both-sides", plan, seed=5, difficulty="easy")
    assert learning.status_quo is not None
    assert learning.game.parameter("hope_efficacy").item() == 0.0
    heavy, quo = learning.game.history("heavy_users"), learning.status_quo.history("heavy_users")
    assert np.array_equal(heavy[-1], quo[-1])  # it changes no one's drug use
    assert abs(learning.game.debrief().score) < 1


@sync
async def test_the_new_game_screen_describes_and_starts_a_difficulty(levels, tmp_path):
    async with started(levels, tmp_path) as pilot:
        app = pilot.app
        await pilot.press("n")
        await ready(pilot)
        briefing = str(app.screen.query_one("#briefing-text").render())
        assert "Difficulty: Normal" in briefing and "As the content says." in briefing
        app.screen.query_one("#difficulties").focus()
        await pilot.press("up")
        await ready(pilot)
        briefing = str(app.screen.query_one("#briefing-text").render())
        assert "Difficulty: Gentle" in briefing and "Twice the money" in briefing
        await pilot.press("enter")
        await ready(pilot)
        assert isinstance(app.screen, MainScreen) and app.game.difficulty == "gentle"
        assert "Gentle" in "\n".join(screen_lines(app))  # the header says how the game is played


# --------------------------------------------------------------------------- undo


def same_game(a: Game, b: Game) -> bool:
    return (
        a.turn == b.turn
        and a.state_digest() == b.state_digest()
        and a.log == b.log
        and a.choices_made == b.choices_made
        and a.events_fired == b.events_fired
    )


def test_undo_is_a_replay_minus_the_last_turn(levels):
    game = Game(levels, "test-run", seed=5, status_quo=True, interactive=True, difficulty="gentle")
    play(game, 3)
    before = Game(levels, "test-run", seed=5, status_quo=True, interactive=True, difficulty="gentle")
    play(before, 3)
    game.set_level("treatment", 1)
    play(game, 1)
    earlier = undo_last_turn(game)
    assert earlier.turn == 3 and earlier.difficulty == "gentle"
    assert earlier.state_digest() == before.state_digest()
    assert dict(earlier.pending) == {"treatment": 1}  # the undone turn's plan, to keep or change
    play(earlier, 1)  # played again with the same plan and answers: the same numbers, to the bit
    assert same_game(earlier, game)
    assert earlier.status_quo is not None and game.status_quo is not None
    assert earlier.status_quo.state_digest() == game.status_quo.state_digest()


def test_undo_forgets_the_undone_turns_answers_and_asks_again(levels):
    game = Game(levels, "test-run", seed=5, status_quo=True, interactive=True)
    for _ in range(12):
        game.resolve_turn()
        if game.pending_dilemmas:
            break
    turn = game.turn
    dilemma = game.pending_dilemmas[0]
    game.choose(dilemma.event, dilemma.choices[-1].id)
    earlier = undo_last_turn(game)
    assert earlier.turn == turn - 1 and not any(c.turn == turn for c in earlier.choices_made)
    earlier.resolve_turn()
    assert [d.event for d in earlier.pending_dilemmas] == [dilemma.event]


def test_undo_before_any_turn_or_where_the_scenario_forbids_it_is_refused(tmp_path):
    world = load_world([MINI, pack(tmp_path, "[patch.scenario.test-run]\nundo = false\n", "strict")])
    game = Game(world, "test-run", seed=5, status_quo=True, interactive=True)
    game.resolve_turn()
    with pytest.raises(GameError, match="does not allow undoing a turn"):
        undo_last_turn(game)
    mini = load_world([MINI])
    with pytest.raises(GameError, match="nothing to undo"):
        undo_last_turn(Game(mini, "test-run", seed=5, interactive=True))


@sync
async def test_u_undoes_the_last_turn_after_asking_unless_a_class_forbids_it(levels, tmp_path):
    async with started(levels, tmp_path, scenario="test-run", seed=5, autosave=True) as pilot:
        app = pilot.app
        dashboard = app.screen.query_one(Dashboard)
        rows = [i for i, o in enumerate(dashboard.options) if not o.disabled]
        dashboard.highlighted = rows[-1]  # the player was on the last indicator, not the first
        indicator = dashboard.highlighted_indicator
        await highlight_action(pilot, "treatment")
        actions = app.screen.query_one(ActionPanel)
        assert actions.highlighted != next(i for i, o in enumerate(actions.options) if not o.disabled)
        await pilot.press("plus")
        await end_turn(pilot)
        played = app.game
        assert played.turn == 1 and "u undoes" in str(app.screen.query_one("#status").render())
        await pilot.press("u")
        await ready(pilot)
        assert isinstance(app.screen, ConfirmDialog) and "2012 Q1" in app.screen.question
        await pilot.press("y")
        await ready(pilot)
        assert await eventually(pilot, lambda: isinstance(app.screen, MainScreen) and app.game is not played)
        await ready(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.game is not played and app.game.turn == 0 and dict(app.game.pending) == {"treatment": 1}
        assert "quarter 1 of 12" in "\n".join(screen_lines(app))
        # the new main screen's cursors are where the player left them, not back at the top
        assert app.screen.query_one(ActionPanel).highlighted_action == "treatment"
        assert app.screen.query_one(Dashboard).highlighted_indicator == indicator
        assert app.saved_note(app.game).startswith("Your game was autosaved")

        # A class without undo refuses it in the class's words.
        await end_turn(pilot)
        played = app.game
        played.undo_allowed = False  # what a class with undo = false sets (ClassRules.apply)
        assert app.screen.check_action("undo", ()) is False  # the key is not offered
        app.screen.action_undo()  # and asked anyway (the palette), it is refused
        await ready(pilot)
        assert isinstance(app.screen, MainScreen) and app.game is played and played.turn == 1
        assert "No taking back a quarter in this class" in str(app.screen.query_one("#status").render())


@sync
async def test_nothing_changes_the_game_while_an_undo_is_replaying(levels, tmp_path, monkeypatch):
    """Found in a played game: e pressed while the undo replayed ended a turn that the undo then
    silently threw away. The game waits behind a busy dialog until the undo lands."""
    import threading

    import game.engine

    release = threading.Event()
    real = game.engine.undo_last_turn

    def slow_undo(g):
        release.wait(10)
        return real(g)

    monkeypatch.setattr(game.engine, "undo_last_turn", slow_undo)
    async with started(levels, tmp_path, scenario="test-run", seed=5) as pilot:
        app = pilot.app
        await end_turn(pilot)
        await end_turn(pilot)
        played = app.game
        await pilot.press("u")
        await ready(pilot)
        await pilot.press("y")
        await pilot.pause(0.1)
        assert isinstance(app.screen, BusyDialog) and "Undoing 2012 Q2" in "\n".join(screen_lines(app))
        await pilot.press("e", "s", "plus")  # end the turn, save, raise a level: all wait
        await pilot.pause(0.1)
        assert played.turn == 2 and not played.pending
        release.set()
        # the new game's screen is pushed at once but mounted later: wait until it is whole (its
        # news feed composed) and its own work done, or the test ends while it is being built
        for _ in range(400):
            await pilot.pause(0.05)
            screen = app.screen
            if (
                isinstance(screen, MainScreen)
                and app.game is not played
                and screen.is_mounted
                and screen.query("#news-text")
            ):
                break
        await ready(pilot)
        assert isinstance(app.screen, MainScreen) and app.game.turn == 1


@sync
async def test_a_scenario_can_turn_undo_off(tmp_path):
    world = load_world([MINI, pack(tmp_path, "[patch.scenario.test-run]\nundo = false\n", "classroom")])
    async with started(world, tmp_path, scenario="test-run", seed=5) as pilot:
        app = pilot.app
        await end_turn(pilot)
        played = app.game
        assert "undoes" not in str(app.screen.query_one("#status").render())
        await pilot.press("u")
        await ready(pilot)
        assert isinstance(app.screen, MainScreen) and app.game is played and app.game.turn == 1
        await pilot.press("question_mark")
        await ready(pilot)
        assert "Undo" not in "\n".join(screen_lines(app))


def test_a_dilemma_nobody_decided_keeps_its_words_through_an_undo_a_save_and_a_load(base_world, tmp_path):
    # Mexico's 2012 election with the army already back in barracks leaves nothing to decide: the
    # news says "Not put to you (...): Keep to your own course" (the default's variant), and so must the
    # debrief and the exports after the game was taken back a turn, or saved and loaded
    from game.classroom.exports import markdown

    game = Game(base_world, "both-sides", 65117, 1, {}, status_quo=True, interactive=True)
    game.set_level("mx_kingpin_strategy", 0, enforce=False)  # nothing left to pull back,
    game.set_level("mx_violence_targeting", 2, enforce=False)  # nor to promise
    for _ in range(6):
        game.resolve_turn()
        for dilemma in list(game.pending_dilemmas):
            game.choose(dilemma.event, next(c.id for c in dilemma.choices if c.default))

    def election(played: Game) -> tuple[str, bool, str]:
        (made,) = [c for c in played.choices_made if c.event == "mx_election_2012"]
        return made.choice, made.by_default, made.label

    taken = ("stay_the_course", True, "Keep to your own course")
    assert election(game) == taken
    answered = {c.event: c.label for c in game.choices_made if not c.by_default}
    assert answered, "the player answered other dilemmas, in words of their own"
    for again in (undo_last_turn(game), load_save(save_game(game, "six", folder=tmp_path)).game):
        assert election(again) == taken
        assert {c.event: c.label for c in again.choices_made if not c.by_default and c.turn < 6} == {
            c.event: c.label for c in game.choices_made if not c.by_default and c.turn < 6
        }
        report = markdown(again)
        assert (
            "'Mexico votes, July 2012' was not put to a player: its default, Keep to your own course"
            in report
        )
        assert "Stay the course" not in report
