"""A game in progress: the state of one or many runs of a scenario, turn by turn.

The API reads like a board-game library: make a Game from a World, a scenario and a seed,
set action levels, resolve a turn, read indicators, history and attribution. Every array
has one row per run, so the same code plays one game or ten thousand; a game the player
sees is simply a Game with one run.
"""

from __future__ import annotations

import copy
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np

from game.content.errors import did_you_mean
from game.content.schema import Choice, Ending, Parameter, Scenario
from game.engine.bounds import Breach, IndicatorRanges, describe_flows, settle
from game.engine.world import ActionInfo, Modifier, World

NEVER = 1 << 30
Array = np.ndarray


class GameError(Exception):
    """A request the game cannot honour (unknown id, bad level, game over); the message says why."""


class ActionRefused(GameError):
    """Setting an action's level was refused; ``reasons`` says why, one line each."""

    def __init__(self, action: str, level: int, reasons: list[str]) -> None:
        self.action, self.level, self.reasons = action, level, reasons
        super().__init__(f"cannot set {action} to level {level}: " + "; ".join(reasons))


class SimulationError(Exception):
    """The content produced a value that is not a finite number: a bug in a pack."""


@dataclass(frozen=True)
class Decision:
    """One entry of the action log: a level chosen before a turn resolved."""

    turn: int
    action: str
    level: int
    previous: int


@dataclass(frozen=True)
class ChoiceMade:
    turn: int
    event: str
    choice: str


@dataclass(frozen=True)
class FiredEvent:
    turn: int
    event: str
    title: str
    text: str
    share: float  # fraction of runs where it fired (1.0 in a game)


@dataclass(frozen=True)
class Dilemma:
    turn: int
    event: str
    title: str
    text: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class Contribution:
    """A signed part of an indicator's change over one turn."""

    kind: Literal["action", "event", "rule", "other"]
    id: str
    label: str
    value: float


@dataclass(frozen=True)
class TurnReport:
    turn: int
    date: str
    events: tuple[FiredEvent, ...]
    dilemmas: tuple[Dilemma, ...]
    ending: Ending | None


@dataclass
class _Mix:
    """Which drivers are switched on in each run of an attribution batch (1 on, 0 off)."""

    actions: dict[str, Array]
    events: dict[str, Array]
    flows: dict[str, Array]


@dataclass
class _State:
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

    def copy(self) -> _State:
        def c(d: dict[Any, Array]) -> dict[Any, Array]:
            return {k: v.copy() for k, v in d.items()}

        return _State(
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
        )

    def tile(self, run: int, copies: int) -> _State:
        """``copies`` identical copies of one run, for attribution."""

        def t(d: dict[Any, Array]) -> dict[Any, Array]:
            return {k: np.repeat(v[run : run + 1], copies, axis=0) for k, v in d.items()}

        return _State(
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
            set(self.ramping),
            set(self.armed),
        )


class _Overlay(dict):  # type: ignore[type-arg]
    """A few names set over a read-only base environment, without copying it."""

    def __init__(self, base: Mapping[Any, Array]) -> None:
        super().__init__()
        self.base = base

    def __missing__(self, key: Any) -> Array:
        return self.base[key]


def stable_hash(text: str) -> int:
    """A hash of an id that is the same in every process (unlike hash())."""
    return zlib.crc32(text.encode("utf-8"))


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


class Game:
    """One scenario played from a seed, over ``runs`` parallel runs.

    >>> game = Game(world, "both-sides", seed=1)
    >>> game.set_level("hope", 2)
    >>> report = game.resolve_turn()
    >>> game.value("us_heavy_users")
    """

    def __init__(
        self,
        world: World,
        scenario: str,
        seed: int = 0,
        runs: int = 1,
        pins: Mapping[str, float] | None = None,
        *,
        status_quo: bool = False,
        interactive: bool = False,
        record: Iterable[str] = (),
        snapshots: bool | None = None,
    ) -> None:
        if scenario not in world.scenarios:
            raise GameError(
                f"unknown scenario {scenario!r}{did_you_mean(scenario, world.scenarios)}; "
                f"choose one of: {', '.join(sorted(world.scenarios))}"
            )
        if runs < 1:
            raise GameError("runs must be at least 1")
        if seed < 0:
            raise GameError("the seed must be zero or a positive whole number")
        self.world = world
        self.scenario_id = scenario
        self.scenario: Scenario = world.scenarios[scenario]
        self.seed = int(seed)
        self.runs = int(runs)
        self.pins: dict[str, float] = dict(pins or {})
        for pid, value in self.pins.items():
            if pid not in world.parameters:
                raise GameError(f"unknown parameter {pid!r}{did_you_mean(pid, world.parameters)}")
            if not np.isfinite(value):
                raise GameError(f"parameter {pid} must be a finite number, not {value}")
            if world.parameters[pid].over is not None:
                raise GameError(f"parameter {pid} has one value per row and cannot be pinned")
        self.interactive = interactive
        self.turn = 0
        self.turns = self.scenario.turns
        self.turn_years = self.scenario.months_per_turn / 12.0
        self.dt = self.turn_years / self.scenario.substeps
        self.log: list[Decision] = []
        self.choices_made: list[ChoiceMade] = []
        self.events_fired: list[FiredEvent] = []
        self.pending: dict[str, int] = {}
        self.pending_dilemmas: list[Dilemma] = []
        self.planned_choices: dict[tuple[int, str], str] = {}
        self.warnings: list[str] = []
        self.ended_turn = np.full((self.runs, 1), NEVER, dtype=np.int64)
        self.ending_id: list[str | None] = [None] * self.runs
        self._keep_snapshots = self.runs <= 16 if snapshots is None else snapshots
        self._snapshots: dict[int, tuple[_State, dict[str, int], dict[Any, Array]]] = {}
        self._record = set(world.indicators) | {name for name, _ in world.lagged} | set(record)
        for side in world.sides.values():
            self._record |= {side.budget, side.capital} | ({side.approval} if side.approval else set())
        self._record = sorted(self._record)
        self._axes = {n: world.symbols[n].axis if n in world.symbols else None for n in self._record}
        self._history: dict[str, list[Array]] = {name: [] for name in self._record}
        self._params = self._draw_parameters()
        self._const = self._constants()
        self._plans = self._evaluation_plans()
        self._plan_all = self._plans["all"]
        self._inactive = np.zeros((1, 1))
        self._integration = [
            (
                sid,
                [f for f, spec in world.flow_specs.items() if spec.into == sid],
                [f for f, spec in world.flow_specs.items() if spec.out_of == sid],
                world.stocks[sid].minimum,
                world.stocks[sid].maximum,
            )
            for sid in world.stocks
            if any(sid in (spec.into, spec.out_of) for spec in world.flow_specs.values())
        ]
        self._ranges = IndicatorRanges(world)
        self.state = self._initial_state()
        self.env: dict[Any, Array] = self._initial_env()
        self._record_state(self.env)
        self.status_quo: Game | None = (
            Game(world, scenario, seed, runs, pins, snapshots=False) if status_quo else None
        )

    # ------------------------------------------------------------------ setting up

    def _draw_parameters(self) -> dict[str, Array]:
        world, out = self.world, {}
        fixed = {**self.scenario.parameters, **self.pins}
        for pid, param in world.parameters.items():
            if param.over is not None:
                rows = world.tables[param.over].rows
                values = param.values or {}
                out[pid] = np.asarray([values.get(r, param.value) for r in rows], dtype=np.float64).reshape(
                    1, -1
                )
            elif pid in fixed:
                out[pid] = np.full((self.runs, 1), float(fixed[pid]))
            elif param.range is not None:
                rng = np.random.default_rng([self.seed, stable_hash(pid)])
                out[pid] = draw_parameter(param, rng, self.runs)
            else:
                out[pid] = np.full((self.runs, 1), float(param.value))
        return out

    def parameter(self, pid: str) -> Array:
        """The drawn (or pinned) value of a parameter in each run, before any effect."""
        return self._params[pid]

    def _constants(self) -> dict[Any, Array]:
        const: dict[Any, Array] = {}
        for pid, value in self._params.items():
            if pid not in self.world.modifiers:
                const[pid] = value
        for fid, value in self.world.fields.items():
            if fid not in self.world.modifiers:
                const[fid] = value
        const["dt"] = np.full((1, 1), self.dt)
        const["turn_years"] = np.full((1, 1), self.turn_years)
        return const

    def _initial_state(self) -> _State:
        R, world = self.runs, self.world
        stocks: dict[str, Array] = {}
        env: dict[Any, Array] = dict(self._const)
        env.update(self._params)
        env.update(self._time(0))
        with np.errstate(all="ignore"):
            for sid in world.stock_order:
                init = world.stock_initial[sid]
                value = np.asarray(init if isinstance(init, float) else init.evaluate(env), dtype=np.float64)
                stocks[sid] = self._shape(value, world.stocks[sid].over)
                env[sid] = stocks[sid]
        for sid, value in stocks.items():
            self._check_finite(sid, value, 0)
        levels, start, elapsed = {}, {}, {}
        for aid, info in world.actions.items():
            level = self.scenario.action_levels.get(aid, 0)
            levels[aid] = np.full((R, 1), level, dtype=np.int64)
            start[aid] = np.repeat(info.channels[level : level + 1], R, axis=0)
            elapsed[aid] = np.full((R, 1), float(info.spec.ramp_turns))
        ev_count = {eid: np.zeros((R, 1), dtype=np.int64) for eid in world.events}
        ev_last = {eid: np.full((R, 1), -NEVER, dtype=np.int64) for eid in world.events}
        ev_start, ev_until = {}, {}
        for mods in [*world.modifiers.values(), *world.stock_jumps.values()]:
            for mod in mods:
                if mod.effect_key is not None:
                    ev_start[mod.effect_key] = np.full((R, 1), NEVER, dtype=np.int64)
                    ev_until[mod.effect_key] = np.full((R, 1), -NEVER, dtype=np.int64)
        return _State(
            stocks,
            levels,
            start,
            {k: v.copy() for k, v in start.items()},
            elapsed,
            ev_count,
            ev_last,
            ev_start,
            ev_until,
        )

    def _shape(self, value: Array, axis: str | None) -> Array:
        """The value as a float array of one row per run (no copy when it already is one)."""
        n = 1 if axis is None else len(self.world.tables[axis].rows)
        if value.shape == (self.runs, n) and value.dtype == np.float64:
            return value
        return np.array(np.broadcast_to(value, (self.runs, n)), dtype=np.float64)

    def _time(self, turn: int) -> dict[Any, Array]:
        sc = self.scenario
        year = sc.start_year + (sc.start_quarter - 1) * 0.25 + (turn - 1) * self.turn_years
        return {"turn": np.full((1, 1), float(turn)), "year": np.full((1, 1), year)}

    def date(self, index: int | None = None) -> str:
        """Label of the quarter of a turn: state t is the world after turn t (0: just before turn 1)."""
        index = self.turn if index is None else index
        sc = self.scenario
        months = (sc.start_quarter - 1) * 3 + (index - 1) * sc.months_per_turn
        year, month = sc.start_year + months // 12, months % 12
        if sc.months_per_turn == 3 or sc.months_per_turn % 3 == 0:
            return f"{year}Q{month // 3 + 1}"
        return f"{year}-{month + 1:02d}"

    def _initial_env(self) -> dict[Any, Array]:
        """Variables of the starting state; lags of variables are solved by a few passes."""
        state = self.state
        channels = {aid: self._channels(aid, state, state.elapsed[aid]) for aid in self.world.actions}
        active = {key: np.zeros((self.runs, 1)) for key in state.ev_start}
        lag_guess: dict[tuple[str, int], Array] = {}
        for name, k in self.world.lagged:
            base = state.stocks.get(name, self._params.get(name))
            lag_guess[(name, k)] = base if base is not None else np.ones((1, 1))
        env: dict[Any, Array] = {}
        costs = {f"{sid}_action_cost": np.zeros((1, 1)) for sid in self.world.sides}
        with np.errstate(all="ignore"):
            for _ in range(12):
                env = self._evaluate(0, state.stocks, lag_guess, channels, active, costs, None)
                new_guess = {(n, k): env[n] for n, k in self.world.lagged}
                new_costs = self._side_costs(state.level, None, env)
                same = all(np.array_equal(new_guess[key], lag_guess[key]) for key in new_guess) and all(
                    np.array_equal(new_costs[key], costs[key]) for key in costs
                )
                lag_guess, costs = new_guess, new_costs
                if same:
                    break
        env.update(lag_guess)
        return env

    # ------------------------------------------------------------------ the step

    def _channels(self, aid: str, state: _State, elapsed: Array) -> Array:
        """The action's ramped channel values (its own value, then its per-level effects)."""
        if aid not in state.ramping:
            return state.ch_target[aid]
        info = self.world.actions[aid]
        frac = np.minimum(1.0, elapsed / info.spec.ramp_turns)
        return state.ch_start[aid] + (state.ch_target[aid] - state.ch_start[aid]) * frac

    def _side_costs(
        self,
        levels: dict[str, Array],
        mix: _Mix | None,
        env: Mapping[Any, Array],
        old_levels: dict[str, Array] | None = None,
    ) -> dict[str, Array]:
        costs = {sid: np.zeros((1, 1)) for sid in self.world.sides}
        for aid, info in self.world.actions.items():
            cost = self.action_cost(aid, levels[aid], env)
            if mix is not None and old_levels is not None:
                old = self.action_cost(aid, old_levels[aid], env)
                cost = np.where(mix.actions[aid] > 0, cost, old)
            if info.spec.side in costs:
                costs[info.spec.side] = costs[info.spec.side] + cost
        return {f"{sid}_action_cost": value for sid, value in costs.items()}

    def action_cost(self, aid: str, level: Array | int, env: Mapping[Any, Array] | None = None) -> Array:
        """Money per turn the action costs at a level, in each run."""
        info = self.world.actions[aid]
        level_arr = np.asarray(level, dtype=np.int64).reshape(-1, 1)
        if info.cost_list is not None:
            return info.cost_list[level_arr]
        scope = _Overlay(self.env if env is None else env)
        scope[aid] = info.values[level_arr]
        with np.errstate(all="ignore"):
            return np.asarray(info.cost_formula.evaluate(scope), dtype=np.float64)  # type: ignore[union-attr]

    def _modified(
        self,
        name: str,
        value: Array,
        env: dict[Any, Array],
        channels: dict[str, Array],
        active: dict[tuple[str, int], Array],
    ) -> Array:
        mult: Array | float = 1.0
        add: Array | float = 0.0
        for mod in self.world.modifiers[name]:
            if mod.source_kind == "action":
                strength = (
                    channels[mod.source][:, mod.channel : mod.channel + 1]
                    if mod.channel >= 0
                    else mod.formula.evaluate(env)
                )  # type: ignore[union-attr]
            else:
                act = active[mod.effect_key]  # type: ignore[index]
                v = mod.constant if mod.formula is None else mod.formula.evaluate(env)
                strength = 1.0 + act * (v - 1.0) if mod.op == "multiply" else act * v
            if mod.row is not None:
                onehot = self._onehot(name, mod.row)
                strength = 1.0 + onehot * (strength - 1.0) if mod.op == "multiply" else onehot * strength
            if mod.op == "multiply":
                mult = mult * strength
            else:
                add = add + strength
        return value * mult + add

    def _onehot(self, name: str, row: int) -> Array:
        axis = self.world.symbols[name].axis
        n = len(self.world.tables[axis].rows) if axis else 1
        out = np.zeros((1, n))
        out[0, row] = 1.0
        return out

    def _evaluate(
        self,
        turn: int,
        stocks: dict[str, Array],
        lags: Mapping[Any, Array],
        channels: dict[str, Array],
        active: dict[tuple[str, int], Array],
        side_costs: Mapping[str, Array],
        flow_mask: dict[str, Array] | None,
        base: dict[Any, Array] | None = None,
        plan: list[Any] | None = None,
    ) -> dict[Any, Array]:
        """Computed names for one moment, in dependency order (all of them by default).

        With ``base`` (the values of an earlier moment of the same turn), only the names in
        ``plan`` are computed again: the rest cannot have changed since.
        """
        if base is None:
            env: dict[Any, Array] = dict(self._const)
            env.update(self._time(turn))
            env.update(lags)
            env.update(side_costs)
            for aid, ch in channels.items():
                env[aid] = ch[:, 0:1]
        else:
            env = dict(base)
        env.update(stocks)
        for name, evaluate, modified in self._plan_all if plan is None else plan:
            value = evaluate(env)
            if modified:
                value = self._modified(name, value, env, channels, active)
            if flow_mask is not None and name in flow_mask:
                value = value * flow_mask[name]
            env[name] = value
        return env

    def _evaluation_plans(self) -> dict[str, list[Any]]:
        """Which names to compute at each moment of a turn, as (name, evaluator, modified).

        ``all``: everything, in dependency order. ``first`` (first sub-step): everything that
        does not depend on stocks, plus what the flows need. ``step`` (later sub-steps): what
        depends on stocks and feeds a flow. ``end`` (end of turn): everything that depends on
        stocks, for the record.
        """
        world = self.world
        uses: dict[str, set[str]] = {}
        entries = {}
        for name in world.order:
            own = world.variables.get(name) or world.flows.get(name)
            if own is not None:
                evaluate, names = own.evaluate, set(own.names)
            else:
                fixed = self._params[name] if name in self._params else world.fields[name]
                evaluate, names = (lambda value: lambda env: value)(fixed), set()
            for mod in world.modifiers.get(name, ()):
                if mod.formula is not None:
                    names |= set(mod.formula.names)
            uses[name] = names
            entries[name] = (name, evaluate, name in world.modifiers)
        dynamic: set[str] = set()
        for name in world.order:
            if any(n in world.stocks or n in dynamic for n in uses[name]):
                dynamic.add(name)
        feeds_flows: set[str] = set()
        todo = list(world.flows)
        while todo:
            name = todo.pop()
            if name not in feeds_flows:
                feeds_flows.add(name)
                todo.extend(n for n in uses.get(name, ()) if n in uses)
        order = world.order
        return {
            "all": [entries[n] for n in order],
            "first": [entries[n] for n in order if n not in dynamic or n in feeds_flows],
            "step": [entries[n] for n in order if n in dynamic and n in feeds_flows],
            "end": [entries[n] for n in order if n in dynamic],
        }

    def _lags(self, turn: int) -> dict[tuple[str, int], Array]:
        return {(name, k): self._history[name][max(0, turn - k)] for name, k in self.world.lagged}

    def _advance(
        self,
        state: _State,
        turn: int,
        pending: Mapping[str, int],
        mix: _Mix | None,
        lags: Mapping[Any, Array],
        env_prev: Mapping[Any, Array],
    ) -> dict[Any, Array]:
        """Resolve one turn on ``state`` in place and return the end-of-turn values."""
        world, R = self.world, next(iter(state.stocks.values())).shape[0] if state.stocks else self.runs
        # 1. decisions: commit level changes, pay capital, start ramps
        prev_channels = {aid: self._channels(aid, state, state.elapsed[aid]) for aid in world.actions}
        old_levels = dict(state.level) if mix is not None else None
        for aid, level in sorted(pending.items()):  # the log's order, so a replay matches to the bit
            info = world.actions[aid]
            changed = state.level[aid] != level
            if not changed.any():
                continue
            capital = np.zeros((R, 1))
            for old in np.unique(state.level[aid][changed]):
                capital = np.where(state.level[aid] == old, info.capital_to_change(int(old), level), capital)
            capital = np.where(changed, capital, 0.0)
            if mix is not None:
                capital = capital * mix.actions[aid]
            side = world.sides.get(info.spec.side)
            if side is not None and side.capital in state.stocks:
                spec = world.stocks[side.capital]  # headless plans may overspend: hold at the floor
                state.stocks[side.capital] = np.clip(
                    state.stocks[side.capital] - capital, spec.minimum, spec.maximum
                )
            state.ch_start[aid] = np.where(changed, prev_channels[aid], state.ch_start[aid])
            state.ch_target[aid] = np.where(changed, info.channels[level][None, :], state.ch_target[aid])
            state.elapsed[aid] = np.where(changed, 0.0, state.elapsed[aid])
            state.level[aid] = np.where(changed, level, state.level[aid])
            state.ramping.add(aid)
        channels = {}
        for aid, info in world.actions.items():
            state.elapsed[aid] = state.elapsed[aid] + 1.0
            now = self._channels(aid, state, state.elapsed[aid])
            if aid in state.ramping and state.elapsed[aid].min() >= info.spec.ramp_turns:
                state.ramping.discard(aid)
            channels[aid] = now if mix is None else np.where(mix.actions[aid] > 0, now, prev_channels[aid])
        # 2. event shocks queued at the end of the last turn
        for mod, eid, mask, value in state.jumps:
            m = mask if mix is None else mask * mix.events[eid]
            strength = (1.0 + m * (value - 1.0)) if mod.op == "multiply" else m * value
            if mod.row is not None:
                onehot = self._onehot(mod.target, mod.row)
                strength = 1.0 + onehot * (strength - 1.0) if mod.op == "multiply" else onehot * strength
            stock = state.stocks[mod.target]
            spec = world.stocks[mod.target]
            jumped = stock * strength if mod.op == "multiply" else stock + strength
            if mix is not None:  # a counterfactual for attribution, not the model: hold it in range
                state.stocks[mod.target] = np.clip(jumped, spec.minimum, spec.maximum)
                continue
            state.stocks[mod.target], breach = settle(jumped, spec.minimum, spec.maximum)
            if breach is not None:
                self._out_of_range(mod.target, breach, turn, f"event {eid} moved it")
        state.jumps = []
        active = dict.fromkeys(state.ev_start, self._inactive)
        for key in state.armed:
            now_active = ((state.ev_start[key] <= turn) & (turn <= state.ev_until[key])).astype(np.float64)
            if mix is not None:
                was = ((state.ev_start[key] <= turn - 1) & (turn - 1 <= state.ev_until[key])).astype(
                    np.float64
                )
                eid = key[0].split(":")[0]
                now_active = np.where(mix.events[eid] > 0, now_active, was)
            active[key] = now_active
        side_costs = self._side_costs(state.level, mix, env_prev, old_levels)
        flow_mask = mix.flows if mix is not None else None
        # 3. integrate the quarter
        base = None
        dt = self.dt
        for _ in range(self.scenario.substeps):
            plan = self._plans["first"] if base is None else self._plans["step"]
            env = self._evaluate(
                turn, state.stocks, lags, channels, active, side_costs, flow_mask, base, plan
            )
            base = env
            for sid, inflows, outflows, low, high in self._integration:
                rate = env[inflows[0]] if inflows else -env[outflows[0]]
                for fid in inflows[1:]:
                    rate = rate + env[fid]
                for fid in outflows[1 if not inflows else 0 :]:
                    rate = rate - env[fid]
                value = state.stocks[sid] + rate * dt
                if mix is not None:  # a counterfactual for attribution, not the model: hold it in range
                    state.stocks[sid] = np.clip(value, low, high) if (low, high) != (None, None) else value
                    continue
                state.stocks[sid], breach = settle(value, low, high)
                if breach is not None:
                    flows = describe_flows(env, inflows, outflows, breach, value.shape)
                    self._out_of_range(sid, breach, turn, f"its flows a year: {flows}")
        # 4. the end state
        return self._evaluate(
            turn, state.stocks, lags, channels, active, side_costs, flow_mask, base, self._plans["end"]
        )

    # ------------------------------------------------------------------ playing

    @property
    def is_over(self) -> bool:
        """The last turn is played, or run 0 met one of the scenario's endings.

        An interactive game stops there; headless runs play on to the last turn so every
        run has a full history, and ``ended_turn`` / ``ending_id`` record where each ended.
        """
        return self.turn >= self.turns or bool(self.ended_turn[0, 0] <= self.turn)

    @property
    def ending(self) -> Ending | None:
        eid = self.ending_id[0]
        if eid is None:
            return None
        return next(e for e in self.scenario.endings if e.id == eid)

    def level(self, aid: str) -> int:
        """The level the player has chosen for the coming turn (run 0)."""
        self._action(aid)
        return self.pending.get(aid, int(self.state.level[aid][0, 0]))

    def committed_level(self, aid: str) -> int:
        return int(self.state.level[aid][0, 0])

    def _action(self, aid: str) -> ActionInfo:
        if aid not in self.world.actions:
            raise GameError(f"unknown action {aid!r}{did_you_mean(aid, self.world.actions)}")
        return self.world.actions[aid]

    def check_level(self, aid: str, level: int) -> list[str]:
        """Reasons the side cannot set this level now (empty when it can)."""
        info = self._action(aid)
        if not 0 <= level < info.levels:
            return [f"{aid} has levels 0 to {info.levels - 1}"]
        reasons: list[str] = []
        current = self.committed_level(aid)
        if level > current:
            reasons += [
                message
                for message, from_level, met in self.prerequisites(aid)
                if level > from_level and not met
            ]
        side_id = info.spec.side
        side = self.world.sides.get(side_id)
        if side is not None:
            trial = {**self.pending, aid: level}
            money = self.planned_cost(side_id, trial)
            budget = float(np.mean(self.env[side.budget]))
            if money > budget + 1e-9:
                reasons.append(
                    f"costs {money:.2f} {side.money_unit} a turn in all, above the budget of {budget:.2f}"
                )
            capital = self.capital_needed(side_id, trial)
            available = float(np.mean(self.state.stocks[side.capital]))
            if capital > available + 1e-9:
                reasons.append(f"needs {capital:.0f} political capital, {available:.0f} available")
        return reasons

    def planned_cost(self, side: str, pending: Mapping[str, int] | None = None) -> float:
        """Money per turn the side's actions would cost at the chosen levels."""
        pending = self.pending if pending is None else pending
        total = 0.0
        for aid, info in self.world.actions.items():
            if info.spec.side == side:
                level = pending.get(aid, self.committed_level(aid))
                total += float(np.mean(self.action_cost(aid, level)))
        return total

    def capital_needed(self, side: str, pending: Mapping[str, int] | None = None) -> float:
        """Political capital the side's chosen changes will cost when the turn resolves."""
        pending = self.pending if pending is None else pending
        return sum(
            self.world.actions[aid].capital_to_change(self.committed_level(aid), level)
            for aid, level in pending.items()
            if self.world.actions[aid].spec.side == side
        )

    def set_level(self, aid: str, level: int, *, enforce: bool = True) -> None:
        """Choose an action's level for the coming turn; raise ActionRefused if not allowed.

        With ``enforce=False`` (headless what-if plans) the level is set anyway and what the
        game would have refused is kept in ``warnings``.
        """
        if self.turn >= self.turns or (self.interactive and self.is_over):
            raise GameError("the game is over")
        info = self._action(aid)
        if not isinstance(level, int | np.integer) or not 0 <= level < info.levels:
            raise ActionRefused(aid, level, [f"{aid} has levels 0 to {info.levels - 1}"])
        reasons = self.check_level(aid, int(level))
        if reasons:
            if enforce:
                raise ActionRefused(aid, level, reasons)
            self.warnings.append(f"turn {self.turn + 1}: {aid} -> {level}: " + "; ".join(reasons))
        if level == self.committed_level(aid):
            self.pending.pop(aid, None)
        else:
            self.pending[aid] = int(level)

    def resolve_turn(self) -> TurnReport:
        """Resolve the coming turn with the chosen levels; return what happened."""
        if self.pending_dilemmas:
            raise GameError(f"answer the dilemma first: {self.pending_dilemmas[0].title}")
        if self.turn >= self.turns or (self.interactive and self.is_over):
            raise GameError("the game is over")
        turn = self.turn + 1
        for aid, level in sorted(self.pending.items()):
            self.log.append(Decision(turn, aid, level, self.committed_level(aid)))
        lags = self._lags(turn)
        if self._keep_snapshots:
            self._snapshots[turn] = (self.state.copy(), dict(self.pending), self.env)
        with np.errstate(all="ignore"):
            env = self._advance(self.state, turn, self.pending, None, lags, self.env)
        self.pending = {}
        self.turn = turn
        env.update(lags)
        self.env = env
        self._record_state(env)
        fired, dilemmas = self._draw_events(turn, env)
        ending = self._check_endings(turn, env)
        if self.status_quo is not None and self.status_quo.turn < self.status_quo.turns:
            self.status_quo.resolve_turn()
        return TurnReport(turn, self.date(turn), tuple(fired), tuple(dilemmas), ending)

    def _record_state(self, env: Mapping[Any, Array]) -> None:
        recorded = []
        for name in self._record:
            arr = self._shape(env[name], self._axes[name])
            recorded.append(arr)
            self._history[name].append(arr)
        # one check over everything; name the culprit only when something is wrong
        everything = [a.ravel() for a in recorded + list(self.state.stocks.values())]
        if not np.isfinite(np.concatenate(everything)).all():
            for name, arr in zip(self._record, recorded, strict=True):
                self._check_finite(name, arr, self.turn)
            for sid, value in self.state.stocks.items():
                self._check_finite(sid, value, self.turn)
        found = self._ranges.first_breach(env)
        if found is not None:
            info, breach = found
            self._out_of_range(info.id, breach, self.turn, "outside the range its indicator declares")

    def _out_of_range(self, name: str, breach: Breach, turn: int, why: str) -> None:
        """Raise a SimulationError for a value outside its physical range (a bug in a pack)."""
        sym = self.world.symbols.get(name)
        where = ""
        if sym is not None and sym.located is not None:
            pos = sym.located.doc.key_position(sym.located.path)
            where = f" ({sym.located.doc.path}:{pos.line}:{pos.column})"
        axis = sym.axis if sym is not None else None
        rows = self.world.tables[axis].rows if axis else ()
        described = replace(breach, name=name).describe(rows)
        raise SimulationError(
            f"{described}{where} at turn {turn} of scenario {self.scenario_id} (seed {self.seed}); "
            f"{why}. The content lets it leave its physical range: fix the rules that move it"
        )

    def _check_finite(self, name: str, value: Array, turn: int) -> None:
        if not np.all(np.isfinite(value)):
            sym = self.world.symbols.get(name)
            where = ""
            if sym is not None and sym.located is not None:
                pos = sym.located.doc.key_position(sym.located.path)
                where = f" ({sym.located.doc.path}:{pos.line}:{pos.column})"
            raise SimulationError(
                f"{name}{where} is not a finite number at turn {turn} of scenario "
                f"{self.scenario_id} (seed {self.seed}): check its formula for a division by zero, "
                "a log of zero or an overflow"
            )

    # ------------------------------------------------------------------ events

    def _draw_events(self, turn: int, env: dict[Any, Array]) -> tuple[list[FiredEvent], list[Dilemma]]:
        world, state, R = self.world, self.state, self.runs
        fired_out, dilemmas = [], []
        answers: list[tuple[str, str, Array]] = []
        alive = self.ended_turn > turn - 1
        for eid, info in world.events.items():
            spec = info.spec
            eligible = alive & (state.ev_last[eid] + spec.cooldown < turn)
            if spec.once:
                eligible = eligible & (state.ev_count[eid] == 0)
            if not eligible.any():  # cheap checks first: most events are spent or cooling down
                continue
            with np.errstate(all="ignore"):
                eligible = eligible & np.asarray(info.condition.evaluate(env), dtype=bool)
                if not eligible.any():
                    continue
                prob = (
                    info.probability
                    if isinstance(info.probability, float)
                    else np.broadcast_to(np.asarray(info.probability.evaluate(env), dtype=np.float64), (R, 1))
                )
            draw = np.random.default_rng([self.seed, stable_hash(eid), turn]).random((R, 1))
            fired = eligible & (draw < prob)
            if not fired.any():
                continue
            state.ev_count[eid] = state.ev_count[eid] + fired
            state.ev_last[eid] = np.where(fired, turn, state.ev_last[eid])
            self._apply_effects(eid, "", fired, env)
            for side_id, amount in spec.capital.items():
                self._add_capital(side_id, amount, fired)
            event = FiredEvent(turn, eid, spec.title, spec.text, float(fired.mean()))
            fired_out.append(event)
            self.events_fired.append(event)
            if spec.choices:
                if self.interactive:
                    dilemmas.append(Dilemma(turn, eid, spec.title, spec.text, tuple(spec.choices)))
                    self._dilemma_mask = getattr(self, "_dilemma_mask", {})
                    self._dilemma_mask[eid] = fired
                else:
                    choice = self.planned_choices.get((turn, eid)) or next(
                        c.id for c in spec.choices if c.default
                    )
                    answers.append((eid, choice, fired))
        # answered after every event is drawn, as a player answers, so both give the same numbers
        for eid, choice, fired in answers:
            self._apply_choice(turn, eid, choice, fired, env)
        self.pending_dilemmas.extend(dilemmas)
        return fired_out, dilemmas

    def _apply_effects(self, eid: str, choice: str, mask: Array, env: Mapping[Any, Array]) -> None:
        spec = self.world.events[eid].spec
        effects = spec.effects if not choice else next(c for c in spec.choices if c.id == choice).effects
        info = self.world.events[eid]
        for i, eff in enumerate(effects):
            key = (f"{eid}:{choice}", i)
            if eff.target in self.world.stock_jumps:
                mod = next(m for m in self.world.stock_jumps[eff.target] if m.effect_key == key)
                raw = info.effect_formulas[(choice, i)]
                with np.errstate(all="ignore"):
                    value = np.asarray(raw if isinstance(raw, float) else raw.evaluate(env), dtype=np.float64)
                self.state.jumps.append(
                    (
                        mod,
                        eid,
                        mask.astype(np.float64),
                        np.broadcast_to(value, (self.runs, value.shape[-1] if value.ndim == 2 else 1)).copy(),
                    )
                )
                continue
            until = NEVER if eff.turns == 0 else self.turn + eff.turns
            self.state.armed.add(key)
            self.state.ev_start[key] = np.where(mask, self.turn + 1, self.state.ev_start[key])
            self.state.ev_until[key] = np.where(mask, until, self.state.ev_until[key])

    def _add_capital(self, side_id: str, amount: float, mask: Array) -> None:
        side = self.world.sides[side_id]
        stock = self.world.stocks[side.capital]
        value = self.state.stocks[side.capital] + amount * mask
        self.state.stocks[side.capital] = np.clip(value, stock.minimum, stock.maximum)

    def _apply_choice(
        self, turn: int, eid: str, choice_id: str, mask: Array, env: Mapping[Any, Array]
    ) -> None:
        spec = self.world.events[eid].spec
        choice = next((c for c in spec.choices if c.id == choice_id), None)
        if choice is None:
            raise GameError(
                f"event {eid} has no choice {choice_id!r}"
                f"{did_you_mean(choice_id, [c.id for c in spec.choices])}"
            )
        self._apply_effects(eid, choice_id, mask, env)
        for side_id, amount in choice.capital.items():
            self._add_capital(side_id, amount, mask)
        for aid, level in choice.set_action.items():
            info = self.world.actions[aid]
            state = self.state
            changed = mask & (state.level[aid] != level)
            current = self._channels(aid, state, state.elapsed[aid])
            state.ch_start[aid] = np.where(changed, current, state.ch_start[aid])
            state.ch_target[aid] = np.where(changed, info.channels[level][None, :], state.ch_target[aid])
            state.elapsed[aid] = np.where(changed, 0.0, state.elapsed[aid])
            state.level[aid] = np.where(changed, level, state.level[aid])
            state.ramping.add(aid)
            self.pending.pop(aid, None)
        self.choices_made.append(ChoiceMade(turn, eid, choice_id))

    def choose(self, event_id: str, choice_id: str) -> None:
        """Answer a pending dilemma."""
        dilemma = next((d for d in self.pending_dilemmas if d.event == event_id), None)
        if dilemma is None:
            raise GameError(f"no dilemma {event_id!r} is waiting for an answer")
        mask = self._dilemma_mask.pop(event_id)
        self._apply_choice(dilemma.turn, event_id, choice_id, mask, self.env)
        self.pending_dilemmas.remove(dilemma)

    def _check_endings(self, turn: int, env: Mapping[Any, Array]) -> Ending | None:
        for i, end in enumerate(self.scenario.endings):
            formula = self.world.ending_formulas[(self.scenario_id, i)]
            with np.errstate(all="ignore"):
                hit = np.broadcast_to(np.asarray(formula.evaluate(env), dtype=bool), (self.runs, 1))
            new = hit & (self.ended_turn == NEVER)
            if new.any():
                self.ended_turn = np.where(new, turn, self.ended_turn)
                for r in np.flatnonzero(new[:, 0]):
                    self.ending_id[r] = end.id
        return self.ending if self.ended_turn[0, 0] == turn else None

    # ------------------------------------------------------------------ reading

    @property
    def recorded(self) -> tuple[str, ...]:
        """Names whose history the game keeps (indicators, lagged names, sides' money and capital)."""
        return tuple(self._record)

    def value(self, name: str) -> Array:
        """Current value of any named quantity, one row per run."""
        if name not in self.env:
            raise GameError(
                f"unknown name {name!r}{did_you_mean(name, [k for k in self.env if isinstance(k, str)])}"
            )
        return np.asarray(self.env[name])

    def history(self, indicator: str) -> Array:
        """History of a recorded quantity: shape (turn + 1, runs) or (turn + 1, runs, rows)."""
        if indicator not in self._history:
            raise GameError(
                f"unknown indicator {indicator!r}{did_you_mean(indicator, self.world.indicators)}"
            )
        stacked = np.stack(self._history[indicator])
        return stacked[:, :, 0] if self.world.symbols[indicator].axis is None else stacked

    def attribution(self, indicator: str, turn: int | None = None, run: int = 0) -> list[Contribution]:
        """Split an indicator's change over a turn into signed contributions that sum to it.

        Drivers are switched on one at a time, in a fixed order (events, then actions, then
        rules), in a batch of copies of the run resolved side by side; each driver's part is
        what switching it on added. What no driver explains (trends in time, lags, decisions
        taken between turns) is reported as "other".
        """
        turn = self.turn if turn is None else turn
        if indicator not in self.world.indicators:
            raise GameError(
                f"unknown indicator {indicator!r}{did_you_mean(indicator, self.world.indicators)}"
            )
        if self.world.indicators[indicator].axis is not None:
            raise GameError(f"{indicator} has one value per row; pick a single-number indicator to explain")
        if self.runs != 1:
            raise GameError("attribution explains a single-run game")
        if turn not in self._snapshots:
            raise GameError(f"no record of turn {turn} to explain")
        state, pending, env_prev = self._snapshots[turn]
        world = self.world
        drivers: list[tuple[str, str]] = (
            [
                ("event", e)
                for e in sorted(
                    {k[0].split(":")[0] for k in state.ev_start} | {e for _, e, _, _ in state.jumps}
                )
            ]
            + [("action", a) for a in sorted(world.actions)]
            + [("rule", f) for f in sorted(world.flows)]
        )
        copies = len(drivers) + 1
        sub = state.tile(run, copies)
        on = np.arange(copies).reshape(-1, 1)

        def masks(kind: str, ids: Iterable[str]) -> dict[str, Array]:
            out = {}
            for i in ids:
                position = drivers.index((kind, i)) if (kind, i) in drivers else -1
                out[i] = (on > position).astype(np.float64)
            return out

        mix = _Mix(masks("action", world.actions), masks("event", world.events), masks("rule", world.flows))
        lags = {
            key: np.repeat(v[run : run + 1] if np.shape(v)[0] > 1 else v, copies, axis=0)
            for key, v in self._lags(turn).items()
        }
        env_prev_run = {
            k: (v[run : run + 1] if np.ndim(v) == 2 and v.shape[0] == self.runs and self.runs > 1 else v)
            for k, v in env_prev.items()
        }
        with np.errstate(all="ignore"):
            env = self._advance(sub, turn, pending, mix, lags, env_prev_run)
        values = np.broadcast_to(np.asarray(env[indicator], dtype=np.float64), (copies, 1))[:, 0]
        before = float(self._history[indicator][turn - 1][run, 0])
        after = float(self._history[indicator][turn][run, 0])
        parts: list[Contribution] = []
        for i, (kind, ident) in enumerate(drivers):
            delta = float(values[i + 1] - values[i])
            if delta != 0.0:
                label = self._driver_label(kind, ident)
                parts.append(Contribution(kind, ident, label, delta))  # type: ignore[arg-type]
        explained = sum(p.value for p in parts)
        other = (after - before) - explained
        if other != 0.0:
            parts.append(Contribution("other", "other", "trends, lags and shocks between turns", other))
        return sorted(parts, key=lambda p: -abs(p.value))

    def _driver_label(self, kind: str, ident: str) -> str:
        world = self.world
        if kind == "action":
            spec = world.actions[ident].spec
            return spec.name or ident
        if kind == "event":
            return world.events[ident].spec.title
        flow = world.flow_specs[ident]
        label = flow.name or ident
        if flow.action is not None:
            label += f" ({world.actions[flow.action].spec.name or flow.action})"
        return label

    def unset_level(self, aid: str) -> None:
        """Drop the change planned for an action this turn (it keeps its current level)."""
        self._action(aid)
        self.pending.pop(aid, None)

    def prerequisites(self, aid: str) -> list[tuple[str, int, bool]]:
        """Each prerequisite of an action: (what the player is told when unmet, the level above
        which it applies, whether it is met now, counting other levers at their chosen levels)."""
        info = self._action(aid)
        scope = _Overlay(self.env)
        for other, chosen in self.pending.items():
            if other != aid:
                scope[other] = np.full((1, 1), self.world.actions[other].values[chosen])
        out = []
        for formula, message, from_level in info.prerequisites:
            with np.errstate(all="ignore"):
                met = bool(np.asarray(formula.evaluate(scope), dtype=bool).all())
            out.append((message, from_level, met))
        return out

    def batch(self, runs: int) -> Game:
        """A new headless game of ``runs`` runs that replays this game's decisions and answers so far.

        Uncertain parameters are drawn per run, so its spread shows what the same choices
        could have led to.
        """
        twin = Game(self.world, self.scenario_id, self.seed, runs, self.pins)
        twin.planned_choices = {(c.turn, c.event): c.choice for c in self.choices_made}
        by_turn: dict[int, list[Decision]] = {}
        for decision in self.log:
            by_turn.setdefault(decision.turn, []).append(decision)
        for turn in range(1, self.turn + 1):
            for decision in by_turn.get(turn, ()):
                twin.set_level(decision.action, decision.level, enforce=False)
            twin.resolve_turn()
        return twin

    # ------------------------------------------------------------------ looking ahead

    def fork(self) -> Game:
        """An independent copy of this game (no status-quo twin, dilemmas take their default)."""
        twin = copy.copy(self)
        twin.state = self.state.copy()
        twin._history = {name: list(values) for name, values in self._history.items()}
        twin.env = dict(self.env)
        twin.pending = dict(self.pending)
        twin.pending_dilemmas = []
        twin.log = list(self.log)
        twin.choices_made = list(self.choices_made)
        twin.events_fired = list(self.events_fired)
        twin.warnings = list(self.warnings)
        twin.ending_id = list(self.ending_id)
        twin.ended_turn = self.ended_turn.copy()
        twin.planned_choices = dict(self.planned_choices)
        twin.interactive = False
        twin.status_quo = None
        twin._keep_snapshots = False
        twin._snapshots = {}
        return twin

    def preview(self, changes: Mapping[str, int], turns: int = 4) -> dict[str, float]:
        """How each indicator would differ after ``turns`` turns if these levels were chosen now.

        Both futures are played from the current state with the same seed, so the difference
        is the model's own expectation of the change's effect, not a guess. Run 0 (or the mean
        over runs). Budgets and capital are not checked.
        """
        turns = max(1, min(turns, self.turns - self.turn))
        if turns <= 0 or self.is_over:
            return {}
        with_change, without = self.fork(), self.fork()
        for aid, level in changes.items():
            with_change.set_level(aid, level, enforce=False)
        for future in (with_change, without):
            future.warnings = []
            for _ in range(turns):
                if future.turn < future.turns:
                    future.resolve_turn()
        out = {}
        for ind, info in self.world.indicators.items():
            if info.axis is None:
                out[ind] = float(np.mean(with_change.value(ind)) - np.mean(without.value(ind)))
        return out

    # ------------------------------------------------------------------ scoring

    def debrief(self) -> Debrief:
        """Score the game against its status-quo run on the scenario's objectives."""
        if self.status_quo is None:
            raise GameError("scoring needs the status-quo run: create the game with status_quo=True")
        rows = []
        total = weights = 0.0
        upto = self.turn
        for obj in self.scenario.objectives:
            ind = self.world.indicators[obj.indicator]
            mine = (
                self.history(obj.indicator)[1 : upto + 1, 0] if upto else self.history(obj.indicator)[:1, 0]
            )
            base = (
                self.status_quo.history(obj.indicator)[1 : upto + 1, 0]
                if upto
                else self.status_quo.history(obj.indicator)[:1, 0]
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
        grades = sorted(self.scenario.grades, key=lambda g: g.min_score, reverse=True)
        grade = next((g for g in grades if score >= g.min_score), grades[-1] if grades else None)
        ending = self.ending
        if ending is not None and ending.grade_cap is not None and grade is not None:
            cap = next(g for g in grades if g.label == ending.grade_cap)
            if cap.min_score < grade.min_score:
                grade = cap
        return Debrief(
            score,
            grade.label if grade else "",
            grade.text if grade else "",
            rows,
            list(self.log),
            list(self.choices_made),
            ending,
        )


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
