"""The compiled program's own ways to raise a table to a power and to find a table's largest row
give numpy's own numbers, to the bit, on special values and on every layout an operand may have.

The program keeps a table over runs as a (rows, runs) buffer; the reference path keeps it as
(runs, rows). numpy's power takes shortcuts (``x * x`` for ``x ** 2``, a square root for
``x ** 0.5``) when the exponent is constant along its inner loop, and those round differently
from its general routine on very large and very small numbers: the program must take a shortcut
exactly where the reference layout does.
"""

from __future__ import annotations

import numpy as np
import pytest

from game.engine.program import _argmax_into, _power_by_rows

RUNS, ROWS = 10_000, 5  # numpy's loops split differently below 8192 elements: both are tried
SHORTCUTS_AND_OTHERS = [2.0, 0.5, -1.0, 0.0, -0.0, 1.0, 3.0, -0.5, 1 / 3, -2.0]


def bases() -> np.ndarray:
    """(rows, runs) bases whose squares, roots and reciprocals round differently by shortcut
    and by the general routine: magnitudes over the whole float range, and special values."""
    rng = np.random.default_rng(5)
    wide = 10.0 ** rng.uniform(-300, 300, (ROWS, RUNS)) * rng.choice([1.0, -1.0], (ROWS, RUNS))
    values = np.where(rng.random((ROWS, RUNS)) < 0.5, wide, rng.standard_normal((ROWS, RUNS)) * 100)
    values[:, :8] = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, 1.0, -1.0])
    return values


def reference(base: np.ndarray, exponent: np.ndarray) -> np.ndarray:
    """What the reference path computes: the power of (runs, rows) arrays, laid back."""
    return np.power(np.ascontiguousarray(base.T), np.ascontiguousarray(exponent.T)).T


def exponents(value: float) -> dict[str, np.ndarray]:
    """The one exponent ``value`` in each layout an operand can have in the program: one number,
    one per row, one per run, one per row and run (the others in each kept off the shortcuts)."""
    rng = np.random.default_rng(7)
    per_row = np.full((ROWS, 1), 1.5)
    per_row[2, 0] = value
    per_run = np.full((1, RUNS), value)
    per_run[0, ::3] = -2.5
    both = rng.uniform(-3, 3, (ROWS, RUNS))
    both[1] = value
    return {"one number": np.full((1, 1), value), "per row": per_row, "per run": per_run, "both": both}


@pytest.mark.parametrize("value", SHORTCUTS_AND_OTHERS)
@pytest.mark.parametrize("runs", [RUNS, 48])
def test_a_tables_power_matches_numpy_on_the_reference_layout(value, runs):
    base = bases()[:, :runs]
    with np.errstate(all="ignore"):
        for layout, exponent in exponents(value).items():
            exponent = exponent[:, :runs]
            out = np.empty((ROWS, runs))
            _power_by_rows(base, exponent, out)
            expected = reference(base, exponent)
            assert_same_bits(out, expected, f"{layout} exponent {value}")


def test_a_row_of_bases_raised_by_row_matches_too():
    rng = np.random.default_rng(3)
    base = rng.standard_normal((1, RUNS)) * 100  # one row, spread over the table's rows
    exponent = np.array([[2.0], [0.5], [-1.0], [3.0], [2.0]])
    out = np.empty((ROWS, RUNS))
    with np.errstate(all="ignore"):
        _power_by_rows(base, exponent, out)
        expected = reference(base, exponent)
    assert (out.view(np.uint64) == expected.view(np.uint64)).all()


def tables() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(11)
    rows = 8
    ties = rng.integers(0, 3, (rows, RUNS)).astype(np.float64)  # many equal largest rows
    zeros = rng.choice([0.0, -0.0], (rows, RUNS))  # -0.0 and 0.0 are equal: the first wins
    infinite = rng.choice([np.inf, -np.inf, 1.0], (rows, RUNS))
    with_nan = rng.random((rows, RUNS))
    with_nan[rng.integers(0, rows, 50), rng.integers(0, RUNS, 50)] = np.nan  # the first nan wins
    all_nan = np.full((rows, RUNS), np.nan)
    return {
        "random": rng.random((rows, RUNS)),
        "ties": ties,
        "signed zeros": zeros,
        "infinities": infinite,
        "nans": with_nan,
        "all nan": all_nan,
        "one row": rng.random((1, RUNS)),
        "integers": rng.integers(-5, 5, (rows, RUNS)),
        "booleans": rng.random((rows, RUNS)) > 0.5,
    }


@pytest.mark.parametrize("kind", list(tables()))
def test_a_tables_largest_row_is_numpys_argmax(kind):
    table = tables()[kind]
    out = np.full((1, RUNS), -1, dtype=np.intp)
    with np.errstate(all="ignore"):  # inf - inf while looking for a nan: as the program runs
        _argmax_into(table, out)
    assert (out == np.argmax(table, 0, keepdims=True)).all()


def test_argmax_into_writes_into_a_view_of_the_runs():
    """A span of runs (threads split a batch) is a view into a wider buffer: only it changes."""
    table = np.random.default_rng(2).random((6, RUNS))
    wide = np.full((1, 2 * RUNS), -1, dtype=np.intp)
    _argmax_into(table, wide[:, RUNS:])
    assert (wide[:, :RUNS] == -1).all()
    assert (wide[:, RUNS:] == np.argmax(table, 0, keepdims=True)).all()


MIN_MAX_CONSTANTS = [0.0, -0.0, np.nan, np.inf, -np.inf, 1.0, -1.0, 5e-324, 1e300]


@pytest.mark.parametrize("constant", MIN_MAX_CONSTANTS)
@pytest.mark.parametrize("runs", [RUNS, 48])
def test_minimum_and_maximum_of_a_spread_constant_match_the_repeated_one(constant, runs):
    """The program spreads a number fixed for the game over every run before a turn's minimum or
    maximum reads it (``_Builder.spread``): numpy must give the numbers it gives the number
    repeated along the runs (the reference path's layout), in either operand's place."""
    values = bases()[:, :runs]
    for repeated in (np.full((1, 1), constant), np.linspace(-2, 2, ROWS).reshape(ROWS, 1)):
        repeated[-1, 0] = constant
        spread = np.empty(values.shape)
        np.copyto(spread, repeated)
        orders = (((values, repeated), (values, spread)), ((repeated, values), (spread, values)))
        for ufunc in (np.minimum, np.maximum):
            for pair, spread_pair in orders:
                got = ufunc(*spread_pair, out=np.empty(values.shape))
                assert_same_bits(got, ufunc(*pair), f"{ufunc.__name__} {constant!r}")


def assert_same_bits(got: np.ndarray, expected: np.ndarray, what: str) -> None:
    differ = np.flatnonzero(got.view(np.uint64) != expected.view(np.uint64))
    assert differ.size == 0, f"{what}: {differ.size} numbers differ, first {got.flat[differ[0]]!r}"
