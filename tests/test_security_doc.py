"""docs/SECURITY.md states every limit, with the value the game really uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from game import limits
from game.formula import parser

DOC = Path(__file__).resolve().parent.parent / "docs" / "SECURITY.md"


def shown(name: str, value: int) -> str:
    return limits.describe_bytes(value) if name.endswith("_BYTES") else f"{value:,}"


LIMITS = [
    *((name, value, "") for name, value in vars(limits).items() if name.isupper() and isinstance(value, int)),
    *(
        (name, getattr(parser, name), " (formulas)")
        for name in ("MAX_LENGTH", "MAX_NESTING", "MAX_DEPTH", "MAX_EXPONENT", "MAX_DIGITS", "MAX_LAG")
    ),
]


@pytest.mark.parametrize(("name", "value", "suffix"), LIMITS, ids=[name for name, _, _ in LIMITS])
def test_every_limit_is_in_the_table_with_its_value(name: str, value: int, suffix: str) -> None:
    rows = {
        line.split("|")[1].strip(): line.split("|")[2].strip()
        for line in DOC.read_text().splitlines()
        if line.startswith("| `")
    }
    assert f"`{name}`{suffix}" in rows, f"{name} is missing from docs/SECURITY.md's table of limits"
    assert rows[f"`{name}`{suffix}"] == shown(name, value)


def test_the_page_says_what_a_pack_and_a_save_cannot_do() -> None:
    text = DOC.read_text()
    for promise in ("data only", "Run code", "Read outside its folder", "bounded amount of memory and time"):
        assert promise in text
