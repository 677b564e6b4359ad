"""A text line chart: the player's run (●), the status quo (·), a band of batch runs (░) and
what really happened (◆), where the pack has history for the indicator.

Marks differ in shape, not only colour, so the chart reads in monochrome too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from game.app import words

PLAYER, STATUS_QUO, BAND, BOTH, HISTORY = "●", "·", "░", "●", "◆"
AXIS_WIDTH = 9


@dataclass(frozen=True)
class ChartData:
    """Series indexed by state (0 = the starting state) up to ``length - 1``."""

    player: Sequence[float]
    status_quo: Sequence[float] = ()
    band: tuple[Sequence[float], Sequence[float]] | None = None
    length: int = 0  # states on the x axis (turns + 1); at least len(player)
    labels: tuple[str, str] = ("", "")
    decimals: int = 1
    notes: list[str] = field(default_factory=list)
    history: Sequence[tuple[float, float]] = ()  # (x in states, real value) marks


def _interpolate(series: Sequence[float], x: float) -> float | None:
    if not series or x > len(series) - 1 + 1e-9:
        return None
    lo = int(x)
    hi = min(lo + 1, len(series) - 1)
    frac = x - lo
    return series[lo] * (1 - frac) + series[hi] * frac


class LineChart(Widget):
    DEFAULT_CSS = """
    LineChart { height: 1fr; min-height: 6; }
    """

    data: reactive[ChartData | None] = reactive(None, layout=False)

    def render(self) -> Content:
        data = self.data
        width, height = self.size.width, self.size.height
        if data is None or not data.player or width < AXIS_WIDTH + 4 or height < 3:
            return Content("")
        plot_w, plot_h = width - AXIS_WIDTH, height - 1
        length = max(data.length, len(data.player), 2)
        values = [*data.player, *data.status_quo]
        if data.band is not None:
            values += [*data.band[0], *data.band[1]]
        values += [v for x, v in data.history if 0 <= x <= length - 1]
        finite = [v for v in values if v == v]
        low, high = min(finite), max(finite)
        if high - low < 1e-12 * max(1.0, abs(high)):
            low, high = low - 1.0, high + 1.0
        pad = (high - low) * 0.05
        low, high = low - pad, high + pad

        def row_of(v: float) -> int:
            return round((high - v) / (high - low) * (plot_h - 1))

        grid = [[" "] * plot_w for _ in range(plot_h)]
        styles = [[""] * plot_w for _ in range(plot_h)]
        for c in range(plot_w):
            x = c / max(plot_w - 1, 1) * (length - 1)
            if data.band is not None:
                lo, hi = _interpolate(data.band[0], x), _interpolate(data.band[1], x)
                if lo is not None and hi is not None:
                    for r in range(max(0, row_of(hi)), min(plot_h - 1, row_of(lo)) + 1):
                        grid[r][c], styles[r][c] = BAND, "$text-muted"
            sq = _interpolate(data.status_quo, x)
            me = _interpolate(data.player, x)
            if sq is not None:
                r = row_of(sq)
                grid[r][c], styles[r][c] = STATUS_QUO, "bold $text-warning"
            if me is not None:
                r = row_of(me)
                both = sq is not None and row_of(sq) == r
                grid[r][c], styles[r][c] = (BOTH if both else PLAYER), "bold $text-accent"
        for x, v in data.history:
            if not 0 <= x <= length - 1:
                continue
            c = round(x / (length - 1) * max(plot_w - 1, 1))
            grid[row_of(v)][c], styles[row_of(v)][c] = HISTORY, "bold $text-success"
        lines: list[Content] = []
        for r in range(plot_h):
            if r in (0, plot_h // 2, plot_h - 1):
                v = high - (high - low) * r / max(plot_h - 1, 1)
                axis = f"{words.number(v, data.decimals):>{AXIS_WIDTH - 2}} ┤"
            else:
                axis = " " * (AXIS_WIDTH - 1) + "│"
            pieces = [Content(axis)]
            for c in range(plot_w):
                ch, st = grid[r][c], styles[r][c]
                pieces.append(Content.styled(ch, st) if st else Content(ch))
            lines.append(Content("").join(pieces))
        start, end = data.labels
        gap = max(1, plot_w - len(start) - len(end))
        lines.append(Content(" " * AXIS_WIDTH + start + " " * gap + end))
        return Content("\n").join(lines)
