"""What the formula language is: its error type, its built-in functions and its tree.

The tree is our own small immutable form of a parsed formula, so that nothing downstream
ever holds Python code or Python's ``ast``. Every node keeps the 0-based character offset
in the formula text where it starts, so the compiler can point at the spot it rejects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from game.errors import BorderlineError


class _AtOffset(BorderlineError):
    """An error about a formula that points at a character of its text (a 0-based offset)."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message, offset)
        self.message = message
        self.offset = offset

    def __str__(self) -> str:
        return self.message


class FormulaError(_AtOffset):
    """A mistake in a formula's text: what is wrong, and where (a character offset in it)."""


class NotANumber(_AtOffset, ArithmeticError):
    """A formula met nan where numpy would quietly turn it into true, false or a row.

    ``nan > 1`` is false and ``where(nan, a, b)`` picks ``a``, so a 0/0 upstream would
    silently steer the game. Comparisons, conditions, ``and``/``or``/``not`` and
    ``argmax``/``is_max`` raise this instead; the engine names the item and its file.
    ``offset`` is where in the formula's text the nan was met.
    """


@dataclass(frozen=True, slots=True)
class Function:
    """One built-in function: how it is called and what it does, for checks and docs."""

    usage: str
    meaning: str
    min_args: int
    max_args: int | None


FUNCTIONS: Mapping[str, Function] = MappingProxyType(
    {
        "where": Function("where(cond, a, b)", "a where cond is true, else b", 3, 3),
        "min": Function(
            "min(a, b, ...) or min(x)",
            "the smallest argument, or with one argument the smallest row of x",
            1,
            None,
        ),
        "max": Function(
            "max(a, b, ...) or max(x)",
            "the largest argument, or with one argument the largest row of x",
            1,
            None,
        ),
        "clip": Function("clip(x, lo, hi)", "x held inside [lo, hi]", 3, 3),
        "exp": Function("exp(x)", "e to the power x", 1, 1),
        "log": Function("log(x)", "natural logarithm", 1, 1),
        "sqrt": Function("sqrt(x)", "square root", 1, 1),
        "abs": Function("abs(x)", "absolute value", 1, 1),
        "sum": Function("sum(x)", "the sum of x over its table's rows", 1, 1),
        "mean": Function("mean(x)", "the mean of x over its table's rows", 1, 1),
        "argmax": Function("argmax(x)", "the index (from 0) of the row where x is largest", 1, 1),
        "is_max": Function(
            "is_max(x)", "1 on the row where x is largest (the first on ties), 0 elsewhere", 1, 1
        ),
        "lag": Function(
            "lag(name) or lag(name, k)",
            "the value of name k turns ago (k a whole number from 1 to 400, default 1)",
            1,
            2,
        ),
    }
)
"""Every function a formula may call, by name."""


# --------------------------------------------------------------------------- the tree


@dataclass(frozen=True, slots=True)
class Number:
    """A literal number (``True``/``False`` become 1 and 0)."""

    value: float
    offset: int


@dataclass(frozen=True, slots=True)
class Name:
    """A quantity by name: a parameter, stock, variable, table field, action or built-in."""

    name: str
    offset: int


@dataclass(frozen=True, slots=True)
class Row:
    """``name[row]``: one row of an entity-indexed quantity, one number per run."""

    name: str
    row: str
    offset: int
    row_offset: int


@dataclass(frozen=True, slots=True)
class Lag:
    """``lag(target, k)``: the value of a name (or one row of it) ``k`` turns ago."""

    target: Name | Row
    k: int
    offset: int


@dataclass(frozen=True, slots=True)
class Unary:
    """``-x``, ``+x`` or ``not x``."""

    op: str
    operand: Node
    offset: int


@dataclass(frozen=True, slots=True)
class Binary:
    """Arithmetic (``+ - * / ** %``) or one comparison (``< <= > >= == !=``)."""

    op: str
    left: Node
    right: Node
    offset: int


@dataclass(frozen=True, slots=True)
class Logic:
    """Element-wise ``and`` / ``or`` over two or more operands (chained comparisons too)."""

    op: str
    operands: tuple[Node, ...]
    offset: int


@dataclass(frozen=True, slots=True)
class Call:
    """A built-in function call; ``a if c else b`` is ``where(c, a, b)``."""

    function: str
    args: tuple[Node, ...]
    offset: int


Node = Number | Name | Row | Lag | Unary | Binary | Logic | Call


@dataclass(frozen=True, slots=True)
class Formula:
    """A parsed formula: its text, its tree and what it refers to.

    ``names`` are the names read at the current turn, ``lags`` the ``(name, k)`` pairs read
    through ``lag``, ``rows`` the row names used in ``name[row]``.
    """

    text: str
    tree: Node
    names: frozenset[str]
    lags: frozenset[tuple[str, int]]
    rows: frozenset[str]
