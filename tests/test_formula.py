"""The formula language as a modder meets it: what parses, what it computes, what it refuses."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable
from typing import Literal

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from game.formula import (
    FUNCTIONS,
    CompiledFormula,
    FormulaError,
    NotANumber,
    compile_formula,
    parse_formula,
)
from game.formula.parser import MAX_LENGTH

CARTELS = ("sinaloa", "cjng", "gulf")
DRUGS = ("cannabis", "cocaine")
SCALARS = ("a", "b", "c", "x", "y", "tau", "heavy_users", "light_users", "s", "s_min", "q", "zero")


class WorldScope:
    """A small world: scalars, a field over cartels and a field over drugs."""

    axes: dict[str, str | None] = {
        **dict.fromkeys(SCALARS),
        "share": "cartel",
        "strength": "cartel",
        "price": "drug",
    }
    tables = {"cartel": CARTELS, "drug": DRUGS, "empty": ()}

    def axis_of(self, name: str) -> str | None | Literal[False]:
        return self.axes.get(name, False)

    def rows_of(self, table: str) -> tuple[str, ...]:
        return self.tables[table]

    def known_names(self) -> Iterable[str]:
        return self.axes


SCOPE = WorldScope()
RUNS = 6


def make_env(runs: int = RUNS, seed: int = 7) -> dict[object, np.ndarray]:
    """Every name and the lags the tests read, with random positive values."""
    rng = np.random.default_rng(seed)
    env: dict[object, np.ndarray] = {name: rng.uniform(0.1, 2.0, (runs, 1)) for name in SCALARS}
    env["share"] = rng.uniform(0.0, 1.0, (runs, len(CARTELS)))
    env["strength"] = rng.uniform(0.0, 1.0, (runs, len(CARTELS)))
    env["price"] = rng.uniform(1.0, 5.0, (1, len(DRUGS)))
    for k in (1, 2, 3):
        env[("heavy_users", k)] = rng.uniform(0.1, 2.0, (runs, 1))
        env[("share", k)] = rng.uniform(0.0, 1.0, (runs, len(CARTELS)))
    return env


ENV = make_env()


def compile_text(text: str) -> CompiledFormula:
    return compile_formula(parse_formula(text), SCOPE)


def run(text: str, env: dict[object, np.ndarray] = ENV) -> np.ndarray:
    with np.errstate(all="ignore"):
        return compile_text(text).evaluate(env)


def error_of(text: str) -> FormulaError:
    """The FormulaError parsing and compiling ``text`` raises (failing if none)."""
    with pytest.raises(FormulaError) as caught:
        compile_text(text)
    return caught.value


E = ENV
Reference = Callable[[], np.ndarray]

# --------------------------------------------------------------------------- arithmetic

ARITHMETIC: list[tuple[str, Reference]] = [
    ("a + b * c", lambda: E["a"] + E["b"] * E["c"]),
    ("(a + b) * c", lambda: (E["a"] + E["b"]) * E["c"]),
    ("a - b - c", lambda: (E["a"] - E["b"]) - E["c"]),
    ("a / b / c", lambda: (E["a"] / E["b"]) / E["c"]),
    ("-a ** 2", lambda: -(E["a"] ** 2)),
    ("a ** -1.5", lambda: E["a"] ** -1.5),
    ("2 ** 3 ** 2 * a", lambda: 512.0 * E["a"]),
    ("a % b * c", lambda: np.mod(E["a"], E["b"]) * E["c"]),
    ("-a % b", lambda: np.mod(-E["a"], E["b"])),
    ("+a - -b", lambda: E["a"] + E["b"]),
    ("a * 2 + b / 4 - c ** 0.5", lambda: E["a"] * 2 + E["b"] / 4 - E["c"] ** 0.5),
    ("(a > b) + (b > c)", lambda: (E["a"] > E["b"]) * 1.0 + (E["b"] > E["c"]) * 1.0),
    ("(a > b) - (b > c)", lambda: (E["a"] > E["b"]) * 1.0 - (E["b"] > E["c"]) * 1.0),
    ("True + False * 2 + a", lambda: 1.0 + E["a"]),
    ("a\n  + b  # the users\n  * c", lambda: E["a"] + E["b"] * E["c"]),
    (
        "1 if a > b else 2 if b > c else 3",
        lambda: np.where(E["a"] > E["b"], 1.0, np.where(E["b"] > E["c"], 2.0, 3.0)),
    ),
    (
        "tau + light_users * max(s_min, s * exp(-q * lag(heavy_users) / light_users))",
        lambda: (
            E["tau"]
            + E["light_users"]
            * np.maximum(
                E["s_min"], E["s"] * np.exp(-E["q"] * E[("heavy_users", 1)] / E["light_users"])
            )
        ),
    ),
]


@pytest.mark.parametrize(("text", "reference"), ARITHMETIC, ids=[t for t, _ in ARITHMETIC])
def test_arithmetic_follows_python_precedence(text: str, reference: Reference) -> None:
    result = run(text)
    assert result.shape == (RUNS, 1)
    assert result.dtype == np.float64
    np.testing.assert_allclose(result, reference())


LOGIC: list[tuple[str, Reference]] = [
    ("a < b < c", lambda: (E["a"] < E["b"]) & (E["b"] < E["c"])),
    ("a <= b != c", lambda: (E["a"] <= E["b"]) & (E["b"] != E["c"])),
    ("not a > b", lambda: ~(E["a"] > E["b"])),
    ("a > 1 or b > 1 and c > 1", lambda: (E["a"] > 1) | ((E["b"] > 1) & (E["c"] > 1))),
    ("a >= 1 == (b > 1)", lambda: (E["a"] >= 1) & ((E["b"] > 1) == 1)),
]


@pytest.mark.parametrize(("text", "reference"), LOGIC, ids=[t for t, _ in LOGIC])
def test_comparisons_and_logic_are_element_wise(text: str, reference: Reference) -> None:
    result = run(text)
    assert result.shape == (RUNS, 1)
    np.testing.assert_array_equal(result.astype(bool), reference())


def test_a_constant_formula_is_one_read_only_number() -> None:
    result = run("1 + 2 * 3")
    assert result.shape == (1, 1)
    assert result[0, 0] == 7.0
    with pytest.raises(ValueError):
        result[0, 0] = 1.0


def test_huge_constant_arithmetic_is_refused_instead_of_hanging() -> None:
    assert error_of("1e300 * 1e300").offset == 0
    assert error_of("x + (1e300 * 1e300) ** 64").offset == 5  # at the part that overflows
    assert run("2 ** 64")[0, 0] == 2.0**64


@pytest.mark.parametrize(
    ("text", "offset", "what"),
    [
        ("0/0", 0, "always nan"),
        ("log(0)", 0, "always -infinite"),
        ("exp(1000)", 0, "always infinite"),
        ("tau + 1/0", 6, "always infinite"),
        ("where(0/0 > 1, 1, 2)", 6, "always nan"),
        ("min(0/0, 1)", 4, "always nan"),
        ("sqrt(-1) * tau", 0, "always nan"),
    ],
)
def test_a_constant_that_is_not_a_finite_number_is_refused_where_it_is_made(
    text: str, offset: int, what: str
) -> None:
    error = error_of(text)
    assert (error.offset, what in str(error)) == (offset, True), str(error)


@pytest.mark.parametrize(
    ("text", "offset", "role"),
    [
        ("tau / zero > 1", 0, "the comparison >"),
        ("where(tau / zero, 1, 2)", 6, "the condition of where()"),
        ("where(tau / zero > 1, 1, 2)", 6, "the comparison >"),
        ("tau / zero and 1 > 0", 0, "`and`"),
        ("not (tau / zero)", 5, "`not`"),
        ("argmax(price * (zero / zero))", 7, "argmax()"),
        ("is_max(price * (tau / zero))", 7, "is_max()"),
    ],
)
def test_nan_is_never_quietly_turned_into_true_false_or_a_row(text: str, offset: int, role: str) -> None:
    env = make_env()
    env["zero"] = np.zeros((RUNS, 1))
    env["tau"] = np.zeros((RUNS, 1))
    with pytest.raises(NotANumber) as caught, np.errstate(all="ignore"):
        compile_formula(parse_formula(text), SCOPE).evaluate(env)
    assert caught.value.offset == offset and role in str(caught.value)


def test_nan_in_a_branch_where_does_not_take_is_fine_and_nan_elsewhere_flows_on() -> None:
    env = make_env()
    env["zero"] = np.zeros((RUNS, 1))
    with np.errstate(all="ignore"):
        assert (run("where(zero > 0, tau / zero, 7)", env) == 7).all()
        assert np.isnan(run("min(zero / zero, 1)", env)).all()  # the engine's finite check names it


def test_a_lone_game_evaluates_on_one_run() -> None:
    env = make_env(runs=1)
    result = run("tau + sum(share) * price", env)
    assert result.shape == (1, len(DRUGS))
    np.testing.assert_allclose(
        result, env["tau"] + env["share"].sum(1, keepdims=True) * env["price"]
    )


# --------------------------------------------------------------------------- functions

FUNCTION_CASES: list[tuple[str, Reference]] = [
    ("where(a > b, a, b)", lambda: np.where(E["a"] > E["b"], E["a"], E["b"])),
    ("min(a, b)", lambda: np.minimum(E["a"], E["b"])),
    ("max(a, b, c, 1)", lambda: np.maximum(np.maximum(np.maximum(E["a"], E["b"]), E["c"]), 1.0)),
    ("clip(a, 0.5, 1.5)", lambda: np.clip(E["a"], 0.5, 1.5)),
    ("clip(a, b, c + 1)", lambda: np.minimum(np.maximum(E["a"], E["b"]), E["c"] + 1)),
    ("exp(-a)", lambda: np.exp(-E["a"])),
    ("log(a * b)", lambda: np.log(E["a"] * E["b"])),
    ("sqrt(a)", lambda: np.sqrt(E["a"])),
    ("abs(a - b)", lambda: np.abs(E["a"] - E["b"])),
    ("exp(1) ** 2", lambda: np.full((1, 1), np.e**2)),
]


@pytest.mark.parametrize(("text", "reference"), FUNCTION_CASES, ids=[t for t, _ in FUNCTION_CASES])
def test_element_wise_functions_match_numpy(text: str, reference: Reference) -> None:
    np.testing.assert_allclose(run(text), reference())


def test_functions_table_documents_every_function() -> None:
    assert set(FUNCTIONS) == {
        "where", "min", "max", "clip", "exp", "log", "sqrt", "abs",
        "sum", "mean", "argmax", "is_max", "lag",
    }  # fmt: skip
    for name, function in FUNCTIONS.items():
        assert function.usage.startswith(f"{name}(")
        assert function.meaning


def test_wrong_argument_counts_show_the_usage() -> None:
    error = error_of("a + clip(a, b)")
    assert error.offset == 4
    assert "clip(x, lo, hi)" in error.message
    assert error_of("exp()").offset == 0
    assert error_of("lag(a, 1, 2)").offset == 0


# --------------------------------------------------------------------------- tables

SHARE = E["share"]

REDUCTIONS: list[tuple[str, Reference]] = [
    ("sum(share)", lambda: SHARE.sum(axis=1, keepdims=True)),
    ("mean(share)", lambda: SHARE.mean(axis=1, keepdims=True)),
    ("max(share)", lambda: SHARE.max(axis=1, keepdims=True)),
    ("min(share)", lambda: SHARE.min(axis=1, keepdims=True)),
    ("argmax(share)", lambda: SHARE.argmax(axis=1)[:, None].astype(float)),
    ("sum(share > 0.5)", lambda: (SHARE > 0.5).sum(axis=1, keepdims=True).astype(float)),
    ("sum(share * strength) / sum(strength)",
     lambda: (SHARE * E["strength"]).sum(1, keepdims=True) / E["strength"].sum(1, keepdims=True)),
]  # fmt: skip


@pytest.mark.parametrize(("text", "reference"), REDUCTIONS, ids=[t for t, _ in REDUCTIONS])
def test_reductions_give_one_number_per_run(text: str, reference: Reference) -> None:
    compiled = compile_text(text)
    assert compiled.axis is None
    result = run(text)
    assert result.shape == (RUNS, 1)
    np.testing.assert_allclose(result, reference())


def test_a_value_over_a_table_keeps_its_table() -> None:
    compiled = compile_text("share / sum(share) * a")
    assert compiled.axis == "cartel"
    result = run("share / sum(share) * a")
    assert result.shape == (RUNS, len(CARTELS))
    np.testing.assert_allclose(result.sum(axis=1, keepdims=True), E["a"])
    assert compile_text("sum(share) * price").axis == "drug"


def test_a_constant_table_broadcasts_over_runs() -> None:
    result = run("price * 2")
    assert result.shape == (1, len(DRUGS))
    assert run("max(price)").shape == (1, 1)


def test_is_max_marks_the_first_largest_row_and_argmax_agrees() -> None:
    env = dict(ENV, share=np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 1.0], [0.0, 0.0, 5.0]]))
    is_max = run("is_max(share)", env)
    assert is_max.dtype == np.float64
    np.testing.assert_array_equal(is_max, [[0, 1, 0], [1, 0, 0], [0, 0, 1]])
    np.testing.assert_array_equal(run("argmax(share)", env), [[1.0], [0.0], [2.0]])
    assert compile_text("is_max(share)").axis == "cartel"


def test_a_row_is_one_number_per_run() -> None:
    formula = parse_formula("share[cjng] * 2 + price[cocaine]")
    assert formula.rows == {"cjng", "cocaine"}
    assert formula.names == {"share", "price"}
    compiled = compile_formula(formula, SCOPE)
    assert compiled.axis is None
    np.testing.assert_allclose(compiled.evaluate(ENV), E["share"][:, 1:2] * 2 + E["price"][:, 1:2])


def test_a_bad_row_is_refused_with_a_suggestion() -> None:
    error = error_of("1 + share[sinaola]")
    assert error.offset == 10
    assert '"sinaola" is not a row of table "cartel"' in error.message
    assert 'did you mean "sinaloa"' in error.message
    error = error_of("a[sinaloa]")
    assert error.offset == 2
    assert "no rows" in error.message


def test_mixing_two_tables_is_refused_naming_both() -> None:
    error = error_of("a * share + price")
    assert error.offset == 12
    assert '"cartel"' in error.message and '"drug"' in error.message
    assert error_of("where(a > 1, share, price)").offset == 20
    assert error_of("max(share, price)").offset == 11
    assert error_of("share > 0 and price > 0").offset == 14


@pytest.mark.parametrize("function", ["sum", "mean", "argmax", "is_max", "max", "min"])
def test_reducing_one_number_per_run_is_refused(function: str) -> None:
    error = error_of(f"1 + {function}(a * 2)")
    assert error.offset == len(f"1 + {function}(")
    assert "one number per run" in error.message


def test_one_argument_max_of_a_number_hints_at_two_arguments() -> None:
    assert "two or more arguments" in error_of("max(a)").message


def test_reducing_a_table_without_rows_is_refused() -> None:
    class EmptyTable(WorldScope):
        axes = {"ghosts": "empty"}

    with pytest.raises(FormulaError, match="no rows"):
        compile_formula(parse_formula("max(ghosts)"), EmptyTable())


# --------------------------------------------------------------------------- lags


def test_lag_reads_the_past_value_under_name_and_turns() -> None:
    formula = parse_formula("heavy_users - lag(heavy_users) + lag(share[gulf], 2)")
    assert formula.names == {"heavy_users"}
    assert formula.lags == {("heavy_users", 1), ("share", 2)}
    assert formula.rows == {"gulf"}
    compiled = compile_formula(formula, SCOPE)
    assert compiled.lags == formula.lags and compiled.names == formula.names
    expected = E["heavy_users"] - E[("heavy_users", 1)] + E[("share", 2)][:, 2:3]
    np.testing.assert_allclose(compiled.evaluate(ENV), expected)


def test_a_lagged_table_keeps_its_table() -> None:
    compiled = compile_text("lag(share, 3) / sum(lag(share, 3))")
    assert compiled.axis == "cartel"
    assert compiled.names == frozenset()


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("lag(a, 0)", 7),
        ("lag(a, 401)", 7),
        ("lag(a, 1.5)", 7),
        ("lag(a, k)", 7),
        ("lag(a, True)", 7),
        ("lag(a + 1)", 4),
        ("lag(lag(a))", 4),
        ("lag(2)", 4),
    ],
)
def test_bad_lags_are_refused(text: str, offset: int) -> None:
    assert error_of(text).offset == offset


def test_lag_of_an_unknown_name_is_refused() -> None:
    error = error_of("lag(heavy_user, 2)")
    assert error.offset == 4
    assert 'did you mean "heavy_users"' in error.message


# --------------------------------------------------------------------------- names


def test_unknown_names_are_refused_with_a_suggestion() -> None:
    error = error_of("tau + ligth_users * 2")
    assert error.offset == 6
    assert error.message == 'unknown name "ligth_users" (did you mean "light_users"?)'
    assert error_of("zzz").message == 'unknown name "zzz"'


def test_a_function_used_as_a_name_says_how_to_call_it() -> None:
    error = error_of("a + exp")
    assert error.offset == 4
    assert "exp(x)" in error.message


def test_unknown_functions_are_refused_with_a_suggestion() -> None:
    error = error_of("a + mx(a, b)")
    assert error.offset == 4
    assert 'unknown function "mx"' in error.message
    assert 'did you mean "max"' in error.message


def test_a_formula_is_an_immutable_record_of_what_it_reads() -> None:
    formula = parse_formula("a + b * lag(c)")
    assert formula.text == "a + b * lag(c)"
    assert formula.names == {"a", "b"}
    assert formula.lags == {("c", 1)}
    with pytest.raises(dataclasses.FrozenInstanceError):
        formula.text = "x"  # type: ignore[misc]
    assert formula.tree.offset == 0
    assert formula.tree.right.offset == 4  # type: ignore[union-attr]


# --------------------------------------------------------------------------- hostile text

HOSTILE: list[tuple[str, int, str]] = [
    ("__import__('os')", 0, 'may not start with "_"'),
    ("x.__class__", 1, "attribute access"),
    ("().__class__.__bases__", 12, "attribute access"),
    ("[c for c in x]", 0, "comprehensions"),
    ("lambda: 1", 0, "lambda"),
    ('"abc"', 0, "strings"),
    ("x[0]", 2, "row is picked by its name"),
    ("x[a:b]", 2, "row is picked by its name"),
    ("(a + b)[c]", 0, "only a name"),
    ("open(1)", 0, 'unknown function "open"'),
    ("exec(1)", 0, 'unknown function "exec"'),
    ("10 ** 10 ** 10", 6, "exponent"),
    ("x ** 100000", 5, "exponent"),
    ("x ** -(65)", 5, "exponent"),
    ("1" * 10_000, MAX_LENGTH, "limit is 2000"),
    ("1" * 1_999, 0, "more than 30 digits"),
    ("1" * 31, 0, "more than 30 digits"),
    ("1e999", 0, "too large"),
    ("(" * 3000 + "x" + ")" * 3000, MAX_LENGTH, "limit is 2000"),
    ("(" * 900 + "x" + ")" * 900, 32, "nested more than 32"),
    ("abs(" * 100 + "x" + ")" * 100, 32 * 4 + 3, "nested more than 32"),
    ("-" * 1000 + "x", 100, "nested more than 100"),
    ("+".join(["x"] * 2500), MAX_LENGTH, "limit is 2000"),
    ('f"{x}"', 0, "strings"),
    ("x := 1", 0, "assignment"),
    ("*x", 0, "starred"),
    ("max(*x)", 4, "starred"),
    ("max(a=1)", 4, "keyword arguments"),
    ("x.y(1)", 1, "attribute access"),
    ("(lambda: 1)()", 1, "only built-in functions"),
    ("a, b", 0, "one expression"),
    ("{1: 2}", 0, "dicts"),
    ("x ^ 2", 2, "use ** for powers"),
    ("x // 2", 2, "operator //"),
    ("a is None", 2, "comparison `is`"),
    ("a not in b", 2, "comparison `not in`"),
    ("~a", 0, "use `not`"),
    ("None", 0, "None"),
    ("...", 0, "Ellipsis"),
    ("1j", 0, "complex"),
    ("1and a", 0, "syntax error"),
    ("x +", 3, "the formula ends where a number, a name or '(' should follow"),
    ("5 ** * x", 5, "expected a number, a name or '(' here, not '*'"),
    ("2 * (a + )", 9, "not ')'"),
    ("a b", 0, "expected an operator (+, -, *, /, a comparison, and, or) between two values"),
    ("a = 2", 0, "'=' is not an operator: write == to compare"),
    ("x)", 1, "unmatched ')'"),
    ("max(x]", 5, "does not match"),
    ("max(x", 3, "never closed"),
    ("", 0, "empty"),
    ("  \n ", 0, "empty"),
    ("a\x00", 1, "control character U+0000"),
    ("yield x", 0, "yield"),
]


@pytest.mark.parametrize(
    ("text", "offset", "fragment"), HOSTILE, ids=[repr(t[:20]) for t, _, _ in HOSTILE]
)
def test_hostile_or_broken_text_is_refused_at_the_right_spot(
    text: str, offset: int, fragment: str
) -> None:
    with pytest.raises(FormulaError) as caught:
        parse_formula(text)
    assert caught.value.offset == offset, caught.value.message
    assert fragment in caught.value.message
    assert str(caught.value) == caught.value.message


def test_a_conditional_expression_is_fine_but_an_f_string_is_not() -> None:
    assert parse_formula("a if b else c").names == {"a", "b", "c"}
    with pytest.raises(FormulaError):
        parse_formula('f"{x}"')


def test_a_string_with_a_backslash_is_refused_without_a_warning_from_python() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Python 3.11 warned of the invalid escape, past the refusal
        with pytest.raises(FormulaError, match="strings are not allowed"):
            parse_formula('"a\\-b" + 1')


def test_limits_allow_text_just_inside_them() -> None:
    parse_formula("1" * 30)
    parse_formula("(" * 32 + "x" + ")" * 32)
    parse_formula("x ** 64 + x ** -64")
    long_sum = " + ".join(["x"] * 99)
    assert len(long_sum) < MAX_LENGTH
    np.testing.assert_allclose(run(long_sum), 99 * E["x"])
    text = "x" + " " * (MAX_LENGTH - 1)
    assert parse_formula(text).names == {"x"}


def test_offsets_count_characters_across_lines_and_accented_comments() -> None:
    with pytest.raises(FormulaError) as caught:
        parse_formula("a # déjà vu\n  + b.c")  # "é" is one character but two UTF-8 bytes
    assert caught.value.offset == 17
    with pytest.raises(FormulaError) as caught:
        parse_formula("a + # é\r\n  b + $")
    assert caught.value.offset == 15
    with pytest.raises(FormulaError) as caught:
        parse_formula("a + # ééé\n  b[0]")
    assert caught.value.offset == 14


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("ｕs_budget + 1", 0),  # full-width u: Python would read us_budget
        ("𝐞𝐱𝐩(x)", 0),  # mathematical bold: Python would read exp
        ("a + é.y", 4),
        ("x × 2", 2),
        ("x * 2 # fine: é\n + ｙ", 19),
    ],
)
def test_identifiers_are_plain_ascii_as_written_not_as_python_folds_them(text: str, offset: int) -> None:
    with pytest.raises(FormulaError, match="not plain ASCII") as caught:
        parse_formula(text)
    assert caught.value.offset == offset


# --------------------------------------------------------------------------- properties


# Each property runs a quick sample by default and the rest of its examples under ``slow`` (.ci/run
# runs both: as many examples as before in all). The default sample catches what a change to the
# parser or compiler breaks everywhere; the slow remainder the rarer corners.
PRINTABLE = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60)


def parses_or_refuses(text: str) -> None:
    try:
        parse_formula(text)
    except FormulaError as error:
        assert 0 <= error.offset <= len(text)


@settings(max_examples=100, deadline=None)
@given(PRINTABLE)
def test_any_printable_text_parses_or_raises_formula_error(text: str) -> None:
    parses_or_refuses(text)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(PRINTABLE)
def test_any_printable_text_parses_or_raises_formula_error_more(text: str) -> None:
    parses_or_refuses(text)


TOKENS = [
    *"ab12.()+-*/%<>=!,[]: ", "x", "share", "price", "cjng", " and ", " or ", "not ",
    " if ", " else ", "max(", "min(", "sum(", "mean(", "argmax(", "is_max(", "lag(",
    "where(", "clip(", "exp(", "log(", "sqrt(", "abs(", "**", "'", "#", "\n", "é", "_",
    "1e308", "True", "0x1f", "lambda", ".",
]  # fmt: skip


FORMULA_LIKE = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=16).map("".join)


@settings(max_examples=150, deadline=None)
@given(FORMULA_LIKE)
def test_formula_like_text_fails_cleanly_or_evaluates_to_a_shaped_array(text: str) -> None:
    fails_cleanly_or_evaluates(text)


@pytest.mark.slow
@settings(max_examples=450, deadline=None)
@given(FORMULA_LIKE)
def test_formula_like_text_fails_cleanly_or_evaluates_to_a_shaped_array_more(text: str) -> None:
    fails_cleanly_or_evaluates(text)


def fails_cleanly_or_evaluates(text: str) -> None:
    try:
        compiled = compile_text(text)
    except FormulaError as error:
        assert 0 <= error.offset <= len(text)
        return
    with np.errstate(all="ignore"):
        value = compiled.evaluate(ENV)
    width = 1 if compiled.axis is None else len(SCOPE.rows_of(compiled.axis))
    assert value.shape in ((RUNS, width), (1, width))


class _Reference:
    """What numpy gives for a random formula. A named callable with its own repr: Hypothesis
    prints generated values, and from 6.170 it fails reading the source of lambdas in them."""

    def __init__(
        self, text: str, compute: Callable[[], np.ndarray], *parts: _Reference, constant: bool = False
    ) -> None:
        self.text, self.compute = text, compute
        # made of numbers only (the compiler works it out once), and whether such a part is
        # infinite or nan somewhere inside it, as (1.0 / (1.0 - 1.0)): the compiler refuses those
        self.constant = constant or (bool(parts) and all(p.constant for p in parts))
        self.broken = any(p.broken for p in parts)
        if self.constant and not self.broken:
            with np.errstate(all="ignore"):
                self.broken = not np.all(np.isfinite(compute()))

    def __call__(self) -> np.ndarray:
        return self.compute()

    def __repr__(self) -> str:
        return f"numpy({self.text})"


_OPERATORS = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide}


def _name_leaf(name: str) -> tuple[str, _Reference]:
    return name, _Reference(name, functools.partial(E.__getitem__, name))


def _number_leaf(value: float) -> tuple[str, _Reference]:
    return repr(value), _Reference(repr(value), functools.partial(np.float64, value), constant=True)


def _binary(t: tuple[tuple[str, _Reference], str, tuple[str, _Reference]]) -> tuple[str, _Reference]:
    (left, f), op, (right, g) = t
    text = f"({left} {op} {right})"
    return text, _Reference(text, lambda: _OPERATORS[op](f(), g()), f, g)


def _call(t: tuple[str, tuple[str, _Reference], tuple[str, _Reference]]) -> tuple[str, _Reference]:
    name, (left, f), (right, g) = t
    text = f"{name}({left}, {right})"
    pick = np.maximum if name == "max" else np.minimum
    return text, _Reference(text, lambda: pick(f(), g()), f, g)


def _arithmetic() -> st.SearchStrategy[tuple[str, _Reference]]:
    """Random arithmetic as (text, numpy reference), every operation in brackets."""
    leaves = st.sampled_from(["a", "b", "c"]).map(_name_leaf) | st.floats(0.5, 3.0).map(_number_leaf)

    def combine(children: st.SearchStrategy) -> st.SearchStrategy:
        binary = st.tuples(children, st.sampled_from(sorted(_OPERATORS)), children).map(_binary)
        calls = st.tuples(st.sampled_from(["max", "min"]), children, children).map(_call)
        return binary | calls

    return st.recursive(leaves, combine, max_leaves=12)


@settings(max_examples=50, deadline=None)
@given(_arithmetic())
@example(_binary((_number_leaf(1.0), "/", _binary((_number_leaf(1.0), "-", _number_leaf(1.0))))))
@example(_call(("max", _name_leaf("a"), _binary((_number_leaf(2.0), "-", _number_leaf(0.5))))))
def test_random_arithmetic_matches_numpy(case: tuple[str, _Reference]) -> None:
    matches_numpy(case)


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(_arithmetic())
def test_random_arithmetic_matches_numpy_more(case: tuple[str, _Reference]) -> None:
    matches_numpy(case)


def matches_numpy(case: tuple[str, _Reference]) -> None:
    text, reference = case
    if reference.broken:  # a part of numbers alone is infinite or nan: refused, saying so
        with pytest.raises(FormulaError, match="this part is always"):
            run(text)
        return
    with np.errstate(all="ignore"):
        expected = np.broadcast_to(reference(), (RUNS, 1))
    result = np.broadcast_to(run(text), (RUNS, 1))
    np.testing.assert_allclose(result, expected, rtol=1e-12, equal_nan=True)
