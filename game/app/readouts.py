"""What the screens read from a game: indicator readouts, action groups, explanations, timelines.

Plain functions over the engine's public API, free of Textual, so they are easy to test and
every screen reads the game the same way. numpy is imported by the engine already; nothing
here is imported before a world is loaded.

Why one long module: it is a flat list of small, independent functions (one per thing a screen
shows), each tested on its own; keeping them in one place is what makes every screen read the
game the same way.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from game.app import words
from game.app.against_history import history_lines

if TYPE_CHECKING:
    from game.engine import Contribution, Debrief, Game, World
    from game.engine.scoring import GradeStep
    from game.engine.sensitivity import ForecastDependence
    from game.engine.world import IndicatorInfo


def display_name(name: str, ident: str) -> str:
    """A human name: the content's name, or the id made readable."""
    if name and name != ident:
        return name
    text = ident.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def difficulty_name(game: Game) -> str:
    """The game's difficulty as the new-game screen named it ("" when the packs define none)."""
    level = game.world.difficulties.get(game.difficulty) if game.difficulty is not None else None
    return display_name(level.name, game.difficulty) if level is not None and game.difficulty else ""


def side_name(world: World, side: str | None) -> str:
    if side is None:
        return "World"
    spec = world.sides.get(side)
    return display_name(spec.name if spec else "", side)


def side_short(world: World, side: str | None) -> str:
    """A side's short label ("US"): the content's ``short_name``, else its id in capitals."""
    spec = world.sides.get(side) if side is not None else None
    return (spec.short_name if spec is not None and spec.short_name else None) or (side or "world").upper()


def unit_text(unit: str) -> str:
    return f" ({unit})" if unit else ""


# --------------------------------------------------------------------------- indicators


@dataclass(frozen=True)
class IndicatorReadout:
    """One indicator as the dashboard shows it: now, change since last turn, vs status quo."""

    id: str
    name: str
    unit: str
    side: str | None
    good: str
    decimals: int
    value: float
    change: float | None  # since last turn; None before the first turn
    status_quo: float | None
    history: tuple[float, ...]
    short_unit: str = ""

    @property
    def vs_status_quo(self) -> float | None:
        """Percent difference from the status-quo run (None without one or with a zero base)."""
        if self.status_quo is None:
            return None
        if self.status_quo == self.value:
            return 0.0
        return words.percent_change(self.value, self.status_quo)

    @property
    def change_judgement(self) -> str:
        return words.judgement(self.change or 0.0, self.good, self.value)

    @property
    def status_quo_judgement(self) -> str:
        if self.status_quo is None:
            return ""
        return words.judgement(self.value - self.status_quo, self.good, self.status_quo)

    def format(self, value: float) -> str:
        """A value with its short unit: ``2.99M``, ``1,411/mo``, ``$53.1B/y``."""
        return words.with_unit(value, self.decimals, self.short_unit)


def scalar_indicators(world: World, *, headline_only: bool = False) -> list[IndicatorInfo]:
    """Indicators with one value per run, ordered by side (as the world lists sides) then order."""
    side_rank = {sid: i for i, sid in enumerate(world.sides)}
    chosen = [
        info
        for info in world.indicators.values()
        if info.axis is None and (info.headline or not headline_only)
    ]
    return sorted(chosen, key=lambda i: (side_rank.get(i.side or "", len(side_rank)), i.order, i.name))


def indicator_name(info: IndicatorInfo) -> str:
    return display_name(info.name, info.id)


def short_indicator_name(info: IndicatorInfo) -> str:
    """The name for narrow places (the dashboard): the content's ``short_name``, else its name."""
    return info.short_name or indicator_name(info)


def readout(game: Game, indicator: str) -> IndicatorReadout:
    info = game.world.indicators[indicator]
    series = [float(v) for v in game.history(indicator)[:, 0]]
    value = series[-1]
    change = value - series[-2] if len(series) > 1 else None
    status_quo = None
    if game.status_quo is not None:
        sq_series = game.status_quo.history(indicator)[:, 0]
        status_quo = float(sq_series[min(len(series), len(sq_series)) - 1])
    return IndicatorReadout(
        indicator,
        indicator_name(info),
        info.unit,
        info.side,
        info.good,
        info.decimals,
        value,
        change,
        status_quo,
        tuple(series),
        info.short_unit,
    )


def headline_readouts(game: Game) -> list[IndicatorReadout]:
    return [readout(game, info.id) for info in scalar_indicators(game.world, headline_only=True)]


# --------------------------------------------------------------------------- actions


@dataclass(frozen=True)
class ActionGroup:
    side: str
    category: str
    actions: tuple[str, ...]


def action_groups(world: World, only: Iterable[str] | None = None) -> list[ActionGroup]:
    """Visible actions grouped by side (in the world's side order) then category (first seen)."""
    only = list(only) if only is not None else None
    keep = set(only) if only is not None else None
    groups: dict[tuple[str, str], list[str]] = {}
    for aid, info in world.actions.items():
        if info.spec.hidden or (keep is not None and aid not in keep):
            continue
        groups.setdefault((info.spec.side, info.spec.category), []).append(aid)
    if only is not None:  # the caller's order: the group of its first action first
        position = {aid: i for i, aid in enumerate(only)}
        ordered = sorted(groups.items(), key=lambda kv: min(position[a] for a in kv[1]))
    else:
        side_rank = {sid: i for i, sid in enumerate(world.sides)}
        ordered = sorted(groups.items(), key=lambda kv: side_rank.get(kv[0][0], len(side_rank)))
    return [ActionGroup(side, category, tuple(ids)) for (side, category), ids in ordered]


def action_name(world: World, aid: str) -> str:
    return display_name(world.actions[aid].spec.name, aid)


def level_label(world: World, aid: str, level: int) -> str:
    levels = world.actions[aid].spec.levels
    return levels[level] if 0 <= level < len(levels) else str(level)


def action_cost(game: Game, aid: str, level: int) -> float:
    return float(game.action_cost(aid, level).mean())


def planned_capital(
    game: Game, side: str, plan: Mapping[str, int] | None = None
) -> list[tuple[str, float]]:
    """(action name, capital) of each change the side has planned this turn (or in ``plan``)."""
    plan = game.pending if plan is None else plan
    out = []
    for aid, info in game.world.actions.items():
        if aid in plan and info.spec.side == side:
            capital = info.capital_to_change(game.committed_level(aid), plan[aid])
            out.append((action_name(game.world, aid), capital))
    return out


def prerequisite_status(game: Game, aid: str) -> list[tuple[str, bool]]:
    """Each prerequisite's message and whether it is met now for the next level up."""
    info = game.world.actions[aid]
    committed = game.committed_level(aid)
    out = []
    for prereq in info.spec.prerequisites:
        if committed > prereq.from_level:
            out.append((prereq.message, True))
            continue
        reasons = game.check_level(aid, prereq.from_level + 1) if prereq.from_level + 1 < info.levels else []
        out.append((prereq.message, prereq.message not in reasons))
    return out


# --------------------------------------------------------------------------- why


@dataclass(frozen=True)
class Explanation:
    indicator: str
    name: str
    unit: str
    decimals: int
    turn: int
    date: str
    before: float
    after: float
    parts: tuple[Contribution, ...]

    @property
    def change(self) -> float:
        return self.after - self.before

    def headline(self) -> str:
        # a change too small for the indicator's decimals is shown with more, and so are the two
        # values it lies between ("went from 100 to 100: -0.5" read as a contradiction)
        places = change_places(self.change, self.decimals)
        return (
            f"{self.name}{unit_text(self.unit)} went from {words.number(self.before, places)} "
            f"to {words.number(self.after, places)} in {words.quarter(self.date)}: "
            f"{words.arrow(self.change, self.after)} {change_text(self.change, self.decimals)}"
        )

    def lines(self) -> list[str]:
        """One sentence per contribution, largest first: "+120 Kingpin strategy (action)"."""
        return [contribution_line(c, self.decimals) for c in self.parts]


def change_places(value: float, decimals: int) -> int:
    """The decimals a change needs to show something when it is small (``decimals`` otherwise)."""
    if value != 0 and abs(value) < 10 ** (-decimals):
        return min(6, decimals + max(1, math.ceil(-math.log10(abs(value))) - decimals))
    return decimals


def change_text(value: float, decimals: int) -> str:
    """A signed change with enough decimals to show something when it is small."""
    return words.signed(value, change_places(value, decimals))


def contribution_line(part: Contribution, decimals: int) -> str:
    if part.kind == "other":
        return f"{change_text(part.value, decimals)} {part.label}"
    return f"{change_text(part.value, decimals)} {part.label} ({driver_kind(part)})"


def driver_kind(part: Contribution) -> str:
    """ "rule", or "rule, via Patients in opiate substitution" for a rule that moves no stock the
    indicator counts (its part comes through the stock it moves: not what it does head on)."""
    return f"{part.kind}, via {part.via}" if part.via else part.kind


def explain(game: Game, indicator: str, turn: int | None = None) -> Explanation | None:
    """Last turn's change of an indicator split into its causes; None before the first turn."""
    turn = game.turn if turn is None else turn
    if turn < 1:
        return None
    info = game.world.indicators[indicator]
    series = game.history(indicator)[:, 0]
    parts = game.attribution(indicator, turn)
    return Explanation(
        indicator,
        indicator_name(info),
        info.unit,
        info.decimals,
        turn,
        game.date(turn),
        float(series[turn - 1]),
        float(series[turn]),
        tuple(parts),
    )


# --------------------------------------------------------------------------- organizations


def quantities_over(world: World, table: str) -> list[str]:
    """Stocks and variables with one value per row of a table, in content order."""
    return [
        sid for sid, sym in world.symbols.items() if sym.axis == table and sym.kind in ("stock", "variable")
    ]


def row_values(game: Game, name: str) -> list[float]:
    import numpy as np

    table = game.world.symbols[name].axis
    n = len(game.world.tables[table].rows) if table else 1
    value = np.broadcast_to(np.asarray(game.value(name), dtype=float), (game.runs, n))
    return [float(v) for v in value[0]]


# --------------------------------------------------------------------------- timeline and debrief


@dataclass(frozen=True)
class TimelineEntry:
    turn: int
    date: str
    kind: str  # "decision", "choice", "event"
    text: str


def timeline(game: Game) -> list[TimelineEntry]:
    """Decisions, dilemma answers and events in the order they happened."""
    world = game.world
    entries: list[tuple[int, int, TimelineEntry]] = []
    for d in game.log:
        side = side_short(world, world.actions[d.action].spec.side)
        text = (
            f"{side} {action_name(world, d.action)}: {level_label(world, d.action, d.previous)}"
            f" → {level_label(world, d.action, d.level)}"
        )
        entries.append((d.turn, 0, TimelineEntry(d.turn, game.date(d.turn), "decision", text)))
    for e in game.events_fired:
        entries.append((e.turn, 1, TimelineEntry(e.turn, game.date(e.turn), "event", e.title)))
    for c in game.choices_made:
        title = game.event_title(c.turn, c.event)  # as it was read: "Another massacre ..."
        label = world.choice_label(c.event, c.choice, c.label)
        how = f"not put to a player; the default, {label}" if c.by_default else f"chose {label}"
        said = f"{title}: {how}"
        entries.append((c.turn, 2, TimelineEntry(c.turn, game.date(c.turn), "choice", said)))
    return [entry for _, _, entry in sorted(entries, key=lambda t: (t[0], t[1]))]


def grade_rows(steps: Sequence[GradeStep]) -> list[tuple[str, str]]:
    """Each grade of a scale (best first) with the scores it takes: ("unpleasant", "+5 to +15")."""
    rows = []
    for i, step in enumerate(steps):
        upper = steps[i - 1].min_score if i > 0 else None
        if i == len(steps) - 1 and len(steps) > 1:
            span = f"below {upper:+g}"
        elif upper is None:
            span = f"{step.min_score:+g} or more"
        else:
            span = f"{step.min_score:+g} to {upper:+g}"
        rows.append((step.label, span))
    return rows


MEASURE_WORDS = {"mean": "average over the game", "final": "at the end", "total": "summed over the game"}


def measure_words(measure: str, horizon_years: float = 0.0, *, ended_early: bool = False) -> str:
    """How an objective is measured, in words: with a horizon, an average or a sum runs over the
    game and the years played on after it (the debrief's explanation says how it is discounted);
    ``ended_early``: the game met an ending before its last turn, and was played on unchanged
    from there to the scenario's end before the horizon."""
    if measure == "final" or not (horizon_years or ended_early):
        return MEASURE_WORDS.get(measure, measure)
    what = {"mean": "average", "total": "sum"}.get(measure, measure)
    if ended_early:
        after = f" + {horizon_years:g} years" if horizon_years else ""
        return f"{what} over the game, played on to its end{after}"
    return f"{what} over the game + {horizon_years:g} years after"


@dataclass(frozen=True)
class ObjectiveShare:
    """What one objective weighs in the score, as the briefing can know it before play."""

    label: str
    how: str  # how it is measured and which way is better
    share: float  # of the score's total weight, 0 to 1
    valued: bool  # weighted by its worth at the starting levels, rather than a bare weight


def objective_shares_of(
    world: World, scenario_id: str, difficulty: str | None = None
) -> list[ObjectiveShare]:
    """Each of a scenario's objectives with its share of the score at the starting levels.

    The engine weighs an objective by its weight x its value per unit x its status-quo measure
    (game/engine/scoring.py); before play the status quo is unknown, so the briefing uses the
    levels the scenario starts at, in a world drawn at seed 0: what each weighs today.
    """
    import numpy as np

    from game.engine import Game

    sc = world.scenarios[scenario_id]
    game = Game(world, scenario_id, seed=0, difficulty=difficulty) if sc.objectives else None
    raw = []
    for i, obj in enumerate(sc.objectives):
        weight = float(obj.weight)
        value = world.objective_values.get((scenario_id, i))
        if value is not None and game is not None:
            per_unit = value if isinstance(value, float) else value.evaluate(game.env)
            level = float(np.mean(game.history(obj.indicator)[0]))
            weight *= float(np.mean(per_unit)) * max(level, 0.0)
        raw.append((obj, weight, value is not None))
    total = sum(w for _, w, _ in raw)
    out = []
    for obj, weight, valued in raw:
        info = world.indicators.get(obj.indicator)
        label = display_name(obj.label or (info.name if info else ""), obj.indicator)
        good = {"down": "lower is better", "up": "higher is better"}.get(info.good if info else "", "")
        how = ", ".join(part for part in (measure_words(obj.measure, sc.horizon_years), good) if part)
        out.append(ObjectiveShare(label, how, weight / total if total > 0 else 0.0, valued))
    return out


@dataclass(frozen=True)
class DrawnParameter:
    """An uncertain number of the model as this game drew it, against its range and best estimate."""

    id: str
    name: str
    unit: str
    value: float
    best: float
    low: float
    high: float

    @property
    def position(self) -> float:
        """Where the draw sits in its range: 0 at the low end, 1 at the high end."""
        return 0.5 if self.high <= self.low else (self.value - self.low) / (self.high - self.low)

    @property
    def surprise(self) -> float:
        """How far from the best estimate, as a share of the range (what a player could not know)."""
        return 0.0 if self.high <= self.low else abs(self.value - self.best) / (self.high - self.low)

    @property
    def word(self) -> str:
        """The draw against its best estimate, the number a player would have assumed: a draw in
        the low third of a range whose best estimate sits lower still is above it, not "low"."""
        if self.surprise < NEAR_BEST:
            return "at" if self.value == self.best else "close to"
        side = "above" if self.value > self.best else "below"
        return f"well {side}" if self.surprise >= FAR_FROM_BEST else side


# how far from its best estimate a draw is, as a share of its range: far (shown first, in bold),
# off, or close (counted, not listed, on the debrief screen)
FAR_FROM_BEST = 0.25
NEAR_BEST = 0.1


def drawn_parameters(game: Game) -> list[DrawnParameter]:
    """The uncertain numbers this game drew (not those the scenario or the player pinned), the
    biggest surprises first: what made this world kinder or harsher than the best guess."""
    fixed = {**game.scenario.parameters, **game.pins}
    out = []
    for pid, spec in game.world.parameters.items():
        if spec.range is None or spec.over is not None or pid in fixed:
            continue
        low, high = spec.range
        value = float(game.parameter(pid).mean())
        # revealed, a name's "(hidden)" says nothing more: the list is the hidden numbers
        name = display_name(spec.name, pid).removesuffix(" (hidden)")
        out.append(DrawnParameter(pid, name, spec.unit, value, float(spec.value), float(low), float(high)))
    return sorted(out, key=lambda d: (-d.surprise, d.name))


def drawn_groups(drawn: Sequence[DrawnParameter]) -> list[tuple[str, list[DrawnParameter]]]:
    """The draws in three groups by how far each strayed from its best estimate, furthest first
    (the order of ``drawn``); a group with nothing in it is left out."""
    groups: list[tuple[str, list[DrawnParameter]]] = [
        ("Far from their best estimates", [d for d in drawn if d.surprise >= FAR_FROM_BEST]),
        ("Off their best estimates", [d for d in drawn if NEAR_BEST <= d.surprise < FAR_FROM_BEST]),
        ("Close to their best estimates", [d for d in drawn if d.surprise < NEAR_BEST]),
    ]
    return [(title, members) for title, members in groups if members]


def parameter_line(drawn: DrawnParameter) -> str:
    """ "HOPE efficacy: 0.123, well below its best estimate of 0.36 (range 0 to 0.72, fraction)" """
    import math

    unit = f", {drawn.unit}" if drawn.unit else ""
    digits = 3  # enough to tell the range's ends apart: a year of 2016.2 to 2017.8 needs five
    width, size = drawn.high - drawn.low, max(abs(drawn.low), abs(drawn.high))
    if width > 0 and size > 0:
        digits = max(3, math.floor(math.log10(size)) - math.floor(math.log10(width)) + 2)
    shown = [words.significant(v, digits) for v in (drawn.value, drawn.low, drawn.high, drawn.best)]
    if drawn.unit.lower() in ("year", "calendar year"):  # 2017, not 2,017
        shown = [text.replace(",", "") for text in shown]
    value, low, high, best = shown
    return f"{drawn.name}: {value}, {drawn.word} its best estimate of {best} (range {low} to {high}{unit})"


def player_lines(game: Game, debrief: Debrief) -> list[str]:
    """A two-player game's grades: each player's on the objectives their side answers for, then
    the pair's on them all. Empty for one player. The same lines as the exported debrief's."""
    from game.classroom.exports import player_lines as exported  # loaded with the debrief, as below

    return exported(game, debrief)


def report_sections(game: Game) -> list[tuple[str, list[str]]]:
    """The debrief's sections an exported report adds to the classroom's own: the game against
    what really happened, and the hidden numbers this world drew (why the same plan can fare
    otherwise in another world)."""
    hidden = [
        (f"The hidden numbers of this world: {title[:1].lower()}{title[1:]} ({len(members)})",
         [parameter_line(d) for d in members])
        for title, members in drawn_groups(drawn_parameters(game))
    ]
    return [("Against what really happened", history_lines(game)), *hidden]


def debrief_markdown(game: Game, debrief: Debrief | None = None) -> str:
    """The debrief as a Markdown report a teacher can collect (a class game's: see game.classroom;
    a two-player game's lists each player's grade)."""
    from game.classroom.exports import markdown

    return markdown(game, None, report_sections(game))


# --------------------------------------------------------------------------- batch runs


@dataclass(frozen=True)
class BatchBands:
    """Per scalar indicator, the 5th and 95th percentile of a batch replaying the player's decisions."""

    runs: int
    turn: int
    low: dict[str, list[float]]
    high: dict[str, list[float]]


def batch_bands(game: Game, runs: int) -> BatchBands:
    """Replay the decisions so far over ``runs`` runs that each draw the uncertain parameters.

    Slow on big worlds: call it from a worker thread, on a ``game.fork()`` so the game being
    played is never read while it changes.
    """
    import numpy as np

    batch = game.batch(runs)
    low, high = {}, {}
    for info in scalar_indicators(game.world):
        series = batch.history(info.id)
        p5, p95 = np.percentile(series, [5, 95], axis=1)
        low[info.id], high[info.id] = p5.tolist(), p95.tolist()
    return BatchBands(runs, game.turn, low, high)


def forecast_lead(world: World, effects: Mapping[str, float]) -> str | None:
    """The headline indicator a forecast moves most (the detail pane's first line), if any."""
    shown = [
        (abs(delta), ind)
        for ind, delta in effects.items()
        if world.indicators[ind].headline
        and world.indicators[ind].axis is None
        and abs(delta) >= 10 ** (-world.indicators[ind].decimals - 1)
    ]
    return max(shown)[1] if shown else None


def dependence_line(
    world: World,
    dependence: ForecastDependence,
    top: int = 2,
    lead: str = "Depends most on",
    named: bool = True,
) -> str:
    """'Depends most on: HOPE efficacy (±12), …' for a forecast, in the indicator's unit: each
    assumption's swing is half the forecast's change between the two ends of its range."""
    info = world.indicators[dependence.indicator]
    finest = info.decimals + 2  # swings smaller than this are rounding, not dependence
    moving = [s for s in dependence.swings if round(s.half_range, finest) > 0][:top]
    which = f", for {short_indicator_name(info)}" if named else ""
    if not moving:
        return f"Depends on none of the model's uncertain assumptions{which}."
    decimals = info.decimals
    while decimals < finest and round(moving[-1].half_range, decimals) == 0:
        decimals += 1
    parts = [f"{s.factor.name} (±{s.half_range:,.{decimals}f})" for s in moving]
    return f"{lead}: {', '.join(parts)}{which}."
