"""A lone game's turn on plain Python numbers: the same program, without numpy's call overhead.

A game of one run computes (1, 1) arrays and (rows, 1) tables, and a numpy call costs about
a microsecond whatever the size, far more than the arithmetic. This runner holds every such
buffer as Python numbers (a table's as one per row) and turns each instruction whose operands
are all numbers or constants and whose operation is exact in IEEE 754 (``+ - * /``,
comparisons, ``and``/``or``/``not``, ``abs``, ``min``/``max``, ``where``, copies) into Python
operations on floats, one per row: Python's floats are the same doubles and these operations
round the same way, so every result is identical to the bit. A phase becomes one generated
Python function, a line per operation in the program's order (no call per operation).
Everything else (``exp``, ``log``, powers, nan checks, settling a stock at its bounds) still
calls numpy on the program's own buffers, which are brought up to date from the numbers
before the call and read back after it.
"""

from __future__ import annotations

import functools
import math
import operator
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from types import CodeType
from typing import TYPE_CHECKING, Any

import numpy as np

from game.engine import scalar_locals
from game.engine.exact import EXACT, _argmax, operation_line
from game.formula.compiler import NanCheck

if TYPE_CHECKING:  # the program builds its runner
    from game.engine.program import Block, Program

Array = np.ndarray


class _Code:
    """The lines of one generated function and the objects its names stand for."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.blocks: list[int] = []  # the block each line is of (whose formula: named if a nan is met)
        self.names: dict[str, Any] = {}
        self._by_id: dict[int, str] = {}

    def bind(self, value: Any) -> str:
        """A name for ``value`` in the generated code (one per object; numbers are never
        written as literals, so every bit of a constant is the one the program holds)."""
        name = self._by_id.get(id(value))
        if name is None:
            name = self._by_id[id(value)] = f"k{len(self.names)}"
            self.names[name] = value
        return name

    def compile(self, needed: frozenset[int]) -> Callable[[list[Any], list[int]], None]:
        """The phase as one function with its numbers in local variables (``scalar_locals``),
        writing back to ``V`` the places in ``needed`` (read anywhere else) that it writes."""
        code, first_line, written = _phase_code("\n".join(self.lines), needed)
        escape = scalar_locals.escape(self.blocks, first_line, written)
        namespace: dict[str, Any] = {}
        exec(code, {**self.names, "_escape": escape}, namespace)
        return namespace["phase"]  # type: ignore[no-any-return]


def _getter(positions: list[int]) -> Callable[[Any], tuple[Any, ...]]:
    """``operator.itemgetter(*positions)``, a tuple whatever their number (itemgetter of one
    place gives the item itself)."""
    if len(positions) > 1:
        return operator.itemgetter(*positions)
    if positions:
        (only,) = positions
        return lambda values: (values[only],)
    return lambda values: ()


@functools.lru_cache(maxsize=64)
def _lines(text: str) -> scalar_locals.PhaseLines:
    """A phase's lines read once per distinct text: every lone game of a world and scenario
    generates the same text (positions and bound names, never values)."""
    return scalar_locals.PhaseLines(text)


@functools.lru_cache(maxsize=64)
def _phase_code(text: str, needed: frozenset[int]) -> tuple[CodeType, int, list[tuple[str, int]]]:
    """Python's compiling of a phase on locals, once per distinct text and places needed:
    compiling it costs a tenth of a second, more than the rest of a first turn."""
    source, first_line, written = scalar_locals.source(_lines(text), set(needed))
    # the source is made here from numbers' places and bound names only, never from content text
    return compile(source, "<borderline scalar phase>", "exec"), first_line, written


class Phase:
    """A phase of the program as one generated function, and whose formula each block is."""

    def __init__(self, owners: list[Any], function: Callable[[list[Any], list[int]], None]) -> None:
        self.owners = owners
        self.function = function


def _cast(dtype: np.dtype[Any]) -> Callable[[Any], Any]:
    """The Python type a buffer's single number is held as."""
    return bool if dtype == np.bool_ else int if dtype.kind in "iu" else float


class ScalarRunner:
    """Runs a one-run program's phases with its numbers held as Python floats: a single
    number's buffer is one of them, a table's (rows, 1) buffer one per row."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.values: list[Any] = []
        self.index: dict[int, int] = {}  # id(buffer) -> position of its first row in values
        self.held: list[Array] = []  # the buffers whose rows are held as numbers
        self.casts: list[Callable[[Any], Any]] = []
        self._found: dict[int, list[int] | None] = {}
        for buffer in program.builder.buffers:
            if buffer.ndim == 2 and buffer.shape[1] == 1 and buffer.shape[0] >= 1:
                self.index[id(buffer)] = len(self.values)
                self.held.append(buffer)
                self.values.extend(buffer[:, 0].tolist())
                self.casts.extend([_cast(buffer.dtype)] * buffer.shape[0])
        builder = program.builder
        self.places: dict[Any, tuple[int, int, Callable[[Any], Any] | None]] = {}  # input slots (load)
        self.loaded: dict[Any, Array] = {}  # the array each input's numbers were last loaded from
        # inputs the turn itself changes: good again only once the turn has handed them out (kept)
        self.rewritten = set(program.stepper.world.stocks)
        outputs = [*program.outputs.values(), *(builder.slots[sid] for sid in program.stepper.world.stocks)]
        # a value fixed for the game (read-only once computed) never needs writing back
        written = {id(b) for b in outputs}
        self.outputs = [b for b in self.held if b.flags.writeable and id(b) in written]
        self.spans_out = [self._span(b) for b in self.outputs]
        from game.engine import program as compiled  # the program imports this module first

        # the numbers of the once-a-game tier (parameters among them): read again from their
        # buffers when another game takes the program and its setup has run (``refresh``)
        self.spans_fixed = [self._span(b) for b in self.held if builder.tiers[id(b)] == compiled.SETUP]
        self.settle = compiled._settle_in_place
        self.argmax = compiled._argmax_into
        self.writes_last = (compiled._power_by_rows, compiled._argmax_into)  # their result: the last argument
        self.phases = self._phases(program, outputs)

    # ------------------------------------------------------------------ translating

    def _root(self, value: Array) -> Array | None:
        """The held buffer ``value`` is (or views), if any."""
        probe: Any = value
        while isinstance(probe, np.ndarray):
            if id(probe) in self.index:
                return probe  # type: ignore[no-any-return]
            probe = probe.base
        return None

    def _reader(self, value: Any) -> tuple[str, Any]:
        """How an instruction's operand is read: its numbers' positions (one per row), a
        constant's numbers (one per row), or an array that only numpy reads."""
        if not isinstance(value, np.ndarray):
            return ("constant", [value])
        positions = self._positions(value)
        if positions is not None:
            return ("number", positions)
        root = self._root(value)
        if root is None and value.ndim == 2 and value.shape[1] == 1 and value.dtype.kind in "biuf":
            return ("constant", value[:, 0].tolist())  # a literal, a parameter, a table's field
        return ("array", value)

    def _positions(self, value: Array) -> list[int] | None:
        """The positions of a held buffer's rows that ``value`` views, in its order."""
        key = id(value)  # the program keeps every operand alive, so an id stays its own
        if key not in self._found:
            self._found[key] = self._locate(value)
        return self._found[key]

    def _locate(self, value: Array) -> list[int] | None:
        root = self._root(value)
        if root is None or value.ndim != 2 or value.shape[1] != 1 or value.dtype != root.dtype:
            return None
        offset = value.__array_interface__["data"][0] - root.__array_interface__["data"][0]
        size = root.strides[0]
        if offset % size or (value.shape[0] > 1 and value.strides[0] % size):
            return None
        first, step = offset // size, value.strides[0] // size
        start = self.index[id(root)]
        return [start + first + row * step for row in range(value.shape[0])]

    def translate(self, blocks: list[Block]) -> _Code:
        """A phase as the lines of one generated Python function: a line per instruction (a
        table's, a line per row), in order, each noted with its block."""
        code = _Code()
        for position, (_, instructions) in enumerate(blocks):
            for function, args in instructions:
                line = self._step(code, function, args)
                if line:
                    rows = line.split("\n    ")
                    code.lines += rows
                    code.blocks += [position] * len(rows)
        return code

    def _phases(self, program: Program, leaving: list[Array]) -> tuple[Phase, ...]:
        """The program's three phases as functions on locals: a place one of them writes goes
        back to the list if another phase (or itself, a sub-step later) may read it first, or
        if it leaves the program (``store``, the names and stocks copied out)."""
        parts = [program.first, program.substep, program.end]
        codes = [self.translate(blocks) for blocks in parts]
        needed = {p for b in leaving if id(b) in self.index for p in range(*self._span(b)[1:3])}
        for code in codes:
            needed |= _lines("\n".join(code.lines)).reads_in
        frozen = frozenset(needed)
        return tuple(
            Phase([owner for owner, _ in blocks], code.compile(frozen))
            for blocks, code in zip(parts, codes, strict=True)
        )

    def _step(self, code: _Code, function: Any, args: tuple[Any, ...]) -> str:
        out: Any = None
        operation, operands = function, list(args)
        if isinstance(function, partial) and "out" in function.keywords:
            operation, out = function.func, function.keywords["out"]
        elif isinstance(function, np.ufunc):
            operands, out = list(args[: function.nin]), args[function.nin]
        elif operation is np.copyto:
            out, operands = args[0], [args[1], *args[3:4]]  # (out, value[, casting, where])
        targets = self._positions(out) if isinstance(out, np.ndarray) else None
        readers = [self._reader(a) for a in operands]
        if targets is not None and self._row_by_row(targets, readers):
            rows = [
                [(kind, cells[row if len(cells) > 1 else 0]) for kind, cells in readers]
                for row in range(len(targets))
            ]
            pairs = zip(targets, rows, strict=True)
            exact = EXACT.get(operation)
            if exact is not None:
                lines = [self._exact(code, operation, exact, row, target) for target, row in pairs]
                return "\n    ".join(lines)
            if operation is np.copyto and len(args) in (2, 4):
                return "\n    ".join(self._copy(code, row, target) for target, row in pairs)
        if function is self.argmax and targets is None:
            line = self._argmax(code, args)
            if line is not None:
                return line
        call = self._through_numpy(code, function, args)
        if function is self.settle:
            return self._settle(code, args, call)
        if isinstance(function, NanCheck):
            return self._nan_check(args[0], call)
        return call

    def _argmax(self, code: _Code, args: tuple[Any, ...]) -> str | None:
        """The row of a table's largest number, on numbers: one call of ``_argmax``, the rows'
        numbers as its arguments (None when the table is not numbers, or not one result)."""
        value, out = args
        kind, cells = self._reader(value)
        targets = self._positions(out)
        if kind != "number" or targets is None or len(targets) != 1:
            return None
        operands = ", ".join(f"V[{p}]" for p in cells)
        return f"V[{targets[0]}] = {code.bind(_argmax)}({operands})"

    def _nan_check(self, value: Any, call: str) -> str:
        """A formula's nan check on numbers: numpy's check (which raises) runs only when one of
        them is a nan, the one number not equal to itself."""
        kind, cells = self._reader(value)
        if kind != "number":
            return call
        return f"if {' or '.join(f'V[{p}] != V[{p}]' for p in cells)}: {call}"

    def _settle(self, code: _Code, args: tuple[Any, ...], call: str) -> str:
        """A stock held at its bounds: numpy's settling runs only when a row is not plainly
        inside them (its own first test; a nan fails it as it fails there)."""
        stock, low, high = args[:3]
        positions = self._positions(stock)
        if positions is None:
            return call
        tests = [f"V[{p}] >= {code.bind(low)}" for p in positions if low is not None]
        tests += [f"V[{p}] <= {code.bind(high)}" for p in positions if high is not None]
        return f"if not ({' and '.join(tests)}): {call}" if tests else ""

    @staticmethod
    def _row_by_row(targets: list[int], readers: list[tuple[str, Any]]) -> bool:
        """Whether an instruction can run a row at a time: numbers or constants only, each
        one row or as many as the result, and no operand overlapping the result in another
        order (numpy would read it before writing; rows in turn would read what they wrote)."""
        written = set(targets)
        for kind, cells in readers:
            if kind == "array" or len(cells) not in (1, len(targets)):
                return False
            if kind == "number" and written.intersection(cells) and cells != targets:
                return False
        return True

    def _copy(self, code: _Code, readers: list[tuple[str, Any]], target: int) -> str:
        """``np.copyto``, with or without a condition: the value cast to the buffer's type (a
        constant's cast once, here; a number already of that type as it is)."""
        cast = self.casts[target]
        kind, source = readers[0]
        if kind == "constant":
            value = code.bind(cast(source))
        elif self.casts[source] is cast:
            value = f"V[{source}]"
        else:
            value = f"{code.bind(cast)}(V[{source}])"
        if len(readers) == 1:
            return f"V[{target}] = {value}"
        return f"if {self._read(code, *readers[1])}: V[{target}] = {value}"

    def _exact(
        self,
        code: _Code,
        ufunc: Any,
        operation: Callable[..., Any],
        readers: list[tuple[str, Any]],
        target: int,
    ) -> str:
        """A Python operation on numbers; its result already has the type numpy's would (floats
        give floats, comparisons and logic give booleans), so it is stored as it is."""
        if all(kind == "constant" for kind, _ in readers) and len(readers) == 2:
            return f"V[{target}] = {code.bind(operation(*(a for _, a in readers)))}"
        operands = [self._read(code, kind, a) for kind, a in readers]
        return f"V[{target}] = {operation_line(ufunc, operands, code.bind(operation))}"

    def _read(self, code: _Code, kind: str, a: Any) -> str:
        """An operand as the generated code reads it: a number's place, or a constant."""
        return f"V[{a}]" if kind == "number" else code.bind(a)

    def _through_numpy(self, code: _Code, function: Any, args: tuple[Any, ...]) -> str:
        """numpy on the program's buffers, as generated statements: the numbers it reads written
        into their buffers first, the numbers it writes read back after (``tolist`` gives each
        buffer's Python type: float, bool or int)."""
        operands = list(args)
        out: Any = None
        if isinstance(function, partial) and "out" in function.keywords:
            out = function.keywords["out"]
        elif isinstance(function, np.ufunc):
            operands, out = operands[: function.nin], operands[function.nin]
        elif function in self.writes_last:
            operands, out = operands[:-1], operands[-1]
        # a value fixed for the game (read-only once computed) is in its buffer already
        reads = self._held_roots(operands)
        writes = self._held_roots([out]) if out is not None else reads
        if any(root is not out for root in writes):  # a result into part of a buffer: keep the rest
            reads = self._held_roots([*operands, out])
        lines = [self._sync(code, root, into_buffer=True) for root in reads]
        lines.append(f"{code.bind(function)}(*{code.bind(args)})")
        lines += [self._sync(code, root, into_buffer=False) for root in writes]
        return "; ".join(lines)

    def _held_roots(self, values: list[Any]) -> list[Array]:
        found = (self._root(a) for a in values if isinstance(a, np.ndarray))
        roots = {id(root): root for root in found if root is not None and root.flags.writeable}
        return list(roots.values())

    def _sync(self, code: _Code, root: Array, into_buffer: bool) -> str:
        column, lo, hi, _ = self._span(root)
        name = code.bind(column)
        if hi - lo == 1:
            return f"{name}[0] = V[{lo}]" if into_buffer else f"V[{lo}] = {name}.item(0)"
        return f"{name}[:] = V[{lo}:{hi}]" if into_buffer else f"V[{lo}:{hi}] = {name}.tolist()"

    def _span(self, buffer: Array) -> tuple[Array, int, int, Callable[[Any], Any]]:
        """A held buffer's column, where its numbers are, and their Python type."""
        lo = self.index[id(buffer)]
        return buffer[:, 0], lo, lo + buffer.shape[0], self.casts[lo]

    # ------------------------------------------------------------------ running

    def load(self, inputs: Iterable[tuple[Any, Array]]) -> None:
        """A turn's inputs, (key of the slot, value as the game holds it: one row per run, here
        one), as numbers, as copying each value into its slot and reading the slot would give."""
        values, slots, places, loaded = self.values, self.program.builder.slots, self.places, self.loaded
        rewritten = self.rewritten
        for key, value in inputs:
            if loaded.get(key) is value:
                if key in rewritten:  # the turn writes its slot: good for this turn only
                    del loaded[key]
                continue  # its numbers are in place: the engine replaces its arrays, never writes into one
            if key not in rewritten:
                loaded[key] = value
            else:
                loaded.pop(key, None)
            place = places.get(key)
            if place is None:
                place = places[key] = self._place(slots[key])
            lo, hi, cast = place
            if value.size == hi - lo and cast is None and value.dtype == np.float64:
                values[lo:hi] = value.ravel().tolist()
            else:  # a narrower value spread over the slot, or another type: numpy's copy decides
                column = np.empty((hi - lo, 1), dtype=slots[key].dtype)
                np.copyto(column, value.T)
                values[lo:hi] = [(cast or float)(x) for x in column[:, 0].tolist()]

    def kept(self, stocks: Iterable[tuple[Any, Array]]) -> None:
        """The stocks a turn just handed out (arrays made of their slots' numbers, which stay in
        place until the next turn loads): each is not loaded again if it comes back unchanged."""
        self.loaded.update(stocks)

    def _place(self, slot: Array) -> tuple[int, int, Callable[[Any], Any] | None]:
        """Where an input slot's numbers are, and their Python type unless float."""
        column, lo, hi, cast = self._span(slot)
        return lo, hi, None if cast is float else cast

    def leaver(
        self, *groups: Mapping[Any, Array]
    ) -> Callable[[], tuple[list[list[tuple[Any, Array]]], bool]]:
        """A function giving, for each group of named buffers, each name's numbers as the
        (1, rows) array ``buffer.T.copy()`` would be once they were stored, and whether every
        float among them is finite. Made once; each call lays the float64 buffers' numbers end
        to end in one new array (only these: the runner holds many more, scratch among them)
        and hands out views of it, a single number's in one ``itemgetter`` call; the other
        types' buffers get arrays of their own. The finiteness test is one sum of that array (an
        inf or a nan makes it inf or nan; a sum that overflows from finite numbers only answers
        no, and the caller's detailed test then finds nothing): a buffer no turn writes may
        hold anything, a nan among them, and is not looked at."""
        float64 = np.dtype(np.float64)
        positions: list[int] = []  # of the numbers laid end to end, in this order
        layout: list[tuple[list[Any], list[int], list[tuple[Any, int, int]], list[tuple[Any, Array]]]] = []
        for named in groups:
            singles: list[Any] = []
            at: list[int] = []  # each single's place in the array laid out
            tables: list[tuple[Any, int, int]] = []
            others: list[tuple[Any, Array]] = []
            for name, buffer in named.items():
                lo = self.index[id(buffer)]
                if buffer.dtype != float64:
                    others.append((name, buffer))
                    continue
                if buffer.shape[0] == 1:
                    singles.append(name)
                    at.append(len(positions))
                else:
                    tables.append((name, len(positions), len(positions) + buffer.shape[0]))
                positions.extend(range(lo, lo + buffer.shape[0]))
            layout.append((singles, at, tables, others))
        getters = [_getter(at) for _, at, _, _ in layout]
        gather = _getter(positions)
        values, take = self.values, self.take
        total, isfinite, array = np.add.reduce, math.isfinite, np.array

        def leave() -> tuple[list[list[tuple[Any, Array]]], bool]:
            laid = array(gather(values), dtype=float64)  # what flat[positions] would be
            cells, row = laid.reshape(-1, 1, 1), laid[None]  # cells[i]: number i as a (1, 1) view
            out = []
            for (singles, _, tables, others), getter in zip(layout, getters, strict=True):
                pairs = list(zip(singles, getter(cells), strict=True))
                pairs += [(name, row[:, lo:hi]) for name, lo, hi in tables]
                pairs += [(name, take(buffer)) for name, buffer in others]
                out.append(pairs)
            return out, isfinite(total(laid))

        return leave

    def take(self, buffer: Array) -> Array:
        """A held buffer's numbers as a new (1, rows) array, as ``buffer.T.copy()`` would give
        once they were stored (one numpy call instead of two)."""
        lo = self.index[id(buffer)]
        return np.array([self.values[lo : lo + buffer.shape[0]]], dtype=buffer.dtype)

    def refresh(self) -> None:
        """The once-a-game numbers read again from their buffers (another game's, just set up)."""
        values = self.values
        for column, lo, hi, _ in self.spans_fixed:
            values[lo:hi] = column.tolist()

    def store(self) -> None:
        """The names' values and the stocks back into the program's buffers, for copying out."""
        values = self.values
        for column, lo, hi, _ in self.spans_out:
            column[:] = values[lo:hi]
