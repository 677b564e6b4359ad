"""The formula language: modders' expressions, parsed once and run as numpy over every run.

``parse_formula`` reads text into a checked tree (no Python code is ever kept or run);
``compile_formula`` checks it against the world's names and builds a fast evaluator.
"""

from game.formula.compiler import CompiledFormula, Scope, compile_formula
from game.formula.language import FUNCTIONS, Formula, FormulaError, Function, NotANumber
from game.formula.parser import parse_formula

__all__ = [
    "FUNCTIONS",
    "CompiledFormula",
    "Formula",
    "FormulaError",
    "Function",
    "NotANumber",
    "Scope",
    "compile_formula",
    "parse_formula",
]
