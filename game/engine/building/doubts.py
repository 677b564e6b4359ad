"""What a pack probably did not mean, though the engine could run it: warnings, not errors.

A parameter whose unit says "fraction" with a value of 25 (a percentage typed where a share
was meant) or below 0, and an event that says nothing of where its chance and effects come
from (every event of the base game does, as every parameter must).
"""

from __future__ import annotations

from typing import Any

from game.content.loader import Located
from game.content.schema import Event, Parameter
from game.engine.building.builder import Builder

FRACTION = "fraction"
PERCENT_LIKE = 10.0
"""A "fraction" this large reads as a percentage (25 for 25%). Between 1 and this it may be a
relative increase written as a fraction extra (the base game's legalization boosts: 2.0, up
to 4.0, is "twice as many more"), so it is not warned about: only what is surely wrong is."""


def warn_doubtful_content(b: Builder) -> None:
    for loc in b.items["parameter"].values():
        _percent_or_negative_fraction(b, loc)
    for eid, loc in b.items["event"].items():
        ev: Event = loc.item
        if not ev.source:
            b.warn(
                loc,
                f"event {eid} has no source: its condition, chance and effects are claims about the "
                'world; add source = "..." (a citation, or "illustrative: why"), as every base event has',
            )


def _percent_or_negative_fraction(b: Builder, loc: Located[Any]) -> None:
    par: Parameter = loc.item
    if par.unit.strip().lower() != FRACTION:
        return
    given: list[tuple[tuple[str | int, ...], float]] = [(("value",), par.value)]
    if par.range is not None:
        given += [(("range", i), end) for i, end in enumerate(par.range)]
    given += [(("values", row), v) for row, v in (par.values or {}).items()]
    outside = [(sub, v) for sub, v in given if v < 0.0 or v >= PERCENT_LIKE]
    if not outside:
        return
    sub, value = outside[0]
    what = "value" if sub == ("value",) else ".".join(map(str, sub))
    b.warn(
        loc,
        f'{what} {value:g} is {"below 0" if value < 0 else "a percentage"}, but the unit is "fraction": '
        'a share of 25% is 0.25; if it is not a share, give its unit (unit = "ratio", "multiple of ...")',
        *sub,
        at_value=True,
    )
