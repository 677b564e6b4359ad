"""Numbers and changes in words a player can read without colour: signs, arrows and units.

Every function here returns plain text; screens add colour on top as a second signal.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

SPARK_BARS = "▁▂▃▄▅▆▇█"


def quarter(label: str) -> str:
    """``2012Q1`` as ``2012 Q1``; other date labels unchanged."""
    year, sep, q = label.partition("Q")
    return f"{year} Q{q}" if sep and year.isdigit() else label


def turns(count: int, word: str) -> str:
    """``4 quarters``, ``1 month``: a count of turns in the scenario's own word for one."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def number(value: float, decimals: int = 1) -> str:
    """A value with thousands separators, and k/M/B suffixes past a million."""
    if not math.isfinite(value):
        return "n/a"
    size = abs(value)
    if size >= 1e9:
        return f"{value / 1e9:,.2f}B"
    if size >= 1e6:
        return f"{value / 1e6:,.2f}M"
    if size >= 1e5 and decimals > 0:
        decimals = 0
    return f"{value:,.{decimals}f}"


def signed(value: float, decimals: int = 1) -> str:
    """A change with its sign always written: ``+12``, ``-3.5``, ``0``."""
    text = number(value, decimals)
    if text.strip("-+0.,") == "":
        return "0"
    return text if text.startswith("-") else f"+{text}"


def percent_change(new: float, old: float) -> float | None:
    """Relative change in percent, or None when the base is zero."""
    if old == 0 or not (math.isfinite(new) and math.isfinite(old)):
        return None
    return (new - old) / abs(old) * 100.0


def signed_percent(value: float | None) -> str:
    if value is None:
        return "n/a"
    if abs(value) < 0.5:
        return "±0%"
    return f"{value:+.0f}%"


def arrow(change: float, scale: float = 1.0) -> str:
    """▲ up, ▼ down, = flat (flat: less than a millionth of the scale)."""
    if abs(change) <= 1e-6 * max(abs(scale), 1e-12):
        return "="
    return "▲" if change > 0 else "▼"


def judgement(change: float, good: str, scale: float = 1.0) -> str:
    """Whether a change is good for the player: 'better', 'worse' or '' (no preference / flat)."""
    if good not in ("up", "down") or abs(change) <= 1e-6 * max(abs(scale), 1e-12):
        return ""
    return "better" if (change > 0) == (good == "up") else "worse"


SPARK_MIN_SPAN = 0.05  # the full height stands for at least 5% of the values' size


def sparkline(values: Sequence[float], width: int = 8, min_span: float = SPARK_MIN_SPAN) -> str:
    """The last ``width`` values as block characters scaled between their min and max.

    The scale never spans less than ``min_span`` of the values' size, centred on them, so a
    move that rounds to nothing stays a near-flat line rather than a full-height swing.
    """
    tail = [v for v in values[-width:] if math.isfinite(v)]
    if not tail:
        return ""
    low, high = min(tail), max(tail)
    span = max(high - low, min_span * max(abs(high), abs(low)))
    if span <= 1e-12 or high - low <= 1e-9 * max(abs(high), 1e-12):
        return SPARK_BARS[3] * len(tail)
    base = (low + high) / 2 - span / 2
    top = len(SPARK_BARS) - 1
    return "".join(SPARK_BARS[min(top, max(0, round((v - base) / span * top)))] for v in tail)


def money(value: float, unit: str = "$B", decimals: int = 1) -> str:
    """An amount in a side's money unit: ``$5.3B`` for "$B", else ``5.3 unit``."""
    if unit.startswith("$") and len(unit) > 1:
        return f"${value:,.{decimals}f}{unit[1:]}"
    return f"{value:,.{decimals}f} {unit}".strip()


def cost(value: float, unit: str = "$B", decimals: int = 1) -> str:
    """A cost in a side's money unit, small ones in millions: ``$40M`` rather than ``$0.0B``."""
    if not value and unit.startswith("$"):
        return "$0"
    if unit == "$B" and value and abs(value) < 0.1:
        return f"${value * 1000:,.0f}M" if abs(value) >= 0.0005 else "<$1M"
    return money(value, unit, decimals)


def cost_cell(value: float, unit: str = "$B") -> str:
    """A cost for a narrow column (5 cells): ``$0``, ``$40M``, ``$1.2B``, ``$12B``."""
    if not value:
        return "$0" if unit.startswith("$") else "0"
    if unit == "$B" and abs(value) >= 9.95:
        return f"${value:,.0f}B"
    return cost(value, unit)


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def reflow(text: str) -> str:
    """Content text as paragraphs: single line breaks (from TOML multi-line strings) become spaces."""
    blocks = text.strip().split("\n\n")
    paragraphs = [" ".join(line.strip() for line in block.splitlines()) for block in blocks]
    return "\n\n".join(p for p in paragraphs if p)
