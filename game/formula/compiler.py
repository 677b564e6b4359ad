"""Check a parsed formula against the names the world defines and build its evaluator.

The evaluator is a tree of small Python closures, each calling one numpy function, built
once at load time: all checks and dispatch happen here, so evaluating does nothing but
look names up and call ufuncs. Values are 2-D arrays: ``(runs, 1)`` for a number per run,
``(runs, rows)`` or ``(1, rows)`` for a quantity over an entity table, so one evaluation
serves every simulated run and numpy broadcasting does the rest.

Each compiled part can also ``emit`` itself onto an ``Emitter``: the same numpy calls, in
the same order and with the same operands, written once into a flat list of instructions
over buffers allocated in advance. The engine runs a whole turn that way (see
``game.engine.program``); the closures stay the reference that the tape must match bit
for bit, and serve the one-off evaluations (conditions, costs, prerequisites).

Why one long module: the checks, the closures and their ``emit`` twins are written side by side,
one function per operation, so that the reference evaluation and the tape it must match to the
bit are read and changed together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Literal, Protocol

import numpy as np

from game.errors import did_you_mean
from game.formula.language import (
    FUNCTIONS,
    Binary,
    Call,
    Formula,
    FormulaError,
    Lag,
    Logic,
    Name,
    Node,
    NotANumber,
    Number,
    Row,
    Unary,
)

Env = Mapping[Any, np.ndarray]
"""What an evaluation reads: name -> array, and (name, k) -> that name's array k turns ago."""
Evaluator = Callable[[Env], np.ndarray]


class Emitter(Protocol):
    """Where compiled parts write their instructions (the engine's program builder implements it).

    Every method returns the buffer that will hold the result once the instructions run;
    buffers are preallocated arrays, so emitting costs nothing at run time.
    """

    def read(self, key: Any) -> np.ndarray:
        """The buffer holding a name's value (or a lag's, for a ``(name, k)`` key)."""
        ...

    def row(self, key: Any, index: int) -> np.ndarray:
        """One row of a name's (or a lag's) value over a table, as a view of its buffer."""
        ...

    def ufunc(self, ufunc: np.ufunc, *args: np.ndarray | float) -> np.ndarray:
        """``ufunc(*args)`` into a new buffer of the broadcast shape and the ufunc's result type."""
        ...

    def reduce(self, ufunc: np.ufunc, arg: np.ndarray) -> np.ndarray:
        """``ufunc.reduce(arg, axis=1, keepdims=True)``."""
        ...

    def argmax(self, arg: np.ndarray) -> np.ndarray:
        """``argmax(arg, axis=1, keepdims=True)`` as integers."""
        ...

    def where(self, condition: np.ndarray, then: np.ndarray, otherwise: np.ndarray) -> np.ndarray:
        """``np.where(condition, then, otherwise)``."""
        ...

    def as_float(self, arg: np.ndarray) -> np.ndarray:
        """``arg.astype(float64)``."""
        ...

    def check(self, test: Callable[[np.ndarray], None], arg: np.ndarray) -> None:
        """Call ``test(arg)`` at this point (it raises when the value is unusable)."""
        ...


Emit = Callable[[Emitter], np.ndarray]


class Scope(Protocol):
    """What the compiler needs to know about the world's names; the engine implements it."""

    def axis_of(self, name: str) -> str | None | Literal[False]:
        """The entity table a name is indexed over, None for a scalar, False if unknown."""
        ...

    def rows_of(self, table: str) -> tuple[str, ...]:
        """The row names of an entity table, in the order of its arrays' second axis."""
        ...

    def known_names(self) -> Iterable[str]:
        """Every name a formula may read, for did-you-mean suggestions."""
        ...


@dataclass(frozen=True, slots=True)
class CompiledFormula:
    """A formula ready to run: ``evaluate(env)`` returns its value for every run at once.

    ``axis`` is the entity table the result is over (None for one number per run). The
    result may be an array from ``env`` itself or a cached read-only constant, so treat it
    as read-only.
    """

    text: str
    axis: str | None
    names: frozenset[str]
    lags: frozenset[tuple[str, int]]
    evaluate: Evaluator = field(repr=False, compare=False)
    emit: Emit = field(repr=False, compare=False)


def unknown_name(scope: Scope, name: str, offset: int) -> FormulaError:
    """The error of a name the world does not know, with the name meant."""
    hint = did_you_mean(name, scope.known_names())
    if not hint and name in FUNCTIONS:
        hint = f"; {name} is a function: call it as {FUNCTIONS[name].usage}"
    return FormulaError(f'unknown name "{name}"{hint}', offset)


def compile_formula(formula: Formula, scope: Scope) -> CompiledFormula:
    """Check ``formula``'s names, rows and shapes against ``scope`` and build its evaluator."""
    part = _Compiler(scope).part(formula.tree)
    return CompiledFormula(formula.text, part.axis, formula.names, formula.lags, part.run, part.emit)


@dataclass(frozen=True, slots=True)
class _Part:
    """A compiled sub-expression: how to compute it (``run``, or ``emit`` onto a tape), its
    table, and what kind it is."""

    run: Evaluator
    emit: Emit
    axis: str | None
    boolean: bool = False
    constant: np.ndarray | None = None


_ARITHMETIC: dict[str, np.ufunc] = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.true_divide,
    "**": np.power,
    "%": np.remainder,
}
_COMPARISONS: dict[str, np.ufunc] = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "==": np.equal,
    "!=": np.not_equal,
}
_ELEMENTWISE: dict[str, np.ufunc] = {
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "abs": np.absolute,
}
_LOGIC: dict[str, np.ufunc] = {"and": np.logical_and, "or": np.logical_or}


def _constant_part(value: Any) -> _Part:
    """A part whose value never changes: a read-only (1, 1)-or-wider array."""
    array = np.array(value, dtype=np.bool_ if np.asarray(value).dtype == np.bool_ else np.float64)
    array = array.reshape((1,) * max(0, 2 - array.ndim) + array.shape)
    array.setflags(write=False)

    def run(env: Env) -> np.ndarray:
        return array

    def emit(emitter: Emitter) -> np.ndarray:
        return array

    return _Part(run, emit, None, array.dtype == np.bool_, array)


def _fold(run: Evaluator, axis: str | None, offset: int) -> _Part:
    """Evaluate a part that reads nothing once, now, and keep its value.

    A constant that is not a finite number (``0/0``, ``log(0)``, ``exp(1000)``) can only be
    a mistake, so it is refused here, at validate time, at the part that makes it.
    """
    try:
        with np.errstate(all="ignore"):
            value = run({})
    except NotANumber as exc:
        raise FormulaError(f"this part is always nan (not a number): {exc}", exc.offset) from None
    part = _constant_part(value)
    constant = part.constant
    if not part.boolean and constant is not None and not np.isfinite(constant).all():
        worst = constant.flat[int(np.argmin(np.isfinite(constant).ravel()))]
        what = "nan (not a number)" if np.isnan(worst) else f"{'-' if worst < 0 else ''}infinite"
        raise FormulaError(
            f"this part is always {what}, as 0/0, 1/0, log(0) and exp(1000) are; "
            "the game computes only with finite numbers",
            offset,
        )
    return _Part(part.run, part.emit, axis, part.boolean, part.constant)


class NanCheck:
    """Raises NotANumber if a value holds a nan (a class, so a compiled turn can tell the check
    from other calls and test single numbers in place, as ``x != x``)."""

    __slots__ = ("message", "offset")

    def __init__(self, message: str, offset: int) -> None:
        self.message, self.offset = message, offset

    def __call__(self, value: np.ndarray) -> None:
        if value.size == 1:  # a lone game's number: the one value not equal to itself is a nan
            number = value.item()
            if number != number:
                raise NotANumber(self.message, self.offset)
        elif np.isnan(value).any():
            raise NotANumber(self.message, self.offset)


def _no_nan(part: _Part, offset: int, role: str) -> _Part:
    """``part``, checked for nan before ``role`` uses it (a comparison, a condition...).

    numpy turns nan into false in a comparison and into true in a condition, so a 0/0
    upstream would steer the game without a trace; this raises NotANumber instead.
    Constants (checked when folded) and true/false values cannot be nan and pass as they are.
    """
    if part.constant is not None or part.boolean:
        return part
    inner, emit_inner = part.run, part.emit
    test = NanCheck(f"nan (not a number) reached {role} at character {offset + 1} of the formula", offset)

    def run(env: Env) -> np.ndarray:
        value = inner(env)
        test(value)
        return value

    def emit(emitter: Emitter) -> np.ndarray:
        value = emit_inner(emitter)
        emitter.check(test, value)
        return value

    return _Part(run, emit, part.axis, part.boolean)


def _as_number(part: _Part) -> _Part:
    """``part`` with true/false turned into 1.0/0.0, for arithmetic and functions."""
    if not part.boolean:
        return part
    if part.constant is not None:
        return _constant_part(part.constant.astype(np.float64))
    inner, emit_inner = part.run, part.emit
    float64 = np.float64

    def run(env: Env) -> np.ndarray:
        return inner(env).astype(float64)

    def emit(emitter: Emitter) -> np.ndarray:
        return emitter.as_float(emit_inner(emitter))

    return _Part(run, emit, part.axis)


def _emit_fold(ufunc: np.ufunc, parts: list[_Part]) -> Emit:
    """Emit ``ufunc`` folded over two or more parts, left to right, as the evaluators compute it."""
    emits = tuple(part.emit for part in parts)

    def emit(emitter: Emitter) -> np.ndarray:
        value = emits[0](emitter)
        for other in emits[1:]:
            value = emitter.ufunc(ufunc, value, other(emitter))
        return value

    return emit


def _emit_apply1(ufunc: np.ufunc, part: _Part) -> Emit:
    """Emit ``ufunc(part)``."""
    inner = part.emit

    def emit(emitter: Emitter) -> np.ndarray:
        return emitter.ufunc(ufunc, inner(emitter))

    return emit


def _apply2(ufunc: np.ufunc, left: _Part, right: _Part) -> Evaluator:
    """An evaluator of ``ufunc(left, right)``, with constant operands bound in advance."""
    a, b = left.run, right.run
    if left.constant is not None:
        const_a = left.constant

        def run_const_left(env: Env) -> np.ndarray:
            return ufunc(const_a, b(env))

        return run_const_left
    if right.constant is not None:
        const_b = right.constant

        def run_const_right(env: Env) -> np.ndarray:
            return ufunc(a(env), const_b)

        return run_const_right

    def run(env: Env) -> np.ndarray:
        return ufunc(a(env), b(env))

    return run


def _apply_all(ufunc: np.ufunc, parts: list[_Part]) -> Evaluator:
    """An evaluator folding ``ufunc`` over two or more parts, left to right, in a loop."""
    if len(parts) == 2:
        return _apply2(ufunc, parts[0], parts[1])
    first, rest = parts[0].run, tuple(part.run for part in parts[1:])

    def run(env: Env) -> np.ndarray:
        value = first(env)
        for other in rest:
            value = ufunc(value, other(env))
        return value

    return run


class _Compiler:
    """Compile one formula's tree against a scope, node by node."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def part(self, node: Node) -> _Part:
        """The compiled form of ``node``."""
        match node:
            case Number(value=value):
                return _constant_part(value)
            case Name():
                return self.name(node)
            case Row():
                return self.row(node)
            case Lag():
                return self.lag(node)
            case Unary():
                return self.unary(node)
            case Binary():
                return self.binary(node)
            case Logic():
                return self.logic(node)
            case Call():
                return self.call(node)
        raise TypeError(f"not a formula node: {node!r}")

    # ------------------------------------------------------------------ names

    def axis_of(self, name: str, offset: int) -> str | None:
        """The table ``name`` is over, or a FormulaError if the world has no such name."""
        axis = self.scope.axis_of(name)
        if axis is False:
            raise unknown_name(self.scope, name, offset)
        return axis

    def row_index(self, node: Row) -> int:
        """The column of ``node.row`` in ``node.name``'s table, checking both."""
        axis = self.axis_of(node.name, node.offset)
        if axis is None:
            raise FormulaError(
                f'"{node.name}" is one number per run, not a value over a table, '
                "so it has no rows to pick",
                node.row_offset,
            )
        rows = self.scope.rows_of(axis)
        if node.row not in rows:
            raise FormulaError(
                f'"{node.row}" is not a row of table "{axis}"{did_you_mean(node.row, rows)}',
                node.row_offset,
            )
        return rows.index(node.row)

    def name(self, node: Name) -> _Part:
        return _Part(itemgetter(node.name), _emit_read(node.name), self.axis_of(node.name, node.offset))

    def row(self, node: Row) -> _Part:
        return _row_of(node.name, self.row_index(node))

    def lag(self, node: Lag) -> _Part:
        target = node.target
        key = (target.name, node.k)
        if isinstance(target, Row):
            return _row_of(key, self.row_index(target))
        return _Part(itemgetter(key), _emit_read(key), self.axis_of(target.name, target.offset))

    # ------------------------------------------------------------------ operators

    def merge(self, nodes: Iterable[Node], parts: Iterable[_Part]) -> str | None:
        """The one table a group of operands is over, refusing a mix of two tables."""
        axis: str | None = None
        for node, part in zip(nodes, parts, strict=True):
            if part.axis is None:
                continue
            if axis is None:
                axis = part.axis
            elif part.axis != axis:
                raise FormulaError(
                    f'this mixes a value over table "{axis}" with a value over table '
                    f'"{part.axis}"; pick a row with name[row] or reduce with sum, mean, '
                    "max or min",
                    node.offset,
                )
        return axis

    def unary(self, node: Unary) -> _Part:
        operand = self.part(node.operand)
        if node.op == "not":
            checked = _no_nan(operand, node.operand.offset, "`not`")
            run, emit = _apply1(np.logical_not, checked.run), _emit_apply1(np.logical_not, checked)
            part = _Part(run, emit, operand.axis, boolean=True)
        elif node.op == "-":
            operand = _as_number(operand)
            part = _Part(_apply1(np.negative, operand.run), _emit_apply1(np.negative, operand), operand.axis)
        else:
            part = _as_number(operand)
        if operand.constant is not None:
            return _fold(part.run, part.axis, node.offset)
        return part

    def binary(self, node: Binary) -> _Part:
        left, right = self.part(node.left), self.part(node.right)
        axis = self.merge((node.left, node.right), (left, right))
        if node.op in _COMPARISONS:
            ufunc, boolean = _COMPARISONS[node.op], True
            role = f"the comparison {node.op}"
            left, right = _no_nan(left, node.left.offset, role), _no_nan(right, node.right.offset, role)
        else:
            ufunc, boolean = _ARITHMETIC[node.op], False
            left, right = _as_number(left), _as_number(right)
        run = _apply2(ufunc, left, right)
        if left.constant is not None and right.constant is not None:
            return _fold(run, axis, node.offset)
        return _Part(run, _emit_fold(ufunc, [left, right]), axis, boolean)

    def logic(self, node: Logic) -> _Part:
        parts = [self.part(operand) for operand in node.operands]
        axis = self.merge(node.operands, parts)
        parts = [_no_nan(p, n.offset, f"`{node.op}`") for p, n in zip(parts, node.operands, strict=True)]
        run = _apply_all(_LOGIC[node.op], parts)
        if all(part.constant is not None for part in parts):
            return _fold(run, axis, node.offset)
        return _Part(run, _emit_fold(_LOGIC[node.op], parts), axis, boolean=True)

    # ------------------------------------------------------------------ functions

    def call(self, node: Call) -> _Part:
        function, args = node.function, node.args
        parts = [self.part(arg) for arg in args]
        if function in ("sum", "mean", "argmax", "is_max") or (
            function in ("min", "max") and len(args) == 1
        ):
            arg = _as_number(parts[0])
            if function in ("argmax", "is_max"):  # numpy's argmax points at a nan as if it were largest
                arg = _no_nan(arg, args[0].offset, f"{function}()")
            return self.reduction(node, arg)
        axis = self.merge(args, parts)
        if function == "where":
            parts[0] = _no_nan(parts[0], args[0].offset, "the condition of where()")
            run, emit = _where(*parts)
            boolean = parts[1].boolean and parts[2].boolean
        else:
            parts = [_as_number(part) for part in parts]
            boolean = False
            if function in _ELEMENTWISE:
                ufunc = _ELEMENTWISE[function]
                run, emit = _apply1(ufunc, parts[0].run), _emit_apply1(ufunc, parts[0])
            elif function == "clip":
                run, emit = _clip(*parts)
            elif function in ("min", "max"):
                ufunc = np.minimum if function == "min" else np.maximum
                run, emit = _apply_all(ufunc, parts), _emit_fold(ufunc, parts)
            else:
                raise TypeError(f"no compiler for function {function!r}")
        if all(part.constant is not None for part in parts):
            return _fold(run, axis, node.offset)
        return _Part(run, emit, axis, boolean)

    def reduction(self, node: Call, arg: _Part) -> _Part:
        """sum, mean, one-argument min/max, argmax and is_max over a table's rows."""
        function = node.function
        if arg.axis is None:
            hint = ""
            if function in ("min", "max"):
                hint = " (to compare numbers, give it two or more arguments)"
            raise FormulaError(
                f"{function}() works over a table's rows, but its argument is one number "
                f"per run{hint}",
                node.args[0].offset,
            )
        count = len(self.scope.rows_of(arg.axis))
        if count == 0:
            raise FormulaError(
                f'{function}() over table "{arg.axis}", which has no rows', node.offset
            )
        inner, emit_inner = arg.run, arg.emit
        if function == "is_max":
            return _is_max(arg, count)
        if function == "argmax":
            argmax, float64 = np.argmax, np.float64

            def run_argmax(env: Env) -> np.ndarray:
                return argmax(inner(env), axis=1, keepdims=True).astype(float64)

            def emit_argmax(emitter: Emitter) -> np.ndarray:
                return emitter.as_float(emitter.argmax(emit_inner(emitter)))

            return _Part(run_argmax, emit_argmax, None)
        if function == "mean":
            add, scale, contiguous = np.add.reduce, 1.0 / count, np.ascontiguousarray

            def run_mean(env: Env) -> np.ndarray:
                return add(contiguous(inner(env)), axis=1, keepdims=True) * scale

            def emit_mean(emitter: Emitter) -> np.ndarray:
                return emitter.ufunc(np.multiply, emitter.reduce(np.add, emit_inner(emitter)), scale)

            return _Part(run_mean, emit_mean, None)
        ufunc = {"sum": np.add, "min": np.minimum, "max": np.maximum}[function]
        reduce, contiguous = ufunc.reduce, np.ascontiguousarray

        def run_reduce(env: Env) -> np.ndarray:
            # numpy adds a C-ordered row pairwise but a column-ordered table run by run (one
            # element of every row at a time), which rounds differently; each sum is made over
            # C-ordered rows so its bits never depend on how the table's memory was laid out
            # (and the compiled program, which adds in the pairwise order, gives the same)
            return reduce(contiguous(inner(env)), axis=1, keepdims=True)

        def emit_reduce(emitter: Emitter) -> np.ndarray:
            return emitter.reduce(ufunc, emit_inner(emitter))

        return _Part(run_reduce, emit_reduce, None)


def _emit_read(key: Any) -> Emit:
    """Emit a read of a name's (or a lag's) buffer: no instruction, the buffer itself."""

    def emit(emitter: Emitter) -> np.ndarray:
        return emitter.read(key)

    return emit


def _row_of(key: Any, index: int) -> _Part:
    """Column ``index`` of ``env[key]``, kept 2-D (on a tape: a view of its buffer, no copy)."""
    stop = index + 1

    def run(env: Env) -> np.ndarray:
        return env[key][:, index:stop]

    def emit(emitter: Emitter) -> np.ndarray:
        return emitter.row(key, index)

    return _Part(run, emit, None)


def _apply1(ufunc: np.ufunc, inner: Evaluator) -> Evaluator:
    """An evaluator of ``ufunc(inner)``."""

    def run(env: Env) -> np.ndarray:
        return ufunc(inner(env))

    return run


def _where(condition: _Part, then: _Part, otherwise: _Part) -> tuple[Evaluator, Emit]:
    """``where(condition, then, otherwise)``: its evaluator and its emitter."""
    c, a, b = condition.run, then.run, otherwise.run
    where = np.where

    def run(env: Env) -> np.ndarray:
        return where(c(env), a(env), b(env))

    def emit(emitter: Emitter) -> np.ndarray:
        return emitter.where(condition.emit(emitter), then.emit(emitter), otherwise.emit(emitter))

    return run, emit


def _clip(value: _Part, low: _Part, high: _Part) -> tuple[Evaluator, Emit]:
    """``value`` held inside ``[low, high]`` (``high`` wins if low > high): evaluator and emitter."""
    x, lo, hi = value.run, low.run, high.run
    maximum, minimum = np.maximum, np.minimum

    def run(env: Env) -> np.ndarray:
        return minimum(maximum(x(env), lo(env)), hi(env))

    def emit(emitter: Emitter) -> np.ndarray:
        held = emitter.ufunc(maximum, value.emit(emitter), low.emit(emitter))
        return emitter.ufunc(minimum, held, high.emit(emitter))

    return run, emit


def _is_max(arg: _Part, count: int) -> _Part:
    """1.0 on each run's first largest row, 0.0 elsewhere."""
    columns = np.arange(count).reshape(1, count)
    argmax, equal, float64 = np.argmax, np.equal, np.float64
    inner = arg.run

    def run(env: Env) -> np.ndarray:
        return equal(columns, argmax(inner(env), axis=1, keepdims=True)).astype(float64)

    def emit(emitter: Emitter) -> np.ndarray:
        return emitter.as_float(emitter.ufunc(equal, columns, emitter.argmax(arg.emit(emitter))))

    return _Part(run, emit, arg.axis)
