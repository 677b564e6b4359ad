"""The debrief: a game scored against its status-quo run on the scenario's objectives, and graded.

Each objective compares the run with the status quo of the same seed and draws:

    measure    discounted mean of the indicator over the game and the scenario's horizon
               (the game played on past its end, with no more changes, so the state left
               behind counts: legalizing everything in the last year is not free)
    score_i    100 x ln(status quo / run), or ln(run / status quo) when more is better,
               capped at +/- 100 x ln(score_cap): a halving and a doubling count the same
    weight_i   weight x value per unit x status-quo measure: what the objective is worth, in
               one currency (lives, prison years, addiction and money all in dollars), or the
               bare weight when the scenario gives no values
    score      sum(weight_i x score_i) / sum(weight_i)

For small changes the score is the percent by which the run lowers the total valued harm.
Everything is computed for every run at once, so a batch of runs gets a distribution of
scores and grades; the debrief of a game is its run 0.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from game.content.schema import Ending, Scenario
from game.engine.errors import GameError
from game.engine.records import ChoiceMade, Decision

if TYPE_CHECKING:  # the game module imports this one
    from game.engine.game import Game
    from game.engine.world import World

Array = np.ndarray


@dataclass(frozen=True)
class ObjectiveResult:
    indicator: str
    label: str
    measure: str
    value: float  # the run's measure (over the game and the horizon)
    status_quo: float  # the status quo's measure
    better_percent: float  # plain percent better than the status quo, for reading
    weight: float  # share of the total weight, 0 to 1
    score: float  # capped log ratio, in points
    contribution: float  # weight x score: the points it adds to the total


@dataclass(frozen=True)
class GradeStep:
    label: str
    min_score: float
    text: str


@dataclass(frozen=True)
class SideScore:
    """One player's part of a two-player game: the score on the objectives their side answers for."""

    side: str
    player: str
    score: float
    grade: str
    grade_text: str
    objectives: tuple[str, ...]  # the indicators counted, in the scenario's order


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
    horizon_years: float = 0.0
    discount_rate: float = 0.0
    score_cap: float = 4.0
    currency: str = ""
    sides: tuple[SideScore, ...] = ()  # a two-player game: each player's score and grade
    turns_left: int = 0  # turns an ending cut short, played on with no changes before the horizon

    @property
    def measured_over(self) -> str:
        """Over what the objectives were measured, in words (the debrief and its export)."""
        if not self.horizon_years:
            after = ", played on with no changes to its last turn" if self.turns_left else ""
            return "over the game" + after
        if self.turns_left:
            return (
                "over the game up to its ending, then played on with no changes to the scenario's last turn "
                f"and {self.horizon_years:g} more years"
            )
        return f"over the game and {self.horizon_years:g} more years played on with no changes"

    @property
    def better_percent(self) -> float:
        """The plain percent by which the run beats the status quo, all objectives weighed by
        their worth: where each is a harm valued in one currency, the percent less total valued
        harm (weights are each objective's worth in the status quo, so the weighted sum of
        ``1 - run / status quo`` is ``1 - total harm / the status quo's``). The score is a mean
        of capped log ratios instead: the two agree for small changes and part for large or
        mixed ones (+30 points can be a fifth less harm all told, or a third)."""
        return sum(row.weight * row.better_percent for row in self.objectives)


@dataclass(frozen=True)
class RunScores:
    """The score of every run of a game: totals, per-objective scores and weights, grades."""

    objectives: tuple[str, ...]  # indicator ids, in the scenario's order
    total: Array  # (runs,)
    scores: Array  # (runs, objectives), points
    weights: Array  # (runs, objectives), shares summing to 1 per run
    mine: Array  # (runs, objectives), the run's measures
    theirs: Array  # (runs, objectives), the status quo's measures
    earned: tuple[str, ...]  # grade earned by the score, per run
    grades: tuple[str, ...]  # grade after any ending's cap, per run

    def grade_shares(self, scenario: Scenario) -> dict[str, float]:
        """Fraction of runs at each grade of the scale, best first (zero shares included)."""
        labels = [g.label for g in grade_scale(scenario)]
        n = max(1, len(self.grades))
        return {label: sum(g == label for g in self.grades) / n for label in labels}


def grade_scale(scenario: Scenario) -> tuple[GradeStep, ...]:
    """The scenario's grades, best first."""
    steps = sorted(scenario.grades, key=lambda g: g.min_score, reverse=True)
    return tuple(GradeStep(g.label, float(g.min_score), g.text) for g in steps)


def grade_for(scenario: Scenario, score: float) -> GradeStep | None:
    """The best grade whose threshold the score reaches (the lowest grade below them all)."""
    steps = grade_scale(scenario)
    return next((g for g in steps if score >= g.min_score), steps[-1] if steps else None)


def horizon_turns(game: Game) -> int:
    """Turns the game is played on for its terminal value."""
    return int(round(game.scenario.horizon_years * 12 / game.scenario.months_per_turn))


def turns_left_by_ending(game: Game) -> int:
    """The turns a game that met an ending stopped short of its last: they are played on with
    no more changes before the horizon, so a game scores alike whether it stopped at its ending
    (a player's) or played on to the last turn holding its levels (a plan's, ``hold_ended``)."""
    ended = int(game.ended_turn[0, 0])
    return max(0, game.turns - game.turn) if ended <= game.turn else 0


def play_on(game: Game, turns: int) -> Game:
    """A copy of the game played ``turns`` more turns past where it is, with no more changes."""
    twin = game.fork()
    for aid in list(twin.pending):
        twin.unset_level(aid)
    twin.turns = twin.turn + turns
    for _ in range(turns):
        twin.resolve_turn()
    return twin


def _series(game: Game, future: Game | None, indicator: str) -> Array:
    """(turns, runs): the indicator after each turn played, then over the horizon."""
    played = game.history(indicator)
    parts = [played[1:] if game.turn else played[:1]]
    if future is not None:
        parts.append(future.history(indicator)[game.turn + 1 :])
    return np.concatenate(parts, axis=0)


def _measure(series: Array, how: str, turn_years: float, rate: float, first_turn: int) -> Array:
    """Per run: the discounted mean or sum of a series, or its value at the end of the game."""
    t = np.arange(first_turn, first_turn + series.shape[0], dtype=np.float64)
    discount = (1.0 + rate) ** (-t * turn_years)
    if how == "total":
        return (series * discount[:, None]).sum(axis=0) * turn_years
    return (series * discount[:, None]).sum(axis=0) / discount.sum()


def log_score(mine: Array, theirs: Array, more_is_better: bool, cap: float) -> Array:
    """100 x ln(theirs / mine) (or its inverse), capped at +/- 100 x ln(cap).

    Where a measure is zero or negative there is no ratio: the symmetric relative difference
    2 (theirs - mine) / (|theirs| + |mine|) stands in (it is the log ratio for small changes).
    """
    with np.errstate(all="ignore"):
        ratio = np.log(theirs / mine)
        relative = 2.0 * (theirs - mine) / (np.abs(theirs) + np.abs(mine))
    out = np.where((mine > 0) & (theirs > 0), ratio, relative)
    out = np.where((mine == theirs), 0.0, out)
    if more_is_better:
        out = -out
    limit = np.log(cap)
    return 100.0 * np.clip(out, -limit, limit)


_cache: weakref.WeakKeyDictionary[Game, tuple[tuple[int, int], RunScores]] = weakref.WeakKeyDictionary()


def score_runs(game: Game) -> RunScores:
    """Score every run of a game against its status-quo twin (which it must have)."""
    if game.status_quo is None:
        raise GameError("scoring needs the status-quo run: create the game with status_quo=True")
    key = (game.turn, len(game.choices_made))
    cached = _cache.get(game)
    if cached is not None and cached[0] == key:
        return cached[1]
    sc, world, quo = game.scenario, game.world, game.status_quo
    extra = horizon_turns(game) + turns_left_by_ending(game)
    mine_future = play_on(game, extra) if extra else None
    quo_future = play_on(quo, extra) if extra else None
    first = 1 if game.turn else 0
    ids, scores, weights, mine_m, quo_m = [], [], [], [], []
    for i, obj in enumerate(sc.objectives):
        info = world.indicators[obj.indicator]
        if obj.measure == "final":
            mine = game.history(obj.indicator)[game.turn]
            theirs = quo.history(obj.indicator)[quo.turn]
        else:
            mine = _measure(
                _series(game, mine_future, obj.indicator),
                obj.measure,
                game.turn_years,
                sc.discount_rate,
                first,
            )
            theirs = _measure(
                _series(quo, quo_future, obj.indicator), obj.measure, game.turn_years, sc.discount_rate, first
            )
        value = world.objective_values.get((game.scenario_id, i))
        weight = np.full(game.runs, float(obj.weight))
        if value is not None:
            per_unit = value if isinstance(value, float) else value.evaluate(game.env)
            per_unit = np.broadcast_to(np.asarray(per_unit, dtype=np.float64), (game.runs, 1))[:, 0]
            weight = weight * per_unit * np.maximum(theirs, 0.0)
        ids.append(obj.indicator)
        mine_m.append(mine)
        quo_m.append(theirs)
        weights.append(weight)
        scores.append(log_score(mine, theirs, info.good == "up", sc.score_cap))
    runs = game.runs
    if ids:
        score_arr, weight_arr = np.stack(scores, axis=1), np.stack(weights, axis=1)
        total_w = weight_arr.sum(axis=1, keepdims=True)
        shares = np.divide(weight_arr, total_w, out=np.zeros_like(weight_arr), where=total_w > 0)
        total = (shares * score_arr).sum(axis=1)
        mine_arr, quo_arr = np.stack(mine_m, axis=1), np.stack(quo_m, axis=1)
    else:
        score_arr = shares = mine_arr = quo_arr = np.zeros((runs, 0))
        total = np.zeros(runs)
    earned, capped = [], []
    for r in range(runs):
        grade = grade_for(sc, float(total[r]))
        earned.append(grade.label if grade else "")
        grade = _capped(sc, grade, game.ending_id[r])
        capped.append(grade.label if grade else "")
    result = RunScores(
        tuple(ids), total, score_arr, shares, mine_arr, quo_arr, tuple(earned), tuple(capped)
    )
    _cache[game] = (key, result)
    return result


def better_percents(scored: RunScores, world: World) -> Array:
    """Per run, the plain percent by which it beats the status quo, the objectives weighed by their
    worth (``Debrief.better_percent`` of every run): each objective's ``(status quo - run) /
    |status quo|`` (the other way where more is better), summed by weight."""
    goods = np.array([world.indicators[i].good == "up" for i in scored.objectives], dtype=bool)
    with np.errstate(all="ignore"):
        better = np.where(scored.theirs != 0, (scored.theirs - scored.mine) / np.abs(scored.theirs), 0.0)
    better = np.where(goods, -better, better)
    return 100.0 * (scored.weights * better).sum(axis=1)


def _capped(sc: Scenario, grade: GradeStep | None, ending_id: str | None) -> GradeStep | None:
    """The grade after the cap of the ending the run reached, if any."""
    ending = next((e for e in sc.endings if e.id == ending_id), None)
    if grade is not None and ending is not None and ending.grade_cap is not None:
        cap = next(g for g in grade_scale(sc) if g.label == ending.grade_cap)
        if cap.min_score < grade.min_score:
            return cap
    return grade


def side_scores(game: Game) -> tuple[SideScore, ...]:
    """Each player's score in a two-player game (run 0): the objectives their side answers for
    (an objective's ``sides``; none listed: every side's), weighed as in the whole score and
    graded on the scenario's scale, with the ending's cap. Empty for a one-player game."""
    if not game.players:
        return ()
    scored = score_runs(game)
    sc = game.scenario
    out = []
    for sid in game.world.sides:
        idx = [i for i, obj in enumerate(sc.objectives) if not obj.sides or sid in obj.sides]
        shares, points = scored.weights[0, idx], scored.scores[0, idx]
        weight = float(shares.sum())
        total = float((shares * points).sum() / weight) if weight > 0 else 0.0
        earned = grade_for(sc, total)
        grade = _capped(sc, earned, game.ending_id[0])
        out.append(
            SideScore(
                sid,
                game.players.get(sid, ""),
                total,
                grade.label if grade else "",
                earned.text if earned else "",  # what the score says: an ending's cap is said apart
                tuple(sc.objectives[i].indicator for i in idx),
            )
        )
    return tuple(out)


def debrief(game: Game) -> Debrief:
    """Score the game (its run 0) against its status-quo run on the scenario's objectives."""
    scored = score_runs(game)
    sc, world = game.scenario, game.world
    rows = []
    for i, obj in enumerate(sc.objectives):
        info = world.indicators[obj.indicator]
        mine, theirs = float(scored.mine[0, i]), float(scored.theirs[0, i])
        better = 0.0 if theirs == 0 else (theirs - mine) / abs(theirs) * 100.0
        if info.good == "up":
            better = -better
        share, points = float(scored.weights[0, i]), float(scored.scores[0, i])
        rows.append(
            ObjectiveResult(
                obj.indicator,
                obj.label or info.name,
                obj.measure,
                mine,
                theirs,
                better,
                share,
                points,
                share * points,
            )
        )
    grade = next((g for g in grade_scale(sc) if g.label == scored.grades[0]), None)
    # the grade's words describe the harm the score measured ("about what the status quo
    # delivers"), so they are the earned grade's: a capped CATASTROPHIC told a student that a
    # tenth more harm was "over a third above the status quo's"; the cap is explained apart
    earned = next((g for g in grade_scale(sc) if g.label == scored.earned[0]), grade)
    return Debrief(
        float(scored.total[0]),
        grade.label if grade else "",
        earned.text if earned else "",
        rows,
        list(game.log),
        list(game.choices_made),
        game.ending,
        scored.earned[0],
        grade_scale(sc),
        float(sc.horizon_years),
        float(sc.discount_rate),
        float(sc.score_cap),
        sc.score_currency,
        side_scores(game),
        turns_left_by_ending(game),
    )
