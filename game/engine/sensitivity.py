"""Which assumption matters most: global sensitivity analysis of a plan's outcomes, with SALib.

Every parameter with a range is a *factor*. SALib draws points of the unit hypercube
(Morris trajectories or Sobol' sequences); each coordinate is mapped through its factor's
own distribution (uniform, triangular, or normal and lognormal truncated to the range),
the plan is played once per point in a sweep (``game.engine.sweep``), and SALib's analysis
ranks the factors by their effect on each output, with confidence intervals:

- Morris: ``mu_star``, the mean absolute change of the output when the factor moves
  across its range (in the output's unit), and its bootstrap interval;
- Sobol': ``ST``, the share of the output's variance due to the factor, interactions
  included (``S1``: alone), and their intervals.

The same ``analyse`` path runs any model given as a function of the factors, which is how
a test checks it against the Ishigami function's known indices.

Beside it, ``swings`` is the small one-at-a-time version the game uses while a player
waits: each factor at the low and high end of its range, the rest held, in one batch.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from game.content.schema import Parameter
from game.engine.errors import GameError

Method = Literal["morris", "sobol"]
MORRIS_LEVELS = 4
CONFIDENCE = 0.95


@dataclass(frozen=True)
class Factor:
    """An uncertain input: its range and the distribution its values follow inside it."""

    id: str
    name: str
    low: float
    high: float
    distribution: str = "uniform"
    value: float | None = None  # the central value: the mode, mean or median

    @classmethod
    def of(cls, pid: str, param: Parameter) -> Factor:
        low, high = param.range  # type: ignore[misc]
        return cls(pid, param.name or pid, float(low), float(high), param.distribution, float(param.value))

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Values for points ``u`` of [0, 1]: the inverse of the distribution, kept in the range."""
        low, high = self.low, self.high
        u = np.clip(np.asarray(u, dtype=np.float64), 0.0, 1.0)
        centre = low + (high - low) / 2 if self.value is None else min(max(self.value, low), high)
        if self.distribution == "triangular" and high > low:
            split = (centre - low) / (high - low)
            rising = low + np.sqrt(u * (high - low) * (centre - low))
            falling = high - np.sqrt((1 - u) * (high - low) * (high - centre))
            return np.clip(np.where(u < split, rising, falling), low, high)
        if self.distribution in ("normal", "lognormal") and high > low:
            from scipy.stats import norm  # type: ignore[import-untyped]  # deferred: loaded for analyses only

            log = self.distribution == "lognormal" and low > 0
            a, b, m = (np.log(low), np.log(high), np.log(max(centre, 1e-300))) if log else (low, high, centre)
            sigma = (b - a) / 3.92
            lo_p, hi_p = norm.cdf((a - m) / sigma), norm.cdf((b - m) / sigma)
            values = m + sigma * norm.ppf(lo_p + u * (hi_p - lo_p))
            return np.clip(np.exp(values) if log else values, low, high)
        # low + (high - low) can round one ulp past high (0.3 + 0.6 is 0.9000000000000001),
        # which the range check on pins would refuse
        return np.clip(low + u * (high - low), low, high)


def factors(world: Any, scenario: str) -> list[Factor]:
    """Every parameter with a range that the scenario does not fix, in id order."""
    fixed = world.scenarios[scenario].parameters
    out = []
    for pid in sorted(world.parameters):
        param = world.parameters[pid]
        if param.range is None or param.over is not None or pid in fixed:
            continue
        if param.range[0] < param.range[1]:
            out.append(Factor.of(pid, param))
    return out


@dataclass(frozen=True)
class Effect:
    """One factor's effect on one output: its size, the interval's half-width, and for Sobol'
    the first-order share."""

    factor: Factor
    effect: float
    confidence: float
    first_order: float | None = None
    first_order_confidence: float | None = None


@dataclass(frozen=True)
class Ranking:
    """The factors ranked by their effect on one output, largest first."""

    output: str
    effects: tuple[Effect, ...]
    mean: float
    spread: float  # the output's standard deviation over the sample


def unit_sample(method: Method, count: int, samples: int, seed: int) -> np.ndarray:
    """SALib's sample of the unit hypercube: ``samples`` trajectories (Morris) or base points (Sobol')."""
    problem = {"num_vars": count, "names": [f"x{i}" for i in range(count)], "bounds": [[0.0, 1.0]] * count}
    if method == "morris":
        from SALib.sample import morris  # type: ignore[import-untyped]  # deferred: SALib pulls in pandas

        return np.asarray(morris.sample(problem, samples, num_levels=MORRIS_LEVELS, seed=seed))
    from SALib.sample import sobol  # type: ignore[import-untyped]  # deferred: as above

    return np.asarray(sobol.sample(problem, samples, calc_second_order=False, seed=seed))


def analyse(
    method: Method,
    chosen: Sequence[Factor],
    samples: int,
    seed: int,
    model: Callable[[np.ndarray], np.ndarray],
    outputs: Sequence[str],
) -> list[Ranking]:
    """Sample, run ``model`` on the factors' values (points, factors) -> (points, outputs), analyse.

    ``samples`` is the number of Morris trajectories (each costs factors + 1 runs) or of
    Sobol' base points (each costs factors + 2 runs; a power of two is best).
    """
    if not chosen:
        raise GameError("no parameter with a range to vary")
    if method not in ("morris", "sobol"):
        raise GameError(f"unknown method {method!r}: choose morris or sobol")
    if method == "sobol" and samples & (samples - 1):
        raise GameError(f"--samples {samples}: Sobol' sampling needs a power of two (e.g. 64, 128, 256)")
    if samples < 2:
        raise GameError("--samples must be at least 2")
    unit = unit_sample(method, len(chosen), samples, seed)
    values = np.column_stack([f.from_unit(unit[:, j]) for j, f in enumerate(chosen)])
    results = np.asarray(model(values), dtype=np.float64).reshape(len(values), len(outputs))
    problem = {"num_vars": len(chosen), "names": [f.id for f in chosen], "bounds": [[0.0, 1.0]] * len(chosen)}
    rankings = []
    for k, output in enumerate(outputs):
        y = results[:, k]
        if not np.isfinite(y).all():
            raise GameError(f"{output} is not a finite number in some runs; cannot rank its causes")
        rankings.append(_rank(method, problem, chosen, unit, y, output, seed))
    return rankings


def _rank(
    method: Method,
    problem: Mapping[str, Any],
    chosen: Sequence[Factor],
    unit: np.ndarray,
    y: np.ndarray,
    output: str,
    seed: int,
) -> Ranking:
    effects = []
    if method == "morris":
        from SALib.analyze import morris  # type: ignore[import-untyped]  # deferred: SALib is heavy

        res = morris.analyze(
            dict(problem), unit, y, num_levels=MORRIS_LEVELS, conf_level=CONFIDENCE, num_resamples=1000,
            seed=seed,
        )
        for j, factor in enumerate(chosen):
            effects.append(Effect(factor, _number(res["mu_star"][j]), _number(res["mu_star_conf"][j])))
    else:
        from SALib.analyze import sobol  # type: ignore[import-untyped]  # deferred: SALib is heavy

        res = sobol.analyze(
            dict(problem), y, calc_second_order=False, conf_level=CONFIDENCE, num_resamples=200, seed=seed
        )
        for j, factor in enumerate(chosen):
            effects.append(
                Effect(
                    factor,
                    _number(res["ST"][j]),
                    _number(res["ST_conf"][j]),
                    _number(res["S1"][j]),
                    _number(res["S1_conf"][j]),
                )
            )
    ordered = tuple(sorted(effects, key=lambda e: (-e.effect, e.factor.id)))
    return Ranking(output, ordered, float(np.mean(y)), float(np.std(y)))


def _number(value: Any) -> float:
    number = float(value)
    return number if math.isfinite(number) else 0.0


# --------------------------------------------------------------------------- one at a time, for the game


@dataclass(frozen=True)
class Swing:
    """How far an outcome moves when one factor goes from the low to the high end of its range."""

    factor: Factor
    low: float  # the outcome with the factor at the low end
    high: float  # ... at the high end

    @property
    def half_range(self) -> float:
        return abs(self.high - self.low) / 2


def swing_values(chosen: Sequence[Factor], centre: Mapping[str, float]) -> dict[str, np.ndarray]:
    """Per-run pins for a one-at-a-time batch: run 0 at the centre, then each factor low and high."""
    runs = 1 + 2 * len(chosen)
    pins = {f.id: np.full(runs, centre[f.id]) for f in chosen}
    for j, factor in enumerate(chosen):
        pins[factor.id][1 + 2 * j] = factor.low
        pins[factor.id][2 + 2 * j] = factor.high
    return pins


def swings(chosen: Sequence[Factor], outcome: np.ndarray) -> list[Swing]:
    """The swings from a one-at-a-time batch's outcome per run (as ``swing_values`` laid it out),
    largest first."""
    out = [Swing(f, float(outcome[1 + 2 * j]), float(outcome[2 + 2 * j])) for j, f in enumerate(chosen)]
    return sorted(out, key=lambda s: (-s.half_range, s.factor.id))


# --------------------------------------------------------------------------- a plan's outcomes


@dataclass(frozen=True)
class PlanSensitivity:
    """What ``borderline sensitivity`` reports: how it was run, and one ranking per output."""

    scenario: str
    plan: str | None
    method: Method
    samples: int
    runs: int
    turn: int
    seed: int
    rankings: list[Ranking]


def plan_sensitivity(
    world: Any,
    scenario: str,
    plan: Any,
    *,
    method: Method = "morris",
    samples: int = 50,
    outputs: Sequence[str] | None = None,
    turn: int | None = None,
    seed: int = 0,
    workers: int = 1,
    dask: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    plan_name: str | None = None,
) -> PlanSensitivity:
    """Rank every ranged parameter by its effect on a plan's outcomes at ``turn`` (default: the last).

    Outputs default to the debrief's score and the scenario's objectives. The runs are
    played as a sweep (``workers`` local processes or a Dask cluster at ``dask``); the
    result is the same wherever they run.
    """
    from game.engine.sweep import SCORE, PackFiles, SweepTask, check_outputs, remember_world, run_sweep

    if scenario not in world.scenarios:
        raise GameError(f"unknown scenario {scenario!r}; choose one of: {', '.join(sorted(world.scenarios))}")
    spec = world.scenarios[scenario]
    last = spec.turns if turn is None else turn
    if not 1 <= last <= spec.turns:
        raise GameError(f"--turn must be between 1 and {spec.turns} for scenario {scenario}")
    objectives = dict.fromkeys(o.indicator for o in spec.objectives)
    chosen_outputs = list(outputs) if outputs else [SCORE, *objectives]
    check_outputs(world, chosen_outputs)
    chosen = factors(world, scenario)
    packs = PackFiles.of(world)

    def model(values: np.ndarray) -> np.ndarray:
        task = SweepTask(
            packs, scenario, plan, last, tuple(f.id for f in chosen), values, tuple(chosen_outputs), seed
        )
        remember_world(task, world)
        return run_sweep(task, workers=workers, dask=dask, progress=progress)

    rankings = analyse(method, chosen, samples, seed, model, chosen_outputs)
    per_point = len(chosen) + (1 if method == "morris" else 2)
    return PlanSensitivity(scenario, plan_name, method, samples, samples * per_point, last, seed, rankings)


# --------------------------------------------------------------------------- a forecast in the game


@dataclass(frozen=True)
class ForecastDependence:
    """What one forecast depends on most: the outcome, its value at the game's own parameter
    values, and each factor's swing over its range, largest first."""

    indicator: str
    value: float
    swings: list[Swing]


def forecast_dependence(
    game: Any,
    changes: Mapping[str, int] | None,
    turns: int,
    indicators: Sequence[str],
    run: int = 0,
) -> dict[str, ForecastDependence]:
    """How a forecast moves with each uncertain parameter, one at a time, from the game's present.

    With ``changes``, the forecast is their effect ``turns`` turns on (the game with them
    minus the game without them, as ``Game.preview`` computes it); without, each indicator's
    value ``turns`` turns on. Every factor the game has not pinned is set to the low and the
    high end of its range from the next turn on, the rest held at the game's own values, all
    in one batch (1 + 2 x factors runs) started from run ``run``'s state.
    """
    world = game.world
    chosen = [f for f in factors(world, game.scenario_id) if f.id not in game.pins]
    centre = {f.id: float(game.parameter(f.id)[run, 0]) for f in chosen}
    batch = game.spread(swing_values(chosen, centre), run)
    turns = max(1, min(turns, game.turns - game.turn))
    futures = [batch]
    if changes:
        changed = batch.fork()
        for aid, level in changes.items():
            changed.set_level(aid, level, enforce=False)
        futures.insert(0, changed)
    for future in futures:
        future.warnings = []
        for _ in range(turns):
            if future.turn < future.turns:
                future.resolve_turn()
    out = {}
    for indicator in indicators:
        outcome = futures[0].value(indicator)[:, 0].astype(np.float64)
        if changes:
            outcome = outcome - futures[1].value(indicator)[:, 0]
        out[indicator] = ForecastDependence(indicator, float(outcome[0]), swings(chosen, outcome))
    return out
