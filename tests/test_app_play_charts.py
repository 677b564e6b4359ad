"""Charts with real resolution (issue 12): lines in braille dots, four to a row of text, the status
quo's band drawn too, and every mark told apart by its shape, so the chart reads without colour."""

from __future__ import annotations

import math

import pytest
from driving import play_turns, started
from test_app import MINI, ready, sync

from game.app.screens.charts import ChartsScreen
from game.app.widgets.line_chart import BAND, DOT_BITS, HISTORY, PLAYER, STATUS_QUO, ChartData, render_chart
from game.engine import load_world

BRAILLE = 0x2800


@pytest.fixture(scope="module")
def mini():
    return load_world([MINI])


def dots(text: str) -> set[tuple[int, int]]:
    """Every braille dot of a chart's plot as (x, y) in dots, read back from the characters."""
    found = set()
    for row, line in enumerate(text.splitlines()):
        for col, ch in enumerate(line):
            bits = ord(ch) - BRAILLE
            if not 0 < bits <= 0xFF:
                continue
            for dx in range(2):
                for dy in range(4):
                    if bits & DOT_BITS[dx][dy]:
                        found.add((col * 2 + dx, row * 4 + dy))
    return found


def plot_of(data: ChartData, width: int = 40, height: int = 8) -> str:
    """The plot area only (axis and date labels taken off), as plain text."""
    lines = render_chart(data, width, height).plain.splitlines()[:height]
    return "\n".join(line[9:] for line in lines)


def test_a_line_moves_by_dots_not_by_whole_rows():
    """A slow rise over 8 rows of text takes 32 dot heights: the chart uses far more than 8 levels."""
    data = ChartData([float(i) for i in range(41)], length=41)
    drawn = dots(plot_of(data))
    heights = {y for _, y in drawn}
    assert len(heights) > 3 * 8
    # read back, the line rises steadily left to right: each dot column's highest dot no lower
    columns: dict[int, int] = {}
    for x, y in drawn:
        columns[x] = min(columns.get(x, y), y)
    tops = [columns[x] for x in sorted(columns)]
    assert tops == sorted(tops, reverse=True) and tops[0] > tops[-1]


def test_the_runs_differ_by_shape_without_colour():
    """The player's line is thick and solid, the status quo's thin and dashed: told apart in plain text."""
    data = ChartData([10.0] * 21, [0.0] * 21, length=21)
    text = plot_of(data)
    drawn = dots(text)
    top = {(x, y) for x, y in drawn if y < 16}
    bottom = {(x, y) for x, y in drawn if y >= 16}
    mine_xs, quo_xs = {x for x, _ in top}, {x for x, _ in bottom}
    assert mine_xs == set(range(80))  # solid: every dot column
    assert all(len({y for x2, y in top if x2 == x}) == 2 for x in mine_xs)  # two dots thick
    assert quo_xs and len(quo_xs) <= 40 and all(len({y for x2, y in bottom if x2 == x}) == 1 for x in quo_xs)
    assert any(x + 1 not in quo_xs and x + 3 in quo_xs for x in quo_xs)  # dashes: gaps that come back


def test_the_band_and_history_marks_have_their_own_glyphs():
    data = ChartData(
        [5.0] * 11,
        [5.0] * 11,
        band=([0.0] * 11, [10.0] * 11),
        length=11,
        history=[(4.5, 8.0)],
    )
    text = plot_of(data)
    assert BAND in text  # the band fills what the lines leave
    assert text.count(HISTORY) == 1
    assert sum(line.count(BAND) for line in text.splitlines()) > 20 * 6
    # where both runs share cells their dots merge in one line, and no cell is lost to the band
    middle = [line for line in text.splitlines() if any(0x2800 < ord(ch) <= 0x28FF for ch in line)]
    assert 1 <= len(middle) <= 2 and all(BAND not in line for line in middle)


def test_gaps_and_flat_series_draw_without_failing():
    """A NaN leaves a gap; a flat series is centred; a one-state series still draws."""
    nan = float("nan")
    text = plot_of(ChartData([1.0, 2.0, nan, nan, 3.0, 4.0], length=6))
    assert dots(text)
    assert dots(plot_of(ChartData([7.0, 7.0, 7.0], length=3)))
    assert dots(plot_of(ChartData([7.0], length=1)))
    assert render_chart(ChartData([nan, nan], length=2), 20, 5).plain == ""


def axis_labels(chart) -> list[float]:
    return [float(line.split("┤")[0].replace(",", "")) for line in chart.plain.splitlines() if "┤" in line]


@pytest.mark.parametrize(("floor", "ceiling"), [(0.0, None), (None, 100.0)])
def test_the_axis_stays_inside_the_indicators_declared_range(floor, ceiling):
    """A modder's count that starts at 0 had its axis reaching down to -35 (the 5% padding)."""
    up = [0.0, 1.0, 5.0, 20.0, 40.0] if floor is not None else [60.0, 80.0, 95.0, 99.0, 100.0]
    padded = axis_labels(render_chart(ChartData(up, decimals=0), 30, 6))
    held = axis_labels(render_chart(ChartData(up, decimals=0, floor=floor, ceiling=ceiling), 30, 6))
    if floor is not None:
        assert min(padded) < floor and min(held) == floor, (padded, held)
    else:
        assert max(padded) > ceiling and max(held) == ceiling, (padded, held)
    # values outside a declared range (a broken mod) still show: the range does not cut them off
    beyond = axis_labels(render_chart(ChartData([-10.0, 5.0], decimals=0, floor=0.0), 30, 6))
    assert min(beyond) < -10


def test_legend_glyphs_are_what_the_chart_draws():
    assert all(0x2800 < ord(ch) <= 0x28FF for ch in PLAYER.replace(" ", ""))
    assert " " in STATUS_QUO  # the dashes show in the legend too
    assert PLAYER != STATUS_QUO


@sync
async def test_the_charts_screen_draws_braille_lines_a_band_and_a_legend_at_80x24(mini, tmp_path):
    async with started(mini, tmp_path, scenario="test-run", seed=3) as pilot:
        app = pilot.app
        await play_turns(pilot, 3)  # the chart is the point, not the keys that end a turn
        await pilot.press("c")
        await ready(pilot)
        assert isinstance(app.screen, ChartsScreen)
        chart = app.screen.query_one("#chart")
        for _ in range(40):  # the band is worked out off the UI thread
            if chart.data is not None and chart.data.band is not None:
                break
            await pilot.pause(0.1)
        assert chart.data is not None and chart.data.band is not None
        drawn = chart.render().plain
        assert dots(drawn) and BAND in drawn
        legend = app.screen.query_one("#chart-legend").render().plain
        assert f"{PLAYER} you" in legend and f"{STATUS_QUO} status quo" in legend and BAND in legend
        assert not math.isnan(chart.data.player[-1])
