"""What if: a game replayed with one decision dropped or changed, the same seed, the same draws.

The replay is a new game of the same scenario, seed and pins (and class length) fed the
game's log with the change made, and its dilemma answers; every random draw depends only
on the seed, the event and the turn, so with no change it reproduces the game to the bit,
and with one the difference is the decision's own effect (and what it led to). The two are
scored against the same status quo and compared objective by objective.

    TURN:ACTION          drop the decision taken on that action before that turn
    TURN:ACTION=LEVEL    set that action to LEVEL before that turn (change the decision, or add one)
    TURN:EVENT=CHOICE    answer the dilemma that came up in that turn with another choice
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from game.engine import ChoiceMade, Debrief, Decision, Game, GameError, Step, replay
from game.errors import BorderlineError, did_you_mean

_CHANGE = re.compile(r"^\s*(\d{1,6})\s*:\s*([a-z][a-z0-9_]*)\s*(?:=\s*(\d{1,4}))?\s*$")
_ANSWER = re.compile(r"^\s*(\d{1,6})\s*:\s*([a-z][a-z0-9_]*)\s*=\s*([a-z][a-z0-9_]*)\s*$")


class WhatIfError(BorderlineError):
    """A change that does not fit the game: the message says what is wrong and what exists."""


@dataclass(frozen=True)
class Change:
    """Drop (``level`` None) or set a decision taken before ``turn``."""

    turn: int
    action: str
    level: int | None = None

    @classmethod
    def parse(cls, text: str, *, drop: bool) -> Change:
        match = _CHANGE.match(text)
        if match is None or (drop and match.group(3) is not None) or (not drop and match.group(3) is None):
            form = "TURN:ACTION" if drop else "TURN:ACTION=LEVEL"
            raise WhatIfError(f"{text!r} is not {form} (e.g. {'3:hope' if drop else '3:hope=2'})")
        level = None if drop else int(match.group(3))
        return cls(int(match.group(1)), match.group(2), level)

    def describe(self, game: Game) -> str:
        spec = game.world.actions[self.action].spec
        name = spec.name or self.action
        when = f"{game.scenario.turn_name} {self.turn} ({game.date(self.turn)})"
        if self.level is None:
            return f"without the decision on {name} in {when}"
        return f"with {name} set to {spec.levels[self.level]!r} in {when}"


@dataclass(frozen=True)
class Answer:
    """Answer the dilemma ``event`` that came up in ``turn`` with ``choice`` instead."""

    turn: int
    event: str
    choice: str

    @classmethod
    def parse(cls, text: str) -> Answer:
        match = _ANSWER.match(text)
        if match is None:
            raise WhatIfError(f"{text!r} is not TURN:EVENT=CHOICE (e.g. 3:mx_election_2012=stay_the_course)")
        return cls(int(match.group(1)), match.group(2), match.group(3))

    def describe(self, game: Game) -> str:
        label = game.world.choice_label(self.event, self.choice)
        when = f"{game.scenario.turn_name} {self.turn} ({game.date(self.turn)})"
        return f"with {game.event_title(self.turn, self.event)!r} answered {label!r} in {when}"


def changed_answers(game: Game, answers: Sequence[Answer]) -> tuple[list[ChoiceMade], list[str]]:
    """The game's dilemma answers with ``answers`` made instead, and a line saying what each did."""
    events, taken = game.world.events, list(game.choices_made)
    notes = []
    for answer in answers:
        if answer.event not in events or not events[answer.event].spec.choices:
            dilemmas = sorted({c.event for c in taken}) or [e for e in events if events[e].spec.choices]
            what = "no dilemma" if answer.event in events else "no event"
            raise WhatIfError(f"{what} {answer.event!r}{did_you_mean(answer.event, dilemmas)}")
        if not 1 <= answer.turn <= game.turn:
            raise WhatIfError(f"{game.turn} turns were played: choose a turn from 1 to {game.turn}")
        at = next((i for i, c in enumerate(taken) if (c.turn, c.event) == (answer.turn, answer.event)), None)
        if at is None:
            came = [f"{c.turn}:{c.event}" for c in taken]
            said = f"the dilemmas answered: {', '.join(came)}" if came else "no dilemma came up in this game"
            raise WhatIfError(f"{answer.event} did not come up in turn {answer.turn} ({said})")
        choices = [c.id for c in events[answer.event].spec.choices]
        if answer.choice not in choices:
            raise WhatIfError(
                f"{answer.event} has no choice {answer.choice!r}: its choices are {', '.join(choices)}"
            )
        taken[at] = ChoiceMade(answer.turn, answer.event, answer.choice)
        notes.append(answer.describe(game))
    return taken, notes


def changed_log(game: Game, changes: Sequence[Change]) -> tuple[list[Decision], list[str]]:
    """The game's log with the changes made, and a line saying what each did; raise WhatIfError."""
    log = list(game.log)
    notes = []
    for change in changes:
        if change.action not in game.world.actions:
            known = sorted({d.action for d in game.log}) or list(game.world.actions)
            raise WhatIfError(f"no lever {change.action!r}{did_you_mean(change.action, known)}")
        if not 1 <= change.turn <= game.turn:
            raise WhatIfError(f"{game.turn} turns were played: choose a turn from 1 to {game.turn}")
        at = next((i for i, d in enumerate(log) if d.turn == change.turn and d.action == change.action), None)
        if change.level is None:
            if at is None:
                there = [d.action for d in log if d.turn == change.turn]
                other = [str(d.turn) for d in log if d.action == change.action]
                said = f"the decisions there: {', '.join(there)}" if there else "no decision was taken then"
                if other:
                    said += f"; {change.action} was decided before turn {', '.join(other)}"
                raise WhatIfError(
                    f"no decision on {change.action} before turn {change.turn} to drop ({said})"
                )
            del log[at]
            notes.append(change.describe(game))
            continue
        locked = game.lock_reason(change.action)
        if locked is not None:
            raise WhatIfError(f"{change.action} cannot be changed in this game: {locked}")
        levels = game.world.actions[change.action].levels
        if not 0 <= change.level < levels:
            raise WhatIfError(f"{change.action} has levels 0 to {levels - 1}, not {change.level}")
        new = Decision(change.turn, change.action, change.level, 0)
        if at is None:
            log.append(new)
            notes.append(change.describe(game) + " (a decision added)")
        else:
            log[at] = new
            notes.append(change.describe(game))
    log.sort(key=lambda d: (d.turn, d.action))
    return log, notes


def replay_with(game: Game, log: Sequence[Decision], answers: Sequence[ChoiceMade] | None = None) -> Game:
    """A new headless game like ``game`` (scenario, seed, pins, difficulty, length) played from
    ``log``, with ``answers`` to its dilemmas (by default the game's own)."""
    twin = Game(
        game.world,
        game.scenario_id,
        game.seed,
        1,
        game.pins,
        status_quo=True,
        difficulty=game.difficulty,  # a Learning game's what-if was replayed on Standard's draws
        allow_out_of_range=game.allow_out_of_range,
    )
    twin.turns = game.turns
    twin.locks = dict(game.locks)
    try:
        steps = [Step(d.turn, d.action, d.level) for d in log]
        return replay(twin, steps, game.choices_made if answers is None else answers, game.turn)
    except GameError as exc:
        raise WhatIfError(f"the changed game cannot be played: {exc}") from None


@dataclass(frozen=True)
class ObjectiveChange:
    indicator: str
    label: str
    unit: str
    decimals: int
    status_quo: float
    before: float  # the game's measure
    after: float  # the what-if's measure
    points_before: float
    points_after: float
    status_quo_after: float | None = None  # the what-if's, where it is measured over other years

    @property
    def own_status_quo(self) -> float:
        """The status quo the what-if's measure is scored against."""
        return self.status_quo if self.status_quo_after is None else self.status_quo_after

    @property
    def points_change(self) -> float:
        return self.points_after - self.points_before


@dataclass(frozen=True)
class WhatIf:
    """The game and its what-if, scored against the same status quo."""

    original: Game
    changed: Game
    changes: list[str]
    before: Debrief
    after: Debrief
    objectives: list[ObjectiveChange]
    warnings: list[str]  # what the game would have refused
    unused: list[str] = field(default_factory=list)  # answers the what-if's game never asked for

    @property
    def identical(self) -> bool:
        """The replay reached the very same state, bit for bit."""
        return self.original.state_digest() == self.changed.state_digest()


def what_if(game: Game, changes: Sequence[Change], answers: Sequence[Answer] = ()) -> WhatIf:
    """Replay ``game`` with ``changes`` to its decisions and ``answers`` to its dilemmas, and compare
    the outcomes; raise WhatIfError for a bad change."""
    if game.runs != 1:
        raise WhatIfError("a what-if replays a single game")
    log, notes = changed_log(game, changes)
    replies, answered = changed_answers(game, answers)
    changed = replay_with(game, log, replies)
    unused = []
    came = {(c.turn, c.event): c for c in changed.choices_made}
    for answer in answers:  # other changes can keep a dilemma from coming up, or move it
        given = came.get((answer.turn, answer.event))
        if given is not None and given.choice == answer.choice:
            continue
        world, when = game.world, f"{game.scenario.turn_name} {answer.turn}"
        title = world.events[answer.event].spec.title or answer.event
        if given is None:
            unused.append(f"{title!r} did not come up in {when} of the what-if, so that answer was not given")
        else:  # it came up, but that answer was not on offer: the replay took the default
            asked = world.choice_label(answer.event, answer.choice)
            instead = world.choice_label(answer.event, given.choice, given.label)
            unused.append(
                f"{title!r} came up in {when} of the what-if, but {asked!r} was not on offer there (an "
                "answer that would move no lever, or one the class locks, is not offered), so the default "
                f"{instead!r} was taken"
            )
    before, after = game.debrief(), changed.debrief()
    rows = []
    for b, a in zip(before.objectives, after.objectives, strict=True):
        info = game.world.indicators[b.indicator]
        rows.append(
            ObjectiveChange(
                b.indicator,
                b.label or info.name,
                info.unit,
                info.decimals,
                b.status_quo,
                b.value,
                a.value,
                b.contribution,
                a.contribution,
                # an ending in one and not the other measures them over other years, each against
                # the status quo over its own: shown, or the points would not follow the numbers
                None if a.status_quo == b.status_quo else a.status_quo,
            )
        )
    return WhatIf(game, changed, notes + answered, before, after, rows, list(changed.warnings), unused)


def _unsigned_zero(value: float, decimals: int) -> float:
    """``value``, or 0.0 where it would print as zero at ``decimals`` places ("-0.0" reads as a loss)."""
    return 0.0 if round(value, decimals) == 0 else value


def comparison_text(result: WhatIf, *, compact: bool = False, room: int = 73) -> str:
    """The game and its what-if side by side, objective by objective, with the difference in points.

    ``compact``: for a narrow screen (the debrief's dialog): no status-quo column (the debrief
    shows it), short number columns, labels cut so a row fits in ``room`` columns (73 by
    default: 80 columns less the dialog's frame and a scrollbar).
    """
    game = result.original
    word = game.scenario.turn_name
    lines = [f"What if: {game.scenario.name or game.scenario_id}, seed {game.seed}, {game.turn} {word}s"]
    if not result.changes:
        lines.append("no change: the game replayed as it was")
    lines += [f"  {text}" for text in result.changes]
    if result.identical:
        lines.append("the replay reaches the very same state as the game, to the bit")
    lines.append("")
    n = 9 if compact else 12
    longest = max([len(o.label) for o in result.objectives] + [9])
    # compact: the label column is what the number columns (56) leave of the width
    width = max(9, min(longest, room - 56)) if compact else longest
    apart = any(o.status_quo_after is not None for o in result.objectives)
    if apart:  # each column of measures beside the status quo it is scored against
        columns = [] if compact else [f"{'status quo':>{n}}"]
        columns += [f"{'your game':>{n}}"] + ([] if compact else [f"{'its sq':>{n}}"])
    else:
        columns = ([] if compact else [f"{'status quo':>{n}}"]) + [f"{'your game':>{n}}"]
    columns += [f"{'what if':>{n}}", f"{'difference':>{n + 1}}", f"{'points':>20}"]
    lines.append(f"{'objective':<{width}}  " + "  ".join(columns))
    for o in result.objectives:
        d = o.decimals
        label = o.label if len(o.label) <= width else o.label[: width - 1] + "…"
        # the change as the two shown numbers differ (+3.8 → +4.4 is +0.6, whatever the decimals
        # hidden behind them made it), so the row adds up as read
        before, after = round(o.points_before, 1), round(o.points_after, 1)
        before, after, change = (_unsigned_zero(x, 1) for x in (before, after, after - before))
        points = f"{before:+.1f} → {after:+.1f} ({change:+.1f})"
        cells = [] if compact else [f"{o.status_quo:>{n},.{d}f}"]
        difference = _unsigned_zero(o.after - o.before, d)
        cells.append(f"{o.before:>{n},.{d}f}")
        if apart and not compact:
            cells.append(f"{o.own_status_quo:>{n},.{d}f}")
        # measures over other years do not subtract: each is read against its own status quo
        moved = "—" if o.status_quo_after is not None else f"{difference:+,.{d}f}"
        cells += [f"{o.after:>{n},.{d}f}", f"{moved:>{n + 1}}"]
        cells.append(f"{points:>20}")
        lines.append(f"{label:<{width}}  " + "  ".join(cells))
    b, a = result.before, result.after
    lines.append("")
    # as the two scores shown differ (+37.5 -> +31.0 is -6.5, whatever their hidden decimals), and
    # a change too small to show reads +0.0, not -0.0
    change = _unsigned_zero(round(a.score, 1) - round(b.score, 1), 1)
    moved = "" if result.identical or round(change, 1) else " (under 0.05: the numbers moved, barely)"
    scores = f"score: {b.score:+.1f} ({b.grade}) → {a.score:+.1f} ({a.grade})"
    lines.append(f"{scores}: {change:+.1f} points{moved}")
    for side, debrief in (("your game", b), ("the what-if", a)):  # a grade below its score's band: why
        if debrief.ending is not None and debrief.earned and debrief.earned != debrief.grade:
            lines.append(
                f"note: {side} met the ending '{debrief.ending.title}', which caps the grade at "
                f"{debrief.grade} (the score alone earned {debrief.earned})"
            )
    if apart:
        where = "the status quo under each" if compact else "'status quo' and 'its sq'"
        ended = {side: f"met '{d.ending.title}'" if d.ending is not None else "met no ending"
                 for side, d in (("your game", b), ("the what-if", a))}  # fmt: skip
        lines.append(
            f"note: your game {ended['your game']} and the what-if {ended['the what-if']}, so each is "
            f"measured over other years (your game {b.measured_over}; the what-if {a.measured_over}) "
            f"and scored against the status quo over the same years ({where}): compare each with its "
            "own status quo (the points do), not the two measures with each other"
        )
    for warning in result.warnings:
        lines.append(f"note: the game would have refused: {warning}")
    for unused in result.unused:
        lines.append(f"note: {unused}")
    return "\n".join(lines)
