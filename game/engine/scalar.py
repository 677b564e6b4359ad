"""A lone game's turn on plain Python numbers: the same program, without numpy's call overhead.

A game of one run computes (1, 1) arrays, and a numpy call costs about a microsecond
whatever the size, far more than the arithmetic. This runner takes a one-run ``Program``'s
instructions and turns each one whose operands are all single numbers and whose operation
is exact in IEEE 754 (``+ - * /``, comparisons, ``and``/``or``/``not``, ``abs``, ``min``/
``max``, ``where``, copies) into a Python operation on floats: Python's floats are the same
doubles and these operations round the same way, so every result is identical to the bit.
Everything else (``exp``, ``log``, powers, sums over a table's rows, nan checks, anything
over a table) still calls numpy on the program's own buffers, which are brought up to date
from the numbers before the call and read back after it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # the program builds its runner
    from game.engine.program import Block, Program

Array = np.ndarray
Step = Callable[[], None]


def _divide(a: float, b: float) -> float:
    if b:
        return a / b
    return float(np.true_divide(a, b))  # 1/0, 0/0: numpy's inf and nan, not Python's error


def _maximum(a: float, b: float) -> float:
    """numpy's maximum: nan wins, and of two equal numbers (0.0 and -0.0) the second."""
    if a != a:
        return a
    if b != b:
        return b
    return a if a > b else b


def _minimum(a: float, b: float) -> float:
    if a != a:
        return a
    if b != b:
        return b
    return a if a < b else b


EXACT: dict[Any, Callable[..., Any]] = {
    np.add: operator.add,
    np.subtract: operator.sub,
    np.multiply: operator.mul,
    np.true_divide: _divide,
    np.negative: operator.neg,
    np.absolute: abs,
    np.maximum: _maximum,
    np.minimum: _minimum,
    np.less: operator.lt,
    np.less_equal: operator.le,
    np.greater: operator.gt,
    np.greater_equal: operator.ge,
    np.equal: operator.eq,
    np.not_equal: operator.ne,
    np.logical_and: lambda a, b: bool(a) and bool(b),
    np.logical_or: lambda a, b: bool(a) or bool(b),
    np.logical_not: operator.not_,
}
"""numpy's element-wise operations that Python computes identically on single numbers."""


def _cast(dtype: np.dtype[Any]) -> Callable[[Any], Any]:
    """The Python type a buffer's single number is held as."""
    return bool if dtype == np.bool_ else int if dtype.kind in "iu" else float


class ScalarRunner:
    """Runs a one-run program's phases with its single numbers held as Python floats."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.values: list[Any] = []
        self.index: dict[int, int] = {}  # id(buffer) -> position in values, for (1, 1) buffers
        self.buffers: list[Array] = []
        for buffer in program.builder.buffers:
            if buffer.shape == (1, 1):
                self.index[id(buffer)] = len(self.buffers)
                self.buffers.append(buffer)
                self.values.append(buffer[0, 0].item())
        self.casts = [_cast(buffer.dtype) for buffer in self.buffers]
        builder = program.builder
        self.inputs = [self.index[id(s)] for s in builder.slots.values() if id(s) in self.index]
        outputs = [*program.outputs.values(), *(builder.slots[sid] for sid in program.stepper.world.stocks)]
        # a value fixed for the game (read-only once computed) never needs writing back
        self.outputs = [self.index[id(b)] for b in outputs if id(b) in self.index and b.flags.writeable]
        self.phases = tuple(self.translate(phase) for phase in (program.first, program.substep, program.end))

    # ------------------------------------------------------------------ translating

    def _reader(self, value: Any) -> tuple[str, Any]:
        """How an instruction's operand is read: a number's position, a constant, or an array."""
        if not isinstance(value, np.ndarray):
            return ("constant", value)
        position = self._number(value)
        if position is not None:
            return ("number", position)
        if value.shape == (1, 1):
            # a row of a table held in a buffer is read when the step runs; anything else is fixed
            return ("cell", value) if self._is_buffer_view(value) else ("constant", value[0, 0].item())
        return ("array", value)

    def _number(self, value: Array) -> int | None:
        """The position of a single number held in ``values`` (a (1, 1) buffer, or a view of one)."""
        probe: Any = value
        while isinstance(probe, np.ndarray):
            position = self.index.get(id(probe))
            if position is not None:
                return position
            probe = probe.base
        return None

    def _is_buffer_view(self, value: Array) -> bool:
        base = value.base
        while isinstance(base, np.ndarray):
            if id(base) in self.program.builder.tiers:
                return True
            base = base.base
        return False

    def translate(self, blocks: list[Block]) -> list[tuple[Any, list[Step]]]:
        return [(owner, [self._step(function, args) for function, args in instructions])
                for owner, instructions in blocks]

    def _step(self, function: Any, args: tuple[Any, ...]) -> Step:
        out: Any = None
        operation, operands = function, list(args)
        if isinstance(function, partial) and "out" in function.keywords:
            operation, out = function.func, function.keywords["out"]
        elif isinstance(function, np.ufunc):
            operands, out = list(args[: function.nin]), args[function.nin]
        exact = EXACT.get(operation)
        readers = [self._reader(a) for a in operands]
        target = self.index.get(id(out)) if isinstance(out, np.ndarray) else None
        if exact is not None and target is not None and all(kind != "array" for kind, _ in readers):
            return self._exact(exact, readers, target)
        if operation is np.copyto and len(args) == 2 and id(args[0]) in self.index:
            source = self._reader(args[1])
            if source[0] != "array":
                return self._copy(source, self.index[id(args[0])])
        return self._through_numpy(function, args)

    def _exact(self, operation: Callable[..., Any], readers: list[tuple[str, Any]], target: int) -> Step:
        """A Python operation on numbers; its result already has the type numpy's would (floats
        give floats, comparisons and logic give booleans), so it is stored as it is."""
        values = self.values
        if any(kind == "cell" for kind, _ in readers):
            getters = [self._getter(kind, a) for kind, a in readers]
            if len(getters) == 2:
                get_a, get_b = getters

                def cells() -> None:
                    values[target] = operation(get_a(), get_b())

                return cells
            (get,) = getters

            def cell() -> None:
                values[target] = operation(get())

            return cell
        if len(readers) == 2:
            (ka, a), (kb, b) = readers
            if ka == "number" and kb == "number":
                def both() -> None:
                    values[target] = operation(values[a], values[b])

                return both
            if ka == "number":
                def left() -> None:
                    values[target] = operation(values[a], b)

                return left
            if kb == "number":
                def right() -> None:
                    values[target] = operation(a, values[b])

                return right
            constant = operation(a, b)

            def fixed() -> None:
                values[target] = constant

            return fixed
        ((kind, a),) = readers

        def one() -> None:
            values[target] = operation(values[a] if kind == "number" else a)

        return one

    def _getter(self, kind: str, a: Any) -> Callable[[], Any]:
        values = self.values
        if kind == "number":
            return lambda: values[a]
        if kind == "cell":
            return a.item  # type: ignore[no-any-return]
        return lambda: a

    def _copy(self, source: tuple[str, Any], target: int) -> Step:
        values, cast = self.values, self.casts[target]
        get = self._getter(*source)

        def copy() -> None:
            values[target] = cast(get())

        return copy

    def _through_numpy(self, function: Any, args: tuple[Any, ...]) -> Step:
        """numpy on the program's buffers: the numbers written into them first, read back after."""
        operands = list(args)
        if isinstance(function, partial) and "out" in function.keywords:
            operands.append(function.keywords["out"])
        found = (self._number(a) for a in operands if isinstance(a, np.ndarray))
        numbers = sorted({i for i in found if i is not None})
        values, buffers, casts = self.values, self.buffers, self.casts
        # a value fixed for the game (read-only once computed) is in its buffer already
        pairs = [(buffers[i], i, casts[i]) for i in numbers if buffers[i].flags.writeable]

        def step() -> None:
            for buffer, i, _ in pairs:
                buffer[0, 0] = values[i]
            function(*args)
            for buffer, i, cast in pairs:
                values[i] = cast(buffer[0, 0])

        return step

    # ------------------------------------------------------------------ running

    def load(self) -> None:
        """The inputs just copied into the program's buffers, as numbers."""
        values, buffers, casts = self.values, self.buffers, self.casts
        for i in self.inputs:
            values[i] = casts[i](buffers[i][0, 0])

    def store(self) -> None:
        """The names' values and the stocks back into the program's buffers, for copying out."""
        values, buffers = self.values, self.buffers
        for i in self.outputs:
            buffers[i][0, 0] = values[i]
