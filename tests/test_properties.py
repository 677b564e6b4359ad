"""Property tests: whatever a player does, the world stays finite and stocks stay non-negative."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.content.schema import Plan, PlanStep
from game.engine import load_world, run_plan

pytestmark = pytest.mark.slow  # exhaustive: plain pytest skips it, .ci/run runs it

ROOT = Path(__file__).resolve().parent.parent
WORLDS = {
    "base": (ROOT / "content" / "base", "both-sides"),
    "mini": (Path(__file__).parent / "packs" / "mini", "test-run"),
}


def _world(name: str):
    folder, scenario = WORLDS[name]
    return load_world([folder]), scenario


@pytest.fixture(scope="module", params=["base", "mini"])
def world_and_scenario(request):
    return _world(request.param)


def plans(world, scenario):
    turns = world.scenarios[scenario].turns
    step = st.builds(
        lambda turn, action, frac: PlanStep(
            turn=turn, action=action, level=int(frac * (world.actions[action].levels - 1) + 0.5)
        ),
        st.integers(1, turns),
        st.sampled_from(sorted(world.actions)),
        st.floats(0, 1),
    )
    return st.lists(step, max_size=25).map(lambda steps: Plan(step=steps))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_plans_never_produce_nan_infinity_or_negative_stocks(world_and_scenario, data):
    world, scenario = world_and_scenario
    plan = data.draw(plans(world, scenario))
    seed = data.draw(st.integers(0, 2**32))
    result = run_plan(world, scenario, plan, runs=4, seed=seed, status_quo=False)
    game = result.game
    assert game.turn == world.scenarios[scenario].turns
    for indicator in world.indicators:
        assert np.isfinite(game.history(indicator)).all(), indicator
    stocks = game.snapshot().stocks
    for sid, spec in world.stocks.items():
        value = stocks[sid]
        assert np.isfinite(value).all(), sid
        if spec.minimum is not None:
            assert (value >= spec.minimum).all(), sid
