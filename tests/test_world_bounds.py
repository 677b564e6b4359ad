"""A world that stays possible: every indicator inside the range its content declares, people
conserved in a finite population, and no stock clamped silently.

The property tests play random plans over every action (any level, any turn) with the
uncertain parameters drawn, and pinned at the ends of their ranges, plus the all-maximum,
all-minimum and legalize-everything plans, many plans in one batch (``replay_plans``: each
block is its plan's own game, to the bit). The quick version runs by default; the
exhaustive one is marked ``slow`` (``pytest -m slow``).
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import numpy as np
import pytest
from batch_helpers import Games, random_plan
from commandline import borderline

from game.content.errors import ContentErrors
from game.content.schema import Plan, PlanStep
from game.engine import Game, SimulationError, load_world, run_plan
from game.engine.world import IndicatorInfo, World

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "content" / "base"
MINI = Path(__file__).parent / "packs" / "mini"
SCENARIO = "both-sides"
TURNS = 40


@pytest.fixture(scope="module")
def world(base_world: World) -> World:
    return base_world


def bound_at(game, info: IndicatorInfo, which: str, turn: int) -> np.ndarray | None:
    """An indicator's declared bound after a turn, computed from the recorded history."""
    bound = info.low if which == "low" else info.high
    if bound is None or isinstance(bound, float):
        return bound
    env = {}
    for name in bound.names:
        if name in game.recorded:
            value = game.history(name)[turn]
            env[name] = value[:, None] if value.ndim == 1 else value
    env.update({name: game.parameter(name) for name in bound.names if name in game.world.parameters})
    return np.asarray(bound.evaluate(env), dtype=np.float64)


def outside_declared_ranges(game) -> list[tuple[str, np.ndarray]]:
    """Every indicator value outside the range its content declares, in any run and turn: what is
    wrong, and the runs where it is (a (runs,) mask)."""
    problems = []
    for ind_id, info in game.world.indicators.items():
        series = game.history(ind_id)
        bad = ~np.isfinite(series).reshape(series.shape[0], series.shape[1], -1).all(axis=2).all(axis=0)
        if bad.any():
            problems.append((f"{ind_id} is not finite", bad))
        for turn in range(series.shape[0]):
            value = series[turn] if info.axis is not None else series[turn][:, None]
            low, high = bound_at(game, info, "low", turn), bound_at(game, info, "high", turn)
            if low is not None:
                bad = ~np.broadcast_to(value >= np.asarray(low) - 1e-6, value.shape).all(axis=1)
                if bad.any():
                    problems.append((f"{ind_id} below {low} at turn {turn}", bad))
            if high is not None:
                bad = ~np.broadcast_to(value <= np.asarray(high) + 1e-6, value.shape).all(axis=1)
                if bad.any():
                    problems.append((f"{ind_id} above its maximum at turn {turn}", bad))
    return problems


def random_cases(world: World, count: int, draws: int, runs: int) -> Games:
    """``count`` random plans over every action (any level, any turn, one to thirty changes),
    each with some uncertain parameters pinned at an end of their range and a seed of its own.

    Drawn from a seeded generator rather than Hypothesis: a Hypothesis example of many plans
    would start from its simplest (every plan one change to the first action at turn 1)."""
    rng = random.Random(draws)
    uncertain = sorted(pid for pid, p in world.parameters.items() if p.range is not None and p.over is None)
    out = []
    for _ in range(count):
        plan = random_plan(world, rng, TURNS, 1, 30)
        ends = {pid: rng.randint(0, 1) for pid in rng.sample(uncertain, rng.randint(0, 8))}
        pins = {pid: float(world.parameters[pid].range[top]) for pid, top in ends.items()}
        out.append((plan, pins, rng.randrange(2**32)))
    return Games(world, SCENARIO, out, runs, f"random_cases(world, {count}, {draws}, {runs})")


def play_all_and_check(games: Games) -> None:
    """Every plan played in one batch of plans (block k is run_plan's game of plan k to the bit,
    tests/test_engine_plans.py), and every indicator of every run checked at once. A failure
    names the plan, pins and seed of a game that fails, which ``run_plan`` plays alone."""
    batch = games.play()
    assert batch.turn == TURNS
    problems = outside_declared_ranges(batch)
    if problems:
        what, bad = problems[0]
        raise AssertionError(f"{what}{games.culprit_of_run(int(np.flatnonzero(bad)[0]))}")


def every_action_at(world: World, top: bool) -> Plan:
    return Plan(
        step=[
            PlanStep(turn=1, action=aid, level=info.levels - 1 if top else 0)
            for aid, info in sorted(world.actions.items())
        ]
    )


def test_extreme_plans_stay_inside_every_declared_range(world):
    """All maximum, all minimum and legalize everything, 24 runs each, in one batch."""
    extremes = [
        every_action_at(world, top=True),
        every_action_at(world, top=False),
        Plan(step=[PlanStep(turn=1, action="legalize_all_drugs", level=1)]),
    ]
    play_all_and_check(Games(world, SCENARIO, [(plan, {}, 11) for plan in extremes], 24, "the extreme plans"))


# Twelve random plans by default, in one batch: a quick check that everyday changes keep the
# world possible (the extreme plans above cover the corners); the 200-plan sweep below runs
# under slow. The generator's seed is new each run, as Hypothesis's would be, and a failure
# names it with the plan, pins and seed of a failing game.
def test_random_plans_stay_inside_every_declared_range(world):
    play_all_and_check(random_cases(world, 12, random.getrandbits(64), runs=6))


# 200 random plans of 16 runs, each with its own pins and seed, in four shards of 50 (a batch
# each), which the two workers share.
SHARDS = 4


@pytest.mark.slow
@pytest.mark.parametrize("shard", range(SHARDS))
def test_random_plans_stay_inside_every_declared_range_exhaustive(world, shard):
    play_all_and_check(random_cases(world, 200 // SHARDS, random.getrandbits(64) * SHARDS + shard, runs=16))


# --------------------------------------------------------------------------- the population


def test_every_population_indicator_of_the_base_world_declares_a_range(world):
    assert all(info.kind is not None for info in world.indicators.values()), "every indicator says its kind"
    for ind_id, info in world.indicators.items():
        assert info.low is not None or info.high is not None, f"{ind_id} declares no range"
        if info.kind == "population":
            assert info.low == 0.0, ind_id
            assert info.high is not None or ind_id == "us_residents_12plus", f"{ind_id}: bounded by the pool"


def test_the_population_is_conserved_and_grows_as_the_census_projects(world):
    result = run_plan(
        world, SCENARIO, BASE / "plans" / "kleiman_package.toml", runs=8, seed=3, status_quo=False
    )
    game = result.game
    parts = ("us_non_users", "us_light_users", "us_heavy_users", "us_in_recovery", "us_behind_bars_for_drugs")
    total = sum(game.history(p) if p in game.recorded else None for p in parts[:4])
    pool = game.history("us_residents_12plus")
    years = np.arange(TURNS + 1) * 0.25
    expected = 258.6 + 2.2 * years  # NSDUH 2011 population 12+, growing 2.2M a year
    assert np.allclose(pool, expected[:, None], rtol=1e-9), "people appear or vanish outside the flows"
    assert 279 < pool[-1].min() and pool[-1].max() < 282, "about 280M in 2021, as NSDUH finds"
    assert (total < pool).all()


def test_legalizing_everything_saturates_instead_of_compounding(world):
    result = run_plan(world, SCENARIO, BASE / "plans" / "legalize_all.toml", runs=24, seed=3, status_quo=True)
    game, quo = result.game, result.status_quo
    light, heavy = game.history("us_light_users"), game.history("us_heavy_users")
    assert light.max() < 25 and heavy.max() < 10, "millions, not billions"
    ratio = heavy[-1] / quo.history("us_heavy_users")[-1]
    assert (ratio > 1.25).all() and (ratio < 2.5).all()
    homicides = game.history("mx_drug_homicides")[-1] / quo.history("mx_drug_homicides")[-1]
    assert (homicides < 1.0).all(), "legal supply does not bring Mexico's killings back up"


def test_cutting_opiate_substitution_returns_patients_to_heroin(world):
    # played (with its twin) to turn 16, the one it reads
    result = run_plan(
        world, SCENARIO, BASE / "plans" / "abolish_opiate_substitution.toml", runs=8, seed=3, turns=16
    )
    game, quo = result.game, result.status_quo
    assert (game.history("ost_patients")[16] < 0.05 * quo.history("ost_patients")[16]).all()
    more = game.history("us_heavy_users")[16] - quo.history("us_heavy_users")[16]
    patients = quo.history("ost_patients")[16] / 1000
    # back among heavy users, less those who have since stopped, died or gone to prison
    assert (more > 0.5 * patients).all() and (more < patients).all()


# --------------------------------------------------------------------------- no silent clamping


def copy_mini(tmp_path: Path) -> Path:
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    return folder


def test_a_stock_driven_below_its_minimum_is_a_model_error_naming_it(tmp_path):
    folder = copy_mini(tmp_path)
    with (folder / "world.toml").open("a") as f:
        f.write(
            '\n[flow.overdrain]\nname = "Too much"\nformula = "30 * light_users + 5"\n'
            'out_of = "light_users"\n'
        )
    world = load_world([folder])
    with pytest.raises(SimulationError) as err:
        run_plan(world, "test-run", None, runs=2, seed=1, status_quo=False)
    message = str(err.value)
    assert "light_users" in message and "below its minimum 0" in message
    assert "world.toml:" in message and "overdrain" in message, "where it is and which flows moved it"


def test_an_indicator_outside_its_declared_range_is_a_model_error(tmp_path):
    folder = copy_mini(tmp_path)
    text = (folder / "world.toml").read_text()
    text = text.replace(
        'indicator = { side = "us", headline = true, good = "down", decimals = 2 }',
        'indicator = { side = "us", headline = true, good = "down", decimals = 2, kind = "population", '
        "range = [0, 3.5] }",
    )
    (folder / "world.toml").write_text(text)
    world = load_world([folder])
    game = run_plan(world, "test-run", None, runs=4, seed=1, turns=1, status_quo=False).game
    assert (game.history("heavy_users") <= 3.5).all(), "inside its range at first"
    with pytest.raises(
        SimulationError, match=r"heavy_users = .* above its maximum 3.5 .*world.toml:.* at turn"
    ):
        run_plan(world, "test-run", None, runs=4, seed=1, status_quo=False)


def test_a_population_indicator_without_a_range_fails_validation(tmp_path):
    folder = copy_mini(tmp_path)
    text = (
        (folder / "world.toml")
        .read_text()
        .replace(
            'indicator = { side = "us", headline = true, good = "down", decimals = 2 }',
            'indicator = { side = "us", headline = true, good = "down", decimals = 2, kind = "population" }',
        )
    )
    (folder / "world.toml").write_text(text)
    with pytest.raises(ContentErrors) as err:
        load_world([folder])
    assert any("kind 'population' needs a `range`" in str(e) for e in err.value.errors)
    out = borderline("validate", str(folder), cwd=ROOT)
    assert out.code != 0 and "world.toml:" in out.err and "needs a `range`" in out.err


def test_a_range_may_be_one_sided_or_a_formula_and_must_not_be_upside_down(tmp_path):
    folder = copy_mini(tmp_path)
    text = (folder / "world.toml").read_text()
    good = text.replace(
        'indicator = { side = "us", headline = true, good = "down", decimals = 2 }',
        'indicator = { side = "us", headline = true, good = "down", decimals = 2, kind = "population", '
        'range = ["0", "light_users + heavy_users"] }',
    ).replace(
        'indicator = { side = "mx", headline = true, good = "down", decimals = 2 }',
        'indicator = { side = "mx", headline = true, good = "down", decimals = 2, range = { min = 0 } }',
    )
    (folder / "world.toml").write_text(good)
    world = load_world([folder])
    assert world.indicators["heavy_users"].high is not None and world.indicators["revenue"].high is None
    run_plan(world, "test-run", None, runs=2, seed=1, status_quo=False)
    (folder / "world.toml").write_text(
        text.replace(
            'indicator = { side = "us", good = "up" }', 'indicator = { side = "us", range = [100, 0] }'
        )
    )
    with pytest.raises(ContentErrors, match="low end 100.0 is above its high end 0.0"):
        load_world([folder])


@pytest.mark.parametrize("difficulty", ["easy", "standard", "hard"])
def test_political_capital_stays_under_its_cap_at_every_difficulty_even_played_on_past_an_ending(
    world, difficulty
):
    """A playtest's crash: on Learning (half as much capital income again) a game that legalized
    everything and took each dilemma's last choice was voted out in 2012; its debrief plays the
    world on to the scoring horizon, where Mexico's capital earned past 100 and the model broke
    (the app showed a traceback). What is earned past the cap is lost (politics.toml)."""
    game = Game(world, SCENARIO, seed=5, difficulty=difficulty, status_quo=True)
    game.interactive = True
    game.set_level("legalize_all_drugs", 1, enforce=False)
    while not game.is_over:
        game.resolve_turn()
        while game.pending_dilemmas:
            dilemma = game.pending_dilemmas[0]
            game.choose(dilemma.event, dilemma.choices[-1].id)
    assert game.debrief().grade  # scored to the horizon, no model error on the way
    for side in world.sides.values():
        capital = game.history(side.capital)
        assert 0.0 <= capital.min() and capital.max() <= world.stocks[side.capital].maximum, side.capital
