"""What changes during a game, one row per run: stocks, action levels and ramps, event clocks.

Also the draws that start a game (uncertain parameters, per run) and the read-only
``Snapshot`` through which everything outside the engine sees the state.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from game.content.errors import unknown
from game.content.schema import Difficulty, Parameter, Scenario
from game.engine.errors import GameError, PinOutOfRange
from game.engine.world import Modifier, World

NEVER = 1 << 30
Array = np.ndarray


@dataclass
class State:
    """Everything that changes during a game, one row per run."""

    stocks: dict[str, Array]
    level: dict[str, Array]  # committed level per action, int (R,1)
    ch_start: dict[str, Array]  # ramp start per action channel (R,C)
    ch_target: dict[str, Array]  # ramp target (R,C)
    elapsed: dict[str, Array]  # turns since the last change (R,1)
    ev_count: dict[str, Array]  # times each event fired (R,1)
    ev_last: dict[str, Array]  # turn each event last fired (R,1)
    ev_start: dict[tuple[str, int], Array]  # first turn an event effect is active (R,1)
    ev_until: dict[tuple[str, int], Array]  # last turn it is active (R,1)
    jumps: list[tuple[Modifier, str, Array, Array]] = field(default_factory=list)  # mod, event, mask, value
    ramping: set[str] = field(default_factory=set)  # actions whose ramp may be unfinished in a run
    armed: set[tuple[str, int]] = field(default_factory=set)  # event effects ever switched on
    # A batch of plans (game.engine.plans) plays ``blocks`` equal blocks of runs, each a game of
    # its own: an action ramps in a block where it changed, as it would in that block's own game.
    # ``ramp_runs`` marks, for an action in ``ramping``, the runs of the blocks ramping it.
    blocks: int = 1
    ramp_runs: dict[str, Array] = field(default_factory=dict)

    def start_ramp(self, aid: str, changed: Array) -> None:
        """The action's level changed in the runs of ``changed`` (any, in a lone game): it ramps,
        in a batch of plans in the blocks where it changed."""
        if self.blocks > 1:
            runs = changed.shape[0] // self.blocks
            moved = np.repeat(changed.reshape(self.blocks, runs).any(axis=1), runs).reshape(-1, 1)
            held = self.ramp_runs.get(aid) if aid in self.ramping else None
            self.ramp_runs[aid] = moved if held is None else moved | held
        self.ramping.add(aid)

    def end_ramp(self, aid: str, elapsed: Array, turns: float) -> None:
        """Stop ramping the action where its ramp is over in every run (of a block, in a batch)."""
        if aid not in self.ramping:
            return
        if self.blocks == 1:
            if elapsed.min() >= turns:
                self.ramping.discard(aid)
            return
        runs = elapsed.shape[0] // self.blocks
        going = np.repeat(elapsed.reshape(self.blocks, runs).min(axis=1) < turns, runs).reshape(-1, 1)
        held = self.ramp_runs.get(aid)
        going = going if held is None else going & held
        if going.any():
            self.ramp_runs[aid] = going
        else:
            self.ramping.discard(aid)
            self.ramp_runs.pop(aid, None)

    def ramped_runs(self, aid: str) -> Array | None:
        """In a batch of plans, the runs whose block ramps the action (None: every run does)."""
        return self.ramp_runs.get(aid) if self.blocks > 1 else None

    def copy(self) -> State:
        def c(d: dict[Any, Array]) -> dict[Any, Array]:
            return {k: v.copy() for k, v in d.items()}

        return State(
            c(self.stocks),
            c(self.level),
            c(self.ch_start),
            c(self.ch_target),
            c(self.elapsed),
            c(self.ev_count),
            c(self.ev_last),
            c(self.ev_start),
            c(self.ev_until),
            [(m, e, k.copy(), v.copy()) for m, e, k, v in self.jumps],
            set(self.ramping),
            set(self.armed),
            self.blocks,
            dict(self.ramp_runs),
        )

    def frozen_copy(self) -> State:
        """A copy that shares the arrays: the engine replaces a state's arrays as it plays, never
        writes into one, so what they held stays as it was (a game's snapshot of each turn, for
        explaining it later, without copying every array every turn)."""
        return State(
            dict(self.stocks),
            dict(self.level),
            dict(self.ch_start),
            dict(self.ch_target),
            dict(self.elapsed),
            dict(self.ev_count),
            dict(self.ev_last),
            dict(self.ev_start),
            dict(self.ev_until),
            list(self.jumps),
            set(self.ramping),
            set(self.armed),
            self.blocks,
            dict(self.ramp_runs),
        )

    def digest(self) -> str:
        """A hash of every value in the state, bit for bit: equal digests, identical futures."""
        h = hashlib.sha256()
        parts: list[dict[Any, Array]] = [
            self.stocks,
            self.level,
            self.ch_start,
            self.ch_target,
            self.elapsed,
            self.ev_count,
            self.ev_last,
            self.ev_start,
            self.ev_until,
        ]
        for part in parts:
            for key in sorted(part, key=repr):
                h.update(repr(key).encode())
                h.update(part[key].dtype.str.encode())
                h.update(np.ascontiguousarray(part[key]).tobytes())
        for mod, eid, mask, value in self.jumps:
            h.update(repr((mod.target, mod.effect_key, eid)).encode())
            h.update(np.ascontiguousarray(mask).tobytes() + np.ascontiguousarray(value).tobytes())
        h.update(repr((sorted(self.ramping), sorted(self.armed))).encode())
        return h.hexdigest()

    def tile(self, run: int, copies: int) -> State:
        """``copies`` identical copies of one run, for attribution: one game (not a batch of plans)."""

        def t(d: dict[Any, Array]) -> dict[Any, Array]:
            return {k: np.repeat(v[run : run + 1], copies, axis=0) for k, v in d.items()}

        return State(
            t(self.stocks),
            t(self.level),
            t(self.ch_start),
            t(self.ch_target),
            t(self.elapsed),
            t(self.ev_count),
            t(self.ev_last),
            t(self.ev_start),
            t(self.ev_until),
            [
                (
                    m,
                    e,
                    np.repeat(k[run : run + 1], copies, axis=0),
                    np.repeat(v[run : run + 1] if v.shape[0] > 1 else v, copies, axis=0),
                )
                for m, e, k, v in self.jumps
            ],
            {aid for aid in self.ramping if aid not in self.ramp_runs or self.ramp_runs[aid][run, 0]},
            set(self.armed),
        )


@dataclass(frozen=True)
class Snapshot:
    """A read-only copy of a game's state at one moment, every run (the arrays cannot be written).

    Arrays have one row per run: ``stocks`` (runs, 1) or (runs, rows of the stock's table);
    the others (runs, 1). ``pending`` holds the levels chosen for the coming turn.
    """

    turn: int
    stocks: Mapping[str, Array]
    levels: Mapping[str, Array]
    turns_since_change: Mapping[str, Array]
    events_fired: Mapping[str, Array]
    event_last_turn: Mapping[str, Array]
    pending: Mapping[str, int]

    @classmethod
    def of(cls, state: State, turn: int, pending: Mapping[str, int]) -> Snapshot:
        def frozen(d: Mapping[str, Array]) -> Mapping[str, Array]:
            out = {}
            for key, value in d.items():
                copy = value.copy()
                copy.flags.writeable = False
                out[key] = copy
            return MappingProxyType(out)

        return cls(
            turn,
            frozen(state.stocks),
            frozen(state.level),
            frozen(state.elapsed),
            frozen(state.ev_count),
            frozen(state.ev_last),
            MappingProxyType(dict(pending)),
        )


@dataclass
class Mix:
    """Which drivers are switched on in each run of an attribution batch (1 on, 0 off)."""

    actions: dict[str, Array]
    events: dict[str, Array]
    flows: dict[str, Array]


class Overlay(dict):  # type: ignore[type-arg]
    """A few names set over a read-only base environment, without copying it."""

    def __init__(self, base: Mapping[Any, Array]) -> None:
        super().__init__()
        self.base = base

    def __missing__(self, key: Any) -> Array:
        return self.base[key]


def stable_hash(text: str) -> int:
    """A hash of an id that is the same in every process (unlike hash())."""
    return zlib.crc32(text.encode("utf-8"))


def event_draws(seed: int, eid: str, turn: int, runs: int) -> Array:
    """An event's uniform draws at ``turn`` for the ``runs`` runs of a game of ``seed``: from
    [seed, event, turn], so an event's luck does not depend on which other events a pack has.
    default_rng's own generator, built without its checks (a third of a lone turn's events)."""
    stream = np.random.SeedSequence([seed, stable_hash(eid), turn])
    return np.random.Generator(np.random.PCG64(stream)).random((runs, 1))


def event_draw(seed: int, eid: str, turn: int) -> float:
    """``event_draws(seed, eid, turn, 1)``'s one number, a lone game's, as a Python float."""
    return float(event_draws(seed, eid, turn, 1).item())


def draw_parameter(param: Parameter, rng: np.random.Generator, runs: int) -> Array:
    """Draw ``runs`` values of an uncertain parameter, kept inside its range."""
    low, high = param.range  # type: ignore[misc]
    if low == high:
        return np.full((runs, 1), low)
    if param.distribution == "uniform":
        values = rng.uniform(low, high, runs)
    elif param.distribution == "triangular":
        values = rng.triangular(low, param.value, high, runs) if low < high else np.full(runs, low)
    elif param.distribution == "normal":
        values = rng.normal(param.value, (high - low) / 3.92, runs)
    else:  # lognormal: median at value, range about the 95% interval
        if low <= 0:
            values = rng.triangular(low, param.value, high, runs)
        else:
            sigma = (np.log(high) - np.log(low)) / 3.92
            values = np.exp(rng.normal(np.log(max(param.value, 1e-300)), sigma, runs))
    return np.clip(values, low, high).reshape(runs, 1)


def check_pins(world: World, pins: Mapping[str, float], *, allow_out_of_range: bool = False) -> None:
    """Refuse pins of unknown, per-row or out-of-range parameters and values that are not finite.

    A pin outside the parameter's range goes past what its sources support, so it is
    refused (PinOutOfRange) unless ``allow_out_of_range`` says the caller means it.
    """
    for pid, value in pins.items():
        if pid not in world.parameters:
            raise GameError(unknown("parameter", pid, world.parameters, world.pack_ids))
        if not np.isfinite(value):
            raise GameError(f"parameter {pid} must be a finite number, not {value}")
        param = world.parameters[pid]
        if param.over is not None:
            raise GameError(f"parameter {pid} has one value per row and cannot be pinned")
        inside = param.range is None or param.range[0] <= value <= param.range[1]
        if not inside and not allow_out_of_range:
            assert param.range is not None
            located = world.content.items["parameter"].get(pid)
            where = ""
            if located is not None:
                pos = located.doc.value_position(located.path + ("range",))
                where = f" ({located.doc.path}:{pos.line}:{pos.column})"
            raise PinOutOfRange(pid, float(value), param.range[0], param.range[1], where)


def draw_parameters(
    world: World,
    scenario: Scenario,
    pins: Mapping[str, float | Array],
    seed: int,
    runs: int,
    difficulty: Difficulty | None = None,
) -> dict[str, Array]:
    """Every parameter's value in each run: per-row values, scenario settings and pins (one value
    for every run, or a (runs, 1) array of one per run), or a draw.

    A difficulty draws each uncertain parameter only part of the way from its best estimate
    (``uncertainty``), or evenly over its range (``spread``), and multiplies the parameters it
    names (budgets, capital income), all but those the player pinned.
    """
    out = {}
    fixed = {**scenario.parameters, **pins}
    for pid, param in world.parameters.items():
        if param.over is not None:
            rows = world.tables[param.over].rows
            values = param.values or {}
            out[pid] = np.asarray([values.get(r, param.value) for r in rows], dtype=np.float64).reshape(1, -1)
        elif pid in fixed:
            value = fixed[pid]
            if isinstance(value, np.ndarray):
                out[pid] = np.array(value, dtype=np.float64).reshape(runs, 1)
            else:
                out[pid] = np.full((runs, 1), float(value))
        elif param.range is not None:
            rng = np.random.default_rng([seed, stable_hash(pid)])
            drawn = param
            if difficulty is not None and difficulty.spread == "uniform":
                drawn = param.model_copy(update={"distribution": "uniform"})
            value = draw_parameter(drawn, rng, runs)
            if difficulty is not None and difficulty.uncertainty < 1:
                value = param.value + difficulty.uncertainty * (value - param.value)
            out[pid] = value
        else:
            out[pid] = np.full((runs, 1), float(param.value))
        if difficulty is not None and pid in difficulty.multiply and pid not in pins:
            out[pid] = out[pid] * difficulty.multiply[pid]
    return out


def draw_blocks(
    world: World,
    scenario: Scenario,
    pins: Sequence[Mapping[str, float]],
    seeds: Sequence[int],
    runs: int,
    difficulty: Difficulty | None = None,
) -> dict[str, Array]:
    """The parameters of a batch of plans: block k's ``runs`` runs hold what a game of ``runs``
    runs with ``seeds[k]`` and ``pins[k]`` would draw, so each block is that game's runs."""
    pairs = zip(pins, seeds, strict=True)
    blocks = [draw_parameters(world, scenario, own, seed, runs, difficulty) for own, seed in pairs]
    return {
        pid: value if world.parameters[pid].over is not None else np.concatenate([b[pid] for b in blocks])
        for pid, value in blocks[0].items()
    }
