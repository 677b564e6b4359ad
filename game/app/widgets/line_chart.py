"""A text line chart drawn in braille dots, 2 x 4 to a cell, so lines move at sub-cell steps:
the player's run (a thick, solid line), the status quo (a thin, dashed line), a band of batch
runs (░ on a shaded ground) and what really happened (◆), where the pack has history for it.

Marks differ in shape, not only colour, so the chart reads in monochrome (NO_COLOR) too: the
two lines by thickness and dashes, the band by its shade glyph, history by its diamond. Where
the two runs share a cell its dots are the union of both, drawn in the player's style.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from game.app import words

# legend glyphs: what each mark looks like on the chart
PLAYER, STATUS_QUO, BAND, HISTORY = "⠶⠶", "⠒ ⠒", "░", "◆"
AXIS_WIDTH = 9
DOTS_X, DOTS_Y = 2, 4  # braille dots in a cell
BRAILLE = 0x2800
# the bit of each dot of a braille cell, by (column, row) inside the cell
DOT_BITS = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))
DASH = 2  # the status quo's dashes: this many dot columns on, as many off

PLAYER_STYLE = "bold $text-accent"
STATUS_QUO_STYLE = "bold $text-warning"
BAND_STYLE = "$text-muted"
BAND_GROUND = " on $boost"
HISTORY_STYLE = "bold $text-success"


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
    # the indicator's declared range, where a number: the axis pads its values but never past it
    # (a count that starts at 0 had an axis reaching down to -35)
    floor: float | None = None
    ceiling: float | None = None


def _interpolate(series: Sequence[float], x: float) -> float | None:
    if not series or x > len(series) - 1 + 1e-9:
        return None
    lo = int(x)
    hi = min(lo + 1, len(series) - 1)
    frac = x - lo
    value = series[lo] * (1 - frac) + series[hi] * frac
    return value if value == value else None  # a NaN leaves a gap


class DotCanvas:
    """A grid of braille cells addressed by dot: x to the right, y down."""

    def __init__(self, cells_w: int, cells_h: int) -> None:
        self.cells_w, self.cells_h = cells_w, cells_h
        self.bits = [[0] * cells_w for _ in range(cells_h)]

    @property
    def width(self) -> int:
        return self.cells_w * DOTS_X

    @property
    def height(self) -> int:
        return self.cells_h * DOTS_Y

    def set(self, x: int, y: int) -> None:
        if 0 <= x < self.width and 0 <= y < self.height:
            self.bits[y // DOTS_Y][x // DOTS_X] |= DOT_BITS[x % DOTS_X][y % DOTS_Y]

    def line(
        self, points: Sequence[tuple[int, int | None]], *, thick: bool = False, dashed: bool = False
    ) -> None:
        """Join (dot x, dot y) points, one per dot column; a None y leaves a gap.

        Each column draws from its own dot halfway to each neighbour's, so a steep step is one
        vertical stroke shared by the two columns. A thick line doubles every dot upward.
        """
        ys = [y for _, y in points]
        for i, (x, y) in enumerate(points):
            if y is None or (dashed and (x // DASH) % 2):
                continue
            top = bottom = y
            for j in (i - 1, i + 1):
                n = ys[j] if 0 <= j < len(ys) else None
                if n is not None and n > y:
                    bottom = max(bottom, (y + n) // 2)
                elif n is not None and n < y:
                    top = min(top, -(-(y + n) // 2))
            for row in range(top, bottom + 1):
                self.set(x, row)
                if thick:
                    self.set(x, row - 1 if row > 0 else row + 1)

    def char(self, row: int, col: int) -> str:
        bits = self.bits[row][col]
        return chr(BRAILLE + bits) if bits else ""


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
        return render_chart(data, width - AXIS_WIDTH, height - 1)


def render_chart(data: ChartData, plot_w: int, plot_h: int) -> Content:
    """The chart's plot and axes, ``plot_w`` x ``plot_h`` cells of plot."""
    length = max(data.length, len(data.player), 2)
    values = [*data.player, *data.status_quo]
    if data.band is not None:
        values += [*data.band[0], *data.band[1]]
    values += [v for x, v in data.history if 0 <= x <= length - 1]
    finite = [v for v in values if v == v and abs(v) != float("inf")]
    if not finite:
        return Content("")
    low, high = min(finite), max(finite)
    if high - low < 1e-12 * max(1.0, abs(high)):
        low, high = low - 1.0, high + 1.0
    pad = (high - low) * 0.05
    least, most = min(finite), max(finite)
    low, high = low - pad, high + pad
    if data.floor is not None and least >= data.floor:
        low = max(low, data.floor)
    if data.ceiling is not None and most <= data.ceiling:
        high = min(high, data.ceiling)

    def dot_y(v: float | None, rows: int) -> int | None:
        if v is None:
            return None
        return min(rows - 1, max(0, round((high - v) / (high - low) * (rows - 1))))

    def x_of(column: int, columns: int) -> float:
        return column / max(columns - 1, 1) * (length - 1)

    lines_canvas = DotCanvas(plot_w, plot_h)
    quo_canvas = DotCanvas(plot_w, plot_h)
    dots_w, dots_h = lines_canvas.width, lines_canvas.height
    if data.status_quo:
        quo = [(x, dot_y(_interpolate(data.status_quo, x_of(x, dots_w)), dots_h)) for x in range(dots_w)]
        quo_canvas.line(quo, dashed=True)
    mine = [(x, dot_y(_interpolate(data.player, x_of(x, dots_w)), dots_h)) for x in range(dots_w)]
    lines_canvas.line(mine, thick=True)

    band = [[False] * plot_w for _ in range(plot_h)]
    if data.band is not None:
        for c in range(plot_w):
            x = x_of(c, plot_w)
            lo, hi = _interpolate(data.band[0], x), _interpolate(data.band[1], x)
            top, bottom = dot_y(hi, plot_h), dot_y(lo, plot_h)
            if top is not None and bottom is not None:
                for r in range(min(top, bottom), max(top, bottom) + 1):
                    band[r][c] = True
    marks: dict[tuple[int, int], str] = {}
    for x, v in data.history:
        if 0 <= x <= length - 1 and v == v:
            row = dot_y(v, plot_h)
            if row is not None:
                marks[(row, round(x / (length - 1) * max(plot_w - 1, 1)))] = HISTORY

    out: list[Content] = []
    for r in range(plot_h):
        if r in (0, plot_h // 2, plot_h - 1):
            v = high - (high - low) * r / max(plot_h - 1, 1)
            axis = f"{words.number(v, data.decimals):>{AXIS_WIDTH - 2}} ┤"
        else:
            axis = " " * (AXIS_WIDTH - 1) + "│"
        cells: list[tuple[str, str]] = []
        for c in range(plot_w):
            ground = BAND_GROUND if band[r][c] else ""
            mine_bits, quo_bits = lines_canvas.bits[r][c], quo_canvas.bits[r][c]
            if (r, c) in marks:
                cells.append((marks[(r, c)], HISTORY_STYLE + ground))
            elif mine_bits or quo_bits:
                style = PLAYER_STYLE if mine_bits else STATUS_QUO_STYLE
                cells.append((chr(BRAILLE + (mine_bits | quo_bits)), style + ground))
            elif band[r][c]:
                cells.append((BAND, BAND_STYLE + ground))
            else:
                cells.append((" ", ""))
        out.append(Content(axis) + _runs(cells))
    start, end = data.labels
    gap = max(1, plot_w - len(start) - len(end))
    out.append(Content(" " * AXIS_WIDTH + start + " " * gap + end))
    return Content("\n").join(out)


def _runs(cells: Sequence[tuple[str, str]]) -> Content:
    """One row's cells as Content, neighbours of one style in one span."""
    pieces: list[Content] = []
    text, style = "", None
    for ch, st in cells:
        if st != style and text:
            pieces.append(Content.styled(text, style) if style else Content(text))
            text = ""
        text, style = text + ch, st
    if text:
        pieces.append(Content.styled(text, style) if style else Content(text))
    return Content("").join(pieces)
