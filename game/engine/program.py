"""A turn compiled once into flat lists of numpy calls over buffers allocated in advance.

The reference way to compute a turn (``Stepper.evaluate``) walks every formula's closures
and allocates a new array for every intermediate value. This module emits the very same
numpy calls, with the same operands in the same order (so every number is identical to the
bit), onto three tiers of instructions:

- *setup*, run once per game: whatever reads only constants, table fields and parameters
  (a parameter drawn per run is still fixed for the whole game). The parameters are the
  program's inputs, not numbers compiled into it: games of other seeds or pins share one
  program, and setup runs again for whichever game takes it (``Program._bind``);
- *turn*, run once per turn: whatever reads the date, action levels, costs, events or lags
  but no stock;
- *step*, run at every sub-step: whatever reads a stock, one group per computed name, so
  a sub-step evaluates only the names it needs.

Any sub-expression is placed in the lowest tier its inputs allow, so ``price * exp(k * t)``
inside a stock-driven formula is computed once per turn, not once per sub-step. Every
instruction writes into a buffer of its own shape (a value the same in every run keeps a
single column); buffers of intermediates are reused by later formulas of the same tier
once nothing reads them any more.

Inside a program the runs are the *last* axis: a quantity over a table of n rows is an
(n, runs) buffer, so every numpy loop runs along the runs (long and contiguous) instead of
along a table's handful of rows. Element-wise results do not depend on the layout. A sum
over a table's rows is emitted as additions of whole rows in exactly the order numpy's
pairwise summation adds a row's elements (``_pairwise``), so it too is identical to the
bit. Values leave the program as (runs, n) arrays once a turn: copies in a small batch; in a
big one each name and stock as a read-only view (the buffer's transpose) of one of two sets of
buffers that turns take in turn once nobody holds them (``_Generation``), so nothing is copied
but what the game keeps (its recorded history, copied by the threads that computed it).

Why one long module: the builder that places each numpy call in a tier, the buffer bookkeeping
(allocation, reuse, release) and the runner that executes the tiers must agree on every buffer's
life; they share private state that a split would have to make public, and the bit-for-bit
promise is easier to review with the emitter and its runner side by side.
"""

from __future__ import annotations

import hashlib
import math
import mmap
import os
import sys
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from game.engine import finite, span_worker
from game.engine.bounds import Breach, describe_flows, settle
from game.engine.scalar import Phase, ScalarRunner
from game.engine.world import Modifier
from game.formula import NotANumber
from game.formula.compiler import NanCheck

if TYPE_CHECKING:  # the stepper builds programs
    from game.engine.stepping import Stepper

Array = np.ndarray
Instruction = tuple[Callable[..., Any], tuple[Any, ...]]
Owner = str | Modifier  # whose formula an instruction belongs to, for error messages
Block = tuple[Owner, list[Instruction]]
Failure = tuple[tuple[int, int], Exception]  # an error a span met, and where in the turn (phase, block)
Copies = tuple[Sequence[tuple[Array, Array]], tuple[int, int]]  # (buffer, array) pairs and a span of runs

SETUP, TURN, STEP = 0, 1, 2
THREADS = 2
"""Threads a big batch's turn is split over (numpy lets go of the interpreter inside each call).
Each span of runs has its own buffers of the values the same in every run that the turn writes
(``Program._shared_per_run_invariants``): shared, two threads at different places in the tape
overwrote each other's."""
PROCESSES = span_worker.CAN_FORK
"""A big batch's spans past the first run in worker processes forked from this one (Linux), not
in threads (see ``game.engine.span_worker``); False: in threads, as on other systems."""
SCALAR = True
"""A one-run game runs its single numbers as Python floats (see ``game.engine.scalar``)."""
MIN_RUNS_PER_THREAD = 2048
"""Below this many runs a thread's numpy calls are too short to gain from a second thread."""

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


ARGMAX_BY_NUMPY = 2048
"""Runs up to which ``_argmax_into`` hands a table to numpy's argmax whole: each row compared is
three numpy calls, which at a few runs cost far more than numpy's copy of the table (8 rows:
2 runs 29 us against 2 us, 256 runs 41 against 10, 2048 runs 223 against 92; 10,000 runs is
where the rows' calls were measured to win)."""


def _argmax_into(value: Array, out: Array) -> None:
    """``np.argmax(value, 0)`` of a (rows, runs) table, into ``out``: the first row of the largest
    value in each run, a nan counting as the largest.

    numpy's argmax works along the last axis, so along the rows it first copies the table into
    that layout (about 6 ns an element on 10,000 runs). Floats are compared a whole row at a
    time instead: a later row replaces the best so far only where it is strictly greater, so
    ties keep the first row, as numpy's does. A nan is never greater than anything: a table
    with one falls back to numpy itself (found by one sum, which no finite table makes nan).
    Up to ``ARGMAX_BY_NUMPY`` runs numpy's copy costs less than the rows' calls.
    """
    if (
        value.shape[1] <= ARGMAX_BY_NUMPY
        or value.dtype != np.float64
        or value.shape[0] < 2
        or not math.isfinite(np.add.reduce(value, axis=None))
    ):
        np.argmax(value, 0, out, keepdims=True)
        return
    best = value[0:1].copy()
    out.fill(0)
    greater = np.empty(best.shape, dtype=bool)
    for row in range(1, value.shape[0]):
        np.greater(value[row : row + 1], best, out=greater)
        np.copyto(best, value[row : row + 1], where=greater)
        np.copyto(out, row, where=greater)


def _pairwise(n: int) -> Any:
    """The order in which numpy's ``add.reduce`` adds the n elements of a contiguous row.

    A tree of ``("+", left, right)`` over element indices, with ``0.0`` where numpy starts
    from zero: fewer than 8 elements are added one by one to 0.0; up to 128 go into 8
    interleaved partial sums combined as ((0+1)+(2+3))+((4+5)+(6+7)), then the rest one by
    one; more are split in two halves (the first a multiple of 8). A test checks this
    against numpy for every n up to 300.
    """

    def block(start: int, count: int) -> Any:
        if count < 8:
            tree: Any = 0.0
            for i in range(start, start + count):
                tree = ("+", tree, i)
            return tree
        if count <= 128:
            partial_sums: list[Any] = list(range(start, start + 8))
            i = 8
            while i < count - count % 8:
                partial_sums = [("+", partial_sums[j], start + i + j) for j in range(8)]
                i += 8
            r = partial_sums
            low = ("+", ("+", r[0], r[1]), ("+", r[2], r[3]))
            tree = ("+", low, ("+", ("+", r[4], r[5]), ("+", r[6], r[7])))
            for k in range(i, count):
                tree = ("+", tree, start + k)
            return tree
        half = count // 2
        half -= half % 8
        return ("+", block(start, half), block(start + half, count - half))

    return block(0, n)


def _power_by_rows(base: Array, exponent: Array, out: Array) -> None:
    """``base ** exponent`` over a table, computed as numpy computes it on (runs, rows) arrays.

    numpy's power takes shortcuts when the exponent is the same all along its inner loop and is
    one of a few numbers (``SHORTCUT_EXPONENTS``: ``x ** 2`` becomes ``x * x``), which round
    differently from its general routine; any other exponent goes to the general routine, which
    computes each element from its two numbers alone, whatever the layout. The reference path's
    inner loop runs along a table's rows, this program's along the runs, so:

    - an exponent varying by row and by run is the same along neither: raised to directly;
    - one varying by row only is the same along this program's loop, never along the
      reference's: spread over a whole (rows, runs) buffer first, so numpy never sees it
      constant either;
    - one number that is no shortcut exponent: raised to directly;
    - otherwise (one varying by run only, or one shortcut number, whose shortcut may depend on
      how numpy splits its loops): computed on copies laid out as the reference's arrays are.
    """
    rows, runs = exponent.shape
    if rows > 1 and runs > 1:
        np.power(base, exponent, out=out)
    elif rows > 1:
        spread = np.empty(out.shape)
        np.copyto(spread, exponent)
        np.power(base, spread, out=out)
    elif runs == 1 and exponent.item() not in SHORTCUT_EXPONENTS:
        np.power(base, exponent, out=out)
    else:
        np.copyto(out, np.power(np.ascontiguousarray(base.T), np.ascontiguousarray(exponent.T)).T)


SHORTCUT_EXPONENTS = frozenset((-1.0, 0.0, 0.5, 1.0, 2.0))
"""Exponents for which numpy's power may take a shortcut when the exponent is the same all along
its inner loop (numpy 2.x: 2 and 0.5, and -1 on this machine's numpy 2.4); a superset, to be safe
across releases. tests/test_engine_table_ops.py checks every layout against the reference's."""


ROW_BY_ROW = range(2, 7)
"""Tables of this many rows leave the program a row at a time: numpy's copy of a transposed
(rows, runs) buffer walks a few elements per inner loop, and for 2 to 6 rows copying each row
into its column is several times faster (measured on 10,000 runs); with more rows it is not."""


def _transposed(buffer: Array, out: Array) -> Array:
    """A (rows, runs) buffer's values written into ``out``, a C-ordered (runs, rows) array:
    ``buffer.T.copy()``'s values, in an array the caller chose."""
    rows = buffer.shape[0]
    if rows not in ROW_BY_ROW:
        np.copyto(out, buffer.T)
        return out
    for row in range(rows):
        out[:, row] = buffer[row]
    return out


def kept_copy(value: Array) -> Array:
    """A C-ordered copy of a value as it left the program, to keep beyond the turn: a name a
    big batch handed out as a view of its (rows, runs) buffer (``TurnValues.transient``) is
    copied the way ``_transposed`` copies such a buffer (numpy's own copy of the view is
    several times slower for a few rows)."""
    if value.flags.c_contiguous:
        return value.copy()
    return _transposed(value.T, np.empty(value.shape, value.dtype))


def _alone(kept: list[Array]) -> int:
    """``sys.getrefcount`` of an array only ``kept`` holds, read as ``_Recycler.take`` reads it."""
    return sys.getrefcount(kept[0])


_ALONE = _alone([np.empty(0)])
"""An array held by its recycler's list and nothing else (CPython counts references exactly)."""

KEEP = 4
"""Arrays a recycler watches per value: the game holds the last turn's, the recorder a few turns'
of a lagged name; an array held longer (a recorded history keeps every turn's) is let go."""


class _Recycler:
    """The arrays a program's values leave in, written again once nobody else can see them.

    A batch's values leave the program as new (runs, rows) arrays every turn (tens of megabytes
    a turn at 10,000 runs). An array the program handed out that no one references any more (no
    state, env, snapshot, fork, history or view of it: the recycler's list holds the only
    reference, which CPython counts exactly) is retired, and it is the destination of a later
    turn's copy of the same value instead of a new array. The engine's rule stands: an array
    handed out is never written while anyone else can see it."""

    def __init__(self) -> None:
        self.kept: dict[Any, list[Array]] = {}

    def take(self, key: Any, shape: tuple[int, ...], dtype: np.dtype[Any]) -> Array:
        """An array of ``shape`` and ``dtype`` for ``key``'s value this turn: a retired one or a new one."""
        kept = self.kept.get(key)
        if kept is None:
            kept = self.kept[key] = []
        getrefcount = sys.getrefcount
        for index in range(len(kept)):
            # every view of it (a lag, a channel's column, a table's row, a view of such a view)
            # has it as its base: an array a view was made of is counted as held
            if getrefcount(kept[index]) == _ALONE and kept[index].flags.writeable:
                array = kept.pop(index)
                kept.append(array)
                return array
        array = np.empty(shape, dtype=dtype)
        kept.append(array)
        if len(kept) > KEEP:  # held for good, most likely: no longer watched
            del kept[0]
        return array


ARENA_FROM_RUNS = 1025
"""Programs of at least this many runs lay their buffers out in an ``_Arena``."""


class _Arena:
    """Buffers carved out of slabs of memory the system maps (``mmap``), each starting on a cache
    line. ``shared``: slabs a forked process shares (``MAP_SHARED``), for spans run in a worker
    process (``span_worker``), which is why big batches have an arena at all: the alignment alone
    bought nothing measurable (one thread, 10,000 runs, alternated four times: 58.7-59.8 ms a
    turn against 59.3-60.3 with numpy's own arrays, which start anywhere). Each buffer is an
    array whose base is its slab's map, not another array, so the program's bookkeeping by
    buffer (``_root_of``) is unchanged.

    A process forked from this one by anyone but ``span_worker`` (a pool of worker processes, say)
    would share the slabs too, and its turns and this process's would write each other's numbers:
    in it, each shared slab becomes a copy of its own at the same address (``_privatize``), which
    the workers that process forks share in turn."""

    SLAB = 1 << 22
    LINE = 64

    def __init__(self, shared: bool) -> None:
        self.flags = mmap.MAP_SHARED if shared else mmap.MAP_PRIVATE
        self.shared = shared
        self._slab: mmap.mmap | None = None
        self._used = 0
        self.slabs: list[mmap.mmap] = []
        if shared:
            _SHARED_ARENAS.add(self)

    def empty(self, shape: tuple[int, ...], dtype: Any = np.float64) -> Array:
        dtype = np.dtype(dtype)
        size = -(-max(math.prod(shape) * dtype.itemsize, 1) // self.LINE) * self.LINE
        if self._slab is None or self._used + size > len(self._slab):
            self._slab = mmap.mmap(-1, max(self.SLAB, size), flags=self.flags)
            self.slabs.append(self._slab)
            self._used = 0
        array = np.ndarray(shape, dtype, buffer=self._slab, offset=self._used)
        self._used += size
        return array


_SHARED_ARENAS: weakref.WeakSet[_Arena] = weakref.WeakSet()


def _privatize() -> None:
    """In a process just forked (not a span worker): every shared slab of this process's arenas
    replaced by a copy mapped at the very same address (``mmap`` with ``MAP_FIXED``), so every
    array viewing it is unchanged but shared no more with the parent: a new shared mapping,
    which the span workers this process forks share with it."""
    if span_worker.FORKING or not _SHARED_ARENAS:
        return
    import ctypes  # only in a process forked beside a big batch's shared buffers

    libc = ctypes.CDLL(None, use_errno=True)
    libc.mmap.restype = ctypes.c_void_p
    number, size = ctypes.c_int, ctypes.c_size_t
    libc.mmap.argtypes = [ctypes.c_void_p, size, number, number, number, ctypes.c_long]
    fixed = getattr(mmap, "MAP_FIXED", 0x10)  # Python 3.11 lacks it: 0x10 on x86, ARM, POWER, RISC-V
    flags = mmap.MAP_SHARED | mmap.MAP_ANONYMOUS | fixed
    for arena in list(_SHARED_ARENAS):
        for slab in arena.slabs:
            address = np.frombuffer(slab, np.uint8).ctypes.data
            numbers = slab[:]
            placed = libc.mmap(address, len(slab), mmap.PROT_READ | mmap.PROT_WRITE, flags, -1, 0)
            if placed != address:
                raise OSError(ctypes.get_errno(), "cannot copy a batch's shared buffers in a forked process")
            ctypes.memmove(address, numbers, len(slab))


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_privatize)


class _OutOfRange(Exception):
    """A stock left its range by more than round-off during a sub-step (raised inside a phase)."""

    def __init__(self, stock: str, breach: Breach) -> None:
        super().__init__(stock)
        self.stock, self.breach = stock, breach

    def __reduce__(self) -> tuple[Any, ...]:  # a worker process hands it back pickled
        return type(self), (self.stock, self.breach)


def _settle_in_place(stock: Array, low: float | None, high: float | None, sid: str, first_run: int) -> None:
    """``bounds.settle`` on a stock's buffer, as the reference integration does: round-off at a
    bound is set to the bound, a real breach stops the turn (``first_run``: the span's offset).

    ``settle``'s own first test (its least value not under ``low``, its greatest not over
    ``high``; a nan fails it) is made here first on the buffer with one reduction a bound, as
    nearly every stock is well inside its range every sub-step (two method calls and a transposed
    view less, a hundred times a turn)."""
    if (low is None or _least(stock, None) >= low) and (high is None or _greatest(stock, None) <= high):
        return
    value = stock.T
    settled, breach = settle(value, low, high)
    if breach is not None:
        raise _OutOfRange(sid, replace(breach, run=breach.run + first_run))
    if settled is not value:
        np.copyto(stock, settled.T)


_least, _greatest, _sum = np.minimum.reduce, np.maximum.reduce, np.add.reduce


STOPS = (NotANumber, _OutOfRange)
"""What stops a span's turn, handed back with where it arose (``span_worker.run_phases``)."""


def _worker_turn(program: Program, number: int, job: tuple[Any, ...]) -> span_worker.Raw | None:
    """What a worker process does each turn (``span_worker``): span ``number``'s phases in the
    program's set of spans ``which`` (-1: on its own buffers; else generation ``which``'s),
    under the caller's numpy error handling; None, or where a nan or a stock out of range
    stopped it."""
    which, turn, substeps, errors = job
    spans = program.spans if which < 0 else program.generations[which].spans
    with np.errstate(**errors):
        return span_worker.run_phases(spans[number], substeps, STOPS)


def _into(ufunc: np.ufunc, out: Array) -> Callable[..., Any]:
    """``ufunc`` writing into ``out`` (minimum and maximum take ``out`` only by keyword)."""
    if ufunc is np.maximum or ufunc is np.minimum:
        return partial(ufunc, out=out)
    return partial(ufunc, out=out) if ufunc.nin == 1 else ufunc


def _span(
    blocks: list[Block],
    span: tuple[int, int],
    rows: int,
    private: Mapping[int, Array],
    swap: Mapping[int, Array] | None = None,
) -> list[Block]:
    """The same instructions, over runs ``span[0]`` to ``span[1]`` only (every instruction works
    run by run, so a phase may be run on a few runs at a time).

    ``private`` maps the id of each buffer of a value the same in every run that the turn writes
    (one column, not one per run) to this span's own copy: spans run at once in threads, and a
    shared one would be overwritten by another thread at another place in the tape. ``swap``
    maps the id of a buffer to another of its shape that the instructions use instead (a
    generation's, see ``_Generation``), cut to the span like the buffer would be.
    """
    lo, hi = span
    if span == (0, rows) and not private and not swap:
        return blocks

    def view(value: Any) -> Any:
        if not isinstance(value, np.ndarray):
            return value
        own = _rebased(value, private)
        if own is not value:
            return own
        if swap:
            value = _rebased(value, swap)
        if value.ndim == 2 and value.shape[1] == rows and (lo, hi) != (0, rows):
            return value[:, lo:hi]
        return value

    out: list[Block] = []
    for owner, instructions in blocks:
        spanned = []
        for function, args in instructions:
            if isinstance(function, partial) and "out" in function.keywords:
                function = partial(function.func, out=view(function.keywords["out"]))
            if function is _settle_in_place:
                args = (*args[:4], lo)
            spanned.append((function, tuple(view(a) for a in args)))
        out.append((owner, spanned))
    return out


EXACT_ELEMENTWISE = frozenset(
    (
        np.add, np.subtract, np.multiply, np.divide,
        np.less, np.less_equal, np.greater, np.greater_equal, np.equal, np.not_equal,
        np.logical_and, np.logical_or,
    )
)
"""Operations whose every element is the one correctly rounded (or exactly decided) result of its
two operands, whichever of numpy's loops computes it: the same bits whether an operand comes as a
whole array, a broadcast one or a single number (powers, exponentials, logarithms, minimum and
maximum are left out: their loops may differ in a shortcut, a last bit or a zero's sign)."""

GENERATIONS = 2
"""Sets of buffers a big batch's values leave in without a copy (see ``_Generation``): a turn
writes one set while the game still shows the last turn's values in the other."""


class _Generation:
    """The buffers a big batch's names computed each turn and its stocks leave the program in,
    handed out as they are: each value is a read-only (runs, rows) view of its buffer, not a copy.

    A turn is run on instructions that write a generation's buffers in place of the program's
    own (``_span``'s ``swap``), and only on a generation nobody can see any more: none of its
    views nor a view made from one nor its buffers is referenced outside it (CPython counts
    references exactly; the counts it has on its own are taken once it is made). The game's
    values of the last turn hold one generation while the turn writes the other; with both held
    (a fork, or a caller keeping an old turn's values) the turn runs on the program's own
    buffers and its values leave as copies. Either way the numbers are the same: every buffer
    a turn reads it has written earlier in the turn (one read before would read, on a new
    generation, the nans it starts with, and the turn would stop on them; the threads' tests
    compare big batches with the reference path). The stocks leave the same way, from the
    generation's own stock buffers (the next turn copies them into the other's as its inputs).
    What is kept beyond a turn or two (the recorded history) leaves as copies instead, made by
    the turn's threads for the names the game says it keeps (``Stepper.kept``), and by
    whoever keeps any other name (``TurnValues.transient``)."""

    def __init__(
        self,
        spans: list[tuple[list[Block], ...]],
        outputs: dict[str, Array],
        slots: dict[Any, Array],
        named: list[tuple[str, Array]],
        stocks: list[tuple[str, Array]],
    ) -> None:
        self.spans = spans
        self.outputs = outputs  # each name's buffer in this generation (the program's layout)
        self.slots = slots  # the program's inputs by key, each stock's its own in this generation
        self.named = named  # each name's view as it leaves
        self.stocks = stocks  # and each stock's
        kept = [*outputs.values(), *(slots[sid] for sid, _ in stocks)]
        self.buffers = list({id(buffer): buffer for buffer in kept}.values())
        self.views = [view for _, view in (*named, *stocks)]
        self._alone: tuple[int, ...] = ()
        # for each set of names a game keeps: which of the generation's buffers leave as copies
        self.keeping: dict[frozenset[str], list[tuple[str, Array, bool]]] = {}

    def kept(self, names: frozenset[str]) -> list[tuple[str, Array, bool]]:
        """Each name of ``names`` the generation hands out, its buffer, and whether it is a stock."""
        found = self.keeping.get(names)
        if found is None:
            found = self.keeping[names] = [
                *((name, self.outputs[name], False) for name, _ in self.named if name in names),
                *((sid, self.slots[sid], True) for sid, _ in self.stocks if sid in names),
            ]
            self.settle()  # the list refers to buffers too (asked for while nobody else held any)
        return found

    def settle(self) -> None:
        """Count the references the generation has on its own (once its maker lets go of it)."""
        self._alone = self._counts()

    def _counts(self) -> tuple[int, ...]:
        counts = sys.getrefcount
        return (*(counts(buffer) for buffer in self.buffers), *(counts(view) for view in self.views))

    def free(self) -> bool:
        """Whether nobody but the generation sees its buffers (a turn may write them)."""
        return self._counts() == self._alone


QUICK_OPERANDS = True
"""Hand numpy a one-element operand of an exact element-wise call as its 0-d view (see
``_quick_operands``); False gives the plain tape (benchmarks/small_batches.py compares the two)."""


def _exact_calls_with(blocks: list[Block], operand: Callable[[Any, Array], Any]) -> list[Block]:
    """The same instructions, each operand of an ``EXACT_ELEMENTWISE`` call replaced by
    ``operand(it, the call's result buffer)`` (which hands back the very operand to keep it)."""
    out: list[Block] = []
    for owner, instructions in blocks:
        rewritten = []
        for function, args in instructions:
            if function in EXACT_ELEMENTWISE:
                nin = function.nin  # type: ignore[attr-defined]
                result = args[nin]
                args = (*(operand(a, result) for a in args[:nin]), *args[nin:])
            rewritten.append((function, args))
        out.append((owner, rewritten))
    return out


def _zero_d(operand: Any, result: Array) -> Any:
    """A one-element operand of a call whose result has more, as a 0-d view of its buffer."""
    if isinstance(operand, np.ndarray) and operand.size == 1 and result.size > 1:
        return operand.reshape(())
    return operand


def _nan_screened(check: NanCheck, value: Array) -> None:
    """``check(value)``, made only when one sum of the value is not a number: a nan makes the sum
    one (so does an infinity of each sign, which the check then clears), and nearly every value
    is clean every sub-step (one reduction instead of ``isnan`` and ``any``)."""
    total = _sum(value, None)
    if total != total:
        check(value)


def _quick_operands(blocks: list[Block]) -> list[Block]:
    """The same instructions, with each one-element operand of an ``EXACT_ELEMENTWISE`` call whose
    result has more elements passed as a 0-d view of its buffer.

    A (1, 1) operand is a value the same in every run (a constant, the date, a parameter fixed for
    all runs): numpy broadcasts it against the other operand through its general iterator, about
    1 us of overhead a call whatever the runs, three times what the whole call costs at a few
    runs; a 0-d array takes the loop numpy keeps for a single number. The view reads the same
    buffer (whatever a later turn writes there, the call reads), and every element is the same
    number (``EXACT_ELEMENTWISE``). A nan check of a value of several numbers is screened by one
    sum first (``_nan_screened``)."""

    def screened(call: Instruction) -> Instruction:
        function, args = call
        if isinstance(function, NanCheck) and args[0].size > 1:
            return _nan_screened, (function, *args)
        return call

    quick = _exact_calls_with(blocks, _zero_d)
    return [(owner, [screened(call) for call in calls]) for owner, calls in quick]


SMALL_BATCH_RUNS = 1024
"""A batch of up to this many runs is small: its calls' overhead, not their elements, is what a
turn costs. Such a batch reads a table's value fixed for the game (one column) from a copy spread
over every run (see ``Program._spread_fixed``): numpy's same-shape loop costs about half its
broadcasting one at a few runs (8 rows, 4 runs: 1.1 against 1.9 us), still less at 1024 runs
(3.0 against 5.2 us). And its values leave the program as plain transposed copies, found finite
by one sum over all their buffers (``Program._leave_small``): the recycler and the copy row by row
save a big batch tens of megabytes a turn, and cost a small one ten times what its copies cost.
(benchmarks/small_batches.py, the program's part of a turn against the plain tape: 0.74-0.93 at
550 and 1024 runs with this bound, none at 2048.)"""


class TurnValues(dict[Any, Array]):
    """A turn's end values by name, and the names whose values the program found finite as
    they left it: the recorder's test of every value need not read those again. Empty when the
    program found a number that is not finite (the recorder then tests every value and names
    the culprit). The same set object turn after turn, so the recorder works out once what is
    left for it to test."""

    finite: frozenset[str] = frozenset()
    transient: frozenset[str] = frozenset()
    """The names whose arrays are the program's own, written again a turn or two later once
    nobody holds them (``_Generation``): whoever keeps one longer keeps a copy."""


_POOL: ThreadPoolExecutor | None = None
TURN_THREADS = "borderline-turn"  # the names of the pool's threads begin so


_NO_THREADS = False  # the system refused this process another thread (a process limit)


def _thread_pool() -> ThreadPoolExecutor | None:
    """The turn's threads, every one of them started (they wait on one another once) before any
    span is handed to them; None where the system refuses a thread (``ulimit -u``, say): the
    spans then run one after another in the caller's thread, to the same numbers."""
    global _POOL, _NO_THREADS
    if _POOL is None and not _NO_THREADS:
        pool = ThreadPoolExecutor(THREADS, thread_name_prefix=TURN_THREADS)
        gate = threading.Barrier(THREADS)
        try:
            for started in [pool.submit(gate.wait, 10) for _ in range(THREADS)]:
                started.result()
        except (RuntimeError, threading.BrokenBarrierError):
            gate.abort()
            pool.shutdown(wait=True, cancel_futures=True)
            _NO_THREADS = True
            return None
        _POOL = pool
    return _POOL


def _forget_pool() -> None:
    """A forked worker process has none of its parent's threads: it starts its own pool."""
    global _POOL
    _POOL = None


os.register_at_fork(after_in_child=_forget_pool)


SHARED_UP_TO_RUNS = 64
"""Games of up to this many runs share a compiled program with any other game of the same world,
scenario and shape (``Layout``): a new lone game then starts without compiling its turn again,
whatever its seed or pins. Bigger batches hold too much memory to keep."""
SHARED_PER_WORLD = 16
"""Programs kept per world, the least recently used dropped first."""

_SHARED: dict[int, OrderedDict[Any, Program]] = {}  # id(world) -> its programs, by what they compute
_SHARED_LOCK = threading.Lock()

Layout = tuple[tuple[str, tuple[int, ...], str, bool], ...]
"""A game's parameters as a program takes them: (id, the game's array shape, dtype, whether one
column serves every run). The parameters are the program's inputs, not numbers compiled into it,
so this (with the world, the scenario and the runs) is all a program's structure depends on."""


def layout_of(stepper: Stepper, rows: int) -> Layout:
    """How ``stepper``'s parameters enter a program of ``rows`` runs. In a batch too big to share
    its program, a parameter the formulas read as it is (no action or event changes it) that has
    the same bits in every run is one column, as a number fixed for the game would be: its
    operations then run once, not once per run. A smaller batch keeps every parameter per run
    (a few dozen numbers cost a numpy call what one does), so any pins share its program."""
    entries = []
    for key, value in stepper.params.items():
        one = False
        if key in stepper.const and value.ndim == 2 and value.shape[0] == rows and rows > SHARED_UP_TO_RUNS:
            bits = value.view(np.uint64) if value.dtype == np.float64 else value
            one = bool((bits == bits[:1]).all())
        entries.append((key, value.shape, value.dtype.str, one))
    return tuple(entries)


def program_for(stepper: Stepper, rows: int) -> Program:
    """A program for ``stepper``'s game of ``rows`` runs: one compiled before for a game of the same
    world, scenario and layout of parameters (their values are the program's inputs, set when a
    game takes it), or a new one."""
    layout = layout_of(stepper, rows)
    if rows > SHARED_UP_TO_RUNS:
        return Program(stepper, rows, layout)
    # the scenario's turn length is compiled in (the sub-step's dt), its other settings are not
    timing = (stepper.dt, stepper.turn_years)
    key = (stepper.scenario_id, rows, timing, layout)
    world = stepper.world
    with _SHARED_LOCK:
        programs = _SHARED.get(id(world))
        if programs is None:
            programs = _SHARED[id(world)] = OrderedDict()
            weakref.finalize(world, _SHARED.pop, id(world), None)  # a world gone takes its programs
        program = programs.get(key)
        if program is None:
            program = programs[key] = Program(stepper, rows, layout)
            if len(programs) > SHARED_PER_WORLD:
                programs.popitem(last=False)
        programs.move_to_end(key)
        return program


IN_PLACE = frozenset((np.add, np.subtract, np.multiply, np.divide))
"""Operations whose result may be written over an operand that is read nowhere after: each
element's result is the one correctly rounded number, whichever of numpy's loops computes it
(a shortcut or a vector loop numpy takes or skips when its output overlaps an input could
round differently for powers, exponentials or logarithms, and minimum/maximum differ on the
sign of a zero)."""


def _accesses(instruction: Instruction) -> tuple[list[Any], Array | None]:
    """What an instruction reads, and the buffer it writes (None for a check, which only reads)."""
    function, args = instruction
    if isinstance(function, partial) and "out" in function.keywords:
        return list(args), function.keywords["out"]
    if isinstance(function, np.ufunc):
        return list(args[: function.nin]), args[function.nin]
    if function is np.copyto:
        return list(args[1:]), args[0]
    if function is _power_by_rows or function is _argmax_into:
        return list(args[:-1]), args[-1]
    if function is _settle_in_place:
        return [args[0]], args[0]
    return list(args), None


def _root_of(value: Array) -> Array:
    while isinstance(value.base, np.ndarray):
        value = value.base
    return value


def _rebased(value: Any, moved: Mapping[int, Array]) -> Any:
    """``value``, or the same view of the buffer its own buffer was moved to."""
    if not isinstance(value, np.ndarray):
        return value
    root = _root_of(value)
    target = moved.get(id(root))
    if target is None:
        return value
    if value is root:
        return target
    offset = value.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    return np.ndarray(value.shape, value.dtype, target, offset, value.strides)


class _Builder:
    """Lays out buffers and instructions; the formula compiler's ``Emitter``."""

    def __init__(self, rows: int, arena: _Arena | None = None) -> None:
        self.rows = rows
        self.arena = arena  # where a big batch's buffers are laid out (else numpy's allocator)
        self.slots: dict[Any, Array] = {}
        self.tiers: dict[int, int] = {}  # id(buffer) -> tier
        self.buffers: list[Array] = []  # every buffer, so the ids above stay valid
        self.pool: dict[tuple[int, tuple[int, ...], np.dtype[Any]], list[Array]] = {}
        self.pinned: set[int] = set()
        self.temps: list[Array] = []
        self.inputs: list[Array] = []  # the buffers a turn's values are copied into
        self.owner: Owner = ""
        self.setup: list[Block] = []
        self.turn: list[Block] = []
        self.step: list[Block] = []
        self.constants: dict[str, Array] = {}
        self.spreads: dict[Any, Array] = {}  # spread(): a value fixed for the game, in every run
        self.memo: dict[Any, Array] = {}  # (operation, operands) -> the buffer holding its result
        self.memo_owner: dict[Any, Owner] = {}
        self.memo_by_buffer: dict[int, list[Any]] = {}
        self._key: Any = None
        self.known: set[int] = set()  # ids of every slot already in the program's layout
        self.transposed: dict[int, tuple[Array, Array]] = {}  # id(constant) -> (it, its layout)

    # ------------------------------------------------------------------ buffers

    def tier(self, value: Array | float) -> int:
        while isinstance(value, np.ndarray):
            found = self.tiers.get(id(value))
            if found is not None:
                return found
            value = value.base  # type: ignore[assignment]
        return SETUP  # a literal or a folded constant

    def register(self, key: Any, value: Array, tier: int) -> None:
        """An input (or an output), already in the program's layout, that instructions read by name."""
        self.slots[key] = value
        self.known.add(id(value))
        if id(value) not in self.tiers and not isinstance(value.base, np.ndarray):
            self.tiers[id(value)] = tier
            self.buffers.append(value)

    def input(self, key: Any, shape: tuple[int, ...], tier: int, dtype: Any = np.float64) -> Array:
        buffer = self.empty(shape, dtype)
        buffer[...] = 0
        self.register(key, buffer, tier)
        self.inputs.append(buffer)
        return buffer

    def layout(self, value: Array | float) -> Array | float:
        """A constant of the formulas, (1, n) over a table, as the program's (n, 1)."""
        if not isinstance(value, np.ndarray) or value.ndim != 2:
            return value
        probe: Any = value
        while isinstance(probe, np.ndarray):
            if id(probe) in self.known or id(probe) in self.tiers:
                return value
            probe = probe.base
        kept = self.transposed.get(id(value))
        if kept is None:
            kept = self.transposed[id(value)] = (value, value.T)
        return kept[1]

    def empty(self, shape: tuple[int, ...], dtype: Any = np.float64) -> Array:
        """A new buffer: from the arena, if the program has one."""
        return np.empty(shape, dtype=dtype) if self.arena is None else self.arena.empty(shape, dtype)

    def alloc(self, tier: int, shape: tuple[int, ...], dtype: np.dtype[Any]) -> Array:
        free = self.pool.get((tier, shape, dtype))
        if free:
            buffer = free.pop()
        else:
            buffer = self.empty(shape, dtype)
            self.tiers[id(buffer)] = tier
            self.buffers.append(buffer)
        self.temps.append(buffer)
        return buffer

    def in_place(self, starts: Sequence[int], keep: Array) -> Array:
        """Write results over operands that die with them, in the name just emitted; returns the
        buffer that now holds the name's value (``keep``, or the intermediate it was written over).

        Each of the name's own intermediates (not one a later tier reads) is read only by the
        name's instructions. Where an ``IN_PLACE`` operation reads such an intermediate for the
        last time and writes another of the same shape, it writes into the first instead: a chain
        ``((a * b) + c) / d`` then works in one buffer, which stays in the processor's cache,
        instead of one fresh buffer per step, and the name's value lands in a buffer just used.
        Every number is the same: the buffers hold the same values at each moment they are read.
        The buffers left unused go back to the pool with the others (``release``), so later
        names touch fewer buffers too.
        """
        own = {
            id(t): t for t in self.temps if id(t) not in self.pinned and not isinstance(t.base, np.ndarray)
        }
        kept = keep
        for tier, blocks in enumerate((self.setup, self.turn, self.step)):
            places = [(b, i) for b in range(starts[tier], len(blocks)) for i in range(len(blocks[b][1]))]
            if len(places) < 2:
                continue
            last: dict[int, int] = {}
            first_write: dict[int, int] = {}
            for position, (b, i) in enumerate(places):
                reads, written = _accesses(blocks[b][1][i])
                read = {id(_root_of(value)) for value in reads if isinstance(value, np.ndarray)}
                last.update(dict.fromkeys(read, position))
                if written is not None:
                    root = id(_root_of(written))
                    last[root] = position
                    if root not in first_write and root not in read:
                        first_write[root] = position
            moved: dict[int, Array] = {}
            for position, (b, i) in enumerate(places):
                function, args = blocks[b][1][i]
                if moved:
                    args = tuple(_rebased(a, moved) for a in args)
                    if isinstance(function, partial) and "out" in function.keywords:
                        function = partial(function.func, out=_rebased(function.keywords["out"], moved))
                    blocks[b][1][i] = (function, args)
                if function not in IN_PLACE or len(args) != 3:
                    continue
                out = args[2]
                if id(out) not in own or first_write.get(id(out)) != position or id(out) in moved:
                    continue
                for operand, other in ((args[0], args[1]), (args[1], args[0])):
                    if (
                        isinstance(operand, np.ndarray)
                        and id(operand) in own
                        and last.get(id(operand)) == position
                        and operand.shape == out.shape
                        and operand.dtype == out.dtype
                        and self.tiers[id(operand)] == tier
                        and not (isinstance(other, np.ndarray) and _root_of(other) is operand)
                    ):
                        moved[id(out)] = operand
                        if out is kept:
                            kept = operand
                        last[id(operand)] = last[id(out)]
                        blocks[b][1][i] = (function, (*args[:2], operand))
                        break
        if kept is not keep:
            self._move_memo(keep, kept)
        return kept

    def _move_memo(self, old: Array, new: Array) -> None:
        """A name's value moved from buffer ``old`` into ``new`` (an intermediate it was computed
        from, written over): what later formulas may find already computed says so. Nothing
        computed from ``new``'s former value is known any more, nor anything computed from ``old``."""
        results = [key for key in self.memo_by_buffer.get(id(old), ()) if self.memo.get(key) is old]
        self._forget(new)
        self._forget(old)
        for key in results:
            roots = {part[0] for part in key[1:] if isinstance(part, tuple) and part[0] != "constant"}
            if id(new) in roots:
                continue
            self.memo[key] = new
            for root in roots | {id(new)}:
                self.memo_by_buffer.setdefault(root, []).append(key)

    def release(self, keep: Array | None) -> None:
        """Intermediates of the name just emitted go back to the pool, unless a later tier reads them."""
        for buffer in self.temps:
            if buffer is not keep and id(buffer) not in self.pinned:
                self._forget(buffer)
                key = (self.tiers[id(buffer)], buffer.shape, buffer.dtype)
                self.pool.setdefault(key, []).append(buffer)
        self.temps = []

    def append(self, tier: int, instruction: Instruction, reads: Iterable[Array | float]) -> None:
        for value in reads:
            if isinstance(value, np.ndarray) and self.tier(value) < tier:
                base = value
                while isinstance(base.base, np.ndarray):
                    base = base.base
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

    def row(self, key: Any, index: int) -> Array:
        return self.slots[key][index : index + 1]

    def ufunc(self, ufunc: np.ufunc, *operands: Array | float) -> Array:
        args: tuple[Array, ...] = tuple(
            self.constant(a) if isinstance(a, float) else self.layout(a)  # type: ignore[misc]
            for a in operands
        )
        found = self.computed(ufunc, args)
        if found is not None:
            return found
        tier = max(self.tier(a) for a in args)
        out = self.alloc(tier, self.shape_of(*args), _result_dtype(ufunc, args))
        if ufunc is np.power and out.shape[0] > 1 and out.shape[1] > 1:
            self.append(tier, (_power_by_rows, (*args, out)), args)
        else:
            if ufunc is np.minimum or ufunc is np.maximum:
                args = tuple(self.spread(a, out.shape, tier) for a in args)
            self.run_ufunc(tier, ufunc, args, out)
        return self.remember(out)

    def spread(self, value: Array, shape: tuple[int, ...], tier: int) -> Array:
        """``value``, or a copy of it spread to ``shape`` once a game when it is the same in every
        run (one column), fixed for the game, and read by a turn's or a sub-step's minimum or
        maximum of a value per run: numpy's minimum and maximum run several times slower with an
        operand repeated along the runs than with two whole arrays, and give the same numbers
        (tests/test_engine_table_ops.py checks both layouts on NaN, signed zeros and infinities)."""
        if (
            tier == SETUP
            or len(shape) != 2
            or shape[1] != self.rows
            or self.rows == 1
            or value.shape[1] != 1
            or self.tier(value) != SETUP
        ):
            return value
        key = ("spread", self._identity(value), shape)
        spread = self.spreads.get(key)
        if spread is None:
            spread = self.spreads[key] = self.alloc(SETUP, shape, value.dtype)
            self.append(SETUP, (np.copyto, (spread, value)), (value,))
        return spread

    def run_ufunc(self, tier: int, ufunc: np.ufunc, args: tuple[Array, ...], out: Array) -> None:
        """Append ``ufunc(*args)`` into ``out``, passing ``out`` the cheapest way numpy allows."""
        function = _into(ufunc, out)
        self.append(tier, (function, args if function is not ufunc else (*args, out)), args)

    def constant(self, value: float) -> Array:
        """A number as a (1, 1) float64 array: numpy computes the same, without converting each call."""
        key = value.hex()  # not the float: 0.0 and -0.0 are equal keys but different numbers
        array = self.constants.get(key)
        if array is None:
            array = self.constants[key] = np.full((1, 1), value)
            array.flags.writeable = False
        return array

    # ------------------------------------------------------------------ the same value computed twice

    def _identity(self, value: Any) -> Any:
        """What makes two operands the same value: the memory they view, or the number."""
        if not isinstance(value, np.ndarray):
            return value
        root = _root_of(value)
        if id(root) not in self.tiers:  # a constant (a literal, a table field, a parameter): its bits
            digest = hashlib.blake2b(np.ascontiguousarray(value).tobytes(), digest_size=16).digest()
            return ("constant", digest, value.shape, value.dtype.str)
        offset = value.__array_interface__["data"][0] - root.__array_interface__["data"][0]
        return (id(root), offset, value.shape, value.strides, value.dtype.str)

    def computed(self, kind: Any, args: Sequence[Any]) -> Array | None:
        """A buffer that already holds ``kind(*args)`` and is still valid where it would be read.

        A sub-expression computed once per game or per turn serves every formula after it;
        one computed per sub-step serves only the rest of its own formula (another name's
        group may run in sub-steps where the first does not).
        """
        key = (kind, *(self._identity(a) for a in args))
        self._key = key
        found = self.memo.get(key)
        if found is not None and (self.tier(found) < STEP or self.memo_owner[key] is self.owner):
            return found
        return None

    def remember(self, out: Array) -> Array:
        key = self._key
        self.memo[key] = out
        self.memo_owner[key] = self.owner
        roots = {id(out)} | {part[0] for part in key[1:] if isinstance(part, tuple) and part[0] != "constant"}
        for root in roots:
            self.memo_by_buffer.setdefault(root, []).append(key)
        return out

    def _forget(self, buffer: Array) -> None:
        """A buffer about to hold another value: nothing computed from or into it is known any more."""
        for key in self.memo_by_buffer.pop(id(buffer), ()):
            self.memo.pop(key, None)

    def reduce(self, ufunc: np.ufunc, arg: Array) -> Array:
        """A table's rows combined, row by row: sums in numpy's pairwise order, min and max in turn."""
        arg = self.layout(arg)  # type: ignore[assignment]
        rows = [arg[i : i + 1] for i in range(arg.shape[0])]
        if ufunc is not np.add:
            value = rows[0]
            for row in rows[1:]:
                value = self.ufunc(ufunc, value, row)
            return value if len(rows) > 1 else self.own(value)

        def emit(tree: Any) -> Array | float:
            if isinstance(tree, tuple):
                return self.ufunc(np.add, emit(tree[1]), emit(tree[2]))
            return tree if isinstance(tree, float) else rows[tree]

        return self.own(emit(_pairwise(len(rows))))  # type: ignore[arg-type]

    def argmax(self, arg: Array) -> Array:
        arg = self.layout(arg)  # type: ignore[assignment]
        found = self.computed("argmax", (arg,))
        if found is not None:
            return found
        tier = self.tier(arg)
        out = self.alloc(tier, (1, arg.shape[1]), np.dtype(np.intp))
        self.append(tier, (_argmax_into, (arg, out)), (arg,))
        return self.remember(out)

    def where(self, condition: Array, then: Array, otherwise: Array) -> Array:
        args = tuple(self.layout(a) for a in (condition, then, otherwise))
        condition, then, otherwise = args  # type: ignore[assignment]
        found = self.computed("where", args)
        if found is not None:
            return found
        tier = max(self.tier(a) for a in args)
        out = self.alloc(tier, self.shape_of(*args), np.result_type(then, otherwise))
        self.append(tier, (np.copyto, (out, otherwise)), args)
        self.append(tier, (np.copyto, (out, then, "same_kind", condition)), args)
        return self.remember(out)

    def as_float(self, arg: Array) -> Array:
        arg = self.layout(arg)  # type: ignore[assignment]
        found = self.computed("as_float", (arg,))
        if found is not None:
            return found
        tier = self.tier(arg)
        out = self.alloc(tier, arg.shape, np.dtype(np.float64))
        self.append(tier, (np.copyto, (out, arg)), (arg,))
        return self.remember(out)

    def check(self, test: Callable[[Array], None], arg: Array) -> None:
        arg = self.layout(arg)  # type: ignore[assignment]
        self.append(self.tier(arg), (test, (arg,)), (arg,))

    # ------------------------------------------------------------------ names

    def own(self, value: Array) -> Array:
        """``value`` in a buffer of its own (a name's value must not be another's buffer)."""
        if any(value is temp for temp in self.temps):
            return value
        value = self.layout(value)  # type: ignore[assignment]
        tier = self.tier(value)
        out = self.alloc(tier, value.shape, value.dtype)
        self.append(tier, (np.copyto, (out, value)), (value,))
        return out


class Program:
    """One stepper's turn as tiers of instructions over fixed buffers, for ``rows`` runs."""

    def __init__(self, stepper: Stepper, rows: int, layout: Layout | None = None) -> None:
        self.stepper = stepper
        self.rows = rows
        world = stepper.world
        parts = THREADS if rows >= THREADS * MIN_RUNS_PER_THREAD else 1
        # spans in worker processes write buffers this process reads, and the other way round
        self._process_spans = parts > 1 and PROCESSES
        arena = _Arena(shared=self._process_spans) if rows >= ARENA_FROM_RUNS or self._process_spans else None
        b = self.builder = _Builder(rows, arena)
        self.layout = layout_of(stepper, rows) if layout is None else layout
        # each parameter's buffer, filled from the game that takes the program (``_bind``)
        self.game_inputs: list[tuple[str, Array, bool]] = []
        self._inputs(stepper, self.layout)
        self.outputs: dict[str, Array] = {}
        self.tier: dict[str, int] = {}
        groups: dict[str, list[Block]] = {}
        for name in world.order:
            b.owner = name
            start = len(b.step)
            starts = (len(b.setup), len(b.turn), start)
            value = self._emit_name(name)
            out = b.own(value)
            out = b.in_place(starts, out)
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
        first = b.turn + [blk for n in plans["first"] for blk in groups[n]] + self.integrate
        substep = [blk for n in plans["step"] for blk in groups[n]] + self.integrate
        end = [blk for n in plans["end"] for blk in groups[n]]
        self.first, self.substep, self.end = first, substep, end
        bounds = [rows * i // parts for i in range(parts + 1)]
        shared = self._shared_per_run_invariants() if parts > 1 else []
        # copies of values fixed for the game spread over every run, refreshed after each setup
        self.spreads: list[tuple[Array, Array]] = []
        run: tuple[list[Block], ...] = (first, substep, end)
        if QUICK_OPERANDS and parts == 1 and 1 < rows <= SMALL_BATCH_RUNS:
            run = self._spread_fixed(run)
        self._run_phases, self._bounds = run, bounds
        self._privates: list[dict[int, Array]] = []
        for number in range(parts):
            # the first span keeps the program's own buffers: the turn's outputs are read from them
            own = {id(buffer): b.empty(buffer.shape, buffer.dtype) for buffer in shared} if number else {}
            self._privates.append(own)
        self.spans = self._spans()
        # the names computed each turn, and the generations a big batch's values leave in
        self._turned = [(name, out) for name, out in self.outputs.items() if self.tier[name] != SETUP]
        self._stocks = list(world.stocks)  # each stock's slot, in the order the turn's stocks come
        # each name's and each stock's sum, as a generation's turn finds it
        self._sums = b.empty((len(self._turned) + len(self._stocks),))
        self._sums[...] = 0
        self._checked: tuple[list[Block], ...] | None = None  # a generation's phases, made with the first
        self._groups, self._plans = groups, plans
        for private in self._privates[1:]:  # each span sums its own runs
            private[id(self._sums)] = sums = b.empty(self._sums.shape)
            sums[...] = 0
        self._span_sums = [self._sums, *(private[id(self._sums)] for private in self._privates[1:])]
        self.generations: list[_Generation] = []
        self.generation: _Generation | None = None  # the one the turn under way writes
        self._transient = frozenset([*(name for name, _ in self._turned), *self._stocks])
        self._transients: dict[frozenset[str], frozenset[str]] = {}
        self.bound: Stepper | None = None  # whose parameters the buffers hold, set up for its game
        self._bound_bits = b""  # the bits of those parameters: a game of the very same needs no setup
        self._bits: weakref.WeakKeyDictionary[Stepper, bytes] = weakref.WeakKeyDictionary()
        self.scalar: ScalarRunner | None = None  # a one-run game's turns on Python numbers
        self.recycler = _Recycler()  # the arrays the values leave in, written again once nobody holds them
        self._leave: Callable[[], tuple[list[list[tuple[Any, Array]]], bool]] | None = None  # its values out
        # _fixed_env of each game that took the program: its constants and the names fixed for
        # it, and the names a finite turn vouches for (the game's own, gone with its stepper)
        self._fixed: weakref.WeakKeyDictionary[Stepper, tuple[dict[Any, Any], frozenset[str]]] = (
            weakref.WeakKeyDictionary()
        )
        self.lock = threading.Lock()  # one turn at a time on the buffers (games may share them)
        self._workers: list[span_worker.SpanWorker] = []  # the processes running spans past the first
        # a small batch's names computed each turn, and flat views of what leaves (``_leave_small``)
        self._small: tuple[list[tuple[str, Array]], list[Array]] | None = None

    def _with_sums(self) -> tuple[list[Block], ...]:
        """The turn's phases with each name computed each turn summed into ``_sums`` as soon as
        its value is final, while it is still in the processor's cache (a generation's turn: its
        values leave uncopied, and a sum is finite only if every number summed is): a name the
        end values compute, after its instructions there; one computed once a turn, after the
        turn's tier; any other after everything. The stocks, as the end values begin."""
        sums, reduce = self._sums, np.add.reduce
        groups, plans, turn = self._groups, self._plans, self.builder.turn
        checks = {
            name: (name, [(reduce, (out, None, None, sums[i : i + 1].reshape(())))])
            for i, (name, out) in enumerate(self._turned)
        }
        slots, first_stock = self.builder.slots, len(self._turned)
        # the stocks are final once the last sub-step has integrated them: before the end values
        end: list[Block] = [
            (sid, [(reduce, (slots[sid], None, None, sums[i : i + 1].reshape(())))])
            for i, sid in enumerate(self._stocks, start=first_stock)
        ]
        for name in plans["end"]:
            end += groups[name]
            if groups[name] and name in checks:
                end.append(checks.pop(name))
        once = [checks.pop(name) for name, _ in self._turned if self.tier[name] == TURN and name in checks]
        first, substep, _ = self._run_phases
        first = turn + once + first[len(turn) :]
        return first, substep, end + list(checks.values())

    def _spans(self, swap: Mapping[int, Array] | None = None) -> list[tuple[list[Block], ...]]:
        """The turn's phases for each span of runs (one span, or one a thread), on the program's
        own buffers or, summing each value as it is final (``_with_sums``), with ``swap``'s."""
        spans = []
        bounds, rows = self._bounds, self.rows
        for number, (lo, hi) in enumerate(zip(bounds, bounds[1:], strict=False)):
            private = self._privates[number]
            if swap is None:
                run = self._run_phases
            else:
                if self._checked is None:
                    self._checked = self._with_sums()
                run = self._checked
            phases = tuple(_span(phase, (lo, hi), rows, private, swap) for phase in run)
            spans.append(tuple(map(_quick_operands, phases)) if QUICK_OPERANDS else phases)
        return spans

    def _transient_less(self, kept: frozenset[str]) -> frozenset[str]:
        """The names a generation's turn hands out as views: all but those its game keeps (the
        same set object every turn, as the recorder reads it)."""
        found = self._transients.get(kept)
        if found is None:
            found = self._transients[kept] = self._transient - kept
        return found

    def _free_generation(self) -> _Generation | None:
        """A generation a big batch's turn may write (``_Generation``), made when none is free
        and fewer than ``GENERATIONS`` are; None when every one is held."""
        for generation in self.generations:
            if generation.free():
                return generation
        if len(self.generations) >= GENERATIONS:
            return None
        generation = self._new_generation()
        generation.settle()  # its own references counted once nothing else here holds its arrays
        self.generations.append(generation)
        return generation

    def _new_generation(self) -> _Generation:
        slots = self.builder.slots
        # nans to start with: a buffer read before the turn writes it would stop the turn
        empty = self.builder.empty

        def nans(like: Array) -> Array:
            buffer = empty(like.shape, like.dtype)
            buffer[...] = np.nan
            return buffer

        swap = {id(out): nans(out) for _, out in self._turned}
        swap.update((id(slots[sid]), nans(slots[sid])) for sid in self._stocks)
        outputs = {name: swap[id(out)] for name, out in self._turned}
        own = {**slots, **{sid: swap[id(slots[sid])] for sid in self._stocks}}

        def leaving(buffers: Iterable[tuple[str, Array]]) -> list[tuple[str, Array]]:
            views = []
            for name, buffer in buffers:
                view = buffer.T
                view.flags.writeable = False
                views.append((name, view))
            return views

        named = leaving(outputs.items())
        stocks = leaving((sid, own[sid]) for sid in self._stocks)
        return _Generation(self._spans(swap), outputs, own, named, stocks)

    # ------------------------------------------------------------------ building

    def _spread_fixed(self, phases: tuple[list[Block], ...]) -> tuple[list[Block], ...]:
        """The phases with each operand of an ``EXACT_ELEMENTWISE`` call that is a table's value
        fixed for the game (one column of several rows, a constant or computed by the setup tier)
        read from a copy spread over every run (``self.spreads``, filled after each setup): the
        same numbers, through numpy's loop for operands of one shape instead of its broadcasting
        iterator. A one-row operand is left to ``_quick_operands``."""
        b, rows = self.builder, self.rows
        spread_of: dict[tuple[int, tuple[int, ...], tuple[int, ...]], Array] = {}

        def spread(value: Any, shape: tuple[int, ...]) -> Any:
            if (
                not isinstance(value, np.ndarray)
                or value.shape == shape
                or value.shape != (shape[0], 1)
                or shape[0] < 2
                or b.tier(value) != SETUP
            ):
                return value
            key = (value.__array_interface__["data"][0], value.shape, value.strides)
            copy = spread_of.get(key)
            if copy is None:
                copy = spread_of[key] = np.empty((shape[0], rows), dtype=value.dtype)
                self.spreads.append((copy, value))
            return copy

        def spread_operand(value: Any, result: Array) -> Any:
            return spread(value, result.shape) if result.shape[1] == rows else value

        return tuple(_exact_calls_with(blocks, spread_operand) for blocks in phases)

    def _shared_per_run_invariants(self) -> list[Array]:
        """The buffers every span would share and the turn writes: a value the same in every
        run (one column), computed per turn or per sub-step, that is not copied in before the
        spans start (the date is). Each span past the first gets its own copy of each."""
        b = self.builder
        inputs = {id(buffer) for buffer in b.inputs}
        return [
            buffer
            for buffer in b.buffers
            if buffer.ndim == 2
            and buffer.shape[1] != self.rows
            and b.tiers[id(buffer)] != SETUP
            and id(buffer) not in inputs
        ]

    def _inputs(self, stepper: Stepper, layout: Layout) -> None:
        b, world, rows = self.builder, stepper.world, self.rows
        for key, value in stepper.const.items():
            if key not in stepper.params:  # the world's fields, the turn's length: the same for every game
                b.register(key, value.T, SETUP)
        for key, shape, dtype, one in layout:
            # read by name where the formulas read it, under a key of its own where actions or
            # events change it (the name is then the modified value, computed from this)
            slot = key if key in stepper.const else ("parameter", key)
            buffer = b.input(slot, (shape[1], 1 if one else shape[0]), SETUP, np.dtype(dtype))
            self.game_inputs.append((key, buffer, one))
        for key in ("turn", "year"):
            b.input(key, (1, 1), TURN)
        for sid in world.stocks:
            b.input(sid, (self.width(world.stocks[sid].over), rows), STEP)
        for name, k in world.lagged:
            axis = world.symbols[name].axis if name in world.symbols else None
            b.input((name, k), (self.width(axis), rows), TURN)
        for sid in world.sides:
            b.input(f"{sid}_action_cost", (1, rows), TURN)
        for aid, info in world.actions.items():
            channels = b.input(("channels", aid), (info.channels.shape[1], rows), TURN)
            b.register(aid, channels[0:1], TURN)
        for mods in world.modifiers.values():
            for mod in mods:
                if mod.effect_key is not None and ("active", mod.effect_key) not in b.slots:
                    b.input(("active", mod.effect_key), (1, rows), TURN)

    def width(self, axis: str | None) -> int:
        return 1 if axis is None else len(self.stepper.world.tables[axis].rows)

    def _emit_name(self, name: str) -> Array:
        """The instructions of one computed name: its formula, then the effects on it."""
        b, stepper, world = self.builder, self.stepper, self.stepper.world
        own = world.variables.get(name) or world.flows.get(name)
        if own is not None:
            value = own.emit(b)
        else:  # a parameter or a field that actions or events change (a constant: laid out on use)
            value = b.read(("parameter", name)) if name in stepper.params else world.fields[name]
        if name not in world.modifiers:
            return value
        mult: Array | float = 1.0
        add: Array | float = 0.0
        for mod in world.modifiers[name]:
            b.owner = mod
            if mod.source_kind == "action":
                if mod.channel >= 0:
                    strength = b.row(("channels", mod.source), mod.channel)
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
        self, sid: str, inflows: Sequence[str], outflows: Sequence[str], low: float | None, high: float | None
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
        if low is not None or high is not None:
            b.append(STEP, (_settle_in_place, (stock, low, high, sid, 0)), (stock,))

    # ------------------------------------------------------------------ running

    def element_operations(self) -> float:
        """Element operations one run performs in a turn: what a plain numpy baseline must match.

        Every instruction of the phases a turn runs counts the elements of its result (its
        largest operand for checks), divided by the runs it serves; the once-per-game tier is
        left out.
        """
        phases = [self.first] + [self.substep] * (self.stepper.scenario.substeps - 1) + [self.end]
        total = 0.0
        for phase in phases:
            for _, instructions in phase:
                for function, args in instructions:
                    arrays = [a for a in args if isinstance(a, np.ndarray)]
                    if isinstance(function, partial) and "out" in function.keywords:
                        arrays.append(function.keywords["out"])
                    total += max(a.size for a in arrays) / self.rows
        return total

    def _run(self, blocks: list[Block], turn: int) -> None:
        """Run a phase's blocks; a nan or a breach raises the game's error."""
        owner: Owner = ""
        try:
            for owner, instructions in blocks:  # noqa: B007 (read on an error)
                for function, args in instructions:
                    function(*args)
        except NotANumber as exc:
            raise self._nan_error(owner, exc, turn) from None
        except _OutOfRange as exc:
            raise self._range_error(exc, turn) from None

    def _range_error(self, exc: _OutOfRange, turn: int) -> Exception:
        """The reference integration's error for a stock out of range, naming its flows' rates."""
        stepper = self.stepper
        _, inflows, outflows, _, _ = next(entry for entry in stepper.integration if entry[0] == exc.stock)
        outputs = self.outputs if self.generation is None else self.generation.outputs
        rates = {fid: outputs[fid].T for fid in (*inflows, *outflows)}
        shape = (self.rows, self.builder.slots[exc.stock].shape[0])
        flows = describe_flows(rates, inflows, outflows, exc.breach, shape)
        try:
            stepper.out_of_range(exc.stock, exc.breach, turn, f"its flows a year: {flows}")
        except Exception as error:  # out_of_range always raises: hand its error back
            return error
        raise AssertionError("out_of_range returned")

    def _nan_error(self, owner: Owner, exc: NotANumber, turn: int) -> Exception:
        stepper = self.stepper
        origin = stepper.modifier_origin(owner) if isinstance(owner, Modifier) else stepper.origin_of(owner)
        return finite.not_a_number(stepper, origin, exc, turn)

    def _run_steps(self, phase: Phase, turn: int) -> None:
        """A phase on the scalar runner, a nan met inside reported like ``_run`` does."""
        cursor = [0]  # the generated code notes which block it is in
        try:
            phase.function(self.scalar.values, cursor)  # type: ignore[union-attr]
        except NotANumber as exc:
            raise self._nan_error(phase.owners[cursor[0]], exc, turn) from None
        except _OutOfRange as exc:
            self.scalar.store()  # type: ignore[union-attr]  # the error names the flows' rates: from the buffers
            raise self._range_error(exc, turn) from None

    def _integrate_turn(
        self, phases: tuple[list[Block], ...], turn: int, copies: Copies = ((), (0, 0))
    ) -> Failure | None:
        """The turn's sub-steps and its end values, for one span of runs (runs never interact);
        then ``copies``: each (buffer, array) pair's span of runs (the second item) copied
        from the buffer into the (runs, rows) array.

        An error is handed back with where in the turn it arose (the phase, the block), so that
        of several spans the one the whole batch would have met first is raised."""
        substeps = self.stepper.scenario.substeps
        raw = span_worker.run_phases(phases, substeps, STOPS)  # as a worker process runs its span
        if raw is not None:
            return self._failure_in(phases, raw, turn, substeps)
        pairs, (lo, hi) = copies
        for buffer, out in pairs:
            _transposed(buffer[:, lo:hi], out[lo:hi])
        return None

    def _integrate_in_thread(
        self, errors: Mapping[str, Any], phases: tuple[list[Block], ...], turn: int, copies: Copies
    ) -> Failure | None:
        """``_integrate_turn`` in a worker thread, under the caller's floating-point error
        handling (numpy keeps it per thread: a thread starts with numpy's defaults)."""
        with np.errstate(**errors):  # type: ignore[arg-type]
            return self._integrate_turn(phases, turn, copies)

    def _span_workers(self) -> list[span_worker.SpanWorker]:
        """The worker processes that run the spans past the first (``game.engine.span_worker``),
        forked now if need be: once every set of spans a turn may run exists (the program's own
        and each generation's), as the worker sees only what there was at the fork. None (the
        spans then run in threads) where processes are not to be used: spans in threads, or
        other threads about that a fork could catch holding a lock (``span_worker.may_fork``)."""
        workers = self._workers
        if workers and all(worker.mine() for worker in workers):
            return workers
        if workers:  # a process forked from the one that started them: they are not ours
            span_worker.stop(workers)
            self._workers = workers = []
        if not self._process_spans or not span_worker.may_fork(TURN_THREADS):
            return workers
        while GENERATIONS and self.rows > SMALL_BATCH_RUNS and len(self.generations) < GENERATIONS:
            generation = self._new_generation()
            generation.settle()
            self.generations.append(generation)
        try:
            for number in range(1, len(self.spans)):
                workers.append(span_worker.SpanWorker(partial(_worker_turn, self, number)))
        except OSError:  # no fork to be had (memory, process limits): threads, as before
            span_worker.stop(workers)
            self._process_spans = False
            return []
        self._workers = workers
        weakref.finalize(self, span_worker.stop, list(workers))
        return workers

    def _integrate_in_processes(
        self, spans: list[tuple[list[Block], ...]], turn: int, generation: _Generation | None
    ) -> None:
        """The turn's spans: the first here, the others in the worker processes, at once; raises
        the error the whole batch would have met first (of two at one place, the lower runs')."""
        which = -1 if generation is None else self.generations.index(generation)
        substeps = self.stepper.scenario.substeps
        errors = np.geterr()
        workers = self._workers
        failures: list[Failure] = []
        try:
            for worker in workers:
                worker.start((which, turn, substeps, errors))
            failed = self._integrate_turn(spans[0], turn)
            if failed is not None:
                failures.append(failed)
        finally:  # every worker started answers, whatever happened here
            lost: BaseException | None = None
            for number, worker in enumerate(workers, start=1):
                if not worker.busy:
                    continue
                try:
                    raw = worker.result()
                except BaseException as exc:  # noqa: BLE001 (raised once every worker has answered)
                    lost = lost or exc
                    continue
                if raw is not None:
                    failures.append(self._failure_in(spans[number], raw, turn, substeps))
            if any(worker.broken for worker in workers):  # a new turn forks new ones
                span_worker.stop(workers)
                self._workers = []
            if lost is not None:
                raise lost
        if failures:
            raise min(failures, key=lambda failed: failed[0])[1]

    def _failure_in(
        self, phases: tuple[list[Block], ...], raw: span_worker.Raw, turn: int, substeps: int
    ) -> Failure:
        """A span's nan or stock out of range (``span_worker.run_phases``) as the game's error,
        with where in the turn it arose, like ``_run`` raises it."""
        (number, index), exc = raw
        first, substep, end = phases
        phase = first if number == 0 else end if number == substeps else substep
        if isinstance(exc, _OutOfRange):
            return (number, index), self._range_error(exc, turn)
        assert isinstance(exc, NotANumber)
        return (number, index), self._nan_error(phase[index][0], exc, turn)

    def advance(
        self,
        caller: Stepper,
        stocks: dict[str, Array],
        turn: int,
        lags: Mapping[Any, Array],
        channels: Mapping[str, Array],
        active: Mapping[tuple[str, int], Array],
        side_costs: Mapping[str, Array],
    ) -> dict[Any, Array]:
        """Integrate one turn: ``stocks`` are replaced by their new values; returns the end values.

        ``caller`` is the stepper of the game playing the turn (games whose numbers are all the
        same share a program; the turn's errors name the caller's game). Hold ``lock``."""
        self.stepper = caller
        stepper, slots = caller, self.builder.slots
        if self.bound is not caller:
            self._bind(caller, turn)
        time = stepper.time(turn)
        inputs: list[tuple[Any, Array]] = [*time.items(), *lags.items(), *side_costs.items()]
        inputs += [(("channels", aid), value) for aid, value in channels.items()]
        # an effect on a stock is a jump, applied outside the tape: it has no slot
        inputs += [(("active", key), value) for key, value in active.items() if ("active", key) in slots]
        inputs += stocks.items()
        if self.rows == 1 and SCALAR:
            if self.scalar is None:
                self.scalar = ScalarRunner(self)
            self.scalar.load(inputs)  # straight into its numbers: the buffers are not read
            first, substep, end = self.scalar.phases
            self._run_steps(first, turn)
            for _ in range(stepper.scenario.substeps - 1):
                self._run_steps(substep, turn)
            self._run_steps(end, turn)
            # the numbers leave as arrays made from them: the buffers are not brought up to date
            # (the next turn copies its inputs in, and numpy's steps write what they read first)
            if self._leave is None:
                self._leave = self.scalar.leaver(
                    {sid: slots[sid] for sid in stocks},
                    {n: out for n, out in self.outputs.items() if self.tier[n] != SETUP},
                )
            (stocks_out, named), finite = self._leave()
            stocks.update(stocks_out)
            self.scalar.kept(stocks_out)
            env = self._env(stocks, time, lags, channels, side_costs, named)
            if finite:  # every number that leaves
                env.finite = self._fixed_env()[1]
            return env
        big = self.rows > SMALL_BATCH_RUNS
        generation = self.generation = self._free_generation() if big and GENERATIONS else None
        spans = self.spans if generation is None else generation.spans
        into = slots if generation is None else generation.slots
        copyto = np.copyto
        for key, value in inputs:
            copyto(into[key], value.T)
        # what the game keeps of a generation's values leaves as copies, each thread its own runs'
        kept: list[tuple[str, Array, bool]] = []
        pairs: list[tuple[Array, Array]] = []
        if generation is not None and caller.kept:
            kept = generation.kept(caller.kept)
            pairs = [(buffer, np.empty(buffer.T.shape, buffer.dtype)) for _, buffer, _ in kept]
        bounds = self._bounds
        if len(spans) == 1:
            failed = self._integrate_turn(spans[0], turn, (pairs, (0, self.rows)))
            if failed is not None:
                raise failed[1]
        elif self._span_workers():
            self._integrate_in_processes(spans, turn, generation)
            for buffer, out in pairs:  # every span done: the copies, all runs at once
                _transposed(buffer, out)
        else:
            pool = _thread_pool()
            errors = np.geterr()
            ranges = zip(bounds, bounds[1:], strict=False)
            jobs = [(span, (pairs, span_runs)) for span, span_runs in zip(spans, ranges, strict=True)]
            if pool is None:  # no thread to be had: one span after another, here
                outcomes = [self._integrate_turn(span, turn, copies) for span, copies in jobs]
            else:
                integrate = partial(self._integrate_in_thread, errors)
                futures = [pool.submit(integrate, span, turn, copies) for span, copies in jobs]
                outcomes = [future.result() for future in futures]
            failures = [failed for failed in outcomes if failed is not None]
            if failures:  # the first the whole batch meets; of two at one place, the lower runs'
                raise min(failures, key=lambda failed: failed[0])[1]
        if self.rows <= SMALL_BATCH_RUNS:
            named, finite = self._leave_small(stocks)
            env = self._env(stocks, time, lags, channels, side_costs, named)
            if finite:
                env.finite = self._fixed_env()[1]
            return env
        # each value leaves as a copy and is summed while that copy is still in the cache: the
        # recorder's finiteness test, on the very same arrays, need not read them again
        finite = True
        total, isfinite = np.add.reduce, math.isfinite
        take = self.recycler.take
        if generation is not None:  # the values leave as they are, in buffers the next turn leaves alone
            stocks.update(generation.stocks)
            named = generation.named
            if kept:
                copies = [(name, out) for (name, _, _), (_, out) in zip(kept, pairs, strict=True)]
                stocks.update(item for item, (_, _, stock) in zip(copies, kept, strict=True) if stock)
                named = [*named, *copies]
            for sums in self._span_sums:
                finite = finite and isfinite(total(sums))
        else:
            for sid in stocks:
                buffer = slots[sid]
                value = stocks[sid] = _transposed(buffer, take(sid, buffer.T.shape, buffer.dtype))
                finite = finite and isfinite(total(value, axis=None))
            named = []
            for name, out in self._turned:
                value = _transposed(out, take(name, out.T.shape, out.dtype))
                finite = finite and isfinite(total(value, axis=None))
                named.append((name, value))
        env = self._env(stocks, time, lags, channels, side_costs, named)
        if generation is not None:
            env.transient = self._transient_less(caller.kept)
        if finite:
            env.finite = self._fixed_env()[1]
        return env

    def _leave_small(self, stocks: dict[str, Array]) -> tuple[list[tuple[str, Array]], bool]:
        """A small batch's values as they leave the program (see ``SMALL_BATCH_RUNS``): the stocks
        replaced in ``stocks``, and the names computed this turn, each a new C-ordered (runs, rows)
        copy of its buffer; and whether every one is finite, from one sum over all the buffers (a
        nan or an infinity makes it so; a sum too big for a float makes it so too, and the
        recorder then tests each value itself)."""
        slots = self.builder.slots
        if self._small is None:
            turned = [(name, out) for name, out in self.outputs.items() if self.tier[name] != SETUP]
            buffers = [slots[sid] for sid in stocks] + [out for _, out in turned]
            # a C-ordered buffer's flat view reads what the buffer holds each turn; another's is a copy
            flat = [buffer.reshape(-1) if buffer.flags.c_contiguous else buffer for buffer in buffers]
            self._small = (turned, flat)
        turned, flat = self._small
        for sid in stocks:
            stocks[sid] = slots[sid].T.copy()
        named = [(name, out.T.copy()) for name, out in turned]
        every = np.concatenate([value if value.ndim == 1 else value.ravel() for value in flat])
        return named, math.isfinite(np.add.reduce(every))

    def _env(
        self,
        stocks: Mapping[str, Array],
        time: Mapping[Any, Array],
        lags: Mapping[Any, Array],
        channels: Mapping[str, Array],
        side_costs: Mapping[str, Array],
        named: Iterable[tuple[str, Array]],
    ) -> TurnValues:
        """The turn's end values: the names computed this turn (``named``, copies of their
        buffers) beside the constants and the names fixed for the game, which are the same
        arrays every turn (a copy of one dict, not a view made of each name each turn)."""
        env = TurnValues(self._fixed_env()[0])
        env.update(time)
        env.update(lags)
        env.update(side_costs)
        for aid, value in channels.items():
            env[aid] = value[:, 0:1]
        env.update(stocks)
        env.update(named)
        return env

    def _fixed_env(self) -> tuple[dict[Any, Array], frozenset[str]]:
        """The caller's constants and the names fixed for its game, with every other name's key
        in its place (its value is set each turn), so each turn's values keep one order; and the
        names whose values a finite turn vouches for. Made once a game, while its numbers are in
        the buffers: the names fixed for the game leave as read-only copies of their own, as
        another game taking the program computes its own into the same buffers."""
        stepper = self.stepper
        made = self._fixed.get(stepper)
        if made is not None:
            return made
        world = stepper.world
        fixed: dict[Any, Any] = dict(stepper.const)
        keys = [
            "turn",
            "year",
            *world.lagged,
            *(f"{sid}_action_cost" for sid in world.sides),
            *world.actions,
            *world.stocks,
        ]
        fixed.update(dict.fromkeys(keys))
        for name, out in self.outputs.items():
            if self.tier[name] == SETUP:
                value = fixed[name] = out.T.copy()
                value.flags.writeable = False
            else:
                fixed[name] = None
        # the names fixed for the game are the same read-only arrays every turn: tested once
        setup = [name for name in self.outputs if self.tier[name] == SETUP]
        turned = [name for name in self.outputs if self.tier[name] != SETUP]
        if not all(math.isfinite(np.add.reduce(fixed[name], axis=None)) for name in setup):
            setup = []
        made = self._fixed[stepper] = (fixed, frozenset([*world.stocks, *turned, *setup]))
        return made

    def _bind(self, caller: Stepper, turn: int) -> None:
        """Make the buffers hold ``caller``'s game: its parameters copied into their inputs and the
        once-a-game tier run on them (games of other seeds or pins share the program and take turns
        on it; each takes it back in the state its own setup leaves)."""
        bits = self._bits.get(caller)
        if bits is None:
            values = (np.ascontiguousarray(caller.params[key]) for key, _, _ in self.game_inputs)
            bits = self._bits[caller] = b"".join(value.tobytes() for value in values)
        if self.bound is not None and bits == self._bound_bits:
            # a game of the same numbers (a status-quo twin, a game like one before): set up already
            self.bound = caller
            return
        self.bound = None  # until the setup has run through: a nan in it leaves nobody set up
        for key, buffer, one in self.game_inputs:
            value = caller.params[key]
            np.copyto(buffer, (value[:1] if one else value).T)
        fixed = [out for name, out in self.outputs.items() if self.tier[name] == SETUP]
        for out in fixed:
            out.flags.writeable = True
        try:
            self._run(self.builder.setup, turn)
        finally:
            for out in fixed:
                out.flags.writeable = False
        for copy, value in self.spreads:
            np.copyto(copy, value)
        if self.scalar is not None:
            self.scalar.refresh()
        self.bound, self._bound_bits = caller, bits
