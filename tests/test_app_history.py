"""What really happened on screen: the chart's third mark and the debrief's comparison."""

from __future__ import annotations

from driving import MINI, new_game, ready, resolve_turns, started, sync

from game.app.screens.charts import ChartsScreen
from game.engine import load_world

HISTORY = """
[history.heavy_survey]
name = "Heavy users (a survey)"
indicator = "heavy_users"
unit = "millions"
source = "A survey, table 1"
[history.heavy_survey.years]
2012 = { value = 2.0 }
2013 = { value = 2.2 }
"""
PACK = 'id = "history_mod"\nname = "History"\nversion = "0.1.0"\ndependencies = [{ id = "mini" }]\n'


def world_with_history(tmp_path):
    folder = tmp_path / "history_mod"
    folder.mkdir()
    (folder / "pack.toml").write_text(PACK)
    (folder / "history.toml").write_text(HISTORY)
    return load_world([MINI, folder])


@sync
async def test_the_chart_marks_what_really_happened_with_its_own_shape(tmp_path):
    world = world_with_history(tmp_path)
    async with started(world, tmp_path) as pilot:
        app = pilot.app
        game = resolve_turns(new_game(world), 4)  # a whole year: 2012's real value can be drawn
        app.push_screen(ChartsScreen(game, "heavy_users"))
        await ready(pilot)
        chart = app.screen.query_one("#chart")
        assert chart.data.history == [(2.5, 2.0)]  # mid-2012, in the indicator's own unit
        assert "◆" in str(chart.render())
        assert "◆ what happened" in str(app.screen.query_one("#chart-legend").render())
        assert "2012 really: 2.0" in str(app.screen.query_one("#chart-summary").render())
        app.screen.query_one("#chart-indicators").highlighted = 0  # another indicator: no real series
        await pilot.pause()
        if app.screen.indicator != "heavy_users":
            assert app.screen.query_one("#chart").data.history == []
            assert "what happened" not in str(app.screen.query_one("#chart-legend").render())


@sync
async def test_the_debrief_compares_the_run_with_history(tmp_path):
    world = world_with_history(tmp_path)
    async with started(world, tmp_path) as pilot:
        app = pilot.app
        game = resolve_turns(new_game(world), 4)
        app.show_debrief(game)
        await pilot.pause()
        text = str(app.screen.query_one("#against-history").render())
        assert "Heavy users (a survey): your run was" in text
        assert "what really happened, on average over 2012 (1 year with data" in text
        mine = float(game.history("heavy_users")[1:5, 0].mean())
        gap = (mine - 2.0) / 2.0
        assert f"{abs(gap):.0%} {'above' if gap > 0 else 'below'}" in text
        from game.app.readouts import debrief_markdown

        exported = debrief_markdown(game, game.debrief())
        assert "## Against what really happened" in exported and "- Heavy users (a survey)" in exported
