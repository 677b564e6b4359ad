"""The debrief: a game scored against its status-quo run on the scenario's objectives, and graded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from game.content.schema import Ending
from game.engine.errors import GameError
from game.engine.records import ChoiceMade, Decision

if TYPE_CHECKING:  # the game module imports this one
    from game.engine.game import Game


@dataclass(frozen=True)
class ObjectiveResult:
    indicator: str
    label: str
    measure: str
    value: float
    status_quo: float
    better_percent: float
    weight: float


@dataclass(frozen=True)
class Debrief:
    score: float
    grade: str
    grade_text: str
    objectives: list[ObjectiveResult]
    decisions: list[Decision]
    choices: list[ChoiceMade]
    ending: Ending | None


def debrief(game: Game) -> Debrief:
    """Score the game against its status-quo run on the scenario's objectives."""
    if game.status_quo is None:
        raise GameError("scoring needs the status-quo run: create the game with status_quo=True")
    rows = []
    total = weights = 0.0
    upto = game.turn
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
        rows.append(
            ObjectiveResult(obj.indicator, obj.label or ind.name, obj.measure, m, s, better, obj.weight)
        )
        total += better * obj.weight
        weights += obj.weight
    score = total / weights if weights else 0.0
    grades = sorted(game.scenario.grades, key=lambda g: g.min_score, reverse=True)
    grade = next((g for g in grades if score >= g.min_score), grades[-1] if grades else None)
    ending = game.ending
    if ending is not None and ending.grade_cap is not None and grade is not None:
        cap = next(g for g in grades if g.label == ending.grade_cap)
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
    )


def run_scores(game: Game) -> np.ndarray:
    """The debrief's score in every run of a batch at once (run 0's is ``debrief(game).score``)."""
    if game.status_quo is None:
        raise GameError("scoring needs the status-quo run: create the game with status_quo=True")
    upto = game.turn
    total = np.zeros(game.runs)
    weights = 0.0
    for obj in game.scenario.objectives:
        window = slice(1, upto + 1) if upto else slice(0, 1)
        mine = game.history(obj.indicator)[window]
        base = game.status_quo.history(obj.indicator)[window]
        pick = {"final": lambda a: a[-1], "mean": lambda a: a.mean(axis=0), "total": lambda a: a.sum(axis=0)}
        m, s = pick[obj.measure](mine), pick[obj.measure](base)
        with np.errstate(all="ignore"):
            better = np.where(s == 0, 0.0, (s - m) / np.abs(s) * 100.0)
        if game.world.indicators[obj.indicator].good == "up":
            better = -better
        total += better * obj.weight
        weights += obj.weight
    return total / weights if weights else total
