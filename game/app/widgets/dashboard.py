"""The indicator dashboard: headline indicators per side, with trend, change and status-quo gap.

Colour is a second signal only: every change carries an arrow, a sign and a mark (✓ better,
✗ worse), every gap from the status quo the same marks, and the highlighted row is bold and
underlined when the dashboard has focus.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from game.app import words
from game.app.widgets.columns import Cell, columns
from game.app.widgets.marked_list import MarkedOptionList

if TYPE_CHECKING:
    from game.app.readouts import IndicatorReadout
    from game.engine import Game

JUDGEMENT_STYLE = {"better": "$text-success", "worse": "$text-error", "": ""}
JUDGEMENT_MARK = {"better": "✓", "worse": "✗", "": " "}

VALUE_WIDTH, TREND_WIDTH, CHANGE_WIDTH, GAP_WIDTH = 9, 5, 7, 5
MIN_TREND_WIDTH = 3


def change_cell(readout: IndicatorReadout) -> Content:
    """The change since last turn, in the value's unit: ``▲+0.01✗``, ``▼-74✓``, ``≈0`` when it rounds away."""
    if readout.change is None:
        return Content("")
    shown = words.signed(readout.change, readout.decimals)
    if shown == "0":
        return Content("≈0 " if readout.change else "=0 ")
    shown = words.compact(readout.change, readout.decimals)
    shown = shown if shown.startswith("-") else f"+{shown}"
    verdict = readout.change_judgement
    text = f"{words.arrow(readout.change, readout.value)}{shown}{JUDGEMENT_MARK[verdict]}"
    style = JUDGEMENT_STYLE[verdict]
    return Content.styled(text, style) if style else Content(text)


def status_quo_cell(readout: IndicatorReadout) -> Content:
    gap = readout.vs_status_quo
    if gap is None:
        return Content("n/a")
    verdict = readout.status_quo_judgement if abs(gap) >= 0.5 else ""
    text = f"{words.signed_percent(gap)}{JUDGEMENT_MARK[verdict]}"
    style = JUDGEMENT_STYLE[verdict]
    return Content.styled(text, style) if style else Content(text)


class Dashboard(MarkedOptionList):
    """Headline indicators grouped by side; enter asks why the highlighted one moved."""

    DEFAULT_CSS = """
    Dashboard { height: 1fr; border: none; padding: 0; }
    Dashboard > .option-list--option-disabled { color: $text-accent; text-style: bold; }
    Dashboard:focus > .option-list--option-highlighted { text-style: bold underline; }
    """

    BINDINGS = [Binding("enter", "select", "Why?", show=False)]

    class IndicatorChosen(Message):
        """The player pressed enter on an indicator."""

        def __init__(self, indicator: str) -> None:
            super().__init__()
            self.indicator = indicator

    class IndicatorHighlighted(Message):
        def __init__(self, indicator: str | None) -> None:
            super().__init__()
            self.indicator = indicator

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False, compact=True)
        self._readouts: list[IndicatorReadout] = []
        self._side_names: dict[str | None, str] = {}
        self._short_names: dict[str, str] = {}
        self._quo = True  # the "vs sq" column is shown

    @property
    def highlighted_indicator(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None and not option.disabled else None

    def show(self, game: Game) -> None:
        from game.app.readouts import headline_readouts, short_indicator_name, side_name

        self._readouts = headline_readouts(game)
        shows = getattr(self.app, "shows", None)  # a class can hide the status quo while playing
        self._quo = game.is_over or shows is None or bool(shows("status_quo"))
        self._side_names = {r.side: side_name(game.world, r.side) for r in self._readouts}
        self._short_names = {r.id: short_indicator_name(game.world.indicators[r.id]) for r in self._readouts}
        self.rebuild_when_sized()

    def relayout(self) -> None:
        self._rebuild()

    def _rebuild(self) -> None:
        width = max(20, self.row_width)
        keep = self.highlighted_indicator
        # a narrow dashboard (80 columns, with a scrollbar) gives up to two cells of the trend
        # before it cuts an indicator's name
        longest = max((len(name) for name in self._short_names.values()), default=0)
        # a gap of 100% or more ("+104%✓") widens its column rather than being cut to "+104…"
        gaps = [status_quo_cell(r) for r in self._readouts] if self._quo else []
        gap = max([GAP_WIDTH, *(g.cell_length for g in gaps)])
        room = width - (VALUE_WIDTH + TREND_WIDTH + CHANGE_WIDTH + gap + 4)
        trend = TREND_WIDTH - min(max(0, longest - room), TREND_WIDTH - MIN_TREND_WIDTH)
        options: list[Option] = []
        current_side: object = object()
        for i, r in enumerate(self._readouts):
            if r.side != current_side:
                current_side = r.side
                heading = columns(
                    width,
                    [
                        Cell(self._side_names.get(r.side, "").upper()),
                        Cell("now", VALUE_WIDTH, "right"),
                        Cell({5: "trend", 4: "trnd"}.get(trend, "tr."), trend),
                        Cell("Δ turn", CHANGE_WIDTH, "right"),
                        Cell("vs sq" if self._quo else "", gap, "right"),
                    ],
                )
                options.append(Option(heading, id=f"side:{r.side}", disabled=True))
            line = columns(
                width,
                [
                    Cell(self._short_names.get(r.id, r.name)),
                    Cell(r.format(r.value), VALUE_WIDTH, "right"),
                    Cell(words.sparkline(r.history, trend), trend),
                    Cell(change_cell(r), CHANGE_WIDTH, "right"),
                    Cell(gaps[i] if self._quo else "", gap, "right"),
                ],
            )
            options.append(Option(line, id=r.id))
        self.show_options(options, keep)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.post_message(self.IndicatorHighlighted(self.highlighted_indicator))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id and not event.option_id.startswith("side:"):
            self.post_message(self.IndicatorChosen(event.option_id))
