"""What really happened against what the model does: the backtest, chart marks, debrief lines.

A pack's ``[history.ID]`` items are annual series. To compare one with an indicator, the
scenario's turns are placed in calendar years (a turn belongs to the year in which it starts;
only years whose every month the scenario covers count), and a year's model value is the
indicator's values at the ends of that year's turns combined by the series' ``aggregate``
and multiplied by its ``scale``. Over a batch of runs, each year gets a median and a band of
percentiles; the verdict applies the series' ``tolerance``. Nothing here knows any
indicator by name: every number comes from content.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from game.content.errors import unknown
from game.content.schema import History, Plan, Scenario
from game.engine.game import Game, GameError
from game.engine.simulate import load_plan, run_plan
from game.engine.world import HistoryInfo, World

Array = np.ndarray
HISTORY_PLAN = Path("plans") / "history.toml"

_AGGREGATES = {
    "mean": lambda a: a.mean(axis=0),
    "sum": lambda a: a.sum(axis=0),
    "last": lambda a: a[-1],
    "first": lambda a: a[0],
    "max": lambda a: a.max(axis=0),
    "min": lambda a: a.min(axis=0),
}


def format_number(value: float) -> str:
    """A value as a reader wants it: thousands separated, three significant figures when small."""
    if value != value:
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


# --------------------------------------------------------------------------- the calendar


def calendar_years(scenario: Scenario) -> dict[int, tuple[int, ...]]:
    """Calendar year -> the turns (1-based) that start in it, for the years the scenario covers whole."""
    per_turn = scenario.months_per_turn
    first_month = scenario.start_year * 12 + (scenario.start_quarter - 1) * 3
    end_month = first_month + scenario.turns * per_turn
    years: dict[int, list[int]] = {}
    for turn in range(1, scenario.turns + 1):
        start = first_month + (turn - 1) * per_turn
        years.setdefault(start // 12, []).append(turn)
    return {
        year: tuple(turns)
        for year, turns in years.items()
        if first_month <= year * 12 and (year + 1) * 12 <= end_month
    }


def annual_model_values(spec: History, series: Array, years: Mapping[int, Sequence[int]]) -> dict[int, Array]:
    """Each covered year's model value per run, in the series' unit.

    ``series`` is an indicator's history, shape (turns + 1, runs): row t is the end of turn t.
    Years whose turns are not all played yet are left out.
    """
    played = series.shape[0] - 1
    combine = _AGGREGATES[spec.aggregate]
    return {
        year: combine(series[list(turns)]) * spec.scale
        for year, turns in years.items()
        if turns and turns[-1] <= played
    }


# --------------------------------------------------------------------------- one series


@dataclass(frozen=True)
class YearComparison:
    """One year of a series: the real value against the model's runs."""

    year: int
    real: float
    median: float
    low: float
    high: float
    source: str
    note: str

    @property
    def inside(self) -> bool:
        return self.low <= self.real <= self.high

    @property
    def error(self) -> float:
        """The median's gap from the real value, relative to it (+0.1: the model 10% above)."""
        if self.real == 0:
            return 0.0 if self.median == 0 else float("inf")
        return (self.median - self.real) / abs(self.real)


@dataclass(frozen=True)
class SeriesVerdict:
    """A series compared year by year, and whether the model tracks it within its tolerance."""

    history: HistoryInfo
    years: tuple[YearComparison, ...]
    checked_years: tuple[int, ...]
    share_inside: float
    failures: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.history.id

    @property
    def passed(self) -> bool:
        return bool(self.years) and not self.failures

    @property
    def worst_check(self) -> YearComparison | None:
        """The checked year whose median is furthest from the real value."""
        checked = [y for y in self.years if y.year in self.checked_years]
        return max(checked, key=lambda y: abs(y.error), default=None)


def compare_series(info: HistoryInfo, series: Array, years: Mapping[int, Sequence[int]]) -> SeriesVerdict:
    """Judge one series against an indicator's history over a batch of runs."""
    spec = info.spec
    model = annual_model_values(spec, series, years)
    low_pct, high_pct = spec.tolerance.band
    rows: list[YearComparison] = []
    for year, point in spec.years.items():
        if year not in model:
            continue
        low, median, high = np.percentile(model[year], [low_pct, 50.0, high_pct])
        rows.append(
            YearComparison(
                year,
                point.value,
                float(median),
                float(low),
                float(high),
                point.source or spec.source,
                point.note,
            )
        )
    failures: list[str] = []
    if not rows:
        return SeriesVerdict(info, (), (), 0.0, ("no year with data falls inside the scenario",))
    inside = sum(r.inside for r in rows) / len(rows)
    wanted = spec.tolerance.within_band
    if inside + 1e-12 < wanted:
        failures.append(
            f"real value inside the {low_pct:g}-{high_pct:g}% band in {inside:.0%} of years "
            f"({sum(r.inside for r in rows)} of {len(rows)}); needs {wanted:.0%}"
        )
    with_data = {r.year for r in rows}
    checked = sorted({y for y in spec.tolerance.check_years if y in with_data} | {rows[-1].year})
    limit = spec.tolerance.median_error
    for row in rows:
        if row.year in checked and not abs(row.error) <= limit:
            failures.append(
                f"{row.year}: median {format_number(row.median)} is {row.error:+.0%} from the real "
                f"{format_number(row.real)} "
                f"(allowed ±{limit:.0%})"
            )
    return SeriesVerdict(info, tuple(rows), tuple(checked), inside, tuple(failures))


# --------------------------------------------------------------------------- the backtest


@dataclass
class BacktestResult:
    """Every series of the packs judged against one plan's batch of runs."""

    scenario: str
    plan: str
    runs: int
    seed: int
    series: list[SeriesVerdict] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(s.passed for s in self.series)


def default_history_plan(world: World) -> Path | None:
    """The last loaded pack's ``plans/history.toml`` (a mod's own history plan wins over the base's)."""
    for pack in reversed(world.content.packs):
        candidate = pack.folder / HISTORY_PLAN
        if candidate.is_file():
            return candidate
    return None


def run_backtest(
    world: World,
    scenario: str,
    plan: Plan | str | Path | None,
    *,
    runs: int = 200,
    seed: int = 1,
    pins: Mapping[str, float] | None = None,
) -> BacktestResult:
    """Play the scenario with the plan for a batch of runs and judge every history series."""
    if scenario not in world.scenarios:
        raise GameError(unknown("scenario", scenario, world.scenarios, world.pack_ids))
    if isinstance(plan, str | Path):
        plan = load_plan(plan, world, scenario)
    result = run_plan(world, scenario, plan, runs=runs, seed=seed, pins=pins, status_quo=False)
    years = calendar_years(world.scenarios[scenario])
    verdicts = [
        compare_series(info, result.game.history(info.indicator), years)
        for _, info in sorted(world.history.items())
    ]
    name = (plan.name if plan is not None else "") or "no plan (the scenario's starting policies)"
    return BacktestResult(scenario, name, runs, seed, verdicts)


# --------------------------------------------------------------------------- one game against history


@dataclass(frozen=True)
class HistoryMark:
    """A real value placed on an indicator's time axis, in the indicator's own unit."""

    position: float  # in turns: 2.5 is the middle of a year made of turns 1-4
    value: float
    year: int
    point_source: str


def chart_marks(world: World, scenario: str, indicator: str) -> list[HistoryMark]:
    """Where a chart of an indicator should draw what really happened (empty when nothing did)."""
    sc = world.scenarios[scenario]
    years = calendar_years(sc)
    marks: list[HistoryMark] = []
    for info in world.history_of(indicator):
        spec = info.spec
        for year, point in spec.years.items():
            turns = years.get(year)
            if not turns:
                continue
            per_turn = point.value / spec.scale
            if spec.aggregate == "sum":
                per_turn /= len(turns)
            if spec.aggregate in ("last", "max", "min"):
                position = float(turns[-1])
            elif spec.aggregate == "first":
                position = float(turns[0])
            else:
                position = (turns[0] - 1 + turns[-1]) / 2 + 0.5
            marks.append(HistoryMark(position, per_turn, year, point.source or spec.source))
    return sorted(marks, key=lambda m: m.position)


@dataclass(frozen=True)
class RunAgainstHistory:
    """How one game's run compares with a series over the years played."""

    history: HistoryInfo
    years: tuple[int, ...]
    mean_gap: float  # mean of (run - real) / real over those years
    model_total: float
    real_total: float


def compare_run(game: Game, run: int = 0) -> list[RunAgainstHistory]:
    """Each history series against one run of a game, over the complete years it has played."""
    years = calendar_years(game.scenario)
    out: list[RunAgainstHistory] = []
    for _, info in sorted(game.world.history.items()):
        model = annual_model_values(info.spec, game.history(info.indicator), years)
        pairs = [
            (y, float(model[y][run]), p.value)
            for y, p in info.spec.years.items()
            if y in model and p.value != 0
        ]
        if not pairs:
            continue
        gaps = [(m - r) / abs(r) for _, m, r in pairs]
        out.append(
            RunAgainstHistory(
                info,
                tuple(y for y, _, _ in pairs),
                float(np.mean(gaps)),
                sum(m for _, m, _ in pairs),
                sum(r for _, _, r in pairs),
            )
        )
    return out
