"""The overdose crisis: fentanyl's supply shock, overdose deaths by drug, substitution and naloxone."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from game.content.schema import Plan, PlanStep
from game.engine import Game, World, run_plan
from game.engine.backtest import BacktestResult, run_backtest

# One xdist worker runs this whole module and test_us_history (--dist loadgroup):
# their 40-run history game is played once.
pytestmark = pytest.mark.xdist_group("overdoses")

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "content" / "base"
HISTORY = BASE / "plans" / "history.toml"
SCENARIO = "both-sides"


@pytest.fixture(scope="module")
def world(base_world):
    return base_world


_HISTORY_RUNS: dict[int, Game] = {}


@pytest.fixture(scope="module")
def history_run(world) -> Game:
    """The history plan over 40 runs (seed 1), read-only: played once per process for this module
    and test_us_history (which imports this fixture and runs in the same xdist group)."""
    if id(world) not in _HISTORY_RUNS:
        _HISTORY_RUNS[id(world)] = run_plan(world, SCENARIO, HISTORY, runs=40, seed=1, status_quo=False).game
    return _HISTORY_RUNS[id(world)]


_BACKTESTS: dict[tuple[int, int], BacktestResult] = {}


def history_backtest(world: World, seed: int) -> BacktestResult:
    """The backtest of the history plan over 100 runs, read-only: played once per process and seed
    for test_us_history and test_backtest's INEGI test (which runs in this xdist group too)."""
    key = (id(world), seed)
    if key not in _BACKTESTS:
        _BACKTESTS[key] = run_backtest(world, SCENARIO, HISTORY, runs=100, seed=seed)
    return _BACKTESTS[key]


def year(game, name: str, y: int) -> np.ndarray:
    """The mean over a calendar year's four quarters, per run."""
    first = (y - 2012) * 4 + 1
    return game.history(name)[first : first + 4].mean(axis=0)


def test_overdose_deaths_at_least_double_from_2012_to_2021(history_run):
    ratio = year(history_run, "us_overdose_deaths", 2021) / year(history_run, "us_overdose_deaths", 2012)
    assert np.median(ratio) >= 2.0


def test_synthetic_opioids_are_the_largest_share_by_2017(history_run):
    g = history_run
    synthetic = year(g, "us_synthetic_opioid_deaths", 2017)
    opioid = year(g, "opioid_overdose_deaths", 2017)
    stimulant = year(g, "stimulant_overdose_deaths", 2017)
    heroin_only = opioid - synthetic  # opioid users' deaths without fentanyl (synthetic counts both groups)
    assert np.median(synthetic) > np.median(heroin_only) and np.median(synthetic) > np.median(stimulant)
    share = year(g, "us_synthetic_opioid_deaths", 2021) / year(g, "us_overdose_deaths", 2021)
    assert np.median(share) > 0.5, "and most overdose deaths by 2021 (CDC: 70,601 of 106,699)"


@pytest.fixture(scope="module")
def status_quo_run(world):
    """The status quo, 40 runs (seed 3): fentanyl's draws, and what the programmes are measured against."""
    return run_plan(world, SCENARIO, None, runs=40, seed=3, status_quo=False).game


def test_fentanyls_timing_and_strength_are_drawn_per_run(status_quo_run):
    game = status_quo_run
    share_2016 = year(game, "fentanyl_share", 2016)
    assert share_2016.min() < 0.3 < share_2016.max(), "some runs get it early, some late"
    assert np.all(year(game, "fentanyl_share", 2012) < 0.1)
    assert np.all(year(game, "fentanyl_share", 2021) > 0.6)


def test_opiate_substitution_and_naloxone_cut_overdose_deaths(world, status_quo_run):
    base = status_quo_run  # the same seed and draws as each plan below: the differences are the plans'
    plans = {
        "opiate_substitution": Plan(step=[PlanStep(turn=1, action="opiate_substitution", level=3)]),
        "naloxone_distribution": Plan(step=[PlanStep(turn=1, action="naloxone_distribution", level=3)]),
    }
    games = {}
    for name, plan in plans.items():
        games[name] = run_plan(world, SCENARIO, plan, runs=40, seed=3, status_quo=False).game
        cut = 1 - year(games[name], "us_overdose_deaths", 2019) / year(base, "us_overdose_deaths", 2019)
        assert np.all(cut > 0.03) and np.median(cut) < 0.5, f"{name}: {np.median(cut):.0%}"
    # naloxone reverses overdoses but does not reduce use: heavy users unchanged
    nal = games["naloxone_distribution"]
    assert np.allclose(nal.history("us_heavy_users")[-1], base.history("us_heavy_users")[-1], rtol=0.02)


def test_overdose_deaths_are_scored_at_the_value_of_a_statistical_life(world):
    objective = next(o for o in world.scenarios[SCENARIO].objectives if o.indicator == "us_overdose_deaths")
    assert objective.value == "value_of_statistical_life / 1000"
