"""Property tests: whatever a player does, the world stays finite and stocks stay non-negative.

Twenty-five random plans per world, each with its own seed, played in one batch of plans
(``replay_plans``: each block is its plan's own game, to the bit, tests/test_engine_plans.py);
the plans come from a seeded generator whose seed a failure prints, with the ``run_plan`` call
that plays the failing plan alone.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from game.content.schema import Plan, PlanStep
from game.engine import SimulationError, load_world, replay_plans, run_plan

pytestmark = pytest.mark.slow  # exhaustive: plain pytest skips it, .ci/run runs it

ROOT = Path(__file__).resolve().parent.parent
WORLDS = {
    "base": (ROOT / "content" / "base", "both-sides"),
    "mini": (Path(__file__).parent / "packs" / "mini", "test-run"),
}
PLANS, RUNS = 25, 4


def _world(name: str):
    folder, scenario = WORLDS[name]
    return load_world([folder]), scenario


@pytest.fixture(scope="module", params=["base", "mini"])
def world_and_scenario(request):
    return _world(request.param)


def random_plans(world, scenario, rng: random.Random) -> list[tuple[Plan, int]]:
    """Random plans (none to 25 changes of any action to any level at any turn), each with a seed."""
    turns = world.scenarios[scenario].turns
    actions = sorted(world.actions)
    out = []
    for _ in range(PLANS):
        steps = []
        for _ in range(rng.randint(0, 25)):
            aid = rng.choice(actions)
            level = int(rng.random() * (world.actions[aid].levels - 1) + 0.5)
            steps.append(PlanStep(turn=rng.randint(1, turns), action=aid, level=level))
        out.append((Plan(step=steps), rng.randrange(2**32)))
    return out


def test_random_plans_never_produce_nan_infinity_or_negative_stocks(world_and_scenario):
    world, scenario = world_and_scenario
    draws = random.getrandbits(64)
    games = random_plans(world, scenario, random.Random(draws))

    def culprit(k: int) -> str:
        plan, seed = games[k]
        return (
            f"\nplan {k} of random_plans(world, {scenario!r}, random.Random({draws})): run_plan(world, "
            f"{scenario!r}, Plan(step={plan.step!r}), runs={RUNS}, seed={seed}, status_quo=False)"
        )

    try:
        blocks = replay_plans(world, scenario, [g[0] for g in games], RUNS, [g[1] for g in games])
    except SimulationError as err:  # which plan? each alone says
        for k, (plan, seed) in enumerate(games):
            try:
                run_plan(world, scenario, plan, runs=RUNS, seed=seed, status_quo=False)
            except SimulationError:
                raise AssertionError(f"{err}{culprit(k)}") from err
        raise
    game = blocks[0].batch
    assert game.turn == world.scenarios[scenario].turns
    for indicator in world.indicators:
        history = game.history(indicator)
        fine = np.isfinite(history).reshape(history.shape[0], history.shape[1], -1).all(axis=(0, 2))
        assert fine.all(), f"{indicator} not finite{culprit(int(np.flatnonzero(~fine)[0]) // RUNS)}"
    stocks = game.snapshot().stocks
    for sid, spec in world.stocks.items():
        value = stocks[sid]
        fine = np.isfinite(value).all(axis=1)
        if spec.minimum is not None:
            fine &= (value >= spec.minimum).all(axis=1)
        where = culprit(int(np.flatnonzero(~fine)[0]) // RUNS) if not fine.all() else ""
        assert fine.all(), f"{sid} not finite or below its minimum{where}"
