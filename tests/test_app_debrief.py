"""The debrief: reached by playing to the end, the grade and its cap, the timeline, the export, quitting.

One game is played to the end by keys (and quit from); the others play their turns through the engine and
end only the last one by keys, the way the debrief is reached.
"""

from __future__ import annotations

from driving import (
    answer_whatever_pops_up,
    end_turn,
    highlight_action,
    new_game,
    play_turns,
    ready,
    resolve_turns,
    started,
    sync,
)

from game.app.screens.debrief import DebriefScreen
from game.app.screens.dialogs import ConfirmDialog
from game.app.screens.main import StatusLine


@sync
async def test_a_whole_game_by_keys_ends_in_the_debrief(mini_world, tmp_path):
    async with started(mini_world, tmp_path, scenario="test-run", seed=3) as pilot:
        app = pilot.app
        game = app.game
        await highlight_action(pilot, "enforcement")
        await pilot.press("minus")
        for _ in range(game.turns):
            await pilot.press("e")
            await pilot.pause()
            await answer_whatever_pops_up(pilot)
        await ready(pilot)
        assert game.is_over and isinstance(app.screen, DebriefScreen)
        grade = str(app.screen.query_one("#grade").render())
        assert "Grade:" in grade and game.debrief().grade.upper() in grade
        outcomes = app.screen.query_one("#outcomes")
        assert outcomes.row_count == len(game.scenario.objectives) + 1, "and the row of the total score"
        timeline = app.screen.query_one("#timeline")
        assert timeline.row_count >= 1
        await pilot.press("x")
        await pilot.pause()
        (report,) = tmp_path.glob("seed 3 - test-run - *.md")
        told = [n for n in app._notifications if n.title == "Exported"]
        assert told and all(p.name in told[-1].message for p in tmp_path.glob("seed 3 - test-run - *"))
        text = report.read_text()
        assert "| objective |" in text and "| Enforcement | normal | low |" in text
        # the list of files leaves when the player opens the what-if list it would cover
        await pilot.press("w")
        await pilot.pause()
        assert not [n for n in app._notifications if n.title == "Exported"]
        await pilot.press("escape")
        await pilot.pause()
        assert "Exported 3 files to" in str(app.screen.query_one(StatusLine).render())

        # Quitting from the debrief does not speak of this turn's autosave: the game is over.
        await pilot.press("q")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        text = " ".join(str(s.render()) for s in dialog.query(".dialog-text"))
        assert "start of this turn" not in text and "game is over" in text
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)

        await pilot.press("n")  # a new game: back to the title screen
        await pilot.pause()
        assert type(app.screen).__name__ == "TitleScreen"


@sync
async def test_the_whole_debrief_timeline_scrolls_by_keyboard(mini_world, tmp_path):
    async with started(mini_world, tmp_path, scenario="test-run", seed=3) as pilot:
        app = pilot.app
        game = app.game

        def lower_then_raise(game):  # a decision every quarter: the timeline is longer than the screen
            game.set_level("enforcement", 0 if game.turn % 2 == 0 else 1)

        await play_turns(pilot, game.turns - 1, plan=lower_then_raise)
        lower_then_raise(game)
        await end_turn(pilot)  # the last turn, confirmed: the debrief follows
        screen = app.screen
        assert isinstance(screen, DebriefScreen)
        body, timeline = screen.query_one("#debrief-body"), screen.query_one("#timeline")
        assert timeline.row_count >= 12
        assert timeline.size.height >= timeline.virtual_size.height  # no hidden rows inside the table
        assert app.focused is body and body.max_scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        assert body.scroll_y == body.max_scroll_y
        assert timeline.region.bottom <= body.region.bottom  # the last row is on screen


@sync
async def test_the_debrief_says_when_an_ending_capped_the_grade(mini_world, tmp_path):
    async with started(mini_world, tmp_path) as pilot:
        app = pilot.app
        game = resolve_turns(new_game(mini_world), 1, plan=lambda game: game.set_level("enforcement", 0))
        game.ending_id[0] = "collapse"  # as if the government had fallen
        assert game.debrief().grade == "catastrophic"
        app.show_debrief(game)
        await pilot.pause()
        grade = str(app.screen.query_one("#grade").render())
        assert "capped at CATASTROPHIC" in grade and "ending ('Collapse')" in grade


@sync
async def test_a_debrief_the_content_breaks_goes_back_to_the_title_saying_why(mini_world, tmp_path):
    """Scoring plays the world on past an ending; content that breaks there (as Learning's capital
    did once) ends the game with a notification, as a broken turn does, not a traceback."""
    from game.engine import SimulationError

    async with started(mini_world, tmp_path) as pilot:
        app = pilot.app
        game = resolve_turns(new_game(mini_world), 1)

        def broken() -> None:
            raise SimulationError("stock_x = 100.06 in run 0, above its maximum 100 at turn 26")

        game.debrief = broken  # type: ignore[method-assign]
        app.show_debrief(game)
        await pilot.pause()
        assert not isinstance(app.screen, DebriefScreen) and len(app.screen_stack) == 1
        said = [n for n in app._notifications if n.title == "The game cannot go on"]
        assert said and "while scoring it" in said[0].message and "above its maximum 100" in said[0].message


def test_an_ending_that_did_not_lower_the_grade_says_the_score_earned_it_or_less():
    """ "Grade: CATASTROPHIC" above "This ending caps the grade at BAD." read as a contradiction to
    a playtester: the note says the score alone earned the lower grade."""
    from types import SimpleNamespace as Of

    from game.app.screens.debrief import cap_note

    grades = [
        Of(label="catastrophic", min_score=-1e9),
        Of(label="bad", min_score=-10.0),
        Of(label="good", min_score=10.0),
    ]
    ending = Of(grade_cap="bad", title="Voted out in Washington")
    below = cap_note(None, Of(ending=ending, grades=grades, earned="catastrophic"))  # type: ignore[arg-type]
    assert below == (
        "This ending ('Voted out in Washington') caps the grade at BAD; "
        "the score alone earned CATASTROPHIC, lower still."
    )
    same = cap_note(None, Of(ending=ending, grades=grades, earned="bad"))  # type: ignore[arg-type]
    assert same.endswith("caps the grade at BAD: the score alone earned it too.")
    above = cap_note(None, Of(ending=ending, grades=grades, earned="good"))  # type: ignore[arg-type]
    assert above.startswith("Grade capped at BAD because of the ending") and "GOOD" in above


def test_a_learning_debrief_says_nothing_was_drawn(base_world):
    """Learning's debrief listed "Close to their best estimates (98): 98 more were drawn within a
    tenth..." (more than what? a playtester): it drew nothing, and says so."""
    from game.app.screens.debrief import hidden_text
    from game.engine import Game

    learning = Game(base_world, "both-sides", seed=3, difficulty="easy")
    assert hidden_text(learning).plain.startswith("Nothing was drawn: every uncertain number sat at its best")
    standard = hidden_text(Game(base_world, "both-sides", seed=3)).plain
    assert "Far from their best estimates" in standard and " more were drawn within a tenth" in standard
