"""A table's sum has the same bits whatever the memory layout of the table it adds up."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import numpy as np
import pytest

from game.formula import compile_formula, parse_formula

ROWS = tuple(f"org{i}" for i in range(11))  # 8 or more rows: numpy's pairwise order starts to matter


class TableScope:
    def axis_of(self, name: str) -> str | None | Literal[False]:
        return {"share": "org", "income": "org", "scale": None}.get(name, False)

    def rows_of(self, table: str) -> tuple[str, ...]:
        return ROWS

    def known_names(self) -> Iterable[str]:
        return ("share", "income", "scale")


@pytest.mark.parametrize("text", ["sum(share * income) * scale", "mean(share * income)", "sum(share)"])
def test_a_sum_over_a_table_does_not_depend_on_how_the_table_is_laid_out(text):
    """A stock that comes back from the compiled engine is a column-ordered view; numpy adds
    such a table one element of every row at a time instead of pairwise along each row."""
    rng = np.random.default_rng(3)
    runs = 48
    share = rng.uniform(0, 1, (runs, len(ROWS))) * 10.0 ** rng.integers(-6, 6, (runs, len(ROWS)))
    env_c = {
        "share": np.ascontiguousarray(share),
        "income": rng.uniform(0, 1, (1, len(ROWS))),
        "scale": np.full((runs, 1), 1.7),
    }
    env_f = dict(env_c, share=np.asfortranarray(share))
    formula = compile_formula(parse_formula(text), TableScope())
    c, f = formula.evaluate(env_c), formula.evaluate(env_f)
    assert c.tobytes() == f.tobytes()
    # and each run's sum is numpy's own sum of that run's row, as the compiled engine emits it
    per_row = np.array(
        [np.add.reduce(np.ascontiguousarray((share * env_c["income"])[i])) for i in range(runs)]
    )
    if text.startswith("sum(share * income)"):
        assert c[:, 0].tobytes() == (per_row * 1.7).tobytes()
