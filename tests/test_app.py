"""The main screen a player meets, driven by keys through Textual's Pilot at 80x24: the header,
the action panel and its refusals, the dashboard, the detail pane, the news feed.

The other screens have files of their own (tests/test_app_*.py); the helpers that drive the
app are in tests/driving.py (imported from here by older tests of other files).
"""

from __future__ import annotations

import re
import textwrap

import pytest
from driving import (
    MINI,
    SIZE,
    answer_whatever_pops_up,
    end_turn,
    highlight_action,
    make_app,
    new_game,
    ready,
    started,
    status,
    sync,
)

from game.app.screens.dialogs import ConfirmDialog
from game.app.screens.main import MainScreen
from game.app.widgets.action_panel import ActionPanel
from game.app.widgets.dashboard import Dashboard
from game.engine import load_world

MOD = {
    "pack.toml": 'id = "mod"\nname = "Mod"\nversion = "1.0"\ndependencies = [{ id = "mini" }]\n',
    "actions.toml": textwrap.dedent(
        """
        [action.legalize_everything]
        name = "Legalize everything"
        side = "us"
        category = "Legalization"
        levels = ["no", "yes"]
        cost = [0.0, 0.0]
        irreversible_warning = "Legal markets, once built, are hard to close."

        [action.border_wall]
        name = "Border wall"
        side = "us"
        category = "Enforcement"
        levels = ["no", "yes"]
        cost = [0.0, 50.0]
        """
    ),
}


@pytest.fixture(scope="module")
def modded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mod")
    for name, text in MOD.items():
        (folder / name).write_text(text)
    return load_world([MINI, folder])


@sync
async def test_the_main_screen_of_a_new_game_its_panes_and_leaving_it(mini_world, tmp_path):
    """One new game at test-run seed 3, in steps that each start where the last one left it."""
    async with started(mini_world, tmp_path, scenario="test-run", seed=3) as pilot:
        app = pilot.app

        # The header says the date, the turn, the money and the capital.
        header = str(app.screen.query_one("#turn-header").render())
        assert "2012 Q1, quarter 1 of 12" in header
        assert "US $2.0B of $10B a quarter · capital 50" in header and "MX $0 of $5.0B · capital 30" in header

        # The news feed explains its marks.
        title = str(app.screen.query_one("#news").border_title)
        assert "• decision" in title and "! event" in title and "? choice" in title

        # Tab cycles the panes of the main screen; the detail pane follows the dashboard.
        seen = []
        for _ in range(4):
            seen.append(app.focused.id)
            await pilot.press("tab")
        assert seen == ["actions", "dashboard", "detail", "news"] and app.focused.id == "actions"
        await pilot.press("tab", "down", "tab")
        assert "Light users" in str(app.screen.query_one("#detail-text").render())

        # Escape goes back to the actions, then always asks before leaving.
        app.screen.query_one(ActionPanel).focus()
        await pilot.pause()
        await pilot.press("enter")  # into the detail pane
        await pilot.pause()
        assert app.focused.id == "detail"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and app.focused.id == "actions"
        await pilot.press("escape")  # nothing planned, and still it asks
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)

        # Leaving with planned changes asks first; yes goes back to the title screen.
        await pilot.press("plus", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await pilot.press("escape", "y")
        await pilot.pause()
        assert type(app.screen).__name__ == "TitleScreen"


@sync
async def test_changing_an_action_moves_costs_then_indicators_and_the_dashboard_marks_them(
    mini_world, tmp_path
):
    from game.app.widgets.dashboard import change_cell

    async with started(mini_world, tmp_path, scenario="test-run", seed=3) as pilot:
        app = pilot.app
        game = app.game
        await highlight_action(pilot, "enforcement")
        await pilot.press("plus")
        await pilot.pause()
        assert game.level("enforcement") == 2
        assert "Planned high: $4.0B a quarter, 5 capital" in status(app) and "(Enforcement)" in status(app)
        header = str(app.screen.query_one("#turn-header").render())
        assert "US $4.0B of $10B a quarter · capital 50→45" in header
        assert "*Enforcement" in str(app.screen.query_one(ActionPanel).get_option("enforcement").prompt)
        revenue_before = game.value("revenue")[0, 0]
        await pilot.press("e")
        await pilot.pause()
        await answer_whatever_pops_up(pilot)
        assert game.turn == 1
        assert game.value("revenue")[0, 0] != revenue_before
        assert game.value("revenue")[0, 0] > game.status_quo.value("revenue")[0, 0]  # higher prices
        row = str(app.screen.query_one(Dashboard).get_option("revenue").prompt)
        assert "▲" in row and "✗" in row  # up since last turn, worse than the status quo
        await pilot.press("minus", "minus")
        await pilot.pause()
        assert game.level("enforcement") == 0

        # After that quarter the dashboard marks each change and its cursor without colour.
        dashboard = app.screen.query_one(Dashboard)
        judged = [r for r in dashboard._readouts if r.change_judgement]
        assert judged
        for r in judged:
            mark = "✓" if r.change_judgement == "better" else "✗"
            cell = change_cell(r).plain
            assert cell.endswith(mark) or cell.startswith("≈0")
        assert any(change_cell(r).plain[-1] in "✓✗" for r in judged)
        dashboard.focus()
        await pilot.pause()
        style = dashboard.get_component_rich_style("option-list--option-highlighted")
        assert style.bold


@sync
async def test_refuses_what_capital_cannot_pay_and_says_why_in_full_in_a_notification(mini_world, tmp_path):
    app = make_app(mini_world, tmp_path, scenario="test-run", seed=3)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        game = app.game
        await highlight_action(pilot, "legalize")
        await pilot.press("plus")  # 40 of 50 capital
        await highlight_action(pilot, "treatment")
        await pilot.press("plus", "plus")  # another 10, then 30 more: too much
        await pilot.pause()
        assert game.level("legalize") == 1 and game.level("treatment") == 1
        assert status(app).startswith("✗ Refused, needs") and "political capital" in status(app)  # why first
        assert "Treatment → lots" in status(app)
        shown = [str(n.message) for n in app._notifications]  # the reason, whole
        assert any("political capital" in text and text.startswith("✗ Refused") for text in shown)


@sync
async def test_a_modded_games_names_and_the_refusals_and_questions_of_its_levers(modded, tmp_path):
    """One game on the mini pack with a mod's two levers, in steps on the same main screen."""
    from game.app.readouts import action_name

    async with started(modded, tmp_path, scenario="test-run", seed=3) as pilot:
        app = pilot.app

        # At 80x24 action names and group headings are whole, and the hint shows help.
        assert "?: help" in status(app) and "…" not in status(app)
        panel = app.screen.query_one(ActionPanel)
        assert panel._game is not None  # the panel has a game
        for option in panel.options:
            assert "…" not in option.prompt.plain  # group headings (disabled options) too
            if not option.disabled:
                text = " ".join(option.prompt.plain.split())
                assert action_name(app.game.world, option.id) in text

        # A change above the budget is refused, and the status line says why.
        await highlight_action(pilot, "border_wall")
        await pilot.press("plus")
        await pilot.pause()
        assert app.game.level("border_wall") == 0
        assert "✗ Refused, " in status(app) and "above the budget" in status(app)
        assert "Border wall → yes" in status(app)

        # An irreversible action asks first: no leaves it, yes takes it.
        await highlight_action(pilot, "legalize_everything")
        await pilot.press("plus")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert app.game.level("legalize_everything") == 0
        await pilot.press("plus")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.game.level("legalize_everything") == 1


@sync
async def test_the_detail_pane_shows_the_models_expectation(mini_world, tmp_path):
    options = dict(scenario="test-run", seed=3, previews=True, size=(120, 40))
    async with started(mini_world, tmp_path, **options) as pilot:
        app = pilot.app
        await highlight_action(pilot, "enforcement")
        await ready(pilot)
        text = str(app.screen.query_one("#detail-text").render())
        assert "If you raise it to high, 4 quarters on the model expects:" in text
        assert re.search(r"[+-]\$[\d.]+B Revenue \(worse\)", text), text  # each change with its unit
        # A turn with nothing planned leaves the lever list as it was: its options are kept, not
        # set again (which renders them all anew), and the forecast is worked out for the new turn
        panel = app.screen.query_one(ActionPanel)
        shown = list(panel.options)
        await end_turn(pilot)
        assert app.game.turn == 1 and list(panel.options) == shown
        assert panel.highlighted_action == "enforcement"
        text = str(app.screen.query_one("#detail-text").render())
        assert "If you raise it to high, 4 quarters on the model expects:" in text, text


def test_small_costs_are_shown_in_millions_not_as_zero_billions():
    from game.app.words import cost, cost_cell

    assert cost(0.04) == "$40M" and cost_cell(0.04) == "$40M"
    assert cost(1.25) == "$1.2B" and cost_cell(12.0) == "$12B" and cost_cell(0.0) == "$0"
    assert "0.0" not in cost(0.002)


def test_narrow_places_use_the_short_name_the_content_gives_and_the_name_otherwise(base_world):
    from dataclasses import replace

    from game.app.readouts import short_indicator_name

    info = base_world.indicators["us_drug_money_prisoners"]
    assert info.name == "Prisoners for drug-money crimes"
    assert short_indicator_name(info) == "Drug-money inmates"
    assert short_indicator_name(replace(info, short_name="")) == "Prisoners for drug-money crimes"


def test_the_detail_pane_words_prerequisites_as_conditions_and_zero_as_no_change(mini_world):
    from game.app.widgets.detail_pane import describe_action

    game = new_game(mini_world)
    text = describe_action(game, "treatment").plain
    assert "Prerequisite: ✓ met" in text or "Prerequisite: ✗ not met — " in text
    assert "(✓ met)" not in text
    headline = next(i for i in game.world.indicators.values() if i.headline)
    tiny = 0.4 * 10 ** (-headline.decimals)  # rounds to 0 where it is shown
    zero = describe_action(game, "enforcement", ("If:", {headline.id: tiny})).plain
    assert "no change" in zero
    assert "▲ 0" not in zero and "(better)" not in zero and "(worse)" not in zero


@sync
async def test_an_irreversible_change_states_its_price_and_is_refused_unasked_if_unaffordable(tmp_path):
    folder = tmp_path / "dear"
    folder.mkdir()
    (folder / "pack.toml").write_text(
        'id = "dear"\nname = "Dear"\nversion = "1.0"\ndependencies = [{ id = "mini" }]\n'
    )
    (folder / "actions.toml").write_text(
        textwrap.dedent(
            """
            [action.cheap_and_final]
            name = "Cheap and final"
            side = "us"
            category = "Legalization"
            levels = ["no", "yes"]
            cost = [0.0, 0.04]
            capital_cost = [5.0]
            irreversible_warning = "Cannot be undone."

            [action.dear_and_final]
            name = "Dear and final"
            side = "us"
            category = "Legalization"
            levels = ["no", "yes"]
            cost = [0.0, 0.0]
            capital_cost = [999.0]
            irreversible_warning = "Cannot be undone."
            """
        )
    )
    async with started(load_world([MINI, folder]), tmp_path, scenario="test-run", seed=3) as pilot:
        app = pilot.app
        await highlight_action(pilot, "dear_and_final")
        await pilot.press("plus")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)  # not asked: it cannot be paid
        assert "✗ Refused" in status(app) and app.game.level("dear_and_final") == 0
        await highlight_action(pilot, "cheap_and_final")
        await pilot.press("plus")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        shown = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "political capital" in shown
        await pilot.press("y")
        await pilot.pause()
        assert app.game.level("cheap_and_final") == 1


def test_sparklines_do_not_blow_tiny_moves_up_to_full_height():
    from game.app.words import sparkline

    assert set(sparkline([45.0, 44.8])) <= set("▃▄▅")
    assert sparkline([100.0, 160.0]) == "▁█"
    assert sparkline([0.0, 1.0]) == "▁█"


@sync
async def test_plus_with_the_focus_off_the_lever_list_says_where_levels_change(mini_world, tmp_path):
    """After Why, the focus was on the dashboard and + did nothing, silently (a playtester)."""
    async with started(mini_world, tmp_path, scenario="test-run", seed=3) as pilot:
        app = pilot.app
        game = app.game
        before = {aid: game.level(aid) for aid in game.world.actions}
        app.screen.query_one(Dashboard).focus()
        await pilot.press("plus")
        await ready(pilot)
        assert "+ and - change the highlighted lever in the list on the right" in status(app)
        assert {aid: game.level(aid) for aid in game.world.actions} == before  # nothing changed
        await highlight_action(pilot, "treatment")
        await pilot.press("plus")
        await ready(pilot)
        assert game.level("treatment") == before["treatment"] + 1  # on the list, + still raises it
