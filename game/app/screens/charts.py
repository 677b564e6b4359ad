"""Charts: any indicator over time, the player's run against the status quo, with a band of batch runs.

The band replays the player's decisions over many runs that each draw the uncertain
parameters; it is computed in a worker thread and appears when ready.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, OptionList, Static
from textual.worker import get_current_worker

from game.app.against_history import chart_history, history_summary
from game.app.screens.main import GameScreen
from game.app.screens.why import indicator_options
from game.app.widgets.keys_footer import KeysFooter
from game.app.widgets.line_chart import BAND, HISTORY, PLAYER, STATUS_QUO, ChartData, LineChart
from game.app.widgets.marked_list import MarkedOptionList

if TYPE_CHECKING:
    from game.app.readouts import BatchBands
    from game.engine import Game


class BandsReady(Message):
    def __init__(self, bands: BatchBands) -> None:
        super().__init__()
        self.bands = bands


class ChartDependenceReady(Message):
    """What an indicator's next quarters depend on most, worked out off the UI thread."""

    def __init__(self, key: tuple[object, ...], line: str) -> None:
        super().__init__()
        self.key, self.line = key, line


class ChartsScreen(GameScreen):
    """Pick an indicator (↑↓); the chart shows your run, the status quo and the batch band."""

    HELP = (
        f"{PLAYER} your run (a thick, solid line)   {STATUS_QUO} the status quo (a thin, dashed line: "
        "the same world with no changes from you)   "
        f"{BAND} where 90% of many runs land: each replays your decisions with the uncertain "
        "numbers of the model drawn again.   "
        f"{HISTORY} what really happened, where the game's content has the real series (each year's "
        "value sits mid-year). Lines are drawn in braille dots, four to a row of text, and the "
        "marks differ in shape as well as colour. The time axis ends at the last {turn} played."
    )

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("w", "why", "Why"),
        Binding("b", "band", "Band on/off"),
    ]

    def __init__(self, game: Game, indicator: str | None = None) -> None:
        super().__init__(game)
        self.indicator = indicator
        self.bands: BatchBands | None = None
        self.show_band = True

    def compose(self) -> ComposeResult:
        yield Label("Charts", id="charts-title", classes="screen-title")
        with Horizontal(classes="split"):
            yield MarkedOptionList(*indicator_options(self.game), id="chart-indicators", classes="picker")
            with Vertical(classes="reading"):
                yield Static("", id="chart-legend")
                yield LineChart(id="chart")
                yield Static("", id="chart-summary")
                yield Static("", id="chart-depends")
        yield KeysFooter()

    def on_mount(self) -> None:
        picker = self.query_one("#chart-indicators", OptionList)
        ids = [o.id for o in picker.options]
        if self.indicator in ids:
            picker.highlighted = ids.index(self.indicator)
        else:
            picker.highlighted = next((i for i, o in enumerate(picker.options) if not o.disabled), None)
            option = picker.highlighted_option
            self.indicator = option.id if option is not None else None
        picker.focus()
        self._draw()
        runs = self.borderline.batch_runs if self.borderline.shows("bands") else 0
        if runs > 1 and self.game.turn >= 1:
            cached = self.borderline.bands_cache.get(self._cache_key())
            if cached is not None:
                self.bands = cached
            else:
                self._compute_bands(self.game.fork(), runs)
        self._draw()

    def _cache_key(self) -> tuple[int, int, int, int]:
        game = self.game
        return (id(game), game.turn, len(game.log), len(game.choices_made))

    @work(thread=True, exclusive=True, group="bands", exit_on_error=False)
    def _compute_bands(self, game: Game, runs: int) -> None:
        from game.app.readouts import batch_bands

        bands = batch_bands(game, runs)
        if not get_current_worker().is_cancelled:
            self.post_message(BandsReady(bands))

    def on_bands_ready(self, message: BandsReady) -> None:
        self.bands = message.bands
        self.borderline.bands_cache[self._cache_key()] = message.bands
        self._draw()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option_id and not event.option_id.startswith("side:"):
            self.indicator = event.option_id
            self._draw()

    # ------------------------------------------------------------------ what it depends on

    def _dependence_key(self) -> tuple[object, ...]:
        game = self.game
        return ("chart", self.indicator, game.turn, game.state_digest(), tuple(sorted(game.pending.items())))

    def _show_dependence(self) -> None:
        """The indicator's next quarters: which assumptions move them most (cached per state)."""
        game, ind = self.game, self.indicator
        depends = self.query_one("#chart-depends", Static)
        if ind is None or game.turn >= game.turns:
            depends.update("")
            return
        key = self._dependence_key()
        cached = self.borderline.dependence_cache.get(key)
        if cached is not None:
            depends.update(Content(cached))
            return
        depends.update(Content(f"{self._lead()}: weighing the model's uncertain assumptions…"))
        self._compute_dependence(game.fork(), ind, key, self._lead())

    def _lead(self) -> str:
        from game.app.screens.main import PREVIEW_TURNS

        return f"{PREVIEW_TURNS} {self.turn_word}s on, it depends most on"

    @work(thread=True, exclusive=True, group="dependence", exit_on_error=False)
    def _compute_dependence(self, game: Game, indicator: str, key: tuple[object, ...], lead: str) -> None:
        from game.app.readouts import dependence_line
        from game.app.screens.main import PREVIEW_TURNS
        from game.engine.sensitivity import forecast_dependence

        found = forecast_dependence(game, None, PREVIEW_TURNS, [indicator])
        line = dependence_line(game.world, found[indicator], top=3, lead=lead, named=False)
        if not get_current_worker().is_cancelled:
            self.post_message(ChartDependenceReady(key, line))

    def on_chart_dependence_ready(self, message: ChartDependenceReady) -> None:
        self.borderline.dependence_cache[message.key] = message.line
        if message.key == self._dependence_key():
            self._show_dependence()

    def action_band(self) -> None:
        self.show_band = not self.show_band
        self._draw()

    def action_why(self) -> None:
        from game.app.screens.why import WhyScreen

        if not self.borderline.shows("why"):
            self.notify("This class hides the Why screen.", markup=False)
            return
        self.app.switch_screen(WhyScreen(self.game, self.indicator))

    def _draw(self) -> None:
        from game.app.readouts import indicator_name, unit_text
        from game.app.words import number, percent_change, quarter, signed_percent

        game, ind = self.game, self.indicator
        if ind is None:
            return
        info = game.world.indicators[ind]
        player = [float(v) for v in game.history(ind)[:, 0]]
        quo = game.status_quo if game.is_over or self.borderline.shows("status_quo") else None
        status_quo = [float(v) for v in quo.history(ind)[:, 0]] if quo is not None else []
        band = None
        runs = self.borderline.batch_runs
        if self.bands is not None and ind in self.bands.low:
            band = (self.bands.low[ind], self.bands.high[ind])
            band_note = (
                f"{BAND} 90% of {self.bands.runs} runs of your decisions with uncertain parameters drawn"
            )
            if all(lo == hi for lo, hi in zip(*band, strict=True)):  # Learning draws nothing
                band_note = "no band: this difficulty draws no uncertain number, every run is alike"
        elif runs > 1 and game.turn >= 1:
            band_note = f"{BAND} running {runs} runs…"
        else:
            band_note = f"{BAND} band after the first {self.turn_word}"
        if not self.show_band:
            band, band_note = None, f"{BAND} band hidden (b)"
        if not self.borderline.shows("bands"):
            band, band_note = None, "no uncertainty band in this class"
        self.query_one("#charts-title", Label).update(
            Content(f"Charts · {indicator_name(info)}{unit_text(info.unit)}")
        )
        marks = chart_history(game, ind)
        real_note = f"   [b $text-success]{HISTORY}[/] what happened" if marks else ""
        self.query_one("#chart-legend", Static).update(
            f"[b $text-accent]{PLAYER}[/] you   [b $text-warning]{STATUS_QUO}[/] status quo   {band_note}"
            + real_note
        )
        shown_turns = max(1, len(player) - 1)  # the axis ends at the last turn with data
        upto = len(player)
        self.query_one(LineChart).data = ChartData(
            player,
            status_quo[:upto],
            (list(band[0])[:upto], list(band[1])[:upto]) if band is not None else None,
            shown_turns + 1,
            (quarter(game.date(0)), quarter(game.date(shown_turns))),
            info.decimals,
            history=[(m.position, m.value) for m in marks],
            floor=info.low if isinstance(info.low, float) else None,
            ceiling=info.high if isinstance(info.high, float) else None,
        )
        now = player[-1]
        summary = f"{quarter(game.date(game.turn))}: you {number(now, info.decimals)}"
        if status_quo:
            sq = status_quo[len(player) - 1]
            summary += (
                f" · status quo {number(sq, info.decimals)} ({signed_percent(percent_change(now, sq))})"
            )
        if band is not None:
            summary += f" · band {number(band[0][-1], info.decimals)} to {number(band[1][-1], info.decimals)}"
        summary += history_summary(marks, info.decimals)
        self.query_one("#chart-summary", Static).update(summary)
        self._show_dependence()
