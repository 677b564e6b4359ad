"""A lone game's formulas outside its compiled turn, on Python numbers.

After each turn a game evaluates formulas of its own: the conditions and probabilities of
events, the scenario's endings, indicators' bounds that are formulas, costs that are formulas.
Evaluated by their closures, each operation is a numpy call on (1, 1) arrays (about a
microsecond each, most of the time an event's condition costs). For a game of one run, a
formula made only of operations that Python computes identically on single numbers
(``scalar.EXACT``: ``+ - * /``, comparisons, ``and``/``or``/``not``, ``abs``, ``min``/``max``,
``where``, true/false as 1.0/0.0) is translated once into one generated Python function, a line
per operation, in the order the formula's own ``emit`` gives (the order the compiled turn runs,
which is the closures' order); its nan checks are the formula's own, raising its own error.
A formula with anything else (a table, a lag of a table, ``exp``, ``log``, a power, a sum over
rows), or a value that is not one float64 number when it is read, is evaluated as before.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Mapping
from types import CodeType
from typing import Any

import numpy as np

from game.engine.exact import EXACT, operation_line
from game.engine.world import World, derived
from game.formula import CompiledFormula, NotANumber
from game.formula.compiler import NanCheck

Array = np.ndarray
_FLOAT = np.dtype(np.float64)
_BOOL = np.dtype(np.bool_)
_LOGIC = (np.logical_and, np.logical_or, np.logical_not)  # the operations on true/false


class _NotOnNumbers(Exception):
    """The formula has an operation the translation leaves to numpy."""


class _Tape:
    """The formula's ``Emitter``: records each operation on (1, 1) placeholders."""

    def __init__(self) -> None:
        self.reads: dict[Any, Array] = {}
        self.steps: list[tuple[Any, ...]] = []

    def read(self, key: Any) -> Array:
        buffer = self.reads.get(key)
        if buffer is None:
            buffer = self.reads[key] = np.zeros((1, 1))  # checked to be one float64 when read
        return buffer

    def row(self, key: Any, index: int) -> Array:
        raise _NotOnNumbers("a table's row")

    def reduce(self, ufunc: np.ufunc, arg: Array) -> Array:
        raise _NotOnNumbers("a sum over rows")

    def argmax(self, arg: Array) -> Array:
        raise _NotOnNumbers("a table's largest row")

    @staticmethod
    def _single(value: Array | float) -> Array:
        array = np.full((1, 1), value) if isinstance(value, float) else value
        if not isinstance(array, np.ndarray) or array.shape != (1, 1) or array.dtype not in (_FLOAT, _BOOL):
            raise _NotOnNumbers("not a single number")
        return array

    def ufunc(self, ufunc: np.ufunc, *operands: Array | float) -> Array:
        if ufunc not in EXACT:
            raise _NotOnNumbers(ufunc.__name__)
        args = [self._single(a) for a in operands]
        with np.errstate(all="ignore"):
            dtype = ufunc(*(np.zeros((1, 1), a.dtype) for a in args)).dtype
        if any(a.dtype != _FLOAT for a in args) and ufunc not in _LOGIC:
            raise _NotOnNumbers("arithmetic on true/false")  # numpy's bool arithmetic is not Python's
        out = np.empty((1, 1), dtype)
        self.steps.append(("ufunc", ufunc, args, out))
        return out

    def where(self, condition: Array, then: Array, otherwise: Array) -> Array:
        args = [self._single(a) for a in (condition, then, otherwise)]
        out = np.empty((1, 1), np.result_type(args[1], args[2]))
        self.steps.append(("where", args, out))
        return out

    def as_float(self, arg: Array) -> Array:
        out = np.empty((1, 1))
        self.steps.append(("float", self._single(arg), out))
        return out

    def check(self, test: Callable[[Array], None], arg: Array) -> None:
        if not isinstance(test, NanCheck):
            raise _NotOnNumbers("a check other than for nan")
        self.steps.append(("check", test, self._single(arg)))


class _Source:
    """The generated function's lines and the objects its names stand for."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.names: dict[str, Any] = {}
        self.places: dict[int, str] = {}  # id(placeholder) -> its local variable

    def bind(self, value: Any) -> str:
        name = f"k{len(self.names)}"
        self.names[name] = value
        return name

    def local(self, buffer: Array) -> str:
        name = self.places.get(id(buffer))
        if name is None:
            name = self.places[id(buffer)] = f"v{len(self.places)}"
        return name

    def operand(self, value: Array) -> str:
        """A placeholder's local, or a constant bound by name (never written as a literal, so
        every bit of it is the formula's)."""
        if id(value) in self.places:
            return self.places[id(value)]
        return self.bind(value.item())


def translate(formula: CompiledFormula) -> Callable[[Mapping[Any, Array]], Any] | None:
    """``formula`` as a function of a lone game's values giving its single number (a float or a
    bool, of numpy's type for it), or None when it has anything left to numpy. The function
    returns ``NOT_ON_NUMBERS`` when a value it reads is not one float64 number."""
    tape = _Tape()
    try:
        result = formula.emit(tape)
        result = tape._single(result)
    except _NotOnNumbers:
        return None
    source = _Source()
    for key, buffer in tape.reads.items():
        local = source.local(buffer)
        source.lines.append(f"{local} = env[{source.bind(key)}]")
        source.lines.append(f"if {local}.shape != (1, 1) or {local}.dtype != FLOAT: return NOT_ON_NUMBERS")
        source.lines.append(f"{local} = {local}.item()")
    for step in tape.steps:
        source.lines.append(_line(source, step))
    if id(result) in source.places:
        source.lines.append(f"return {source.places[id(result)]}")
    else:  # the value is a constant
        source.lines.append(f"return {source.bind(result.item())}")
    body = "\n".join(f"    {line}" for line in source.lines)
    namespace: dict[str, Any] = {}
    # the source is made of local names and bound names only, never from content text
    names = {**source.names, "FLOAT": _FLOAT, "NOT_ON_NUMBERS": NOT_ON_NUMBERS}
    exec(_compiled(f"def formula(env):\n{body}\n"), names, namespace)
    return namespace["formula"]  # type: ignore[no-any-return]


def _quiet_divide(a: float, b: float) -> float:
    """A division by zero as numpy's (inf or nan), under the warnings ignored as the formula's
    evaluation is (it runs only when the divisor is zero)."""
    with np.errstate(all="ignore"):
        return float(np.true_divide(a, b))


@functools.lru_cache(maxsize=1024)
def _compiled(source: str) -> CodeType:
    """Python's compiling of a formula's source, once per distinct source (the worlds a process
    loads share most formulas, and their sources hold bound names only, never values)."""
    return compile(source, "<borderline lone formula>", "exec")


NOT_ON_NUMBERS = object()
"""What a translated formula returns when a value it reads is not one float64 number."""


def _line(source: _Source, step: tuple[Any, ...]) -> str:
    kind = step[0]
    if kind == "ufunc":
        _, ufunc, args, out = step
        operands = [source.operand(a) for a in args]
        function = source.bind(_quiet_divide if ufunc is np.true_divide else EXACT[ufunc])
        return f"{source.local(out)} = {operation_line(ufunc, operands, function)}"
    if kind == "where":
        _, (condition, then, otherwise), out = step
        cast = source.bind(float if out.dtype == _FLOAT else bool)
        picked = f"{source.operand(then)} if {source.operand(condition)} else {source.operand(otherwise)}"
        return f"{source.local(out)} = {cast}({picked})"
    if kind == "float":
        _, arg, out = step
        return f"{source.local(out)} = float({source.operand(arg)})"
    _, test, arg = step  # a nan check: the formula's own, raising its own error, on a nan only
    value = source.operand(arg)
    return f"if {value} != {value}: {source.bind(test)}({source.bind(np.full((1, 1), np.nan))})"


OnNumbers = Callable[[Mapping[Any, Array]], Any]


def _translations(world: World) -> dict[int, tuple[CompiledFormula, OnNumbers | None]]:
    """A world's formulas translated so far, by identity, each kept with its formula (so that a
    formula from elsewhere, gone, never lends its identity to another's translation)."""
    return {}


_LOCK = threading.Lock()


def on_numbers(world: World, formula: CompiledFormula) -> OnNumbers | None:
    """``translate(formula)`` for a formula ``world``'s games evaluate, once per formula."""
    translations = derived(world, _translations)
    found = translations.get(id(formula))
    if found is None or found[0] is not formula:
        found = (formula, translate(formula))
        with _LOCK:
            translations[id(formula)] = found
    return found[1]


def number(world: World, formula: CompiledFormula, env: Mapping[Any, Array]) -> float | None:
    """``formula``'s value in a game of one run as a Python float, worked out on Python numbers;
    None when it is left to numpy, is not a float (a true/false), or meets a nan inside (evaluated
    the long way, the formula then raises its own error, named where it is written)."""
    function = on_numbers(world, formula)
    if function is None:
        return None
    try:
        value = function(env)
    except NotANumber:
        return None
    return value if type(value) is float else None


def evaluate(world: World, formula: CompiledFormula, env: Mapping[Any, Array]) -> Array | None:
    """``formula.evaluate(env)`` for a game of one run, on Python numbers: its (1, 1) value (float64
    or bool, as numpy's), or None when it is left to numpy (then nothing was evaluated)."""
    function = on_numbers(world, formula)
    if function is None:
        return None
    value = function(env)
    if value is NOT_ON_NUMBERS:
        return None
    return np.array([[value]])  # a Python float or bool: float64 or bool, as numpy's value is
