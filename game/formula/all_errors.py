"""Every unknown name and function in a formula at once, beside the first mistake found.

Parsing and compiling stop at the first mistake, so a formula with a misspelt function and a
misspelt name was fixed in two rounds: ``sum(fentanyl_era_wieght) + foo(2)`` said only
``unknown function "foo"``. After the first mistake, this reads the text's names again
(when it is a formula Python can read at all) and reports each other name or function the
world does not know, each at its own place, with the same words the parser and compiler use.
"""

from __future__ import annotations

import ast

from game.formula.compiler import CompiledFormula, Scope, compile_formula, unknown_name
from game.formula.language import FUNCTIONS, FormulaError
from game.formula.parser import _Positions, parse_formula, unknown_function


def compile_reporting_all(text: str, scope: Scope) -> tuple[CompiledFormula | None, list[FormulaError]]:
    """The compiled formula, or None and its mistakes: the first, then every other unknown name
    and function, in the order they are written."""
    try:
        return compile_formula(parse_formula(text), scope), []
    except FormulaError as first:
        return None, [first, *_other_unknowns(text, scope, first)]


def _other_unknowns(text: str, scope: Scope, first: FormulaError) -> list[FormulaError]:
    positions = _Positions(text)
    try:
        body = ast.parse(positions.wrapped, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []  # the first mistake is the text itself: nothing else can be read
    found: dict[int, FormulaError] = {}
    todo: list[ast.AST] = [body]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Attribute):
            continue  # refused as a whole; its parts are not names
        if isinstance(node, ast.Subscript):
            todo.append(node.value)  # share[cannabis]: the row is the table's, checked with it
            continue
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id not in FUNCTIONS:
                at = positions.start(node.func)
                found[at] = FormulaError(unknown_function(node.func.id), at)
            todo.extend(node.args)
            continue
        if isinstance(node, ast.Name):
            if scope.axis_of(node.id) is False:
                at = positions.start(node)
                found[at] = unknown_name(scope, node.id, at)
            continue
        todo.extend(ast.iter_child_nodes(node))
    return [found[at] for at in sorted(found) if at != first.offset]
