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
from batch_helpers import Games, random_plan

from game.engine import load_world

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


def test_random_plans_never_produce_nan_infinity_or_negative_stocks(world_and_scenario):
    world, scenario = world_and_scenario
    draws = random.getrandbits(64)
    rng = random.Random(draws)
    turns = world.scenarios[scenario].turns
    plans = [(random_plan(world, rng, turns, 0, 25), {}, rng.randrange(2**32)) for _ in range(PLANS)]
    games = Games(world, scenario, plans, RUNS, f"the plans drawn by random.Random({draws})")
    game = games.play()
    assert game.turn == turns
    for indicator in world.indicators:
        history = game.history(indicator)
        fine = np.isfinite(history).reshape(history.shape[0], history.shape[1], -1).all(axis=(0, 2))
        where = games.culprit_of_run(int(np.flatnonzero(~fine)[0])) if not fine.all() else ""
        assert fine.all(), f"{indicator} not finite{where}"
    stocks = game.snapshot().stocks
    for sid, spec in world.stocks.items():
        value = stocks[sid]
        fine = np.isfinite(value).all(axis=1)
        if spec.minimum is not None:
            fine &= (value >= spec.minimum).all(axis=1)
        where = games.culprit_of_run(int(np.flatnonzero(~fine)[0])) if not fine.all() else ""
        assert fine.all(), f"{sid} not finite or below its minimum{where}"
