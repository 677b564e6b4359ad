"""Nothing cut at 80x24 on the main and Cartels screens (issue 12, defect 12), ←/→ change a level,
and the Cartels table slides a whole column at a time. Played on the base world, whose long
names ("2011 level (Calderón)", "Knights Templar (La Familia)") the defects were found with."""

from __future__ import annotations

from driving import started
from play_helpers import lines_over, screen_lines
from teach_helpers import base_world  # compiled once per process, shared with conftest's base_world
from test_app import highlight_action, ready, sync

from game.app.screens.cartels import CartelsScreen, OrganizationsTable
from game.app.widgets.action_panel import ActionPanel
from game.app.widgets.detail_pane import DetailPane
from game.app.widgets.turn_header import TurnHeader


async def cut_lines(pilot) -> list[str]:
    """Every line shown while walking the whole action panel that ends a word with an ellipsis.

    The whole screen is read on the first row; a row highlighted changes only the action panel
    (its highlight, the rows scrolled into view) and the detail pane (that row's action), so
    on each later row only the lines across those two are drawn and read."""
    app = pilot.app
    panel = app.screen.query_one(ActionPanel)
    detail = app.screen.query_one(DetailPane)
    panel.focus()
    panel.highlighted = 0
    await pilot.pause()
    found = [line for line in screen_lines(app) if "…" in line]
    for index in range(1, panel.option_count):
        panel.highlighted = index  # each row in turn, and the detail pane shows its action
        await pilot.pause()
        found += [line for line in lines_over(app, panel, detail) if "…" in line and line not in found]
    return found


@sync
async def test_no_name_or_level_is_cut_on_the_main_screen_at_80x24(tmp_path):
    async with started(base_world(), tmp_path, scenario="both-sides", seed=7) as pilot:
        app = pilot.app
        assert await cut_lines(pilot) == []
        game = app.game
        for aid, info in game.world.actions.items():  # the longest level names are the top ones
            game.set_level(aid, info.levels - 1, enforce=False)
        app.screen.version += 1
        await ready(pilot)
        assert await cut_lines(pilot) == []
        text = "\n".join(screen_lines(app))
        assert "Drug-money inmates" in text and "Security spending" in text
        # The header is written for the terminal's width: grown, its first line names the
        # scenario; narrowed again, the money and capital line is back in its two lines
        header = app.screen.query_one(TurnHeader)
        await pilot.resize_terminal(120, 40)
        await ready(pilot)
        assert "Both sides of the border" in str(header.render()).splitlines()[0]
        await pilot.resize_terminal(80, 24)
        await ready(pilot)
        lines = str(header.render()).splitlines()
        assert len(lines) == 2 and "capital" in lines[1] and "Both sides" not in lines[0], lines


@sync
async def test_left_and_right_change_a_level_and_cartels_shows_whole_names_and_slides_by_columns(tmp_path):
    """One base game at both-sides seed 7: ←/→ on the main screen, then on Cartels its whole
    names and headers at 80x24, the table sliding a column at a time, and ←/→ there too."""
    async with started(base_world(), tmp_path, scenario="both-sides", seed=7) as pilot:
        app = pilot.app
        game = app.game

        # ←/→ change the highlighted lever's level.
        await highlight_action(pilot, "hope")
        start = game.level("hope")
        await pilot.press("right", "right")
        await ready(pilot)
        assert game.level("hope") == start + 2
        await pilot.press("left")
        await ready(pilot)
        assert game.level("hope") == start + 1

        # Cartels shows whole names and headers at 80x24.
        await pilot.press("m")
        await ready(pilot)
        assert isinstance(app.screen, CartelsScreen)
        text = "\n".join(screen_lines(app))
        for name in app.game.world.tables["organizations"].row_names.values():
            assert name in text, name
        assert "organization" in text and "organi-" not in text
        assert "…" not in text
        assert "Attributed" in text and "violence score" in text

        # The cartels table slides a whole column at a time.
        table = app.screen.query_one(OrganizationsTable)
        header = next(line for line in screen_lines(app) if line.lstrip().startswith("#"))
        assert "Attributed" in header
        await pilot.press("right_square_bracket", "right_square_bracket")
        await ready(pilot)
        assert table.first_column == 2
        header = next(line for line in screen_lines(app) if line.lstrip().startswith("#"))
        after_names = header[header.index("organization") + len("organization") :].split()
        assert after_names[0] == "Market"  # the third column, whole, right after the names
        sliding = table.ordered_columns[table.fixed_columns :]
        assert table.scroll_x == sum(c.get_render_width(table) for c in sliding[:2])
        # and shows only whole columns: the table ends where the last one that fits ends, so
        # no header is cut at the screen's edge ("Rev", "($B" once were)
        widths = [c.get_render_width(table) for c in table.ordered_columns]
        fixed = sum(widths[: table.fixed_columns])
        shown = table.scrollable_content_region.width - fixed
        ends = [
            sum(widths[table.fixed_columns + 2 : k]) for k in range(table.fixed_columns + 3, len(widths) + 1)
        ]
        assert shown in ends, (shown, ends)
        await pilot.press("left_square_bracket")
        await ready(pilot)
        assert table.first_column == 1

        # On Cartels too, the workflow's levels move with ←/→.
        await highlight_action(pilot, "mx_score_emphasis")
        before = game.level("mx_score_emphasis")
        await pilot.press("right")
        await ready(pilot)
        assert game.level("mx_score_emphasis") == before + 1


@sync
async def test_the_debrief_tables_take_the_new_width_when_the_terminal_grows(tmp_path):
    """Found in a played game: a debrief opened at 80 columns kept its narrow objective column
    after the terminal grew to 120, wrapping every name over four lines."""
    from play_helpers import play

    from game.app.screens.debrief import DebriefScreen

    async with started(base_world(), tmp_path, scenario="both-sides", seed=1) as pilot:
        app = pilot.app
        game = app.game
        play(game, 2)
        app.show_debrief(game)
        await ready(pilot)
        assert isinstance(app.screen, DebriefScreen)
        outcomes = app.screen.query_one("#outcomes")
        narrow = next(iter(outcomes.columns.values())).width
        await pilot.resize_terminal(120, 40)
        await ready(pilot)
        await pilot.pause(0.1)
        outcomes = app.screen.query_one("#outcomes")
        assert next(iter(outcomes.columns.values())).width >= narrow + 30
        assert outcomes.row_count == len(app.screen.debrief.objectives) + 1  # rows not doubled
