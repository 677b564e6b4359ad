"""The builder step for ``[history.ID]``: real series must name a single-number indicator."""

from __future__ import annotations

from game.content.errors import did_you_mean
from game.content.schema import History
from game.engine.building.builder import Builder
from game.engine.world import HistoryInfo


def build_history(b: Builder) -> None:
    """Check each history series against the indicators built before it."""
    for hid, loc in b.items["history"].items():
        hist: History = loc.item
        target = b.indicators.get(hist.indicator)
        if target is None:
            b.error(
                loc,
                f"{hist.indicator!r} is not an indicator{did_you_mean(hist.indicator, b.indicators)}; "
                "history compares with a stock or variable that has an `indicator` table",
                "indicator",
                at_value=True,
            )
        elif target.axis is not None:
            b.error(
                loc,
                f"indicator {hist.indicator!r} is indexed over {target.axis!r}; history compares with "
                "single-number indicators only",
                "indicator",
                at_value=True,
            )
        else:
            b.history[hid] = HistoryInfo(hid, hist, hist.indicator)
