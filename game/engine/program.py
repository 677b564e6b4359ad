"""A turn compiled once into flat lists of numpy calls over buffers allocated in advance.

The reference way to compute a turn (``Stepper.evaluate``) walks every formula's closures
and allocates a new array for every intermediate value. This module emits the very same
numpy calls, with the same operands in the same order (so every number is identical to the
bit), onto three tiers of instructions:

- *setup*, run once per game: whatever reads only constants, table fields and parameters
  (a parameter drawn per run is still fixed for the whole game);
- *turn*, run once per turn: whatever reads the date, action levels, costs, events or lags
  but no stock;
- *step*, run at every sub-step: whatever reads a stock, one group per computed name, so
  a sub-step evaluates only the names it needs.

Any sub-expression is placed in the lowest tier its inputs allow, so ``price * exp(k * t)``
inside a stock-driven formula is computed once per turn, not once per sub-step. Every
instruction writes into a buffer of its own shape (a value the same in every run keeps a
single row); buffers of intermediates are reused by later formulas of the same tier once
nothing reads them any more. The computed names' values are copied out at the end of each
turn, so the environment a turn returns never changes afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from game.engine import finite
from game.engine.world import Modifier
from game.formula import NotANumber

if TYPE_CHECKING:  # the stepper builds programs
    from game.engine.stepping import Stepper

Array = np.ndarray
Instruction = tuple[Callable[..., Any], tuple[Any, ...]]
Owner = str | Modifier  # whose formula an instruction belongs to, for error messages
Block = tuple[Owner, list[Instruction]]

SETUP, TURN, STEP = 0, 1, 2

_DTYPES: dict[tuple[Any, ...], np.dtype[Any]] = {}


def _result_dtype(ufunc: np.ufunc, args: Sequence[Array | float]) -> np.dtype[Any]:
    """The dtype ``ufunc`` returns for arguments of these types (found once by trying it)."""
    key = (ufunc, *(a.dtype if isinstance(a, np.ndarray) else type(a) for a in args))
    dtype = _DTYPES.get(key)
    if dtype is None:
        probes = [np.zeros(1, dtype=a.dtype) if isinstance(a, np.ndarray) else a for a in args]
        with np.errstate(all="ignore"):
            dtype = _DTYPES[key] = np.asarray(ufunc(*probes)).dtype
    return dtype


def _argmax_into(value: Array, out: Array) -> None:
    np.argmax(value, 1, out, keepdims=True)


def _into(ufunc: np.ufunc, out: Array) -> Callable[..., Any]:
    """``ufunc`` writing into ``out`` (minimum and maximum take ``out`` only by keyword)."""
    if ufunc is np.maximum or ufunc is np.minimum:
        return partial(ufunc, out=out)
    return partial(ufunc, out=out) if ufunc.nin == 1 else ufunc


class _Builder:
    """Lays out buffers and instructions; the formula compiler's ``Emitter``."""

    def __init__(self, rows: int) -> None:
        self.rows = rows
        self.slots: dict[Any, Array] = {}
        self.tiers: dict[int, int] = {}  # id(buffer) -> tier
        self.buffers: list[Array] = []  # every buffer, so the ids above stay valid
        self.pool: dict[tuple[int, tuple[int, ...], np.dtype[Any]], list[Array]] = {}
        self.pinned: set[int] = set()
        self.temps: list[Array] = []
        self.owner: Owner = ""
        self.setup: list[Block] = []
        self.turn: list[Block] = []
        self.step: list[Block] = []
        self.constants: dict[float, Array] = {}

    # ------------------------------------------------------------------ buffers

    def tier(self, value: Array | float) -> int:
        while isinstance(value, np.ndarray):
            found = self.tiers.get(id(value))
            if found is not None:
                return found
            value = value.base  # type: ignore[assignment]
        return SETUP  # a literal or a folded constant

    def register(self, key: Any, value: Array, tier: int) -> None:
        """An input (or an output) the instructions read by name."""
        self.slots[key] = value
        if id(value) not in self.tiers and value.base is None:
            self.tiers[id(value)] = tier
            self.buffers.append(value)

    def input(self, key: Any, shape: tuple[int, ...], tier: int, dtype: Any = np.float64) -> Array:
        buffer = np.zeros(shape, dtype=dtype)
        self.register(key, buffer, tier)
        return buffer

    def alloc(self, tier: int, shape: tuple[int, ...], dtype: np.dtype[Any]) -> Array:
        free = self.pool.get((tier, shape, dtype))
        if free:
            buffer = free.pop()
        else:
            buffer = np.empty(shape, dtype=dtype)
            self.tiers[id(buffer)] = tier
            self.buffers.append(buffer)
        self.temps.append(buffer)
        return buffer

    def release(self, keep: Array | None) -> None:
        """Intermediates of the name just emitted go back to the pool, unless a later tier reads them."""
        for buffer in self.temps:
            if buffer is not keep and id(buffer) not in self.pinned:
                key = (self.tiers[id(buffer)], buffer.shape, buffer.dtype)
                self.pool.setdefault(key, []).append(buffer)
        self.temps = []

    def append(self, tier: int, instruction: Instruction, reads: Iterable[Array | float]) -> None:
        for value in reads:
            if isinstance(value, np.ndarray) and self.tier(value) < tier:
                base = value
                while base.base is not None:
                    base = base.base  # type: ignore[assignment]
                self.pinned.add(id(base))
        blocks = (self.setup, self.turn, self.step)[tier]
        if not blocks or blocks[-1][0] is not self.owner:
            blocks.append((self.owner, []))
        blocks[-1][1].append(instruction)

    def shape_of(self, *args: Array | float) -> tuple[int, ...]:
        return tuple(np.broadcast_shapes(*(np.shape(a) for a in args)))

    # ------------------------------------------------------------------ the Emitter protocol

    def read(self, key: Any) -> Array:
        return self.slots[key]

    def ufunc(self, ufunc: np.ufunc, *args: Array | float) -> Array:
        args = tuple(self.constant(a) if isinstance(a, float) else a for a in args)
        tier = max(self.tier(a) for a in args)
        out = self.alloc(tier, self.shape_of(*args), _result_dtype(ufunc, args))
        self.run_ufunc(tier, ufunc, args, out)
        return out

    def run_ufunc(self, tier: int, ufunc: np.ufunc, args: tuple[Array, ...], out: Array) -> None:
        """Append ``ufunc(*args)`` into ``out``, passing ``out`` the cheapest way numpy allows."""
        function = _into(ufunc, out)
        self.append(tier, (function, args if function is not ufunc else (*args, out)), args)

    def constant(self, value: float) -> Array:
        """A number as a (1, 1) float64 array: numpy computes the same, without converting each call."""
        array = self.constants.get(value)
        if array is None:
            array = self.constants[value] = np.full((1, 1), value)
            array.flags.writeable = False
        return array

    def reduce(self, ufunc: np.ufunc, arg: Array) -> Array:
        tier = self.tier(arg)
        out = self.alloc(tier, (arg.shape[0], 1), arg.dtype)
        self.append(tier, (ufunc.reduce, (arg, 1, None, out, True)), (arg,))
        return out

    def argmax(self, arg: Array) -> Array:
        tier = self.tier(arg)
        out = self.alloc(tier, (arg.shape[0], 1), np.dtype(np.intp))
        self.append(tier, (_argmax_into, (arg, out)), (arg,))
        return out

    def where(self, condition: Array, then: Array, otherwise: Array) -> Array:
        args = (condition, then, otherwise)
        tier = max(self.tier(a) for a in args)
        out = self.alloc(tier, self.shape_of(*args), np.result_type(then, otherwise))
        self.append(tier, (np.copyto, (out, otherwise)), args)
        self.append(tier, (np.copyto, (out, then, "same_kind", condition)), args)
        return out

    def as_float(self, arg: Array) -> Array:
        tier = self.tier(arg)
        out = self.alloc(tier, arg.shape, np.dtype(np.float64))
        self.append(tier, (np.copyto, (out, arg)), (arg,))
        return out

    def check(self, test: Callable[[Array], None], arg: Array) -> None:
        self.append(self.tier(arg), (test, (arg,)), (arg,))

    # ------------------------------------------------------------------ names

    def own(self, value: Array) -> Array:
        """``value`` in a buffer of its own (a name's value must not be another's buffer)."""
        if any(value is temp for temp in self.temps):
            return value
        tier = self.tier(value)
        out = self.alloc(tier, value.shape, value.dtype)
        self.append(tier, (np.copyto, (out, value)), (value,))
        return out


class Program:
    """One stepper's turn as tiers of instructions over fixed buffers, for ``rows`` runs."""

    def __init__(self, stepper: Stepper, rows: int) -> None:
        self.stepper = stepper
        self.rows = rows
        world = stepper.world
        b = self.builder = _Builder(rows)
        self._inputs(stepper)
        self.outputs: dict[str, Array] = {}
        self.tier: dict[str, int] = {}
        groups: dict[str, list[Block]] = {}
        for name in world.order:
            b.owner = name
            start = len(b.step)
            value = self._emit_name(name)
            out = b.own(value)
            b.release(out)
            b.register(name, out, b.tier(out))
            self.outputs[name] = out
            self.tier[name] = b.tier(out)
            groups[name] = b.step[start:]
        self.integrate: list[Block] = []
        for sid, inflows, outflows, low, high in stepper.integration:
            b.owner = sid
            start = len(b.step)
            self._emit_integration(sid, inflows, outflows, low, high)
            b.release(None)
            self.integrate += b.step[start:]
        plans = stepper.plan_names
        self.first = b.turn + [blk for n in plans["first"] for blk in groups[n]] + self.integrate
        self.substep = [blk for n in plans["step"] for blk in groups[n]] + self.integrate
        self.end = [blk for n in plans["end"] for blk in groups[n]]
        self.ran_setup = False

    # ------------------------------------------------------------------ building

    def _inputs(self, stepper: Stepper) -> None:
        b, world, rows = self.builder, stepper.world, self.rows
        for key, value in stepper.const.items():
            if isinstance(value, np.ndarray) and value.ndim == 2 and value.shape[0] == rows and rows > 1:
                bits = value.view(np.uint64) if value.dtype == np.float64 else value
                if (bits == bits[:1]).all():
                    value = value[:1]  # the same in every run: one row serves them all
            b.register(key, value, SETUP)
        for key in ("turn", "year"):
            b.input(key, (1, 1), TURN)
        for sid in world.stocks:
            axis = world.stocks[sid].over
            b.input(sid, (rows, 1 if axis is None else len(world.tables[axis].rows)), STEP)
        for name, k in world.lagged:
            axis = world.symbols[name].axis if name in world.symbols else None
            b.input((name, k), (rows, 1 if axis is None else len(world.tables[axis].rows)), TURN)
        for sid in world.sides:
            b.input(f"{sid}_action_cost", (rows, 1), TURN)
        for aid, info in world.actions.items():
            channels = b.input(("channels", aid), (rows, info.channels.shape[1]), TURN)
            b.slots[aid] = channels[:, 0:1]
        for mods in world.modifiers.values():
            for mod in mods:
                if mod.effect_key is not None and ("active", mod.effect_key) not in b.slots:
                    b.input(("active", mod.effect_key), (rows, 1), TURN)

    def _emit_name(self, name: str) -> Array:
        """The instructions of one computed name: its formula, then the effects on it."""
        b, stepper, world = self.builder, self.stepper, self.stepper.world
        own = world.variables.get(name) or world.flows.get(name)
        if own is not None:
            value = own.emit(b)
        else:  # a parameter or a field that actions or events change
            value = stepper.params[name] if name in stepper.params else world.fields[name]
        if name not in world.modifiers:
            return value
        mult: Array | float = 1.0
        add: Array | float = 0.0
        for mod in world.modifiers[name]:
            b.owner = mod
            if mod.source_kind == "action":
                if mod.channel >= 0:
                    strength = b.read(("channels", mod.source))[:, mod.channel : mod.channel + 1]
                else:
                    strength = mod.formula.emit(b)  # type: ignore[union-attr]
            else:
                act = b.read(("active", mod.effect_key))
                v: Array | float = mod.constant if mod.formula is None else mod.formula.emit(b)
                if mod.op == "multiply":
                    less = v - 1.0 if isinstance(v, float) else b.ufunc(np.subtract, v, 1.0)
                    strength = b.ufunc(np.add, 1.0, b.ufunc(np.multiply, act, less))
                else:
                    strength = b.ufunc(np.multiply, act, v)
            if mod.row is not None:
                onehot = stepper.onehot(name, mod.row)
                if mod.op == "multiply":
                    strength = b.ufunc(
                        np.add, 1.0, b.ufunc(np.multiply, onehot, b.ufunc(np.subtract, strength, 1.0))
                    )
                else:
                    strength = b.ufunc(np.multiply, onehot, strength)
            if mod.op == "multiply":
                mult = b.ufunc(np.multiply, mult, strength)
            else:
                add = b.ufunc(np.add, add, strength)
        b.owner = name
        return b.ufunc(np.add, b.ufunc(np.multiply, value, mult), add)

    def _emit_integration(
        self, sid: str, inflows: list[str], outflows: list[str], low: float | None, high: float | None
    ) -> None:
        """One sub-step of Euler integration of a stock, in place in its buffer."""
        b = self.builder
        rate = b.read(inflows[0]) if inflows else b.ufunc(np.negative, b.read(outflows[0]))
        for fid in inflows[1:]:
            rate = b.ufunc(np.add, rate, b.read(fid))
        for fid in outflows[1 if not inflows else 0 :]:
            rate = b.ufunc(np.subtract, rate, b.read(fid))
        delta = b.ufunc(np.multiply, rate, self.stepper.dt)
        stock = b.read(sid)
        b.run_ufunc(STEP, np.add, (stock, delta), stock)
        if low is not None:
            b.run_ufunc(STEP, np.maximum, (stock, b.constant(low)), stock)
        if high is not None:
            b.run_ufunc(STEP, np.minimum, (stock, b.constant(high)), stock)

    # ------------------------------------------------------------------ running

    def _run(self, blocks: list[Block], turn: int) -> None:
        owner: Owner = ""
        try:
            for owner, instructions in blocks:  # noqa: B007 (read when a formula meets nan)
                for function, args in instructions:
                    function(*args)
        except NotANumber as exc:
            stepper = self.stepper
            origin = (
                stepper.modifier_origin(owner) if isinstance(owner, Modifier) else stepper.origin_of(owner)
            )
            raise finite.not_a_number(stepper, origin, exc, turn) from None

    def advance(
        self,
        stocks: dict[str, Array],
        turn: int,
        lags: Mapping[Any, Array],
        channels: Mapping[str, Array],
        active: Mapping[tuple[str, int], Array],
        side_costs: Mapping[str, Array],
    ) -> dict[Any, Array]:
        """Integrate one turn: ``stocks`` are replaced by their new values; returns the end values."""
        stepper, slots = self.stepper, self.builder.slots
        if not self.ran_setup:
            self._run(self.builder.setup, turn)
            for name, out in self.outputs.items():
                if self.tier[name] == SETUP:
                    out.flags.writeable = False
            self.ran_setup = True
        time = stepper.time(turn)
        copyto = np.copyto
        for key, value in time.items():
            copyto(slots[key], value)
        for key, value in lags.items():
            copyto(slots[key], value)
        for key, value in side_costs.items():
            copyto(slots[key], value)
        for aid, value in channels.items():
            copyto(slots[("channels", aid)], value)
        for key, value in active.items():
            slot = slots.get(("active", key))
            if slot is not None:  # an effect on a stock is a jump, applied outside the tape
                copyto(slot, value)
        for sid, value in stocks.items():
            copyto(slots[sid], value)
        self._run(self.first, turn)
        for _ in range(stepper.scenario.substeps - 1):
            self._run(self.substep, turn)
        self._run(self.end, turn)
        for sid in stocks:
            stocks[sid] = slots[sid].copy()
        env: dict[Any, Array] = dict(stepper.const)
        env.update(time)
        env.update(lags)
        env.update(side_costs)
        for aid, value in channels.items():
            env[aid] = value[:, 0:1]
        env.update(stocks)
        for name, out in self.outputs.items():
            env[name] = out if self.tier[name] == SETUP else out.copy()
        return env
