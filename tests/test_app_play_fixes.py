"""Issue 12's screen defects, each driven through Pilot: what a player saw go wrong, now right."""

from __future__ import annotations

import textwrap

import pytest
from driving import started
from play_helpers import eventually, screen_lines, scrolled_down
from test_app import MINI, SIZE, end_turn, highlight_action, make_app, ready, sync

from game.app.screens.dialogs import DilemmaDialog, HelpDialog, NewsDialog
from game.app.screens.main import MainScreen
from game.app.screens.title import LOGO
from game.app.screens.why import WhyScreen
from game.app.widgets.detail_pane import DetailPane
from game.app.widgets.size_notice import SizeNotice
from game.app.widgets.turn_header import TurnHeader
from game.engine import load_world

BONUS_PACK = {
    "pack.toml": 'id = "bonus"\nname = "Bonus"\nversion = "1.0"\ndependencies = [{ id = "mini" }]\n',
    "events.toml": textwrap.dedent(
        """
        [event.election_won]
        title = "Election won"
        text = "The voters reward you."
        condition = "turn == 1"
        capital = { us = 10.0 }

        [event.summit]
        title = "A summit"
        text = "What will you promise?"
        condition = "turn == 1"
        [[event.summit.choices]]
        id = "nothing"
        label = "Promise nothing"
        default = true
        [[event.summit.choices]]
        id = "treat"
        label = "Promise treatment"
        set_action = { treatment = 1 }

        [patch.action.enforcement]
        name = "Enforcement aimed at the most violent dealers and crews"

        [patch.stock.heavy_users]
        description = "{long}"
        [patch.stock.light_users]
        description = "{long}"
        """
    ).replace("{long}", "A long description that needs scrolling to read to its end. " * 30),
}


@pytest.fixture(scope="module")
def mini():
    return load_world([MINI])


@pytest.fixture(scope="module")
def bonus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bonus")
    for name, text in BONUS_PACK.items():
        (folder / name).write_text(text)
    return load_world([MINI, folder])


@sync
async def test_levels_the_first_quarters_dialogs_and_the_panes_scroll_in_one_bonus_game(bonus, tmp_path):
    """Defects 10, 4, 8 and 6, in steps of one game on the bonus pack (an election won and a
    summit dilemma in its first quarter), each step starting where the last one left it."""
    app = make_app(bonus, tmp_path, scenario="test-run", seed=3)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)

        # Defect 10: ? did nothing on dilemma and news dialogs.
        before = app.game.capital("us")
        await pilot.press("e")
        await ready(pilot)
        seen = set()
        for _ in range(4):
            screen = app.screen
            if not isinstance(screen, NewsDialog | DilemmaDialog):
                break
            await pilot.press("question_mark")
            await ready(pilot)
            assert isinstance(app.screen, HelpDialog), f"? did nothing on {type(screen).__name__}"
            text = "\n".join(screen_lines(app))
            assert ("dilemma" in text) if isinstance(screen, DilemmaDialog) else ("news" in text)
            seen.add(type(screen))
            await pilot.press("question_mark")  # ? again closes the help
            await ready(pilot)
            assert app.screen is screen
            await pilot.press("enter")
            await ready(pilot)
        assert seen == {NewsDialog, DilemmaDialog}

        # Defect 4: the news said "+10" but the header showed it a turn later.
        header = str(app.screen.query_one(TurnHeader).render())
        assert app.game.capital("us") >= before + 10 - 1e-9
        assert f"capital {app.game.capital('us'):.0f}" in header

        # Defect 8: every + and - popped up a notice; three presses stacked them over the dashboard.
        app.clear_notifications()  # the quarter's own notices
        await highlight_action(pilot, "enforcement")
        await pilot.press("plus", "minus", "minus")
        await ready(pilot)
        assert app.game.level("enforcement") == 0
        assert list(app._notifications) == []
        await pilot.press("minus")  # already at the lowest level: said on the status line only
        await ready(pilot)
        assert list(app._notifications) == []
        assert "lowest level" in str(app.screen.query_one("#status").render())

        # Defect 6: the panes kept their scroll position, so a new item's heading was off screen.
        await highlight_action(pilot, "enforcement")
        detail = app.screen.query_one(DetailPane)
        await scrolled_down(pilot, detail)
        await highlight_action(pilot, "treatment")
        await ready(pilot)
        assert await eventually(pilot, lambda: detail.scroll_y == 0)
        assert "Treatment" in "\n".join(screen_lines(app))
        await end_turn(pilot)
        await pilot.press("w")
        await ready(pilot)
        assert isinstance(app.screen, WhyScreen)
        body = app.screen.query_one("#why-body")
        await scrolled_down(pilot, body)
        await pilot.press("down")
        await ready(pilot)
        assert await eventually(pilot, lambda: body.scroll_y == 0)


@sync
async def test_the_logo_lines_stay_in_their_columns(mini, tmp_path):
    """Defect 13: the logo's first line was shifted 4 columns."""
    async with started(mini, tmp_path) as pilot:
        app = pilot.app
        lines = screen_lines(app)
        starts = set()
        for logo_line in LOGO.splitlines():
            core = logo_line.strip()
            row = next(line for line in lines if core in line)
            starts.add(row.index(core) - (len(logo_line) - len(logo_line.lstrip())))
        assert len(starts) == 1


@sync
async def test_the_palette_screenshot_goes_to_the_saves_folder_and_says_where(mini, tmp_path):
    """Defect 14: Screenshot failed because it wrote to ~/Downloads."""
    app = make_app(mini, tmp_path / "saves", scenario="test-run", seed=3)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Screenshot")
        command.callback()
        await pilot.pause(0.3)
        await ready(pilot)
        pictures = list((tmp_path / "saves").glob("screenshot-*.svg"))
        assert len(pictures) == 1 and "<svg" in pictures[0].read_text(encoding="utf-8")
        said = " ".join(str(n.message) for n in app._notifications)
        assert str(pictures[0]) in said


@sync
async def test_a_screenshot_that_cannot_be_written_says_why(mini, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    app = make_app(mini, blocked, scenario="test-run", seed=3)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        app.action_screenshot()
        await ready(pilot)

        def errors() -> list:
            return [n for n in app._notifications if n.severity == "error"]

        assert await eventually(pilot, lambda: bool(errors()))  # a notice is posted, then shown
        assert str(blocked) in str(errors()[0].message)


@sync
async def test_a_too_small_terminal_gets_a_clear_notice_and_the_game_back_after(mini, tmp_path):
    """Defect 15: at 60x20 names shrank to "Drug…" and Mexico's rows vanished."""
    async with started(mini, tmp_path, scenario="test-run", seed=3, size=(60, 20)) as pilot:
        app = pilot.app
        text = "\n".join(screen_lines(app))
        assert "Make the terminal at least 80×24" in text and "60×20" in text
        assert "MEXICO" not in text
        await pilot.resize_terminal(*SIZE)
        await ready(pilot)
        text = "\n".join(screen_lines(app))
        assert "Make the terminal" not in text and "MEXICO" in text
        assert app.screen.focused is not None  # the keys work again where the player left them
        await pilot.resize_terminal(80, 20)  # tall enough matters too
        await ready(pilot)
        assert app.screen.query_one(SizeNotice).display


@sync
async def test_the_notice_comes_when_the_terminal_shrinks_and_only_then(mini, tmp_path):
    """A screen at full size carries no notice (one mounted on every screen cost each a mount
    and a layout); shrinking the terminal brings it, on the screen in view and on a dialog
    opened while small, and growing it gives the keys back where the player left them."""
    async with started(mini, tmp_path, scenario="test-run", seed=3) as pilot:
        app = pilot.app
        assert not app.screen.query(SizeNotice)
        dashboard = app.screen.query_one("#dashboard")
        app.screen.set_focus(dashboard)
        await ready(pilot)
        await pilot.resize_terminal(70, 30)
        await ready(pilot)
        text = "\n".join(screen_lines(app))
        assert "Make the terminal at least 80×24" in text and "70×30" in text and "MEXICO" not in text
        await pilot.press("question_mark")
        await ready(pilot)
        assert isinstance(app.screen, HelpDialog)
        assert "Make the terminal at least 80×24" in "\n".join(screen_lines(app))
        await pilot.press("escape")
        await pilot.resize_terminal(*SIZE)
        await ready(pilot)
        assert "MEXICO" in "\n".join(screen_lines(app))
        assert app.screen.focused is dashboard


@sync
async def test_the_selected_row_is_marked_without_colour(mini, tmp_path, monkeypatch):
    """Defect 16: the highlighted row was marked only by a background shade."""
    monkeypatch.setenv("NO_COLOR", "1")
    async with started(mini, tmp_path, scenario="test-run", seed=3) as pilot:
        app = pilot.app
        assert isinstance(app.screen, MainScreen)
        await highlight_action(pilot, "enforcement")
        marked = [line for line in screen_lines(app) if "▸" in line.split("▏")[-1][:2]]
        assert len(marked) == 1 and "Enforcement" in marked[0]
        await highlight_action(pilot, "treatment")
        marked = [line for line in screen_lines(app) if "▸" in line.split("▏")[-1][:2]]
        assert len(marked) == 1 and "Treatment" in marked[0]
        await pilot.press("shift+tab")  # the dashboard: its highlighted row is marked too
        await ready(pilot)
        rows = [line for line in screen_lines(app) if line.startswith("▸")]
        assert len(rows) == 1 and "Heavy users" in rows[0]
