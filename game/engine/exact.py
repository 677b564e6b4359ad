"""numpy's element-wise operations that Python computes identically on single numbers.

A lone game's turn (``game.engine.scalar``) and its formulas outside the turn
(``game.engine.scalar_formulas``) run such operations on Python floats instead of numpy calls on
(1, 1) arrays: Python's floats are the same doubles and these operations round the same way, so
every result is identical to the bit (tests/test_scalar_ops.py checks each on special numbers).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import numpy as np


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


INFIX: dict[Any, str] = {
    np.add: "+",
    np.subtract: "-",
    np.multiply: "*",
    np.negative: "-",
    np.less: "<",
    np.less_equal: "<=",
    np.greater: ">",
    np.greater_equal: ">=",
    np.equal: "==",
    np.not_equal: "!=",
    np.logical_not: "not ",
}
"""The operations above that Python writes as an operator (the same operation as ``EXACT``'s:
``operator.add(a, b)`` is ``a + b``), so the generated code calls no function for them."""


INLINE: dict[Any, str] = {
    np.true_divide: "{a} / {b} if {b} else {numpy}({a}, {b})",
    np.maximum: "{a} if {a} > {b} or {a} != {a} else {b}",
    np.minimum: "{a} if {a} < {b} or {a} != {a} else {b}",
}
"""``EXACT``'s division, maximum and minimum written out in the generated line, so it calls no
function for them: the same result in every case (a nan first wins, then a nan second, then
the larger or smaller, the second of two equal numbers; a division by zero is numpy's)."""


def operation_line(ufunc: Any, operands: list[str], function: str) -> str:
    """The Python expression computing ``EXACT``'s operation for ``ufunc`` on ``operands``
    (names in the generated code): an operator, a line written out (``INLINE``, calling
    ``function`` only for a division by zero), or a call of ``function``."""
    inline = INLINE.get(ufunc)
    if inline is not None:
        a, b = operands
        return inline.format(a=a, b=b, numpy=function)
    symbol = INFIX.get(ufunc)
    if symbol is not None and len(operands) == 2:
        return f"{operands[0]} {symbol} {operands[1]}"
    if symbol is not None:
        return f"{symbol}{operands[0]}"
    return f"{function}({', '.join(operands)})"


def _argmax(*values: Any) -> int:
    """numpy's ``argmax`` of a few numbers: the first of the largest, or the first nan (a nan
    wins as soon as it is met, as numpy's loop stops there)."""
    best, where = values[0], 0
    if best != best:
        return 0
    for index in range(1, len(values)):
        value = values[index]
        if not value <= best:
            best, where = value, index
            if value != value:
                return index
    return where
