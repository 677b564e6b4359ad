"""Turn a formula's text into our tree, accepting only the small language a modder needs.

Python's own parser reads the text (wrapped in parentheses so a formula may span lines), then
an allow-list walk converts each node into :mod:`game.formula.language` nodes and rejects
everything else. Python code is never kept, compiled or run. Limits on length, nesting,
exponents and number size are checked so that no text, however hostile, can hang or crash
the loader: every problem is a :class:`FormulaError` pointing at a character of the text.

Why one long module: the allow-list converter and the limits it checks are one pass over
Python's tree; every node kind the language accepts has its method here, so what a formula may
contain is read in one place.
"""

from __future__ import annotations

import ast
import functools
import re
import warnings
from collections.abc import Callable, Iterator
from typing import Any

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
    Number,
    Row,
    Unary,
)

MAX_LENGTH = 2000
"""Longest formula text, in characters."""
MAX_NESTING = 32
"""Deepest nesting of brackets (calls and parentheses)."""
MAX_DEPTH = 100
"""Deepest expression tree: bracket nesting plus operators chained without brackets."""
MAX_EXPONENT = 64
"""Largest absolute value of an exponent written as a constant."""
MAX_DIGITS = 30
"""Most digits in an integer literal."""
MAX_LAG = 400
"""Most turns ``lag`` may look back."""

_NEWLINE = re.compile(r"\r\n|\r|\n")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_OPENERS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = {")": "(", "]": "[", "}": "{"}

_ARITHMETIC: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
    ast.Mod: "%",
}
_REFUSED_OPERATORS: dict[type[ast.operator], tuple[str, str]] = {
    ast.FloorDiv: ("//", ""),
    ast.MatMult: ("@", ""),
    ast.LShift: ("<<", ""),
    ast.RShift: (">>", ""),
    ast.BitOr: ("|", "; use `or`"),
    ast.BitAnd: ("&", "; use `and`"),
    ast.BitXor: ("^", "; use ** for powers"),
}
_COMPARISONS: dict[type[ast.cmpop], str] = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
}
_REFUSED_COMPARISONS: dict[type[ast.cmpop], str] = {
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
}
_REFUSED_NODES: dict[type[ast.AST], str] = {
    ast.Lambda: "lambda is not allowed: a formula cannot define functions",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.JoinedStr: "strings (f-strings included) are not allowed in formulas",
    ast.FormattedValue: "strings (f-strings included) are not allowed in formulas",
    ast.NamedExpr: "assignment (:=) is not allowed in formulas",
    ast.Starred: "starred arguments (*x) are not allowed",
    ast.Tuple: "a formula is one expression; commas only separate a function's arguments",
    ast.List: "lists are not allowed in formulas",
    ast.Set: "sets are not allowed in formulas",
    ast.Dict: "dicts are not allowed in formulas",
    ast.Await: "await is not allowed in formulas",
    ast.Yield: "yield is not allowed in formulas",
    ast.YieldFrom: "yield is not allowed in formulas",
    ast.Slice: "slices are not allowed; pick a row by name, as in share[cannabis]",
}


@functools.lru_cache(maxsize=8192)
def parse_formula(text: str) -> Formula:
    """Parse ``text`` into a :class:`Formula`, or raise :class:`FormulaError` saying where.

    A formula is the same tree wherever its text is met (a Formula and its nodes are frozen), so
    each text is parsed once a process: a world built again (a mod on the base game, a save of
    other packs) parses only the formulas it has not seen. Texts that raise are not kept.
    """
    if len(text) > MAX_LENGTH:
        raise FormulaError(
            f"formula is {len(text)} characters long; the limit is {MAX_LENGTH}", MAX_LENGTH
        )
    if not text.strip():
        raise FormulaError("formula is empty", 0)
    control = _CONTROL.search(text)
    if control is not None:
        raise FormulaError(
            f"formula contains the control character U+{ord(control.group()):04X}", control.start()
        )
    _check_ascii(text)
    _check_brackets(text)
    positions = _Positions(text)
    try:
        with warnings.catch_warnings():
            # Python only warns about oddities such as "1and x"; a formula refuses them.
            warnings.simplefilter("error", SyntaxWarning)
            # and, before 3.12, about a string's invalid escapes ("a\-b"), which it refuses as a string
            warnings.simplefilter("ignore", DeprecationWarning)
            body = ast.parse(positions.wrapped, mode="eval").body
    except SyntaxError as error:
        at = positions.of_syntax_error(error)
        raise FormulaError(f"syntax error: {_syntax_words(text, at, error.msg)}", at) from None
    except (ValueError, RecursionError, MemoryError) as error:
        raise FormulaError(f"formula cannot be read: {_first_line(error)}", 0) from None
    _check_depth(body, positions)
    tree = _Converter(text, positions).convert(body)
    names: set[str] = set()
    lags: set[tuple[str, int]] = set()
    rows: set[str] = set()
    for node in _walk(tree):
        if isinstance(node, Name):
            names.add(node.name)
        elif isinstance(node, Row):
            names.add(node.name)
            rows.add(node.row)
        elif isinstance(node, Lag):
            lags.add((node.target.name, node.k))
            if isinstance(node.target, Row):
                rows.add(node.target.row)
    return Formula(text, tree, frozenset(names), frozenset(lags), frozenset(rows))


def _first_line(error: BaseException) -> str:
    """The first line of an exception's message, or its type when it has none."""
    message = str(error).strip()
    return message.splitlines()[0] if message else type(error).__name__


def _walk(node: Node) -> Iterator[Node]:
    """Every node of a tree, not descending into ``lag`` (its name is read in the past)."""
    yield node
    match node:
        case Unary(operand=operand):
            yield from _walk(operand)
        case Binary(left=left, right=right):
            yield from _walk(left)
            yield from _walk(right)
        case Logic(operands=children) | Call(args=children):
            for child in children:
                yield from _walk(child)


def _check_ascii(text: str) -> None:
    """Refuse any character outside plain ASCII, except in comments.

    Python folds look-alike letters to plain ones before it parses (full-width
    ``ｕs_budget`` and mathematical bold ``𝐞𝐱𝐩`` both read as plain names), so a reviewer
    would read one formula and the game run another. Checked on the raw text, before
    Python's parser sees it.
    """
    for match in _NON_ASCII.finditer(text):
        comment = text.rfind("#", 0, match.start())
        if comment >= 0 and _NEWLINE.search(text, comment, match.start()) is None:
            continue  # inside a comment, which is only ever read by people
        char = match.group()
        raise FormulaError(
            f"formula contains {char!r} (U+{ord(char):04X}), which is not plain ASCII: names, "
            "numbers and operators are written with plain letters, digits and symbols",
            match.start(),
        )


def _check_brackets(text: str) -> None:
    """Reject unbalanced or too deeply nested brackets before Python's parser sees them.

    Deep nesting can exhaust the parser's stack, so it is refused here first. Quoted text
    and comments are skipped so that their brackets do not count.
    """
    stack: list[tuple[str, int]] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char in "'\"":
            quote = text[i : i + 3] if text[i : i + 3] in ("'''", '"""') else char
            end = text.find(quote, i + len(quote))
            if end < 0:
                return  # unterminated: Python's parser reports it
            i = end + len(quote)
            continue
        if char == "#":
            newline = _NEWLINE.search(text, i)
            if newline is None:
                return
            i = newline.end()
            continue
        if char in _OPENERS:
            stack.append((char, i))
            if len(stack) > MAX_NESTING:
                raise FormulaError(
                    f"brackets are nested more than {MAX_NESTING} deep; "
                    "split the formula into variables",
                    i,
                )
        elif char in _CLOSERS:
            if not stack:
                raise FormulaError(f"unmatched '{char}'", i)
            opener, where = stack.pop()
            if _CLOSERS[char] != opener:
                raise FormulaError(f"'{char}' does not match '{opener}' at character {where}", i)
        i += 1
    if stack:
        opener, where = stack[-1]
        raise FormulaError(f"'{opener}' was never closed", where)


def _check_depth(root: ast.expr, positions: _Positions) -> None:
    """Refuse expression trees deeper than :data:`MAX_DEPTH`, without recursing."""
    stack: list[tuple[ast.AST, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise FormulaError(
                f"formula is nested more than {MAX_DEPTH} operators deep; split it into variables",
                positions.start(node),
            )
        for child in ast.iter_child_nodes(node):
            stack.append((child, depth + 1 if isinstance(child, ast.expr) else depth))


class _Positions:
    """Convert Python's (line, UTF-8 byte column) positions in the wrapped text to offsets.

    The wrapped text is ``"(" + text + "\\n)"``, so line 1 carries one extra character.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.wrapped = wrapped = "(" + text + "\n)"
        self.lines: list[str] = []
        self.starts: list[int] = []
        start = 0
        for newline in _NEWLINE.finditer(wrapped):
            self.lines.append(wrapped[start : newline.start()])
            self.starts.append(start)
            start = newline.end()
        self.lines.append(wrapped[start:])
        self.starts.append(start)

    def _offset(self, line_index: int, chars: int) -> int:
        """A character offset in the text from a line index and a character column."""
        line_index = min(max(line_index, 0), len(self.lines) - 1)
        return min(max(self.starts[line_index] + chars - 1, 0), len(self.text))

    def at(self, lineno: int, col_bytes: int) -> int:
        """The offset of a 1-based line and a UTF-8 byte column."""
        line = self.lines[min(max(lineno - 1, 0), len(self.lines) - 1)]
        chars = len(line.encode("utf-8", "surrogatepass")[:col_bytes].decode("utf-8", "ignore"))
        return self._offset(lineno - 1, chars)

    def start(self, node: ast.AST) -> int:
        """Where a node starts."""
        return self.at(getattr(node, "lineno", 1), getattr(node, "col_offset", 1))

    def end(self, node: ast.AST) -> int:
        """Where a node ends (one past its last character)."""
        lineno = getattr(node, "end_lineno", None) or getattr(node, "lineno", None) or 1
        col = getattr(node, "end_col_offset", None)
        return self.at(lineno, col if col is not None else getattr(node, "col_offset", 1))

    def of_syntax_error(self, error: SyntaxError) -> int:
        """Where a syntax error is (its column counts characters, from 1)."""
        if error.lineno is None:
            return 0
        return self._offset(error.lineno - 1, (error.offset or 1) - 1)


def _syntax_words(text: str, at: int, said: str) -> str:
    """Python's "invalid syntax" said as what the formula needs at ``at``."""
    if "forgot a comma" in said:  # "a b": two values side by side
        return "expected an operator (+, -, *, /, a comparison, and, or) between two values"
    if "instead of '='" in said:
        return "'=' is not an operator: write == to compare"
    if said != "invalid syntax":
        return said
    rest = text[at:].strip() if 0 <= at <= len(text) else ""
    if not rest or at == 0 and text.rstrip() and text.rstrip()[-1] in "+-*/<>=!,(":
        return "the formula ends where a number, a name or '(' should follow"
    here = rest[0]
    if here == "=" and not rest.startswith("=="):
        return "'=' is not an operator: write == to compare"
    if here in "+*/<>=!%^&|.)":
        return f"expected a number, a name or '(' here, not {here!r}"
    return "expected an operator (+, -, *, /, a comparison, and, or) between two values here"


class _Converter:
    """Convert an allowed Python expression tree into ours; refuse anything else."""

    def __init__(self, text: str, positions: _Positions) -> None:
        self.text = text
        self.positions = positions
        self.handlers: dict[type[ast.AST], Callable[[Any], Node]] = {
            ast.Constant: self.constant,
            ast.Name: self.name,
            ast.UnaryOp: self.unary,
            ast.BinOp: self.binary,
            ast.Compare: self.compare,
            ast.BoolOp: self.logic,
            ast.IfExp: self.conditional,
            ast.Call: self.call,
            ast.Subscript: self.subscript,
            ast.Attribute: self.attribute,
        }

    def fail(self, message: str, node: ast.AST) -> FormulaError:
        """An error at the start of ``node``."""
        return FormulaError(message, self.positions.start(node))

    def convert(self, node: ast.AST) -> Node:
        """Our node for an allowed Python node."""
        handler = self.handlers.get(type(node))
        if handler is None:
            message = _REFUSED_NODES.get(type(node), f"{type(node).__name__} is not allowed")
            raise self.fail(message, node)
        return handler(node)

    def constant(self, node: ast.Constant) -> Number:
        offset = self.positions.start(node)
        value = node.value
        if isinstance(value, bool):
            return Number(1.0 if value else 0.0, offset)
        if isinstance(value, int):
            if abs(value) >= 10**MAX_DIGITS:
                raise self.fail(f"integer has more than {MAX_DIGITS} digits", node)
            return Number(float(value), offset)
        if isinstance(value, float):
            if not np.isfinite(value):
                raise self.fail("number is too large", node)
            return Number(value, offset)
        if isinstance(value, str | bytes):
            raise self.fail("strings are not allowed in formulas", node)
        if isinstance(value, complex):
            raise self.fail("complex numbers are not allowed", node)
        raise self.fail(f"{value!r} is not allowed in formulas", node)

    def name(self, node: ast.Name) -> Name:
        self.check_name(node.id, node)
        return Name(node.id, self.positions.start(node))

    def check_name(self, name: str, node: ast.AST) -> None:
        """Names starting with ``_`` are refused: nothing in the game is named that way."""
        if name.startswith("_"):
            raise self.fail(f'names may not start with "_" ("{name}")', node)

    def unary(self, node: ast.UnaryOp) -> Node:
        offset = self.positions.start(node)
        operand = self.convert(node.operand)
        if isinstance(node.op, ast.USub):
            return Unary("-", operand, offset)
        if isinstance(node.op, ast.UAdd):
            return Unary("+", operand, offset)
        if isinstance(node.op, ast.Not):
            return Unary("not", operand, offset)
        raise self.fail("operator ~ is not allowed; use `not`", node)

    def binary(self, node: ast.BinOp) -> Binary:
        op = _ARITHMETIC.get(type(node.op))
        if op is None:
            symbol, hint = _REFUSED_OPERATORS.get(type(node.op), ("?", ""))
            start = self.positions.end(node.left)
            found = self.text.find(symbol, start, self.positions.start(node.right))
            offset = found if found >= 0 else self.positions.start(node)
            raise FormulaError(f"operator {symbol} is not allowed{hint}", offset)
        left = self.convert(node.left)
        right = self.convert(node.right)
        if op == "**":
            exponent = _constant_value(right)
            if exponent is not None and not abs(exponent) <= MAX_EXPONENT:
                raise FormulaError(
                    f"exponent {exponent:g} is too large: a constant exponent must be "
                    f"between -{MAX_EXPONENT} and {MAX_EXPONENT}",
                    right.offset,
                )
        return Binary(op, left, right, self.positions.start(node))

    def compare(self, node: ast.Compare) -> Node:
        before = node.left
        left = self.convert(before)
        comparisons: list[Node] = []
        for op, after in zip(node.ops, node.comparators, strict=True):
            symbol = _COMPARISONS.get(type(op))
            if symbol is None:
                word = _REFUSED_COMPARISONS.get(type(op), "?")
                found = self.text.find(word.split()[0], self.positions.end(before))
                raise FormulaError(
                    f"comparison `{word}` is not allowed; use < <= > >= == !=",
                    found if found >= 0 else left.offset,
                )
            right = self.convert(after)
            comparisons.append(Binary(symbol, left, right, left.offset))
            before, left = after, right
        if len(comparisons) == 1:
            return comparisons[0]
        return Logic("and", tuple(comparisons), self.positions.start(node))

    def logic(self, node: ast.BoolOp) -> Logic:
        op = "and" if isinstance(node.op, ast.And) else "or"
        operands = tuple(self.convert(value) for value in node.values)
        return Logic(op, operands, self.positions.start(node))

    def conditional(self, node: ast.IfExp) -> Call:
        condition = self.convert(node.test)
        then = self.convert(node.body)
        otherwise = self.convert(node.orelse)
        return Call("where", (condition, then, otherwise), self.positions.start(node))

    def call(self, node: ast.Call) -> Node:
        if not isinstance(node.func, ast.Name):
            if isinstance(node.func, ast.Attribute):
                return self.attribute(node.func)
            raise self.fail("only built-in functions can be called, by name", node.func)
        function = node.func.id
        self.check_name(function, node.func)
        spec = FUNCTIONS.get(function)
        if spec is None:
            raise self.fail(unknown_function(function), node.func)
        for keyword in node.keywords:
            raise self.fail(
                f"keyword arguments are not allowed; call {spec.usage} with arguments in order",
                keyword,
            )
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.fail(_REFUSED_NODES[ast.Starred], arg)
        count = len(node.args)
        if count < spec.min_args or (spec.max_args is not None and count > spec.max_args):
            raise self.fail(
                f"{function}() does not take {count} argument{'s' if count != 1 else ''}; "
                f"use {spec.usage}",
                node,
            )
        if function == "lag":
            return self.lag(node)
        args = tuple(self.convert(arg) for arg in node.args)
        return Call(function, args, self.positions.start(node))

    def lag(self, node: ast.Call) -> Lag:
        first = node.args[0]
        if not isinstance(first, ast.Name | ast.Subscript):
            raise self.fail(
                "lag() takes a name or name[row] first, as in lag(heavy_users, 2)", first
            )
        target = self.convert(first)
        assert isinstance(target, Name | Row)
        k = 1
        if len(node.args) == 2:
            turns = node.args[1]
            value = turns.value if isinstance(turns, ast.Constant) else None
            if type(value) is not int or not 1 <= value <= MAX_LAG:
                raise self.fail(f"lag()'s turns must be a whole number from 1 to {MAX_LAG}", turns)
            k = value
        return Lag(target, k, self.positions.start(node))

    def subscript(self, node: ast.Subscript) -> Row:
        if not isinstance(node.value, ast.Name):
            raise self.fail("only a name can take a [row], as in share[cannabis]", node)
        row = node.slice
        if not isinstance(row, ast.Name):
            raise self.fail(
                "a row is picked by its name, as in share[cannabis]; numbers, slices and "
                "expressions are not allowed in [ ]",
                row,
            )
        self.check_name(node.value.id, node.value)
        self.check_name(row.id, row)
        return Row(node.value.id, row.id, self.positions.start(node), self.positions.start(row))

    def attribute(self, node: ast.Attribute) -> Node:
        start = self.positions.end(node.value)
        dot = self.text.find(".", start)
        offset = dot if dot >= 0 else self.positions.start(node)
        raise FormulaError(f'attribute access (".{node.attr}") is not allowed', offset)


def unknown_function(function: str) -> str:
    """What to say of a call of a function there is not, with the one meant."""
    meant = did_you_mean(function, FUNCTIONS)
    return f'unknown function "{function}"{meant}; functions are {", ".join(FUNCTIONS)}'


def _constant_value(node: Node) -> float | None:
    """The value of a tree of numbers and arithmetic, or None if it reads anything else.

    Computed in numpy float64 so that huge powers give inf instead of running forever.
    """
    match node:
        case Number(value=value):
            return value
        case Unary(op="-", operand=operand):
            inner = _constant_value(operand)
            return None if inner is None else -inner
        case Unary(op="+", operand=operand):
            return _constant_value(operand)
        case Binary(op=op, left=left, right=right) if op in _FOLD:
            a, b = _constant_value(left), _constant_value(right)
            if a is None or b is None:
                return None
            with np.errstate(all="ignore"):
                return float(_FOLD[op](np.float64(a), np.float64(b)))
    return None


_FOLD: dict[str, np.ufunc] = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.true_divide,
    "**": np.power,
    "%": np.remainder,
}
