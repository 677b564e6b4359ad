"""The Charts screen: the player's run, the status quo and the band of a batch, on the quarters played."""

from __future__ import annotations

from driving import play_turns, ready, started, sync


@sync
async def test_charts_draw_both_runs_and_a_band_and_the_axis_ends_at_the_last_quarter_played(
    mini_world, tmp_path
):
    """One game at test-run seed 3: Charts after its first quarter, then after its second."""
    from game.app.words import quarter

    async with started(mini_world, tmp_path, scenario="test-run", seed=3) as pilot:
        app = pilot.app

        # Charts draw the player's run, the status quo and a band from a batch.
        await play_turns(pilot, 1)
        await pilot.press("c")
        await ready(pilot)
        chart = app.screen.query_one("#chart")
        assert chart.data is not None and chart.data.band is not None
        assert len(chart.data.player) == 2 and len(chart.data.status_quo) == 2
        drawn = str(chart.render())
        assert any(0x2800 < ord(ch) <= 0x28FF for ch in drawn)  # the runs, in braille dots
        legend = str(app.screen.query_one("#chart-legend").render())
        assert "90% of 20 runs" in legend
        await pilot.press("escape")
        await ready(pilot)

        # A quarter later the axis ends at the last quarter played, and the band says what ran.
        await play_turns(pilot, 1)
        await pilot.press("c")
        await ready(pilot)
        chart = app.screen.query_one("#chart")
        game = app.game
        assert chart.data.length == len(chart.data.player) == game.turn + 1
        assert chart.data.labels[1] == quarter(game.date(game.turn))
        legend = str(app.screen.query_one("#chart-legend").render())
        assert "your decisions" in legend and "uncertain parameters" in legend


@sync
async def test_a_difficulty_that_draws_nothing_says_there_is_no_band(base_world, tmp_path):
    """On Learning every run is alike: the legend promised a band '90% of 200 runs' that was a
    line ("band 85,090 to 85,090", a playtester)."""
    async with started(base_world, tmp_path, scenario="both-sides", seed=3, difficulty="easy") as pilot:
        app = pilot.app
        assert app.game is not None and app.game.difficulty == "easy"
        await play_turns(pilot, 1)
        await pilot.press("c")
        await ready(pilot)
        legend = str(app.screen.query_one("#chart-legend").render())
        assert "no band: this difficulty draws no uncertain number" in legend and "90% of" not in legend
