"""Check a parsed formula against the names the world defines and build its evaluator.

The evaluator is a tree of small Python closures, each calling one numpy function, built
once at load time: all checks and dispatch happen here, so evaluating does nothing but
look names up and call ufuncs. Values are 2-D arrays: ``(runs, 1)`` for a number per run,
``(runs, rows)`` or ``(1, rows)`` for a quantity over an entity table, so one evaluation
serves every simulated run and numpy broadcasting does the rest.
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


def compile_formula(formula: Formula, scope: Scope) -> CompiledFormula:
    """Check ``formula``'s names, rows and shapes against ``scope`` and build its evaluator."""
    part = _Compiler(scope).part(formula.tree)
    return CompiledFormula(formula.text, part.axis, formula.names, formula.lags, part.run)


@dataclass(frozen=True, slots=True)
class _Part:
    """A compiled sub-expression: how to compute it, its table, and what kind it is."""

    run: Evaluator
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

    return _Part(run, None, array.dtype == np.bool_, array)


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
    return _Part(part.run, axis, part.boolean, part.constant)


def _no_nan(part: _Part, offset: int, role: str) -> _Part:
    """``part``, checked for nan before ``role`` uses it (a comparison, a condition...).

    numpy turns nan into false in a comparison and into true in a condition, so a 0/0
    upstream would steer the game without a trace; this raises NotANumber instead.
    Constants (checked when folded) and true/false values cannot be nan and pass as they are.
    """
    if part.constant is not None or part.boolean:
        return part
    inner, isnan = part.run, np.isnan
    message = f"nan (not a number) reached {role} at character {offset + 1} of the formula"

    def run(env: Env) -> np.ndarray:
        value = inner(env)
        if isnan(value).any():
            raise NotANumber(message, offset)
        return value

    return _Part(run, part.axis, part.boolean)


def _as_number(part: _Part) -> _Part:
    """``part`` with true/false turned into 1.0/0.0, for arithmetic and functions."""
    if not part.boolean:
        return part
    if part.constant is not None:
        return _constant_part(part.constant.astype(np.float64))
    inner = part.run
    float64 = np.float64

    def run(env: Env) -> np.ndarray:
        return inner(env).astype(float64)

    return _Part(run, part.axis)


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
            hint = did_you_mean(name, self.scope.known_names())
            if not hint and name in FUNCTIONS:
                hint = f"; {name} is a function: call it as {FUNCTIONS[name].usage}"
            raise FormulaError(f'unknown name "{name}"{hint}', offset)
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
        return _Part(itemgetter(node.name), self.axis_of(node.name, node.offset))

    def row(self, node: Row) -> _Part:
        return _Part(_row_of(node.name, self.row_index(node)), None)

    def lag(self, node: Lag) -> _Part:
        target = node.target
        key = (target.name, node.k)
        if isinstance(target, Row):
            return _Part(_row_of(key, self.row_index(target)), None)
        return _Part(itemgetter(key), self.axis_of(target.name, target.offset))

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
            inner = _no_nan(operand, node.operand.offset, "`not`").run
            logical_not = np.logical_not

            def run_not(env: Env) -> np.ndarray:
                return logical_not(inner(env))

            part = _Part(run_not, operand.axis, boolean=True)
        elif node.op == "-":
            operand = _as_number(operand)
            inner = operand.run
            negative = np.negative

            def run_negative(env: Env) -> np.ndarray:
                return negative(inner(env))

            part = _Part(run_negative, operand.axis)
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
        if left.constant is not None and right.constant is not None:
            return _fold(_apply2(ufunc, left, right), axis, node.offset)
        return _Part(_apply2(ufunc, left, right), axis, boolean)

    def logic(self, node: Logic) -> _Part:
        parts = [self.part(operand) for operand in node.operands]
        axis = self.merge(node.operands, parts)
        parts = [_no_nan(p, n.offset, f"`{node.op}`") for p, n in zip(parts, node.operands, strict=True)]
        run = _apply_all(_LOGIC[node.op], parts)
        if all(part.constant is not None for part in parts):
            return _fold(run, axis, node.offset)
        return _Part(run, axis, boolean=True)

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
            run = _where(*parts)
            boolean = parts[1].boolean and parts[2].boolean
        else:
            parts = [_as_number(part) for part in parts]
            boolean = False
            if function in _ELEMENTWISE:
                run = _apply1(_ELEMENTWISE[function], parts[0].run)
            elif function == "clip":
                run = _clip(*parts)
            elif function == "min":
                run = _apply_all(np.minimum, parts)
            elif function == "max":
                run = _apply_all(np.maximum, parts)
            else:
                raise TypeError(f"no compiler for function {function!r}")
        if all(part.constant is not None for part in parts):
            return _fold(run, axis, node.offset)
        return _Part(run, axis, boolean)

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
        inner = arg.run
        if function == "is_max":
            return _Part(_is_max(inner, count), arg.axis)
        if function == "argmax":
            argmax, float64 = np.argmax, np.float64

            def run_argmax(env: Env) -> np.ndarray:
                return argmax(inner(env), axis=1, keepdims=True).astype(float64)

            return _Part(run_argmax, None)
        if function == "mean":
            add, scale = np.add.reduce, 1.0 / count

            def run_mean(env: Env) -> np.ndarray:
                return add(inner(env), axis=1, keepdims=True) * scale

            return _Part(run_mean, None)
        reduce = {"sum": np.add, "min": np.minimum, "max": np.maximum}[function].reduce

        def run_reduce(env: Env) -> np.ndarray:
            return reduce(inner(env), axis=1, keepdims=True)

        return _Part(run_reduce, None)


def _row_of(key: Any, index: int) -> Evaluator:
    """An evaluator of column ``index`` of ``env[key]``, kept 2-D."""
    stop = index + 1

    def run(env: Env) -> np.ndarray:
        return env[key][:, index:stop]

    return run


def _apply1(ufunc: np.ufunc, inner: Evaluator) -> Evaluator:
    """An evaluator of ``ufunc(inner)``."""

    def run(env: Env) -> np.ndarray:
        return ufunc(inner(env))

    return run


def _where(condition: _Part, then: _Part, otherwise: _Part) -> Evaluator:
    """An evaluator of ``where(condition, then, otherwise)``."""
    c, a, b = condition.run, then.run, otherwise.run
    where = np.where

    def run(env: Env) -> np.ndarray:
        return where(c(env), a(env), b(env))

    return run


def _clip(value: _Part, low: _Part, high: _Part) -> Evaluator:
    """An evaluator of ``value`` held inside ``[low, high]`` (``high`` wins if low > high)."""
    x, lo, hi = value.run, low.run, high.run
    maximum, minimum = np.maximum, np.minimum

    def run(env: Env) -> np.ndarray:
        return minimum(maximum(x(env), lo(env)), hi(env))

    return run


def _is_max(inner: Evaluator, count: int) -> Evaluator:
    """An evaluator of 1.0 on each run's first largest row, 0.0 elsewhere."""
    columns = np.arange(count).reshape(1, count)
    argmax, equal, float64 = np.argmax, np.equal, np.float64

    def run(env: Env) -> np.ndarray:
        return equal(columns, argmax(inner(env), axis=1, keepdims=True)).astype(float64)

    return run
