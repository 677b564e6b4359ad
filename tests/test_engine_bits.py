"""The engine's numbers stay identical to the bit across changes to how it computes them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from engine_digests import (
    CASES,
    PLANS,
    STORED,
    case_digest,
    content_hash,
    digests_here,
    game_digest,
    levers_up_digest,
)

from game.engine import load_world, run_plan
from game.engine.numerics import numerics_key
from game.engine.stepping import Stepper

MINI = Path(__file__).parent / "packs" / "mini"

# One xdist worker runs this whole module (--dist loadgroup), so the cases of a seed and size
# share one status-quo twin (see case_digest): played once beside the first case's game, the
# status_quo plan's as the cases are listed, not once per plan.
pytestmark = pytest.mark.xdist_group("engine_bits")
TWINS: dict[tuple[int, int], str] = {}


# Every plan is checked in the default run as a lone game (Python numbers) and as a batch of 48
# (numpy buffers); its other seeds and the batch of 5 add the same paths with other draws and
# events, about 2 s a case, so they run under ``slow`` (.ci/run runs them all).
EVERYDAY = {(1, 1), (11, 48)}


@pytest.mark.parametrize(
    ("plan", "seed", "runs"),
    [
        case if (case[1], case[2]) in EVERYDAY else pytest.param(*case, marks=pytest.mark.slow)
        for case in CASES
    ],
)
def test_games_match_the_recorded_digests(base_world, plan, seed, runs):
    stored = json.loads(STORED.read_text())
    if stored["content"] != content_hash(base_world):
        pytest.skip(
            "content/base changed since the digests were recorded (python tests/engine_digests.py "
            "records them again); the fast-against-reference comparison still runs"
        )
    recorded = digests_here(stored)
    if recorded is None:
        pytest.skip(
            "no digests recorded on a machine computing exp, log and power as this one does "
            f"({numerics_key()}): python tests/engine_digests.py records this machine's set; the "
            "fast-against-reference comparison still runs"
        )
    assert case_digest(base_world, plan, seed, runs, TWINS) == recorded[f"{plan}/{seed}/{runs}"]


def play(world, plan: str, seed: int, runs: int, turns: int, reference: bool) -> str:
    """The digest of a plan's game on one path. Played alone: run_plan's status-quo twin is not
    digested here (the digest cases check that a plan alone gives the numbers it gives beside it)."""
    Stepper.reference = reference
    try:
        result = run_plan(
            world, "both-sides", PLANS / f"{plan}.toml", runs=runs, seed=seed, turns=turns, status_quo=False
        )
    finally:
        Stepper.reference = False
    return game_digest(result.game)


@pytest.mark.parametrize(
    ("plan", "seed", "runs", "turns"),
    [("kleiman_package", 5, 1, 40), ("legalize_all", 2, 33, 40), ("designation_followthrough", 9, 4100, 6)],
)
def test_the_compiled_program_matches_the_reference_path(base_world, plan, seed, runs, turns):
    """Whatever the content: the tape (threaded above 4,096 runs) gives the closures' numbers."""
    assert play(base_world, plan, seed, runs, turns, False) == play(base_world, plan, seed, runs, turns, True)


@pytest.mark.parametrize("runs", [7, 1])
def test_the_program_matches_the_reference_on_the_test_pack(runs):
    """A batch on numpy's buffers, and a lone game on Python numbers (a table's rows too)."""
    world = load_world([MINI])
    assert levers_up_digest(world, runs, 4, False)[0] == levers_up_digest(world, runs, 4, True)[0]


def test_digests_are_compared_only_with_a_set_recorded_under_this_machines_numerics():
    """A set names the parts of the key it was recorded under; a part that differs rules it out."""
    here = numerics_key()
    assert here["routines"] in {"C library", "numpy's own"}
    known = {part: value for part, value in here.items() if part != "numpy_bits"}
    stored = {"sets": [{"numerics": {**known, "routines": "elsewhere"}, "digests": {"a": "1"}}]}
    assert digests_here(stored) is None
    stored["sets"].append({"numerics": known, "digests": {"a": "2"}})
    assert digests_here(stored) == {"a": "2"}


def test_a_machine_whose_numpy_computes_exp_log_and_power_otherwise_has_another_key(monkeypatch):
    """numpy's own routines (as on AVX-512) are told from the C library's by their bits."""
    from numerics_drift import OneUlpOff

    here = numerics_key()
    numerics_key.cache_clear()
    try:
        with monkeypatch.context() as m:
            for name in ("exp", "log", "power"):
                m.setattr(np, name, OneUlpOff(getattr(np, name), np.inf))
            elsewhere = numerics_key()
    finally:
        numerics_key.cache_clear()
    assert numerics_key() == here
    assert elsewhere["routines"] == "numpy's own"  # whatever this machine's are
    assert elsewhere["numpy_bits"] != here["numpy_bits"]
    assert elsewhere["c_library"] == here["c_library"]
