"""The debrief: a game scored against its status-quo run on the scenario's objectives, and graded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from game.content.schema import Ending, Scenario
from game.engine.errors import GameError
from game.engine.records import ChoiceMade, Decision

if TYPE_CHECKING:  # the game module imports this one
    from game.engine.game import Game


@dataclass(frozen=True)
class ObjectiveResult:
    indicator: str
    label: str
    measure: str
    value: float  # the run's measure
    status_quo: float  # the status quo's measure
    better_percent: float  # plain percent better than the status quo, for reading
    weight: float  # share of the total weight, 0 to 1
    score: float = 0.0  # the objective's own score, in points
    contribution: float = 0.0  # weight x score: the points it adds to the total


@dataclass(frozen=True)
class GradeStep:
    label: str
    min_score: float
    text: str


@dataclass(frozen=True)
class Debrief:
    score: float
    grade: str
    grade_text: str
    objectives: list[ObjectiveResult]
    decisions: list[Decision]
    choices: list[ChoiceMade]
    ending: Ending | None
    earned: str = ""  # the grade the score alone earns, before an ending's cap
    grades: tuple[GradeStep, ...] = ()  # the scale, best first


def grade_scale(scenario: Scenario) -> tuple[GradeStep, ...]:
    """The scenario's grades, best first."""
    steps = sorted(scenario.grades, key=lambda g: g.min_score, reverse=True)
    return tuple(GradeStep(g.label, float(g.min_score), g.text) for g in steps)


def grade_for(scenario: Scenario, score: float) -> GradeStep | None:
    """The best grade whose threshold the score reaches (the lowest grade below them all)."""
    steps = grade_scale(scenario)
    return next((g for g in steps if score >= g.min_score), steps[-1] if steps else None)


def debrief(game: Game) -> Debrief:
    """Score the game against its status-quo run on the scenario's objectives."""
    if game.status_quo is None:
        raise GameError("scoring needs the status-quo run: create the game with status_quo=True")
    upto = game.turn
    measured = []
    for obj in game.scenario.objectives:
        ind = game.world.indicators[obj.indicator]
        mine = game.history(obj.indicator)[1 : upto + 1, 0] if upto else game.history(obj.indicator)[:1, 0]
        base = (
            game.status_quo.history(obj.indicator)[1 : upto + 1, 0]
            if upto
            else game.status_quo.history(obj.indicator)[:1, 0]
        )
        pick = {
            "final": lambda a: float(a[-1]),
            "mean": lambda a: float(a.mean()),
            "total": lambda a: float(a.sum()),
        }[obj.measure]
        m, s = pick(mine), pick(base)
        better = 0.0 if s == 0 else (s - m) / abs(s) * 100.0
        if ind.good == "up":
            better = -better
        measured.append((obj, ind, m, s, better))
    weights = sum(obj.weight for obj in game.scenario.objectives)
    rows = [
        ObjectiveResult(
            obj.indicator,
            obj.label or ind.name,
            obj.measure,
            m,
            s,
            better,
            obj.weight / weights,
            better,
            better * obj.weight / weights,
        )
        for obj, ind, m, s, better in measured
    ]
    score = sum(row.contribution for row in rows)
    earned = grade_for(game.scenario, score)
    grade = earned
    ending = game.ending
    if ending is not None and ending.grade_cap is not None and grade is not None:
        cap = next(g for g in grade_scale(game.scenario) if g.label == ending.grade_cap)
        if cap.min_score < grade.min_score:
            grade = cap
    return Debrief(
        score,
        grade.label if grade else "",
        grade.text if grade else "",
        rows,
        list(game.log),
        list(game.choices_made),
        ending,
        earned.label if earned else "",
        grade_scale(game.scenario),
    )
