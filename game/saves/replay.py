"""From a Game to a save and back: the log and the snapshot, and replaying the log into a new Game.

A save is restored by replaying: a new Game of the same scenario, seed and pins is played
turn by turn with the logged levels and dilemma answers, then its state is compared with
the saved snapshot, bit for bit. The engine is deterministic, so on one kind of machine the
two agree unless the content, the engine or the file changed; across kinds of machine
(``game.engine.numerics``) they may differ in the last bits, which ``game.saves.verdict``
judges.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, NamedTuple

import numpy as np

from game import __version__
from game.engine import ChoiceMade, Game
from game.engine.numerics import numerics_key
from game.engine.replay import Step
from game.engine.replay import replay as replay_log
from game.saves.format import (
    FORMAT,
    FORMAT_VERSION,
    ActionState,
    ChoiceRecord,
    ClassroomRecord,
    DecisionRecord,
    EventState,
    PackRecord,
    SaveFile,
    Snapshot,
    TurnRecord,
)


def _rows(game: Game, name: str, values: np.ndarray) -> float | dict[str, float]:
    symbol = game.world.symbols.get(name)
    axis = symbol.axis if symbol is not None else None
    flat = np.asarray(values, dtype=np.float64).reshape(-1)
    if axis is None:
        return float(flat[0])
    rows = game.world.tables[axis].rows
    flat = np.broadcast_to(flat, (len(rows),))
    return {row: float(v) for row, v in zip(rows, flat, strict=True)}


def snapshot(game: Game) -> Snapshot:
    """Run 0 of the game now: stocks, recorded quantities and their history, levels, events."""
    state = game.snapshot()
    indicators, history = {}, {}
    for name in game.recorded:
        series = game.history(name)  # (turn + 1, runs) or (turn + 1, runs, rows)
        indicators[name] = _rows(game, name, series[-1, 0])
        if series.ndim == 2:
            history[name] = [float(v) for v in series[:, 0]]
    events = {
        eid: EventState(fired=int(count[0, 0]), last_turn=int(state.event_last_turn[eid][0, 0]))
        for eid, count in sorted(state.events_fired.items())
        if count[0, 0] > 0
    }
    return Snapshot(
        over=bool(game.is_over),
        ending=game.ending_id[0],
        stocks={sid: _rows(game, sid, value[0]) for sid, value in sorted(state.stocks.items())},
        indicators=indicators,
        actions={
            aid: ActionState(
                level=int(level[0, 0]), turns_since_change=float(state.turns_since_change[aid][0, 0])
            )
            for aid, level in sorted(state.levels.items())
        },
        events=events,
        pending_dilemmas=[d.event for d in game.pending_dilemmas],
        history=history,
    )


def log_by_turn(game: Game) -> list[TurnRecord]:
    turns: dict[int, tuple[list[DecisionRecord], list[ChoiceRecord]]] = {}
    for d in game.log:
        turns.setdefault(d.turn, ([], []))[0].append(
            DecisionRecord(action=d.action, level=d.level, previous=d.previous)
        )
    for c in game.choices_made:
        turns.setdefault(c.turn, ([], []))[1].append(
            ChoiceRecord(event=c.event, choice=c.choice, by_default=c.by_default)
        )
    return [TurnRecord(turn=t, decisions=d, choices=c) for t, (d, c) in sorted(turns.items())]


def save_record(
    game: Game,
    name: str,
    packs: list[PackRecord],
    game_id: str | None = None,
    classroom: ClassroomRecord | None = None,
) -> SaveFile:
    """Everything needed to continue the game and to replay it to the bit (and, for a class
    game, whose it is and under what rules)."""
    return SaveFile(
        format=FORMAT,
        version=FORMAT_VERSION,
        game_version=__version__,
        game=game_id,
        name=name,
        saved_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        scenario=game.scenario_id,
        difficulty=game.difficulty,
        seed=game.seed,
        pins={k: float(v) for k, v in sorted(game.pins.items())},
        turn=game.turn,
        date=game.date(),
        packs=packs,
        log=log_by_turn(game),
        pending=dict(sorted(game.pending.items())),
        warnings=list(game.warnings),
        players=dict(game.players),
        state=snapshot(game),
        classroom=classroom,
        numerics=numerics_key(),
    )


def replay(save: SaveFile, world: Any, *, allow_out_of_range: bool = False) -> Game:
    """A new interactive Game with its status-quo twin, played from the save's log.

    Turns are resolved headless with the logged answers (the engine answers a headless
    game's dilemmas after the turn's events, exactly as a player does), so a game that a
    plan played on past an ending replays too; the last turn is resolved as a player would,
    so dilemmas still waiting in the save wait again. Raise GameError (a SimulationError is one) if
    the log cannot be played, PinOutOfRange (a GameError) if a pin lies outside its
    parameter's range and that is not allowed.
    """
    game = Game(
        world,
        save.scenario,
        save.seed,
        1,
        save.pins,
        status_quo=True,
        allow_out_of_range=allow_out_of_range,
        difficulty=save.difficulty,
    )
    if save.classroom is not None:  # a class may play fewer turns than its scenario has
        game.turns = min(game.turns, save.classroom.turns)
    steps = [
        Step(t.turn, d.action, d.level) for t in save.log for d in sorted(t.decisions, key=lambda d: d.action)
    ]
    # an answer nobody gave is taken again by the game as nobody's, in the words the player read
    answers = [ChoiceMade(t.turn, c.event, c.choice, c.by_default) for t in save.log for c in t.choices]
    replay_log(game, steps, answers, save.turn, live_last_turn=True)
    for aid, level in save.pending.items():
        game.set_level(aid, level, enforce=False)
    game.interactive = True
    game.planned_choices = {}
    game.warnings = list(save.warnings)
    game.players = dict(save.players)
    return game


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a.hex() == b.hex()  # to the bit: 0.0 and -0.0 differ
    return type(a) is type(b) and a == b


def relative(a: Any, b: Any) -> float:
    """How far apart two differing values are: ``|a - b|`` over the larger magnitude for two
    floats (0 for 0.0 against -0.0), infinite for anything else (an int, a name, a missing key)."""
    if not (isinstance(a, float) and isinstance(b, float)):
        return math.inf
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0.0 else abs(a - b) / scale


class Difference(NamedTuple):
    """One difference between a save and its replay: as the player reads it, and how far apart
    its two values are (``relative``; infinite when it is not two floats)."""

    line: str
    size: float = math.inf


def _diff(saved: Any, replayed: Any, where: str, out: list[Difference]) -> int:
    """Append every difference between two JSON-like trees; return how many values were checked."""
    if isinstance(saved, dict) and isinstance(replayed, dict):
        checked = 0
        for key in sorted(saved.keys() | replayed.keys(), key=str):
            here = f"{where}.{key}"
            if key not in replayed:
                out.append(Difference(f"{here}: in the save, not in the replay"))
            elif key not in saved:
                out.append(Difference(f"{here}: in the replay, not in the save"))
            else:
                checked += _diff(saved[key], replayed[key], here, out)
        return checked
    if isinstance(saved, list) and isinstance(replayed, list):
        if len(saved) != len(replayed):
            lengths = f"{len(saved)} entries in the save, {len(replayed)} in the replay"
            out.append(Difference(f"{where}: {lengths}"))
            return 0
        return sum(
            _diff(s, r, f"{where}[{i}]", out) for i, (s, r) in enumerate(zip(saved, replayed, strict=True))
        )
    if not _same(saved, replayed):
        out.append(Difference(f"{where}: saved {saved!r}, replayed {replayed!r}", relative(saved, replayed)))
    return 1


def differences(save: SaveFile, game: Game) -> tuple[list[Difference], int]:
    """What the replayed game disagrees with in the save, and how many values were compared."""
    out: list[Difference] = []
    checked = 0
    # a turn's dilemma answers are a set: a live game lists one left to its default where it fell
    # due, the replay where it is met (an honest class save was called tampered for the order)
    replayed_log = [
        {**t.model_dump(), "choices": _answers_of([_as_named(save, game, t.turn, c) for c in t.choices])}
        for t in log_by_turn(game)
    ]
    saved_log = [
        {
            "turn": t.turn,
            "decisions": [
                {**d.model_dump(), "previous": _previous(game, t.turn, d.action)}
                if d.previous is None
                else d.model_dump()
                for d in sorted(t.decisions, key=lambda d: d.action)
            ],
            "choices": _answers_of(t.choices),
        }
        for t in save.log
    ]
    checked += _diff(saved_log, replayed_log, "log", out)
    if save.state is not None:
        checked += _diff(save.state.model_dump(), snapshot(game).model_dump(), "state", out)
    if save.state is not None and game.date() != save.date:
        out.append(Difference(f"date: saved {save.date!r}, replayed {game.date()!r}"))
    return out, checked


def _as_named(save: SaveFile, game: Game, turn: int, replayed: ChoiceRecord) -> ChoiceRecord:
    """The replayed answer as the save names it, where the save names one the game did not offer.

    A game records the answer it applied. Saves written before it did (a headless plan's, naming
    an answer whose levers were already where it takes them) name the answer asked for; the
    replay, asked for it, applied and recorded the default instead: the same game, to the bit.
    Any other difference stays one."""
    saved = (c.choice for t in save.log if t.turn == turn for c in t.choices if c.event == replayed.event)
    named = next(saved, None)
    choices = game.world.events[replayed.event].spec.choices
    default = next((c.id for c in choices if c.default), None)
    if named is None or named == replayed.choice or replayed.choice != default:
        return replayed
    if named not in {c.id for c in choices}:
        return replayed  # not an answer of this dilemma at all: an edit
    return replayed.model_copy(update={"choice": named})


def _answers_of(choices: list[ChoiceRecord]) -> list[dict[str, Any]]:
    """A turn's answers in one order, the event's (each event is answered once a turn)."""
    # who chose is not replayed (a replay answers from the log): restored from the save instead
    return [c.model_dump(exclude={"by_default"}) for c in sorted(choices, key=lambda c: (c.event, c.choice))]


def _previous(game: Game, turn: int, action: str) -> int | None:
    """The replayed ``previous`` level (saves without one take the replay's word for it)."""
    return next((d.previous for d in game.log if d.turn == turn and d.action == action), None)
