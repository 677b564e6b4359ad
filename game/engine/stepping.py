"""The arithmetic of a turn: evaluate every computed name, ramp actions, integrate the stocks.

A ``Stepper`` holds what is fixed for one game (constants, drawn parameters, the order in
which names are computed at each moment of a turn) and works on a ``State`` it is given;
it keeps no state of its own, so the same stepper resolves the game, its attribution
batches and its forks.

Why one long module: the Stepper is the reference turn, the one the compiled program
(program.py) is checked against to the bit; its parts (the starting state, costs,
modifiers, the order of evaluation, the advance) all read the same fixed tables of one
game, and split apart they would hand those tables around rather than read more simply.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from game.content.schema import Scenario
from game.engine import finite
from game.engine.bounds import Breach, describe_flows, settle
from game.engine.errors import SimulationError
from game.engine.program import Program, program_for
from game.engine.state import NEVER, Array, Mix, Overlay, State
from game.engine.timescale import TurnScale
from game.engine.world import Modifier, World, derived
from game.formula import NotANumber

Integration = tuple[tuple[str, tuple[str, ...], tuple[str, ...], float | None, float | None], ...]


@dataclass(frozen=True)
class WorldTurn:
    """What a turn's order of work depends on that is the same for every game of a world."""

    integration: Integration
    """Each stock some flow moves: (stock, its inflows, its outflows, its minimum, its maximum)."""
    phases: dict[str, tuple[str, ...]]
    """Which names to compute at each moment of a turn, in dependency order. ``all``: everything.
    ``first`` (first sub-step): everything that does not depend on stocks, plus what the flows
    need. ``step`` (later sub-steps): what depends on stocks and feeds a flow. ``end`` (end of
    turn): everything that depends on stocks, for the record. ``lagged``: what depends on a
    lagged value or a side's action cost (the guesses ``Stepper.initial_env`` improves)."""


def _turn_of(world: World) -> WorldTurn:
    """The world's ``WorldTurn``, worked out for its first game and kept while it lives."""
    return derived(world, _work_out_turn)


def _work_out_turn(world: World) -> WorldTurn:
    integration = tuple(
        (
            sid,
            tuple(f for f, spec in world.flow_specs.items() if spec.into == sid),
            tuple(f for f, spec in world.flow_specs.items() if spec.out_of == sid),
            world.stocks[sid].minimum,
            world.stocks[sid].maximum,
        )
        for sid in world.stocks
        if any(sid in (spec.into, spec.out_of) for spec in world.flow_specs.values())
    )
    uses: dict[str, set[str]] = {}
    lagged: set[str] = set()
    costs = {f"{sid}_action_cost" for sid in world.sides}
    for name in world.order:
        own = world.variables.get(name) or world.flows.get(name)
        names = set(own.names) if own is not None else set()
        reads_lag = own is not None and bool(own.lags)
        for mod in world.modifiers.get(name, ()):
            if mod.formula is not None:
                names |= set(mod.formula.names)
                reads_lag = reads_lag or bool(mod.formula.lags)
        uses[name] = names
        if reads_lag or any(n in lagged or n in costs for n in names):
            lagged.add(name)
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
    phases = {
        "all": tuple(order),
        "first": tuple(n for n in order if n not in dynamic or n in feeds_flows),
        "step": tuple(n for n in order if n in dynamic and n in feeds_flows),
        "end": tuple(n for n in order if n in dynamic),
        "lagged": tuple(n for n in order if n in lagged),
    }
    return WorldTurn(integration, phases)


class Stepper:
    """Resolves turns of one scenario over ``runs`` runs with the parameters drawn for them.

    Turns run on a compiled ``Program``; ``reference = True`` makes them walk the formulas'
    closures instead, as the attribution batches always do (the two agree to the bit).
    """

    reference = False
    blocks = 1  # a batch of plans (game.engine.plans): equal blocks of runs, each its own game
    block_seeds: tuple[int, ...] = ()  # and each block's seed

    def __init__(
        self,
        world: World,
        scenario_id: str,
        scenario: Scenario,
        seed: int,
        runs: int,
        params: dict[str, Array],
    ) -> None:
        self.world = world
        self.scenario_id = scenario_id
        self.scenario = scenario
        self.seed = seed
        self.runs = runs
        self.params = params
        self.turn_years = scenario.months_per_turn / 12.0
        self.scale = TurnScale.between(world.turn_months, scenario.months_per_turn)
        self.ramps = {aid: self.scale.ramp(info.spec.ramp_turns) for aid, info in world.actions.items()}
        self.dt = self.turn_years / scenario.substeps
        self.const = self._constants()
        self.plans = self._evaluation_plans()
        self.plan_names = {phase: [entry[0] for entry in plan] for phase, plan in self.plans.items()}
        self.plan_all = self.plans["all"]
        self.programs: dict[int, Program] = {}  # the turn compiled to a tape, by number of runs
        self.program_lock = threading.Lock()
        self.inactive = np.zeros((1, 1))
        self.active = np.ones((1, 1))  # an armed effect acting, in a game of one run
        for constant in (self.inactive, self.active):
            constant.flags.writeable = False
        self.origins: dict[Any, finite.Origin] = {}  # finite.cached_origin
        # the names the game keeps every turn's value of (its recorder's): a big batch's turn
        # hands these out as copies of their own, made by the threads that computed them
        self.kept: frozenset[str] = frozenset()
        self.cost_lists: dict[str, Array] = {}  # each action's costs by level, for this turn's length
        self.level_costs: dict[str, tuple[Array, Array]] = {}  # action_cost: the last levels' costs
        # the events' clocks, one column per event in the world's order (events.eligibility)
        self.event_ids = list(world.events)
        cooldowns = [self.scale.cooldown(info.spec.cooldown) for info in world.events.values()]
        self.event_cooldowns = np.array([cooldowns], dtype=np.int64).reshape(1, -1)
        once = [info.spec.once for info in world.events.values()]
        self.event_once = np.array([once], dtype=bool).reshape(1, -1)
        self.integration = _turn_of(world).integration

    # ------------------------------------------------------------------ setting up

    def _constants(self) -> dict[Any, Array]:
        const: dict[Any, Array] = {}
        for pid, value in self.params.items():
            if pid not in self.world.modifiers:
                const[pid] = value
        for fid, value in self.world.fields.items():
            if fid not in self.world.modifiers:
                const[fid] = value
        const["dt"] = np.full((1, 1), self.dt)
        const["turn_years"] = np.full((1, 1), self.turn_years)
        return const

    def initial_state(self) -> State:
        R, world = self.runs, self.world
        stocks: dict[str, Array] = {}
        env: dict[Any, Array] = dict(self.const)
        env.update(self.params)
        env.update(self.time(0))
        for sid in world.stock_order:
            init = world.stock_initial[sid]
            if isinstance(init, float):
                value = np.asarray(init, dtype=np.float64)
            else:
                what = f"the starting value of stock {sid}"
                origin = finite.item_origin(self, "stock", sid, what, "initial")
                value = np.asarray(finite.evaluate(self, init, env, origin, 0), dtype=np.float64)
            stocks[sid] = self.shape(value, world.stocks[sid].over)
            env[sid] = stocks[sid]
        for sid, value in stocks.items():
            self.check_finite(sid, value, 0)
            spec = world.stocks[sid]
            _, breach = settle(value, spec.minimum, spec.maximum)  # the value is kept as it is, bit for bit
            if breach is not None:
                init = world.stock_initial[sid]
                said = init if isinstance(init, float) else init.text
                why = f"it starts there (initial = {said})"
                self.out_of_range(sid, breach, 0, why, "fix its initial value")
        levels, start, elapsed = {}, {}, {}
        for aid, info in world.actions.items():
            level = self.scenario.action_levels.get(aid, 0)
            levels[aid] = np.full((R, 1), level, dtype=np.int64)
            start[aid] = np.repeat(info.channels[level : level + 1], R, axis=0)
            elapsed[aid] = np.full((R, 1), self.ramps[aid])
        ev_count = {eid: np.zeros((R, 1), dtype=np.int64) for eid in world.events}
        ev_last = {eid: np.full((R, 1), -NEVER, dtype=np.int64) for eid in world.events}
        ev_start, ev_until = {}, {}
        for mods in [*world.modifiers.values(), *world.stock_jumps.values()]:
            for mod in mods:
                if mod.effect_key is not None:
                    ev_start[mod.effect_key] = np.full((R, 1), NEVER, dtype=np.int64)
                    ev_until[mod.effect_key] = np.full((R, 1), -NEVER, dtype=np.int64)
        return State(
            stocks,
            levels,
            start,
            {k: v.copy() for k, v in start.items()},
            elapsed,
            ev_count,
            ev_last,
            ev_start,
            ev_until,
            blocks=self.blocks,
        )

    def initial_env(self, state: State) -> dict[Any, Array]:
        """Variables of the starting state; lags of variables are solved by a few passes."""
        channels = {aid: self.channels(aid, state, state.elapsed[aid]) for aid in self.world.actions}
        active = {key: np.zeros((self.runs, 1)) for key in state.ev_start}
        lag_guess: dict[tuple[str, int], Array] = {}
        for name, k in self.world.lagged:
            base = state.stocks.get(name, self.params.get(name))
            lag_guess[(name, k)] = base if base is not None else np.ones((1, 1))
        env: dict[Any, Array] = {}
        costs = {f"{sid}_action_cost": np.zeros((1, 1)) for sid in self.world.sides}
        # after the first pass only what reads a guess can change: the rest is the same numbers
        # computed from the same numbers, kept from the pass before
        again = self.plans["lagged"]
        with np.errstate(all="ignore"):
            for _ in range(12):
                if not env:
                    env = self.evaluate(0, state.stocks, lag_guess, channels, active, costs, None)
                else:
                    previous = {**env, **lag_guess, **costs}
                    env = self.evaluate(0, state.stocks, {}, channels, active, costs, None, previous, again)
                new_guess = {(n, k): env[n] for n, k in self.world.lagged}
                new_costs = self.side_costs(state.level, None, env)
                same = all(np.array_equal(new_guess[key], lag_guess[key]) for key in new_guess) and all(
                    np.array_equal(new_costs[key], costs[key]) for key in costs
                )
                lag_guess, costs = new_guess, new_costs
                if same:
                    break
        env.update(lag_guess)
        return env

    def shape(self, value: Array, axis: str | None) -> Array:
        """The value as a float array of one row per run (no copy when it already is one)."""
        n = 1 if axis is None else len(self.world.tables[axis].rows)
        if value.shape == (self.runs, n) and value.dtype == np.float64:
            return value
        return np.array(np.broadcast_to(value, (self.runs, n)), dtype=np.float64)

    def time(self, turn: int) -> dict[Any, Array]:
        sc = self.scenario
        year = sc.start_year + (sc.start_quarter - 1) * 0.25 + (turn - 1) * self.turn_years
        return {"turn": np.array([[float(turn)]]), "year": np.array([[float(year)]])}

    def check_finite(self, name: str, value: Array, turn: int) -> None:
        if not np.all(np.isfinite(value)):
            sym = self.world.symbols.get(name)
            where, kind = "", f"{sym.kind} " if sym is not None else ""
            if sym is not None and sym.located is not None:  # its formula, what to check (a stock: itself)
                doc = sym.located.doc
                pos = doc.value_position((*sym.located.path, "formula"))
                where = f" ({doc.path}:{pos.line}:{pos.column})"
            raise SimulationError(
                f"{kind}{name}{where} is not a finite number at turn {turn} of scenario "
                f"{self.scenario_id} (seed {self.seed}): check its formula for a division by zero, "
                "a log of zero or an overflow"
            )

    def out_of_range(
        self, name: str, breach: Breach, turn: int, why: str, fix: str = "fix the rules that move it"
    ) -> None:
        """Raise a SimulationError for a value outside its physical range (a bug in a pack)."""
        sym = self.world.symbols.get(name)
        where = ""
        if sym is not None and sym.located is not None:
            pos = sym.located.doc.key_position(sym.located.path)
            where = f" ({sym.located.doc.path}:{pos.line}:{pos.column})"
        axis = sym.axis if sym is not None else None
        rows = self.world.tables[axis].rows if axis else ()
        game = f"seed {self.seed}"
        if self.blocks > 1:  # a batch of plans: whose game it is
            each = self.runs // self.blocks
            block = breach.run // each
            seed = self.block_seeds[block]
            game = f"plan {block} of a batch of plans, its run {breach.run % each}, seed {seed}"
        movers = self.movers(name)
        raise SimulationError(
            f"{replace(breach, name=name).describe(rows)}{where} at turn {turn} of scenario "
            f"{self.scenario_id} ({game}); {why}. The content lets it leave its physical "
            f"range: {fix}{'; what moves it: ' + ', '.join(movers) if movers else ''}"
        )

    def movers(self, name: str) -> list[str]:
        """Each rule that moves ``name`` besides its own formula, with where it is written: the
        flows into and out of a stock and every effect on it, whichever pack wrote them (a mod's
        effect on a base quantity is often the cause, and the quantity's own file is the base's)."""
        world = self.world
        origins = [
            self.origin_of(fid)
            for fid, flow in world.flow_specs.items()
            if name in (flow.into, flow.out_of) and fid in world.symbols
        ]
        origins += [
            self.modifier_origin(mod)
            for mod in (*world.modifiers.get(name, ()), *world.stock_jumps.get(name, ()))
        ]
        return [f"{o.what} ({o.place()})" if o.place() else o.what for o in origins]

    # ------------------------------------------------------------------ the step

    def channels(self, aid: str, state: State, elapsed: Array) -> Array:
        """The action's ramped channel values (its own value, then its per-level effects)."""
        if aid not in state.ramping:
            return state.ch_target[aid]
        frac = np.minimum(1.0, elapsed / self.ramps[aid])
        ramped = state.ch_start[aid] + (state.ch_target[aid] - state.ch_start[aid]) * frac
        blocks = state.ramped_runs(aid)  # a batch of plans: only the blocks ramping it
        return ramped if blocks is None else np.where(blocks, ramped, state.ch_target[aid])

    def side_costs(
        self,
        levels: dict[str, Array],
        mix: Mix | None,
        env: Mapping[Any, Array],
        old_levels: dict[str, Array] | None = None,
    ) -> dict[str, Array]:
        if mix is None and self.runs == 1:
            alone = self._side_costs_alone(levels, env)
            if alone is not None:
                return alone
        costs = {sid: np.zeros((1, 1)) for sid in self.world.sides}
        for aid, info in self.world.actions.items():
            cost = self.action_cost(aid, levels[aid], env)
            if mix is not None and old_levels is not None:
                old = self.action_cost(aid, old_levels[aid], env)
                cost = np.where(mix.actions[aid] > 0, cost, old)
            if info.spec.side in costs:
                costs[info.spec.side] = costs[info.spec.side] + cost
        return {f"{sid}_action_cost": value for sid, value in costs.items()}

    def _active_alone(self, state: State, turn: int, active: dict[tuple[str, int], Array]) -> None:
        """``advance``'s test of which armed effects act this turn, for a game of one run: each
        is 1.0 from its start turn to its last, else 0.0, as the (1, 1) float64 array the
        arrays' test gives (the same two read-only arrays every turn: a program input that is
        the array it loaded last turn is not loaded again)."""
        starts, untils, on = state.ev_start, state.ev_until, self.active
        for key in state.armed:
            active[key] = on if starts[key].item() <= turn <= untils[key].item() else self.inactive

    def _side_costs_alone(
        self, levels: dict[str, Array], env: Mapping[Any, Array]
    ) -> dict[str, Array] | None:
        """``side_costs`` of a lone game on Python floats: each side's 0.0 plus its actions' costs
        in the world's order, the very IEEE additions numpy makes on (1, 1) arrays, without a
        numpy call each (None when a cost is not a single float64: the arrays' way decides)."""
        float64 = np.dtype(np.float64)
        totals = dict.fromkeys(self.world.sides, 0.0)
        for aid, info in self.world.actions.items():
            cost = self.action_cost(aid, levels[aid], env)  # kept while the levels are the same array
            side = info.spec.side
            if side in totals:
                if cost.shape != (1, 1) or cost.dtype != float64:
                    return None
                totals[side] = totals[side] + cost.item()
        return {f"{sid}_action_cost": np.array([[total]]) for sid, total in totals.items()}

    def action_cost(self, aid: str, level: Array | int, env: Mapping[Any, Array]) -> Array:
        """Money per turn the action costs at a level, in each run."""
        info = self.world.actions[aid]
        if info.cost_list is not None:  # money a turn of the content's length: converted to this turn
            last = self.level_costs.get(aid)
            if last is not None and last[0] is level:
                return last[1]  # the same levels as before (arrays are replaced, never written into)
            costs = self.cost_lists.get(aid)
            if costs is None:  # converted element by element: the same numbers as converting each cost
                costs = self.cost_lists[aid] = self.scale.cost(info.cost_list)
            cost = costs[np.asarray(level, dtype=np.int64).reshape(-1, 1)]
            if isinstance(level, np.ndarray):
                self.level_costs[aid] = (level, cost)
            return cost
        level_arr = np.asarray(level, dtype=np.int64).reshape(-1, 1)
        scope = Overlay(env)
        scope[aid] = info.values[level_arr]
        origin = finite.cached_origin(self, "action", aid, f"the cost of action {aid}", "cost")
        value = finite.evaluate(self, info.cost_formula, scope, origin, None)  # type: ignore[arg-type]
        return finite.finite(self, value, origin, None)

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
                    else self._effect_size(mod, env)
                )
            else:
                act = active[mod.effect_key]  # type: ignore[index]
                v = mod.constant if mod.formula is None else self._effect_size(mod, env)
                strength = 1.0 + act * (v - 1.0) if mod.op == "multiply" else act * v
            if mod.row is not None:
                onehot = self.onehot(name, mod.row)
                strength = 1.0 + onehot * (strength - 1.0) if mod.op == "multiply" else onehot * strength
            if mod.op == "multiply":
                mult = mult * strength
            else:
                add = add + strength
        return value * mult + add

    def _effect_size(self, mod: Modifier, env: Mapping[Any, Array]) -> Array:
        """The value of an action's or event's effect formula, a nan in it reported where it is written."""
        try:
            return mod.formula.evaluate(env)  # type: ignore[union-attr]
        except NotANumber as exc:
            turn = int(env["turn"][0, 0]) if "turn" in env else None
            raise finite.not_a_number(self, self.modifier_origin(mod), exc, turn) from None

    def modifier_origin(self, mod: Modifier) -> finite.Origin:
        """Where the effect behind a modifier is written: its action or event, down to the effect."""
        what = f"the effect of {mod.source_kind} {mod.source} on {mod.target}"
        info = (
            self.world.actions[mod.source] if mod.source_kind == "action" else self.world.events[mod.source]
        )
        return finite.item_origin(self, mod.source_kind, mod.source, what, *mod.path(info.spec))

    def origin_of(self, name: str) -> finite.Origin:
        """Where a computed name's formula is written."""
        symbol = self.world.symbols.get(name)
        kind = symbol.kind if symbol is not None else "name"
        located = symbol.located if symbol is not None else None
        sub = ("formula",) if kind in ("variable", "flow") else ()
        return finite.Origin(f"{kind} {name}", located, sub)

    def onehot(self, name: str, row: int) -> Array:
        axis = self.world.symbols[name].axis
        n = len(self.world.tables[axis].rows) if axis else 1
        out = np.zeros((1, n))
        out[0, row] = 1.0
        return out

    def evaluate(
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
            env: dict[Any, Array] = dict(self.const)
            env.update(self.time(turn))
            env.update(lags)
            env.update(side_costs)
            for aid, ch in channels.items():
                env[aid] = ch[:, 0:1]
        else:
            env = dict(base)
        env.update(stocks)
        for name, evaluate, modified in self.plan_all if plan is None else plan:
            try:
                value = evaluate(env)
            except NotANumber as exc:
                raise finite.not_a_number(self, self.origin_of(name), exc, turn) from None
            if modified:
                value = self._modified(name, value, env, channels, active)
            if flow_mask is not None and name in flow_mask:
                value = value * flow_mask[name]
            env[name] = value
        return env

    def _evaluation_plans(self) -> dict[str, list[Any]]:
        """Which names to compute at each moment of a turn, as (name, evaluator, modified), in
        dependency order (``WorldTurn.phases``): ``all``, ``first``, ``step`` and ``end``."""
        world = self.world
        entries = {}
        for name in world.order:
            own = world.variables.get(name) or world.flows.get(name)
            if own is not None:
                evaluate = own.evaluate
            else:
                fixed = self.params[name] if name in self.params else world.fields[name]
                evaluate = (lambda value: lambda env: value)(fixed)
            entries[name] = (name, evaluate, name in world.modifiers)
        return {phase: [entries[n] for n in names] for phase, names in _turn_of(world).phases.items()}

    def advance(
        self,
        state: State,
        turn: int,
        pending: Mapping[str, int | Array],
        mix: Mix | None,
        lags: Mapping[Any, Array],
        env_prev: Mapping[Any, Array],
    ) -> dict[Any, Array]:
        """Resolve one turn on ``state`` in place and return the end-of-turn values.

        ``pending`` holds the levels set for this turn: one for every run, or (a batch of plans)
        an int array of one per run, the runs that keep their level holding it."""
        world, R = self.world, next(iter(state.stocks.values())).shape[0] if state.stocks else self.runs
        # 1. decisions: commit level changes, pay capital, start ramps
        # the channels before any change: read only where a level changes, or by a counterfactual
        prev_channels = (
            {aid: self.channels(aid, state, state.elapsed[aid]) for aid in world.actions}
            if pending or mix is not None
            else {}
        )
        old_levels = dict(state.level) if mix is not None else None
        for aid, level in sorted(pending.items()):  # the log's order, so a replay matches to the bit
            info = world.actions[aid]
            changed = state.level[aid] != level
            if not changed.any():
                continue
            capital = np.zeros((R, 1))
            if isinstance(level, np.ndarray):  # a batch of plans: a level per run (game.engine.plans)
                moves = np.unique(np.concatenate([state.level[aid], level], axis=1)[changed[:, 0]], axis=0)
                for old, new in moves.tolist():
                    to = info.capital_to_change(old, new)
                    capital = np.where((state.level[aid] == old) & (level == new), to, capital)
                target = info.channels[level[:, 0]]
            else:
                for old in np.unique(state.level[aid][changed]):
                    to = info.capital_to_change(int(old), level)
                    capital = np.where(state.level[aid] == old, to, capital)
                target = info.channels[level][None, :]
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
            state.ch_target[aid] = np.where(changed, target, state.ch_target[aid])
            state.elapsed[aid] = np.where(changed, 0.0, state.elapsed[aid])
            state.level[aid] = np.where(changed, level, state.level[aid])
            state.start_ramp(aid, changed)
        channels = {}
        for aid in world.actions:
            state.elapsed[aid] = state.elapsed[aid] + 1.0
            now = self.channels(aid, state, state.elapsed[aid])
            if aid in state.ramping:
                state.end_ramp(aid, state.elapsed[aid], self.ramps[aid])
            channels[aid] = now if mix is None else np.where(mix.actions[aid] > 0, now, prev_channels[aid])
        # 2. event shocks queued at the end of the last turn
        for mod, eid, mask, value in state.jumps:
            m = mask if mix is None else mask * mix.events[eid]
            strength = (1.0 + m * (value - 1.0)) if mod.op == "multiply" else m * value
            if mod.row is not None:
                onehot = self.onehot(mod.target, mod.row)
                strength = 1.0 + onehot * (strength - 1.0) if mod.op == "multiply" else onehot * strength
            stock = state.stocks[mod.target]
            spec = world.stocks[mod.target]
            jumped = stock * strength if mod.op == "multiply" else stock + strength
            if mix is not None:  # a counterfactual for attribution, not the model: hold it in range
                state.stocks[mod.target] = np.clip(jumped, spec.minimum, spec.maximum)
                continue
            state.stocks[mod.target], breach = settle(jumped, spec.minimum, spec.maximum)
            if breach is not None:
                self.out_of_range(mod.target, breach, turn, f"event {eid} moved it")
        state.jumps = []
        active = dict.fromkeys(state.ev_start, self.inactive)
        if mix is None and R == 1:  # one run: its numbers compared as Python's, one shared array each way
            self._active_alone(state, turn, active)
        else:
            for key in state.armed:
                start, until = state.ev_start[key], state.ev_until[key]
                now_active = ((start <= turn) & (turn <= until)).astype(np.float64)
                if mix is not None:
                    was = ((start <= turn - 1) & (turn - 1 <= until)).astype(np.float64)
                    eid = key[0].split(":")[0]
                    now_active = np.where(mix.events[eid] > 0, now_active, was)
                active[key] = now_active
        side_costs = self.side_costs(state.level, mix, env_prev, old_levels)
        if mix is None and not self.reference:
            # forks share this stepper and its programs' buffers, and games computing the same
            # numbers share programs: one turn at a time on them (a forecast in a worker thread
            # beside the game's own turn)
            with self.program_lock:
                program = self.programs.get(R)
                if program is None:
                    program = self.programs[R] = program_for(self, R)
            with program.lock:
                return program.advance(self, state.stocks, turn, lags, channels, active, side_costs)
        flow_mask = mix.flows if mix is not None else None
        # 3. integrate the quarter
        base = None
        dt = self.dt
        for _ in range(self.scenario.substeps):
            plan = self.plans["first"] if base is None else self.plans["step"]
            env = self.evaluate(turn, state.stocks, lags, channels, active, side_costs, flow_mask, base, plan)
            base = env
            for sid, inflows, outflows, low, high in self.integration:
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
                    self.out_of_range(sid, breach, turn, f"its flows a year: {flows}")
        # 4. the end state
        return self.evaluate(
            turn, state.stocks, lags, channels, active, side_costs, flow_mask, base, self.plans["end"]
        )
