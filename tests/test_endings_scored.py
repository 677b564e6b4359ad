"""A game that meets an ending scores alike whoever plays it: a player's game stops there and is
scored played on with no more changes; a plan run headless holds its levels from that ending on.

A strategist playtester found the same plan and seed scoring +0.4 headless (the plan played on
past its lost election) and +9.4 played (the game stopped there), both against an ending that
said the successor reverses the policy.
"""

from __future__ import annotations

import numpy as np
import pytest
from teach_helpers import base_world

from game.content.schema import Plan, PlanStep
from game.engine import Game, load_plan, replay_plans, run_plan
from game.engine.scoring import score_runs
from game.locations import base_pack

SCENARIO = "both-sides"
LATE = 30  # a step after the ending: the plan would raise HOPE then


def then_hope(name: str) -> Plan:
    """A shipped plan, then HOPE for all in 2019."""
    steps = load_plan(base_pack() / "plans" / f"{name}.toml", base_world(), SCENARIO).step
    return Plan(step=[*steps, PlanStep(turn=LATE, action="hope", level=4)])


def legalize_then_hope() -> Plan:
    """Legalize everything (a US election lost in 2016 at seed 3), then HOPE for all."""
    return then_hope("legalize_all")


def played(plan: Plan, seed: int) -> Game:
    """The plan played as a player would, answering every dilemma with its default, to its end."""
    game = Game(base_world(), SCENARIO, seed=seed, interactive=True, status_quo=True)
    by_turn: dict[int, list[PlanStep]] = {}
    for step in plan.step:
        by_turn.setdefault(step.turn, []).append(step)
    while not game.is_over:
        for step in by_turn.get(game.turn + 1, []):
            game.set_level(step.action, step.level, enforce=False)
        game.resolve_turn()
        while game.pending_dilemmas:
            dilemma = game.pending_dilemmas[0]
            game.choose(dilemma.event, next(c.id for c in dilemma.choices if c.default))
    return game


def test_a_plan_that_meets_an_ending_scores_the_same_headless_and_played():
    plan = legalize_then_hope()
    headless = run_plan(base_world(), SCENARIO, plan, seed=3).game
    ended = int(headless.ended_turn[0, 0])
    assert headless.ending_id[0] == "us_election_lost" and ended < LATE, "needs an ending before LATE"
    said = f"turn {LATE}: hope -> 4: not made: the game ended in {headless.date(ended)}"
    assert said in headless.warnings[-1]
    assert headless.committed_level("hope") == 0 and not any(d.turn > ended for d in headless.log)
    game = played(plan, seed=3)
    assert game.turn == ended and game.ending_id[0] == "us_election_lost"
    mine, theirs = game.debrief(), headless.debrief()
    assert mine.score == theirs.score and mine.grade == theirs.grade == "dreadful"
    assert mine.measured_over.startswith("over the game up to its ending, then played on with no changes")
    assert mine.turns_left == headless.turns - ended and theirs.turns_left == 0
    # simulate's table tells the step not made from one a player would have been refused
    from game.verbs.simulate_table import as_table

    table = as_table(headless, None, "plan", 3)
    assert f"(it met an ending in {headless.date(ended)} and played on unchanged)" in table
    # and each objective's row in the debrief says how it was measured past the ending
    from game.app.readouts import measure_words

    measured = measure_words("mean", mine.horizon_years, ended_early=True)
    assert measured == "average over the game, played on to its end + 10 years"
    assert "1 step not made: the run had met an ending" in table and f"\n  {said}" in table
    assert "step a player would be refused, made anyway (a what-if" in table  # legalizing: capital


def test_runs_of_a_batch_that_met_an_ending_keep_their_levels_and_the_others_follow_the_plan():
    plan = then_hope("mx_interdiction")  # Mexico's 2018 election lost in a fifth of the runs
    game = run_plan(base_world(), SCENARIO, plan, runs=48, seed=11, status_quo=False).game
    ended = game.ended_turn[:, 0] < LATE
    assert ended.any() and not ended.all(), "the case needs runs on both sides of the late step"
    hope = game._state.level["hope"][:, 0]  # the levels each run holds at the end
    assert np.all(hope[ended] == 0) and np.all(hope[~ended] == 4)


@pytest.mark.parametrize("runs_each", [1, 3])
def test_a_block_of_a_batch_of_plans_holds_its_levels_as_its_own_game_does(runs_each):
    plan = legalize_then_hope()
    lone = run_plan(base_world(), SCENARIO, plan, runs=runs_each, seed=3, status_quo=False).game
    (block,) = replay_plans(base_world(), SCENARIO, [plan], runs_each, seed=3)
    assert block.warnings == lone.warnings
    for name in ("us_heavy_users", "us_overdose_deaths", "us_approval"):
        assert np.array_equal(block.history(name), lone.history(name)), name


def test_a_status_quo_played_past_its_own_ending_scores_nothing_against_itself():
    game = run_plan(base_world(), SCENARIO, None, runs=8, seed=5).game
    assert np.all(score_runs(game).total == 0.0)


def test_a_capped_grade_keeps_the_words_of_the_harm_the_score_measured(base_world):
    """A game about a tenth worse than the status quo that met Mexico's crisis read "Grade:
    CATASTROPHIC ... the harm you leave is over a third above the status quo's" beside "10% more
    harm" (a playtester): the grade is capped, the words are the score's, the cap said apart."""
    game = Game(base_world, "both-sides", seed=1, status_quo=True)
    game.resolve_turn()
    game.env["mx_drug_homicides"] = np.full((1, 1), 4000.0)  # as if the state had fallen into crisis
    ending = game._check_endings(1, game.env)
    assert ending is not None and ending.id == "mx_state_crisis"
    debrief = game.debrief()
    scale = {g.label: g.text for g in debrief.grades}
    assert debrief.grade == "catastrophic" and debrief.earned == "bad"
    assert debrief.grade_text == scale["bad"] and "over a third" not in debrief.grade_text
