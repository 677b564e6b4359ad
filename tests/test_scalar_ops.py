"""A lone game computes single numbers in Python: every such operation must round exactly as numpy's."""

from __future__ import annotations

import itertools
import math
import struct

import numpy as np
import pytest

from game.engine.exact import EXACT, INLINE, _argmax

SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, 3.0, -2.5, 1e-308, 5e-324, 1e308, -1e308,
           math.inf, -math.inf, math.nan, 0.1, 0.7, 1 / 3]
RANDOM = np.random.default_rng(0).standard_normal(40) * np.logspace(-5, 5, 40)
VALUES = SPECIAL + [float(x) for x in RANDOM]


def bits(value: object) -> object:
    """Floats by their bits (so -0.0 differs from 0.0), nan as one value; booleans as they are."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    number = float(value)  # type: ignore[arg-type]
    return "nan" if math.isnan(number) else struct.pack("<d", number)


@pytest.mark.parametrize("ufunc", list(EXACT), ids=lambda u: u.__name__)
def test_each_python_operation_gives_numpys_bits(ufunc):
    python = EXACT[ufunc]
    pairs = itertools.product(VALUES, repeat=ufunc.nin)
    with np.errstate(all="ignore"):
        for args in pairs:
            expected = ufunc(*(np.full((1, 1), a) for a in args))[0, 0]
            assert bits(python(*args)) == bits(expected), (ufunc.__name__, args)


@pytest.mark.parametrize("ufunc", list(INLINE), ids=lambda u: u.__name__)
def test_each_operation_written_out_in_a_line_gives_numpys_bits(ufunc):
    """The generated line for division, maximum and minimum, run on every pair of numbers."""
    line = INLINE[ufunc].format(a="a", b="b", numpy="numpy")
    written = eval(f"lambda a, b: {line}", {"numpy": EXACT[ufunc]})  # noqa: S307 (our own template)
    with np.errstate(all="ignore"):
        for a, b in itertools.product(VALUES, repeat=2):
            expected = ufunc(np.full((1, 1), a), np.full((1, 1), b))[0, 0]
            assert bits(written(a, b)) == bits(expected), (ufunc.__name__, a, b)


def test_the_row_of_a_tables_largest_number_is_numpys_argmax():
    """Every table of up to four rows drawn from the special numbers (ties, -0.0, infinities,
    nans first, last and between): the first of the largest, or the first nan, as numpy says."""
    tables = [t for n in range(1, 5) for t in itertools.product(SPECIAL[:4] + SPECIAL[11:14], repeat=n)]
    for table in tables:
        assert _argmax(*table) == int(np.argmax(np.array(table))), table
    assert _argmax(1.0, math.nan, 2.0, math.nan) == 1
    assert _argmax(2, 5, 5, 1) == 1  # integers too
