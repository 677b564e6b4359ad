"""A batch of plans (game.engine.plans.replay_plans): block k of the runs is, to the bit, the game
``run_plan`` plays for plan k: every recorded number, the warnings, the log, the answers, the
endings and the status-quo twin. Plans differ in levers, turns, dilemma answers and pins, and
hit budget and capital refusals, prerequisites and dilemmas."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import numpy as np
import pytest

from game.content.errors import ContentErrors
from game.content.schema import Plan, PlanChoice, PlanStep
from game.engine import GameError, PinOutOfRange, SimulationError, load_plan, load_world, run_plan
from game.engine.plans import PlanBlock, replay_plans
from game.engine.world import World

PLANS = Path(__file__).resolve().parent.parent / "content" / "base" / "plans"
MINI = Path(__file__).resolve().parent / "packs" / "mini"


def differences(block: PlanBlock, plan: Plan | None, pins: dict[str, float], quo: bool) -> list[str]:
    """Where a block differs from the lone game of its plan (empty: none, to the bit)."""
    scenario, seed = block.batch.scenario_id, block.seed
    lone = run_plan(
        block.world, scenario, plan, runs=block.runs, seed=seed, pins=pins, status_quo=quo, turns=block.turn
    ).game
    out = []
    for name in lone.recorded:
        if lone.history(name).tobytes() != np.ascontiguousarray(block.history(name)).tobytes():
            out.append(f"history of {name}")
    for pid in block.world.parameters:
        if lone.parameter(pid).tobytes() != np.ascontiguousarray(block.parameter(pid)).tobytes():
            out.append(f"parameter {pid}")
    for what in ("warnings", "log", "choices_made", "events_fired", "ending_id"):
        if getattr(lone, what) != getattr(block, what):
            out.append(what)
    if not np.array_equal(lone.ended_turn, block.ended_turn):
        out.append("ended_turn")
    if quo:
        assert lone.status_quo is not None and block.status_quo is not None
        for name in lone.status_quo.recorded:
            twin = np.ascontiguousarray(block.status_quo.history(name))
            if lone.status_quo.history(name).tobytes() != twin.tobytes():
                out.append(f"status quo's {name}")
    return out


def random_plan(world: World, rng: random.Random, turns: int) -> Plan:
    """Any lever to any level at any turn (refusals, prerequisites, capital and all), and answers."""
    actions = sorted(world.actions)
    steps = []
    for _ in range(rng.randint(0, 12)):
        aid = rng.choice(actions)
        level = rng.randrange(world.actions[aid].levels)
        steps.append(PlanStep(turn=rng.randint(1, turns), action=aid, level=level))
    dilemmas = [(eid, [c.id for c in e.spec.choices]) for eid, e in sorted(world.events.items())]
    dilemmas = [(eid, ids) for eid, ids in dilemmas if ids]
    choices = []
    for turn in range(1, turns + 1):
        for eid, ids in dilemmas:
            if rng.random() < 0.5:
                choices.append(PlanChoice(turn=turn, event=eid, choice=rng.choice(ids)))
    return Plan(step=steps, choice=choices)


def test_each_block_of_the_mini_pack_is_its_plans_own_game_to_the_bit(mini_world, massacre_seed):
    rng = random.Random(5)
    turns = mini_world.scenarios["test-run"].turns
    uncertain = sorted(p for p, i in mini_world.parameters.items() if i.range is not None and i.over is None)
    plans: list[Plan | None] = [random_plan(mini_world, rng, turns) for _ in range(7)]
    plans.append(None)  # no plan at all: the status quo, beside the others
    # the massacre answered both ways in the turns it can fire, and treatment raised early
    # (its prerequisite unmet until approval rises: a warning) and the capital overspent
    every_turn = range(1, turns + 1)
    plans.append(Plan(choice=[PlanChoice(turn=t, event="massacre", choice="crack_down") for t in every_turn]))
    early = [PlanStep(turn=1, action="treatment", level=2), PlanStep(turn=1, action="legalize", level=1)]
    deny = [PlanChoice(turn=t, event="massacre", choice="deny") for t in every_turn]
    plans.append(Plan(step=early, choice=deny))
    pins = [
        {pid: float(mini_world.parameters[pid].range[rng.randint(0, 1)]) for pid in rng.sample(uncertain, k)}
        for k in [0, 1, 2, 0, 1, 2, 1, 0, 1, 0][: len(plans)]
    ]
    # most blocks meet the luck of the seed that fires the massacre early, some a luck of their own
    seeds = [massacre_seed] * len(plans)
    seeds[2], seeds[5] = 1, 2
    blocks = replay_plans(mini_world, "test-run", plans, 4, seeds, pins, status_quo=True)
    assert [b.seed for b in blocks] == seeds
    assert [b.index for b in blocks] == list(range(len(plans)))
    answers = {c.choice for b in blocks for c in b.choices_made if not c.by_default}
    assert {"crack_down", "deny"} <= answers, "blocks answered the dilemma differently"
    assert any(w for b in blocks for w in b.warnings), "some plan was refused something"
    for block, plan, own in zip(blocks, plans, pins, strict=True):
        assert differences(block, plan, own, quo=True) == [], f"block {block.index}"


@pytest.mark.parametrize("seed", [11])
def test_each_block_of_the_base_world_is_its_plans_own_game_to_the_bit(base_world, seed):
    names = ["kleiman_package", "legalize_all", "designation_followthrough"]
    plans = [load_plan(PLANS / f"{n}.toml", base_world, "both-sides") for n in names]
    plans.append(random_plan(base_world, random.Random(seed), 16))
    # pins at the ends of their ranges in some blocks, drawn in the others
    pins = [{}, {"dto_violence_responsiveness": 0.8}, {"designation_capacity": 0.6}, {"framing_noise": -1.0}]
    blocks = replay_plans(base_world, "both-sides", plans, 3, seed, pins, turns=16)
    assert blocks[0].turn == 16
    assert any(b.choices_made for b in blocks), "dilemmas fired"
    for block, plan, own in zip(blocks, plans, pins, strict=True):
        assert differences(block, plan, own, quo=False) == [], f"block {block.index}"


def test_a_lever_ramps_only_in_the_blocks_that_moved_it(base_world):
    """HOPE lowered from 1 to 0 ramps to a value that a finished ramp's arithmetic misses by an
    ulp: once its ramp is over the block holds the level's own numbers, as its own game does,
    while another block's ramp of the same lever runs. And a ramp over in one block goes on in
    another (treatment ramps over four quarters)."""
    lowered = Plan(
        step=[
            PlanStep(turn=1, action="hope", level=1),
            PlanStep(turn=1, action="treatment_expansion", level=2),
            PlanStep(turn=5, action="hope", level=0),
        ]
    )
    later = Plan(
        step=[
            PlanStep(turn=3, action="treatment_expansion", level=3),
            PlanStep(turn=10, action="hope", level=2),
        ]
    )
    blocks = replay_plans(base_world, "both-sides", [lowered, later], 1, 11, turns=12)
    for block, plan in zip(blocks, [lowered, later], strict=True):
        assert differences(block, plan, {}, quo=False) == [], f"block {block.index}"


def test_blocks_are_not_the_same_game_when_plans_differ(mini_world):
    """The promise is not vacuous: different plans give different blocks, equal plans equal ones."""
    raise_enforcement = Plan(step=[PlanStep(turn=2, action="enforcement", level=2)])
    later = Plan(step=[PlanStep(turn=3, action="enforcement", level=2)])
    blocks = replay_plans(mini_world, "test-run", [raise_enforcement, later, raise_enforcement], 3, 4)
    first, second, third = (b.history("violence") for b in blocks)
    assert np.array_equal(first, third)
    assert not np.array_equal(first, second)
    assert [d.turn for d in blocks[1].log] == [3]


def test_bad_batches_are_refused_with_the_reason(mini_world):
    plan = Plan(step=[PlanStep(turn=1, action="enforcement", level=2)])
    with pytest.raises(GameError, match="give at least one plan"):
        replay_plans(mini_world, "test-run", [], 2)
    with pytest.raises(GameError, match="runs must be at least 1"):
        replay_plans(mini_world, "test-run", [plan], 0)
    with pytest.raises(GameError, match="3 seeds given for 2 plans"):
        replay_plans(mini_world, "test-run", [plan, plan], 2, [1, 2, 3])
    with pytest.raises(GameError, match="each zero or more"):
        replay_plans(mini_world, "test-run", [plan, plan], 2, [1, -2])
    with pytest.raises(GameError, match="2 sets of pins given for 1 plans"):
        replay_plans(mini_world, "test-run", [plan], 2, pins=[{}, {}])
    with pytest.raises(ContentErrors, match="levels 0 to 2"):
        too_high = Plan(step=[PlanStep(turn=1, action="enforcement", level=7)])
        replay_plans(mini_world, "test-run", [too_high], 2)
    uncertain = next(p for p, i in mini_world.parameters.items() if i.range is not None and i.over is None)
    high = mini_world.parameters[uncertain].range[1]
    with pytest.raises(PinOutOfRange):
        replay_plans(mini_world, "test-run", [plan, plan], 2, pins=[{}, {uncertain: high + 1}])
    with pytest.raises(GameError, match="turns must be between"):
        replay_plans(mini_world, "test-run", [plan], 2, turns=99)


def test_a_value_out_of_its_range_in_a_batch_names_the_plan_and_its_seed(tmp_path):
    """The engine's model error in a batch says whose game it is: the plan, its run and seed."""
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    with (folder / "world.toml").open("a") as f:  # drains light users only where enforcement is high
        f.write('\n[flow.overdrain]\nformula = "30 * light_users * (enforcement == 2)"\n')
        f.write('out_of = "light_users"\n')
    world = load_world([folder])
    calm = Plan()
    harsh = Plan(step=[PlanStep(turn=2, action="enforcement", level=2)])
    whose = r"light_users .* \(plan 2 of a batch of plans, its run [0-2], seed 9\)"
    with pytest.raises(SimulationError, match=whose):
        replay_plans(world, "test-run", [calm, calm, harsh], 3, [7, 8, 9])


def test_a_forked_batch_plays_on_without_changing_the_blocks_it_came_from(mini_world, massacre_seed):
    """Scoring plays a game on over its horizon in a fork: the blocks keep their own answers."""
    answer = Plan(choice=[PlanChoice(turn=t, event="massacre", choice="crack_down") for t in range(1, 13)])
    blocks = replay_plans(mini_world, "test-run", [answer, None], 4, massacre_seed, turns=4)
    answered = [list(b.choices_made) for b in blocks]
    assert answered[0], "the massacre fired in the first four turns and was answered"
    future = blocks[0].batch.fork()
    for _ in range(8):
        future.resolve_turn()
    assert [list(b.choices_made) for b in blocks] == answered
    with pytest.raises(GameError, match="cannot be replayed as a batch"):
        blocks[0].batch.batch(8)
    with pytest.raises(GameError, match="cannot be spread"):
        blocks[0].batch.spread({"initiation": [0.1, 0.2]})
