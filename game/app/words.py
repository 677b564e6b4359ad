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


def significant(value: float, digits: int = 3) -> str:
    """A number to ``digits`` significant figures, written out (15,700, never 1.57e+04)."""
    if not math.isfinite(value):
        return "n/a"
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(0, digits - 1 - magnitude)
    rounded = round(value, digits - 1 - magnitude)
    return f"{rounded:,.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{rounded:,.0f}"


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


def percent(share: float, *, short: bool = False) -> str:
    """A share of a whole as a whole percent; a share that would round to 0% is "under 1%"
    (``short``: "<1%", for a table's column)."""
    if 0 < share and f"{share:.0%}" == "0%":
        return "<1%" if short else "under 1%"
    return f"{share:.0%}"


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


MONEY_SCALES = "BMk"  # a money unit is "$" and one of these, then anything ("$B", "$B/y", "$M per year")


def money(value: float, unit: str = "$B", decimals: int | None = None) -> str:
    """An amount of money, in the one format the game uses everywhere.

    For a unit of ``$`` and a scale letter (``$B``, ``$B/y``): ``$12B`` from ten up, ``$5.3B``
    and ``$0.4B`` down to a tenth, then the next scale down (``$40M``), ``$0`` for nothing;
    whatever follows the scale letter follows the amount (``$53B/y``). Other units are
    written after the number (``5.3 pesos``). ``decimals`` fixes the decimals instead.
    """
    if not math.isfinite(value):
        return "n/a"
    if not (unit.startswith("$") and len(unit) > 1 and unit[1] in MONEY_SCALES):
        places = 1 if decimals is None else decimals
        return f"{value:,.{places}f} {unit}".strip()
    scale, rest = unit[1], unit[2:]
    sign = "-" if value < 0 else ""
    size = abs(value)
    if size == 0:
        return f"$0{rest}"
    if decimals is not None and size >= 0.5 * 10**-decimals:  # fixed decimals, unless it reads $0.0B
        return f"{sign}${size:,.{decimals}f}{scale}{rest}"
    for letter in MONEY_SCALES[MONEY_SCALES.index(scale) :]:
        if size >= 9.95:
            return f"{sign}${size:,.0f}{letter}{rest}"
        if size >= 0.095 or letter == "k":
            return f"{sign}${size:,.1f}{letter}{rest}"
        size *= 1000
    return f"{sign}${size:,.1f}k{rest}"  # unreachable: the loop ends at k


def cost(value: float, unit: str = "$B") -> str:
    """A cost in a side's money unit: the one money format (kept as a name the screens use)."""
    return money(value, unit)


def cost_cell(value: float, unit: str = "$B") -> str:
    """A cost for a narrow column (5 cells): ``$0``, ``$40M``, ``$1.2B``, ``$12B``."""
    return money(value, unit)


def compact(value: float, decimals: int = 1) -> str:
    """A number for a narrow cell: as ``number`` below a thousand, ``1.5k`` and ``12k`` above."""
    size = abs(value)
    if size >= 1e4 and size < 1e6:
        return f"{value / 1e3:,.0f}k"
    if size >= 999.5 and size < 1e4:
        return f"{value / 1e3:,.1f}k"
    return number(value, decimals)


def with_unit(value: float, decimals: int, short_unit: str) -> str:
    """A value and its short unit, as the dashboard and tables show it: ``2.99M``, ``1,411/mo``,
    ``$53B/y``, ``45%``, ``100.0 idx``."""
    if short_unit.startswith("$") and len(short_unit) > 1 and short_unit[1] in MONEY_SCALES:
        return money(value, short_unit, decimals)
    return number(value, decimals) + short_unit


def signed_with_unit(value: float, decimals: int, short_unit: str) -> str:
    """A change with its sign and short unit: ``+374/y``, ``-$0.2B/y``, ``+1.5%``; ``0`` when none shows."""
    if signed(value, decimals) == "0":
        return "0"
    text = with_unit(value, decimals, short_unit)
    return text if text.startswith("-") else f"+{text}"


def harm(change: float) -> str:
    """A change in harm, in percent (+ more, - less): ``64% more harm``, ``19% less harm``."""
    if round(change) == 0:
        return "about the same harm"
    return f"{abs(change):.0f}% {'more' if change > 0 else 'less'} harm"


def score_harm(score: float) -> float:
    """The change in harm a score means on its own terms (100 x the log of the status quo's harm
    over the run's, averaged over the objectives by their worth), in percent: -35.2 is +42%."""
    return (math.exp(-score / 100.0) - 1.0) * 100.0


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def reflow(text: str) -> str:
    """Content text as paragraphs: single line breaks (from TOML multi-line strings) become spaces."""
    blocks = text.strip().split("\n\n")
    paragraphs = [" ".join(line.strip() for line in block.splitlines()) for block in blocks]
    return "\n\n".join(p for p in paragraphs if p)
