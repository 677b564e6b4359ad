"""The main screen after the terminal shrinks: the panes fit their rows at once, as they do
when the game is started at that size (found in tmux: shrunk from 120x40 to 100x30, the
indicators kept the height of their rows wrapped at the new width, six blank lines above the
news, until the next turn)."""

from __future__ import annotations

from driving import started
from pilot_waits import as_textual
from play_helpers import screen_lines
from teach_helpers import base_world
from test_app import ready, sync

from game.app.widgets.dashboard import Dashboard


@sync
async def test_the_indicators_fit_their_rows_after_the_terminal_shrinks(tmp_path):
    with as_textual():  # layouts one by one as in a terminal; the tests' deferred frame hides this
        async with started(base_world(), tmp_path, size=(120, 40), scenario="both-sides", seed=7) as pilot:
            app = pilot.app
            dashboard = app.screen.query_one(Dashboard)
            rows = dashboard.virtual_size.height
            assert dashboard.region.height == rows
            for size in ((100, 30), (80, 24)):
                await pilot.resize_terminal(*size)
                await ready(pilot)
                assert dashboard.virtual_size.height == rows, size  # a line an indicator, as at 120
                assert dashboard.region.height == rows, f"blank lines under the indicators at {size}"
                lines = screen_lines(app)
                news = next(i for i, line in enumerate(lines) if "Report & news" in line)
                assert lines[news - 1].split("▏")[0].strip(), f"a blank line above the news at {size}"
