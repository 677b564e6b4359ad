"""A score that rewards good policy: symmetric, bounded per-objective scores weighted by what
each outcome is worth, a terminal value for the state left behind, and grades that come out of
the model honestly. Grading checks run the base world over 40 runs each (seed 1) and compare
plans run for run: the same seed gives the same draws, so differences are the plans'."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from commandline import Outcome
from teach_helpers import base_world as shared_base_world

from game.cli import main
from game.content.errors import ContentErrors
from game.content.schema import Plan, PlanStep
from game.engine import Game, World, load_plan, load_world, replay_plans, run_plan, scoring
from game.engine.scoring import RunScores, log_score, score_runs

# One xdist worker runs this whole module (--dist loadgroup):
# its status quo and scored plans are played once per module and shared.
pytestmark = pytest.mark.xdist_group("scoring")

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "content" / "base"
PLANS = BASE / "plans"
MINI = Path(__file__).parent / "packs" / "mini"
SCENARIO = "both-sides"
SEED = 1
RUNS = 40
TOP = "merely distasteful"


@pytest.fixture(scope="module")
def world(base_world):
    return base_world


# A score costs four 40-turn games: the plan and its status-quo twin, each played on over the
# ten-year horizon. The plans the default run scores (40 runs, seed 1: BATCHED) are played as
# the blocks of one batch of plans with its twin (replay_plans: block k is run_plan's game of
# plan k beside its own twin, to the bit), scored once and read by every test (read-only):
# eleven plans cost about what three played one at a time cost.
# test_a_health_package_scores_above_the_status_quo checks a block's scores against its plan's
# own game and twin played alone, to the bit. Any other plan (the slow tests') is played alone
# against a status quo played once per module and shared, as is its horizon.
_QUO: dict[tuple[int, int, int], tuple[World, Game]] = {}
_QUO_FUTURES: dict[tuple[int, int], Game] = {}
_SCORED: dict[tuple[int, str | None, int, int], tuple[World, RunScores]] = {}
_BATCH: dict[int, tuple[World, list[str | None], Game]] = {}
LATE = PlanStep(turn=37, action="legalize_all_drugs", level=1)


def status_quo(world: World, runs: int, seed: int) -> Game:
    key = (id(world), runs, seed)
    if key not in _QUO or _QUO[key][0] is not world:
        _QUO[key] = (world, run_plan(world, SCENARIO, None, runs=runs, seed=seed, status_quo=False).game)
    return _QUO[key][1]


@pytest.fixture(scope="module", autouse=True)
def status_quo_played_on_once() -> Iterator[None]:
    """score_runs plays the shared status quo over the horizon once, not once per plan."""
    real = scoring.play_on

    def play_on(game: Game, turns: int) -> Game:
        if not any(game is quo for _, quo in _QUO.values()):
            return real(game, turns)
        key = (id(game), turns)
        if key not in _QUO_FUTURES:
            _QUO_FUTURES[key] = real(game, turns)
        return _QUO_FUTURES[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scoring, "play_on", play_on)
        yield


def batched(world: World) -> list[Plan | str | None]:
    """The plans the default run's tests score, played in one batch: the status quo, the plan
    files they grade, two packages with everything legalized late, and the close calls."""
    return [
        None,
        "abolish_opiate_substitution.toml",
        "health_package.toml",
        "kleiman_package.toml",
        "cut_every_programme.toml",
        with_steps(world, "kleiman_package.toml", LATE),
        with_steps(world, "health_package.toml", LATE),
        *(Plan(step=[PlanStep(turn=1, action=aid, level=lv)]) for aid, lv in sorted(CLOSE_CALLS)),
    ]


def batch_of_plans(world: World) -> tuple[list[str | None], Game]:
    """The batched plans' names and their batch (RUNS runs a plan, seed SEED), played once."""
    if id(world) not in _BATCH or _BATCH[id(world)][0] is not world:
        plans = batched(world)
        files = [PLANS / plan if isinstance(plan, str) else plan for plan in plans]
        blocks = replay_plans(world, SCENARIO, files, RUNS, SEED, status_quo=True)
        _BATCH[id(world)] = (world, [_named(plan) for plan in plans], blocks[0].batch)
    return _BATCH[id(world)][1], _BATCH[id(world)][2]


def block_of(scored: RunScores, block: int) -> RunScores:
    """The scores of block ``block``'s runs (RUNS a block) of a batch of plans' scores."""
    rows = slice(block * RUNS, (block + 1) * RUNS)
    return dataclasses.replace(
        scored,
        total=scored.total[rows],
        scores=scored.scores[rows],
        weights=scored.weights[rows],
        mine=scored.mine[rows],
        theirs=scored.theirs[rows],
        earned=scored.earned[rows],
        grades=scored.grades[rows],
    )


def assert_scored_alike(block: RunScores, alone: RunScores) -> None:
    """A block's scores are those of its plan's game played alone, to the bit."""
    for name in ("total", "scores", "weights", "mine", "theirs"):
        mine, theirs = np.ascontiguousarray(getattr(block, name)), np.ascontiguousarray(getattr(alone, name))
        assert mine.tobytes() == theirs.tobytes(), name
    assert block.grades == alone.grades and block.earned == alone.earned


def scores(world: World, plan: Plan | str | None, runs: int = RUNS, seed: int = SEED) -> RunScores:
    """The plan's scores over ``runs`` runs: a batched plan's block, any other plan's game
    played alone against the shared status quo; read-only."""
    if (runs, seed) == (RUNS, SEED):
        names, batch = batch_of_plans(world)
        if _named(plan) in names:
            return block_of(score_runs(batch), names.index(_named(plan)))
    return _scored(world, plan, runs, seed)


_PLAYED: dict[tuple[int, str | None, int, int], tuple[World, Game]] = {}


def _named(plan: Plan | str | None) -> str | None:
    return plan if isinstance(plan, str) or plan is None else "steps " + plan.model_dump_json()


def played_game(world: World, plan: Plan | str | None, runs: int = RUNS, seed: int = SEED) -> Game:
    """The plan's game (a file or steps), played once alone, its twin the shared status quo;
    read-only."""
    key = (id(world), _named(plan), runs, seed)
    if key not in _PLAYED or _PLAYED[key][0] is not world:
        steps = load_plan(PLANS / plan, world, SCENARIO) if isinstance(plan, str) else plan
        game = run_plan(world, SCENARIO, steps, runs=runs, seed=seed, status_quo=False).game
        game.status_quo = status_quo(world, runs, seed)
        _PLAYED[key] = (world, game)
    return _PLAYED[key][1]


def _scored(world: World, plan: Plan | str | None, runs: int = RUNS, seed: int = SEED) -> RunScores:
    key = (id(world), _named(plan), runs, seed)
    if key not in _SCORED or _SCORED[key][0] is not world:
        _SCORED[key] = (world, score_runs(played_game(world, plan, runs, seed)))
    return _SCORED[key][1]


def myopic_scores(world: World, plan: Plan | str) -> RunScores:
    """A batched plan's game scored by a scenario with no horizon (no terminal value): the same
    game as ``scores`` reads (the horizon only changes how a game is scored, not how it is played)."""
    names, batch = batch_of_plans(world)
    game = batch.fork()
    game.scenario = game.scenario.model_copy(update={"horizon_years": 0.0})
    game.status_quo = batch.status_quo
    return block_of(score_runs(game), names.index(_named(plan)))


def top_share(scored) -> float:
    return float(np.mean([g == TOP for g in scored.grades]))


def with_steps(world, name: str, *steps: PlanStep) -> Plan:
    return Plan(step=[*load_plan(PLANS / name, world, SCENARIO).step, *steps])


# --------------------------------------------------------------------------- the scale


def test_a_halving_and_a_doubling_count_the_same_and_no_objective_counts_beyond_its_cap():
    theirs = np.array([10.0, 10.0, 10.0, 10.0])
    mine = np.array([5.0, 20.0, 0.0, 1000.0])
    down = log_score(mine, theirs, more_is_better=False, cap=4.0)
    assert down[0] == pytest.approx(100 * np.log(2)) and down[1] == pytest.approx(-100 * np.log(2))
    assert down[2] == pytest.approx(100 * np.log(4)) and down[3] == pytest.approx(-100 * np.log(4))
    up = log_score(mine, theirs, more_is_better=True, cap=4.0)
    assert np.allclose(up, -down)
    assert log_score(np.array([0.0]), np.array([0.0]), False, 4.0)[0] == 0.0


def test_the_status_quo_scores_zero_and_is_not_the_top_grade(world):
    scored = scores(world, None)
    assert np.all(scored.total == 0.0)
    assert top_share(scored) == 0.0 and set(scored.grades) == {"bad"}


def test_weights_are_what_each_objective_is_worth_in_the_status_quo(world):
    scored = scores(world, None)
    assert np.allclose(scored.weights.sum(axis=1), 1.0)
    weights = dict(zip(scored.objectives, scored.weights[0], strict=True))
    quo = dict(zip(scored.objectives, scored.theirs[0], strict=True))
    # lives at DOT's $9.1M on both sides of the border; a dollar of programme spending is a dollar
    homicides = 12 * 9.1 / 1000 * quo["mx_drug_homicides"]
    overdoses = 9.1 / 1000 * quo["us_overdose_deaths"]
    spending = 1.0 * quo["total_programme_spending"]
    ratio = weights["mx_drug_homicides"] / weights["total_programme_spending"]
    assert ratio == pytest.approx(homicides / spending)
    ratio = weights["us_overdose_deaths"] / weights["mx_drug_homicides"]
    assert ratio == pytest.approx(overdoses / homicides)
    assert weights["us_overdose_deaths"] > weights["mx_drug_homicides"] > weights["us_prisoners_drug_related"]
    total = homicides / weights["mx_drug_homicides"]
    assert 700 < total < 1500, f"valued harm of the status quo: ${total:.0f}B a year"


# --------------------------------------------------------------------------- grading the base world


def test_abolishing_opiate_substitution_scores_below_the_status_quo(world):
    scored = scores(world, "abolish_opiate_substitution.toml")
    assert np.all(scored.total < 0)


def test_a_health_package_scores_above_the_status_quo(world):
    scored = scores(world, "health_package.toml")
    # the package's block of the batch of plans every test here reads is its own game beside
    # its own twin, played alone as run_plan plays it, to the bit (its block is not the batch's
    # first: its rows, draws and twin are a block's)
    alone = run_plan(world, SCENARIO, PLANS / "health_package.toml", runs=RUNS, seed=SEED).game
    assert_scored_alike(scored, score_runs(alone))
    assert np.all(scored.total > 0) and np.median(scored.total) > 5


@pytest.mark.parametrize("package", ["kleiman_package.toml", "health_package.toml"])
def test_legalizing_everything_in_the_last_four_turns_does_not_raise_a_packages_score(world, package):
    plain = scores(world, package)
    late = scores(world, with_steps(world, package, LATE))
    loss = plain.total - late.total
    assert np.median(loss) > 5, "the addiction it leaves behind counts"
    # in the fentanyl era legal supply of known strength also averts overdoses at once: only where
    # it removes nearly all of fentanyl's risk (legal_supply_safety near 0.9) can that outweigh it
    assert np.mean(loss > 0) >= 0.9


def test_the_terminal_value_counts_the_state_left_behind(world):
    late = with_steps(world, "kleiman_package.toml", LATE)
    gain_myopic = myopic_scores(world, late).total - myopic_scores(world, "kleiman_package.toml").total
    gain = scores(world, late).total - scores(world, "kleiman_package.toml").total
    assert np.median(gain) < np.median(gain_myopic) - 5, "ten more years of addiction count"
    assert np.mean(gain < gain_myopic) >= 0.9


# The levels whose runs come nearest the top grade (+30) alone, where a change to the model
# would show first: measured over 40 runs (seed 1, the fentanyl-era model), the levels whose
# 95th-percentile score comes within 15 points of it: hope 4 +35 (12% of runs at the top),
# hope 3 +20 and opiate_substitution 3 +16, with naloxone_distribution 3 at the edge (+15;
# +21 before its values were set to the national studies of naloxone access laws, not the
# Massachusetts communities alone); every other level stays below +12. These run by default
# (blocks of the batch of plans above); every other level of every lever runs under ``slow``
# (.ci/run). Re-measure and update this list when the model moves.
CLOSE_CALLS = {("hope", 4), ("hope", 3), ("naloxone_distribution", 3), ("opiate_substitution", 3)}


def lever_levels(world: World) -> list[tuple[str, int]]:
    """(action, level) for every level of every action but its status-quo level."""
    quo = world.scenarios[SCENARIO].action_levels
    return [
        (aid, lv)
        for aid in sorted(world.actions)
        for lv in range(world.actions[aid].levels)
        if lv != quo.get(aid, 0)
    ]


# The close calls (the default run) are blocks of the batch of plans the default run's tests
# read; the other levels (slow) are blocks of one batch of their own (replay_plans), up to
# LEVERS_A_BATCH a batch, scored with the batch's own twin. Each batch of another size builds
# and sets up a program of its own, which cost more than the runs: the 40 levels of the base
# game in batches of 16 (three sizes) took 8.7-10.7 s of processor time, in one batch 6.0-6.4 s,
# at 360 MB peak against 190 MB (its histories, its twin's and their horizons' held at once).
# test_a_levers_block_scores_as_its_own_game checks a block's scores against the lever's game
# played alone, to the bit.
LEVERS_A_BATCH = 48
_LEVERS: dict[tuple[int, tuple[tuple[str, int], ...]], tuple[World, RunScores]] = {}


def lever_batch(world: World, action: str, level: int) -> list[tuple[str, int]]:
    """The levels played in one batch with this one (not a close call)."""
    others = [lever for lever in lever_levels(world) if lever not in CLOSE_CALLS]
    start = others.index((action, level)) // LEVERS_A_BATCH * LEVERS_A_BATCH
    return others[start : start + LEVERS_A_BATCH]


def lever_scores(world: World, action: str, level: int) -> RunScores:
    """The scores of the lever's runs (level set at turn 1, nothing else): a close call's
    block of the default run's batch, another's block of its own batch."""
    if (action, level) in CLOSE_CALLS:
        return scores(world, Plan(step=[PlanStep(turn=1, action=action, level=level)]))
    levers = lever_batch(world, action, level)
    key = (id(world), tuple(levers))
    if key not in _LEVERS or _LEVERS[key][0] is not world:
        plans = [Plan(step=[PlanStep(turn=1, action=aid, level=lv)]) for aid, lv in levers]
        blocks = replay_plans(world, SCENARIO, plans, RUNS, SEED, status_quo=True)
        _LEVERS[key] = (world, score_runs(blocks[0].batch))
    return block_of(_LEVERS[key][1], levers.index((action, level)))


@pytest.mark.parametrize(
    "action, level",
    [
        pytest.param(aid, lv, marks=[] if (aid, lv) in CLOSE_CALLS else [pytest.mark.slow], id=f"{aid}-{lv}")
        for aid, lv in lever_levels(shared_base_world())  # the one the base_world fixture gives
    ],
)
def test_no_single_lever_alone_reaches_the_top_grade_in_most_runs(world, action, level):
    scored = lever_scores(world, action, level)
    assert top_share(scored) < 0.5, f"{action} at level {level} alone: {top_share(scored):.0%} top grade"


@pytest.mark.slow  # with the batches it checks
def test_a_levers_block_scores_as_its_own_game(world):
    """A lever's scores from its batch are those of its game played alone, to the bit: the
    sixth lever of the first batch (past the first, so a block that is not the batch's start)."""
    action, level = [lever for lever in lever_levels(world) if lever not in CLOSE_CALLS][5]
    alone = scores(world, Plan(step=[PlanStep(turn=1, action=action, level=level)]))
    assert_scored_alike(lever_scores(world, action, level), alone)


def test_the_close_calls_are_levels_of_the_base_game(world):
    levels = set(lever_levels(world))
    assert CLOSE_CALLS <= levels, f"not levers of the base game any more: {CLOSE_CALLS - levels}"


def test_cutting_every_programme_scores_below_the_founding_package_and_rarely_at_the_top(world):
    cut = scores(world, "cut_every_programme.toml")
    package = scores(world, "kleiman_package.toml")
    assert np.all(cut.total < package.total)
    assert top_share(cut) < 0.5


def test_the_founding_package_reaches_the_top_grade_in_a_good_share_of_runs(world):
    scored = scores(world, "kleiman_package.toml")
    assert top_share(scored) >= 0.6
    assert np.percentile(scored.total, 5) > 10, "even its worst runs beat the status quo clearly"


# --------------------------------------------------------------------------- the debrief


@pytest.fixture(scope="module")
def lone_package(world: World) -> Game:
    """The founding package as one game (seed 42) with its twin, read by both debrief tests."""
    return run_plan(world, SCENARIO, PLANS / "kleiman_package.toml", runs=1, seed=42).game


def test_the_debrief_shows_each_objectives_contribution_and_the_grade_scale(lone_package):
    debrief = lone_package.debrief()
    assert sum(row.contribution for row in debrief.objectives) == pytest.approx(debrief.score)
    assert sum(row.weight for row in debrief.objectives) == pytest.approx(1.0)
    assert [g.label for g in debrief.grades][0] == TOP and debrief.grades[0].min_score == 30
    assert debrief.horizon_years == 10 and debrief.earned == debrief.grade and debrief.ending is None
    earned = next(g for g in debrief.grades if g.label == debrief.grade)
    assert debrief.score >= earned.min_score


def test_the_debrief_says_the_plain_change_in_total_valued_harm_beside_the_log_score(lone_package):
    """A strategist playtester read "+43: about the percent by which your run beats the status
    quo" where the harm all told was about 31% lower: the score averages capped log ratios. The
    debrief says the plain figure too: one minus the run's total valued harm over the status
    quo's, each objective valued at its worth per unit (its weight over the status quo's measure)."""
    from game.app.screens.debrief import score_meaning

    debrief = lone_package.debrief()
    worth = [row.weight / row.status_quo for row in debrief.objectives]  # value per unit, to a factor
    harm = sum(w * row.value for w, row in zip(worth, debrief.objectives, strict=True))
    harm_quo = sum(w * row.status_quo for w, row in zip(worth, debrief.objectives, strict=True))
    plain = 100 * (1 - harm / harm_quo)
    assert debrief.better_percent == pytest.approx(plain)
    # the same for every run of a batch, as simulate's table reads it
    assert scoring.better_percents(score_runs(lone_package), lone_package.world)[0] == pytest.approx(plain)
    assert plain > 5 and abs(plain - debrief.score) > 1, (plain, debrief.score)  # not the score again
    # and what the score means on its own terms: -35.2 points is 42% more harm on the log average
    on_average = 100 * (1 - math.exp(-debrief.score / 100))
    said = score_meaning(debrief)
    assert f"{on_average:.0f}% less harm on that average; the harm added up: {plain:.0f}% less harm" in said
    flipped = [dataclasses.replace(r, better_percent=-r.better_percent) for r in debrief.objectives]
    worse = dataclasses.replace(debrief, objectives=flipped, score=-35.2)
    assert "42% more harm on that average" in score_meaning(worse)
    assert f"the harm added up: {plain:.0f}% more harm" in score_meaning(worse)
    # where the two agree, said once ("12% less harm on that average; the harm added up: 12% less
    # harm" read as a stutter to a playtester)
    one = dataclasses.replace(flipped[0], better_percent=-42.0, weight=1.0)
    alike = dataclasses.replace(worse, objectives=[one])
    assert score_meaning(alike).endswith("42% more harm on that average and added up alike")


def test_the_debrief_markdown_lists_points_and_the_scale(lone_package):
    from game.app.readouts import debrief_markdown

    text = debrief_markdown(lone_package, lone_package.debrief())
    assert "| objective | your run | status quo | better by | score | weight | points |" in text
    assert "## Grade scale" in text and "merely distasteful: +30 or more" in text and "← this score" in text
    assert f"| **{lone_package.debrief().better_percent:+.1f}%** |" in text  # the plain change, all told
    # as the debrief screen shows them: the difficulty, and the hidden numbers this world drew
    # (a playtester's export had neither)
    from game.app.readouts import drawn_parameters, parameter_line

    assert "- Difficulty: Standard" in text
    hidden = text.split("## The hidden numbers of this world", 1)[1]
    drawn = drawn_parameters(lone_package)
    assert drawn and all(parameter_line(d) in hidden for d in drawn)


def test_scoring_works_for_a_pack_with_plain_weights(tmp_path):
    world = load_world([MINI])
    result = run_plan(
        world, "test-run", Plan(step=[PlanStep(turn=1, action="treatment", level=2)]), runs=6, seed=2
    )
    scored = score_runs(result.game)
    assert scored.objectives == ("heavy_users", "violence")
    assert np.allclose(scored.weights, [[1 / 3, 2 / 3]])
    assert np.all(scored.total > 0), "treatment cuts heavy users; violence is unchanged"


def write_mini(tmp_path: Path, objectives: str) -> Path:
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    text = (folder / "world.toml").read_text()
    start = text.index("objectives = [")
    end = text.index("]\n", start) + 2
    (folder / "world.toml").write_text(text[:start] + objectives + text[end:])
    return folder


def test_a_pack_can_value_its_objectives_in_one_currency(tmp_path):
    folder = write_mini(
        tmp_path,
        'objectives = [\n  { indicator = "heavy_users", value = "2 * quit_rate" },\n'
        '  { indicator = "violence", value = 0.001 },\n]\n',
    )
    world = load_world([folder])
    scored = score_runs(run_plan(world, "test-run", None, runs=3, seed=2).game)
    quo = scored.theirs[0]
    worth = np.array([2 * 0.15 * quo[0], 0.001 * quo[1]])
    assert np.allclose(scored.weights[0], worth / worth.sum())


@pytest.mark.parametrize(
    "objectives, message",
    [
        (
            'objectives = [\n  { indicator = "heavy_users", value = 1.0 },\n'
            '  { indicator = "violence" },\n]\n',
            "either every objective has a `value`",
        ),
        ('objectives = [\n  { indicator = "cocaine_price" },\n]\n', "whether more is better"),
        ('objectives = [\n  { indicator = "heavy_users", value = "light_users" },\n]\n', "parameters only"),
        (
            'objectives = [\n  { indicator = "heavy_users" },\n  { indicator = "heavy_users" },\n]\n',
            "scored twice",
        ),
    ],
)
def test_objectives_that_cannot_be_scored_are_refused_at_validation(tmp_path, objectives, message):
    folder = write_mini(tmp_path, objectives)
    with pytest.raises(ContentErrors) as err:
        load_world([folder])
    assert any(message in str(e) and "world.toml:" in str(e) for e in err.value.errors)


# --------------------------------------------------------------------------- headless scores


@pytest.fixture
def simulate(capsys: pytest.CaptureFixture[str]) -> Callable[..., Outcome]:
    """``borderline simulate ARGS`` called in this process (what it prints and returns is the
    point, not a fresh process; test_calibration's fact 14 checks a new process's numbers)."""

    def run(*args: str) -> Outcome:
        code = main(["simulate", *args])
        printed = capsys.readouterr()
        return Outcome(code, printed.out, printed.err)

    return run


def test_simulate_json_reports_the_score_grades_and_objectives(simulate):
    # eight quarters: the score still plays both games on to its ten-year horizon
    plan = str(PLANS / "health_package.toml")
    out = simulate("--plan", plan, "--runs", "12", "--seed", "1", "--turns", "8")
    assert out.code == 0, out.err
    data = json.loads(out.out)
    assert set(data["score"]) == {"mean", "p5", "p50", "p95"}
    assert data["score"]["p5"] <= data["score"]["p50"] <= data["score"]["p95"]
    assert sum(data["grades"].values()) == pytest.approx(1.0)
    assert list(data["grades"]) == ["merely distasteful", "unpleasant", "bad", "dreadful", "catastrophic"]
    heavy = data["objectives"]["us_heavy_use_index"]
    assert 0 < heavy["weight"] < 1 and heavy["score"]["p50"] > 0
    assert len(data["per_run"]["score"]) == 12 and "status_quo" not in data, "the status quo only if asked"


def test_simulate_csv_has_a_score_and_grade_row_per_run(simulate):
    out = simulate("--runs", "3", "--seed", "1", "--format", "csv", "--turns", "4")
    assert out.code == 0, out.err
    rows = list(csv.DictReader(io.StringIO(out.out)))
    per_run = [
        r
        for r in rows
        if r["series"] == "score" and r["indicator"] == "total" and r["statistic"].startswith("run")
    ]
    assert [r["statistic"] for r in per_run] == ["run 0", "run 1", "run 2"]
    assert all(float(r["value"]) == 0.0 and r["turn"] == "4" for r in per_run), "the status quo scores 0"
    grades = [r for r in rows if r["series"] == "grade" and r["statistic"].startswith("run")]
    assert {r["value"] for r in grades} == {"bad"}


def test_simulate_can_skip_the_score(simulate):
    out = simulate("--runs", "2", "--turns", "2", "--no-score")
    assert out.code == 0 and "score" not in json.loads(out.out)
