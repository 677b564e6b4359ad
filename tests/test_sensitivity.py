"""Sensitivity analysis: SALib's indices through our own code path, factors, sweeps, the CLI."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import numpy as np
import pytest

from game.cli import main
from game.content.schema import Plan, PlanStep
from game.engine import GameError, run_plan
from game.engine.scoring import score_runs
from game.engine.sensitivity import Factor, analyse, factors, swing_values, swings
from game.engine.sweep import PackFiles, SweepTask, remember_world, run_sweep

# One xdist worker runs this whole module (--dist loadgroup): SALib (scipy, pandas) is imported
# by the first analysis a process runs, about 2 s of processor time; once, not once per worker.
pytestmark = pytest.mark.xdist_group("sensitivity")

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "content" / "base"
KLEIMAN = BASE / "plans" / "kleiman_package.toml"


@pytest.fixture(scope="module")
def world(base_world):
    return base_world


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_indices_of_the_ishigami_function_match_the_known_values():
    """Through the same sampling, mapping and analysis the game's parameters go through."""
    chosen = [Factor(f"x{i}", f"x{i}", -math.pi, math.pi, "uniform") for i in range(1, 4)]
    (ranking,) = analyse("sobol", chosen, 2048, 1, lambda x: ishigami(x)[:, None], ["y"])
    by_id = {e.factor.id: e for e in ranking.effects}
    # analytic values for a = 7, b = 0.1 (Ishigami & Homma 1990; Sobol' & Levitan 1999)
    expected_total = {"x1": 0.5576, "x2": 0.4424, "x3": 0.2437}
    expected_first = {"x1": 0.3139, "x2": 0.4424, "x3": 0.0}
    for fid in expected_total:
        assert by_id[fid].effect == pytest.approx(expected_total[fid], abs=0.04)
        assert by_id[fid].first_order == pytest.approx(expected_first[fid], abs=0.04)
        assert by_id[fid].confidence < 0.1
    assert [e.factor.id for e in ranking.effects] == ["x1", "x2", "x3"]


def test_morris_ranks_an_inert_factor_last_with_a_zero_effect():
    chosen = [Factor("strong", "strong", 0, 10), Factor("weak", "weak", 0, 1), Factor("inert", "inert", 0, 1)]
    (ranking,) = analyse("morris", chosen, 20, 3, lambda x: (3 * x[:, 0] + x[:, 1])[:, None], ["y"])
    assert [e.factor.id for e in ranking.effects] == ["strong", "weak", "inert"]
    assert ranking.effects[0].effect == pytest.approx(30.0)  # the change across the whole range
    assert ranking.effects[2].effect == 0.0


def test_factors_follow_their_distribution_inside_their_range():
    u = np.linspace(0, 1, 101)
    uniform = Factor("a", "a", 2, 4, "uniform").from_unit(u)
    assert uniform[0] == 2 and uniform[-1] == 4 and uniform[50] == pytest.approx(3)
    triangular = Factor("b", "b", 0, 10, "triangular", 2).from_unit(u)
    assert triangular[0] == 0 and triangular[-1] == pytest.approx(10) and triangular[20] == pytest.approx(2)
    normal = Factor("c", "c", 0, 1, "normal", 0.5).from_unit(u)
    assert normal[0] == pytest.approx(0) and normal[-1] == pytest.approx(1)
    assert normal[50] == pytest.approx(0.5)
    lognormal = Factor("d", "d", 1, 100, "lognormal", 10).from_unit(u)
    assert lognormal[50] == pytest.approx(10) and lognormal.min() >= 1 and lognormal.max() <= 100
    for values in (triangular, normal, lognormal):
        assert (np.diff(values) >= 0).all()


@pytest.mark.parametrize("distribution", ["uniform", "triangular", "normal", "lognormal"])
def test_the_ends_of_the_unit_interval_stay_inside_ranges_that_round_badly(distribution):
    """0.3 + (0.9 - 0.3) is 0.9000000000000001: a sample one ulp past the range is refused as a pin."""
    for low, high in ((0.3, 0.9), (0.1, 0.7), (1e-3, 0.3), (0.2, 2.2)):
        values = Factor("x", "x", low, high, distribution, (low + high) / 2).from_unit(np.array([0.0, 1.0]))
        assert values.min() >= low and values.max() <= high


def test_the_base_world_varies_every_ranged_parameter_the_scenario_leaves_open(world):
    chosen = {f.id for f in factors(world, "both-sides")}
    assert "hope_efficacy" in chosen
    fixed = set(world.scenarios["both-sides"].parameters)
    assert not chosen & fixed
    assert all(world.parameters[f].range is not None for f in chosen)


def test_per_run_parameter_values_reach_each_run_and_its_status_quo(world):
    values = [0.05, 0.4, 0.72]
    result = run_plan(world, "both-sides", KLEIMAN, runs=3, seed=2, pins={"hope_efficacy": values})
    assert result.game.parameter("hope_efficacy").ravel().tolist() == values
    assert result.status_quo.parameter("hope_efficacy").ravel().tolist() == values
    scores = score_runs(result.game).total
    assert scores[0] == pytest.approx(result.game.debrief().score, rel=1e-12)
    assert scores[2] > scores[0] + 5  # Hawaii-level efficacy scores far better than none
    with pytest.raises(GameError, match="one per run needs 3"):
        run_plan(world, "both-sides", KLEIMAN, runs=3, pins={"hope_efficacy": [0.1, 0.2]})


def _task(world, runs: int, chunk: int) -> SweepTask:
    """A sweep of the mini test pack (12 cheap turns: the chunking, not the world, is under test):
    treatment raised at turn 1, initiation swept across its range, read at turn 8. Efficacy is
    still drawn per run and the fad event fires at random, so every run draws from its chunk's
    stream; the score plays each chunk's status-quo twin and horizon too."""
    plan = Plan(step=[PlanStep(turn=1, action="treatment", level=2)])
    values = np.linspace(0.1, 0.3, runs).reshape(-1, 1)
    return SweepTask(PackFiles.of(world), "test-run", plan, 8, ("initiation",), values,
                     ("score", "heavy_users"), 11, chunk_runs=chunk)


# Three chunks (8, 8 and a short 4) over two workers: a worker that drew another chunk's stream,
# read another chunk's values or handed its rows back out of order would change the numbers.
def test_a_sweep_gives_the_same_numbers_in_one_process_and_in_worker_processes(mini_world):
    task = _task(mini_world, runs=20, chunk=8)
    remember_world(task, mini_world)
    alone = run_sweep(task)
    assert alone.shape == (20, 2)
    assert np.array_equal(alone, run_sweep(task, workers=2))



def test_each_chunk_draws_its_own_random_stream(mini_world):
    """Runs with the same values in different chunks differ by what is still drawn (other parameters,
    events); within a chunk the draws are the engine's own, run by run."""
    task = _task(mini_world, runs=16, chunk=8)
    same = SweepTask(task.packs, task.scenario, task.plan, task.turn, task.parameters,
                     np.full((16, 1), 0.2), ("heavy_users",), task.seed, chunk_runs=8)
    remember_world(same, mini_world)
    out = run_sweep(same)
    assert not np.array_equal(out[:8], out[8:])
    assert len({tuple(row) for row in out[:8]}) > 1


# Starts a cluster of two worker processes, each importing the engine and building the world from
# the task's files: about 10 s, so it runs under slow (.ci/run); the sweep tests above check the chunking.
@pytest.mark.slow
def test_a_sweep_gives_the_same_numbers_on_a_dask_cluster(mini_world):
    pytest.importorskip("distributed", reason="the Dask extra is not installed: pip install -e '.[scale]'")
    from distributed import LocalCluster

    task = _task(mini_world, runs=20, chunk=8)  # three chunks, the last short, over two workers
    remember_world(task, mini_world)
    alone = run_sweep(task)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_cluster = run_sweep(task, dask=cluster.scheduler_address)
    assert np.array_equal(alone, on_cluster)


def test_one_at_a_time_swings_rank_the_factors_by_their_half_range():
    chosen = [Factor("a", "a", 0, 1), Factor("b", "b", 0, 2)]
    pins = swing_values(chosen, {"a": 0.5, "b": 1.0})
    assert pins["a"].tolist() == [0.5, 0, 1, 0.5, 0.5] and pins["b"].tolist() == [1, 1, 1, 0, 2]
    outcome = 10 * pins["a"] + pins["b"]
    ranked = swings(chosen, outcome)
    assert [s.factor.id for s in ranked] == ["a", "b"] and ranked[0].half_range == pytest.approx(5)


# Two Morris trajectories (198 runs, each scored over the horizon, with its twin): hope_efficacy's
# effect is 3.4x the next one's at this seed (19.3 against ost_overdose_ratio's 5.7; 4.4x at four
# trajectories, 4.6x at three, which cost a third and half as much again), so the ranking and the
# 2x margin below are far from a close call.
def test_the_cli_ranks_hope_efficacy_first_for_the_founding_package(capsys):
    code = main(["sensitivity", "--plan", str(KLEIMAN), "--samples", "2", "--outputs", "score",
                 "--format", "json"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    ranking = report["outputs"]["score"]["ranking"]
    assert report["runs"] == 2 * (len(ranking) + 1)
    assert ranking[0]["parameter"] == "hope_efficacy"
    assert ranking[0]["effect"] > 2 * ranking[1]["effect"]


def test_the_cli_table_draws_a_tornado(capsys):
    # the table is the point, not the model: two trajectories read at turn 4 rank 98 factors
    argv = ["--samples", "2", "--turn", "4", "--outputs", "us_heavy_users,score", "--top", "4"]
    assert main(["sensitivity", *argv]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if "│" in line]
    assert len(rows) == 4
    widths = [line.count("█") for line in rows]
    assert widths == sorted(widths, reverse=True) and widths[0] > 0
    assert "… and" in out
    # mu* is a size: the legend says why its bars spread both ways (a playtester read a direction
    # in them), and the status quo's score, which nothing moves, says how to rank a plan's
    assert "a size, not a direction: its bar spreads both ways" in out
    assert "no parameter moves it here (the status quo scored against itself" in out
    assert "--plan FILE ranks a plan's" in out


def test_csv_and_json_leave_an_output_nothing_moves_unranked_and_say_why(capsys):
    """The README's Sobol' example, run on the status quo, gave the score 98 rows ranked 1 to 98 by
    name with every effect 0 (a playtester): the table said why, CSV and JSON did not."""
    argv = ["sensitivity", "--samples", "2", "--turn", "2", "--outputs", "score,us_heavy_users"]
    assert main([*argv, "--format", "csv"]) == 0
    captured = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(captured.out)))
    score = [r for r in rows if r["output"] == "score"]
    heavy = [r for r in rows if r["output"] == "us_heavy_users"]
    assert score and all(r["rank"] == "" and float(r["effect"]) == 0 for r in score)
    assert [int(r["rank"]) for r in heavy] == list(range(1, len(heavy) + 1))
    assert "warning: score: no parameter moves it here (the status quo scored against itself" in captured.err
    assert "us_heavy_users" not in captured.err
    assert main([*argv, "--format", "json"]) == 0
    outputs = json.loads(capsys.readouterr().out)["outputs"]
    assert "--plan FILE ranks a plan's" in outputs["score"]["note"]
    assert "note" not in outputs["us_heavy_users"]


def test_the_cli_writes_numbers_out_not_in_scientific_notation():
    """A playtester read "mean 9.511e+04 deaths per year" for overdose deaths."""
    from game.verbs.sensitivity import _fmt

    assert _fmt(95110.4, 4) == "95,110" and _fmt(0.0123456, 4) == "0.01235" and _fmt(2.5, 4) == "2.5"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--outputs", "nope"], "unknown indicator 'nope'"),
        (["--method", "sobol", "--samples", "10"], "power of two"),
        (["--turn", "99"], "--turn must be between 1 and 40"),
        (["--plan", "missing.toml"], "does not exist"),
        (["--outputs", "dto_share"], "one value per row"),
    ],
)
def test_the_cli_refuses_bad_arguments_with_one_message(capsys, argv, message):
    assert main(["sensitivity", "--samples", "2", *argv]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


POOL_THEN_WAIT = """
import os, sys, time
from game.engine.sweep import process_pool
pool = process_pool(1)
print(pool.submit(os.getpid).result(), flush=True)
time.sleep(60)
"""


def _gone(pid: int) -> bool:
    """Whether a process has ended (a zombie waiting for a reaper that never comes has ended)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from Linux's /proc")
def test_a_sweeps_worker_processes_end_when_their_parent_is_killed():
    """QA: after kill -9 of `sensitivity --workers 2`, its two workers stayed for good, a few
    hundred MB each: a pool's worker waits on a pipe whose other end it holds itself."""
    import signal
    import subprocess
    import sys
    import time

    parent = subprocess.Popen([sys.executable, "-c", POOL_THEN_WAIT], stdout=subprocess.PIPE, text=True)
    try:
        worker = int(parent.stdout.readline())  # type: ignore[union-attr]
        assert not _gone(worker)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 10
        while not _gone(worker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _gone(worker)
    finally:
        parent.kill()
