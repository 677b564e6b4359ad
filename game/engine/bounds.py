"""Physical ranges: a stock leaving its minimum or maximum, or an indicator its declared range,
is a model error in the content, reported with where it happened; nothing is clamped silently.

Only floating-point round-off is forgiven: a value within a few parts in a billion of a bound
is set to the bound, so that a stock emptied by an exact outflow does not read -1e-17.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from game.engine.world import IndicatorInfo, World

Array = np.ndarray
ROUND_OFF = 1e-9  # relative tolerance for round-off at a bound


def _tolerance(bound: Array | float) -> Array:
    return ROUND_OFF * np.maximum(1.0, np.abs(bound))


@dataclass(frozen=True)
class Breach:
    """The first value found outside its range: enough to say what, where and by how much."""

    name: str
    run: int
    row: int | None
    value: float
    bound: float
    side: str  # "minimum" or "maximum"

    def describe(self, row_names: tuple[str, ...] = ()) -> str:
        where = f"[{row_names[self.row]}]" if self.row is not None and self.row < len(row_names) else ""
        relation = "below its minimum" if self.side == "minimum" else "above its maximum"
        return f"{self.name}{where} = {self.value:.6g} in run {self.run}, {relation} {self.bound:.6g}"


def settle(value: Array, low: float | None, high: float | None) -> tuple[Array, Breach | None]:
    """The value with round-off at a bound removed, and the first real breach if there is one."""
    # fast path: one reduction per bound, as almost every value is well inside its range
    if (low is None or value.min() >= low) and (high is None or value.max() <= high):
        return value, None
    for bound, side in ((low, "minimum"), (high, "maximum")):
        if bound is None:
            continue
        gap = (bound - value) if side == "minimum" else (value - bound)
        if not (gap > 0).any():
            continue
        tol = _tolerance(bound)
        if (gap > tol).any():
            run, col = np.unravel_index(int(np.argmax(gap)), gap.shape)
            row = int(col) if value.shape[-1] > 1 else None
            return value, Breach("", int(run), row, float(value[run, col]), float(bound), side)
        value = np.maximum(value, bound) if side == "minimum" else np.minimum(value, bound)
    return value, None


def describe_flows(
    env: Mapping[Any, Array], inflows: list[str], outflows: list[str], breach: Breach, shape: tuple[int, ...]
) -> str:
    """The flows that moved a stock, each with what it added to the stock a year (an outflow's
    rate counts against it) in the run and row that broke its range: ``growth -15.43``."""
    parts = []
    for fids, sign in ((inflows, 1.0), (outflows, -1.0)):
        for fid in fids:
            rate = np.broadcast_to(np.asarray(env[fid], dtype=np.float64), shape)[breach.run]
            parts.append(f"{fid} {sign * float(rate.flat[breach.row or 0]):+.4g}")
    return ", ".join(parts)


class IndicatorRanges:
    """Every indicator with a declared range, checked against the recorded values of a turn."""

    def __init__(self, world: World) -> None:
        self.checked: list[IndicatorInfo] = [
            info for info in world.indicators.values() if info.low is not None or info.high is not None
        ]

    def first_breach(self, env: Mapping[Any, Array]) -> tuple[IndicatorInfo, Breach] | None:
        minimum, maximum = np.minimum.reduce, np.maximum.reduce  # value.min() without its wrapper
        for info in self.checked:
            value = env[info.id]
            for bound_def, side in ((info.low, "minimum"), (info.high, "maximum")):
                if bound_def is None:
                    continue
                if isinstance(bound_def, float):  # fast path: one reduction against a number
                    if side == "maximum":
                        inside = maximum(value, axis=None) <= bound_def + ROUND_OFF * max(1.0, abs(bound_def))
                    else:
                        inside = minimum(value, axis=None) >= bound_def - ROUND_OFF * max(1.0, abs(bound_def))
                    if inside:
                        continue
                breach = self._breach(info, value, bound_def, side, env)
                if breach is not None:
                    return info, breach
        return None

    @staticmethod
    def _breach(
        info: IndicatorInfo, value: Array, bound_def: Any, side: str, env: Mapping[Any, Array]
    ) -> Breach | None:
        value = np.asarray(value, dtype=np.float64)
        with np.errstate(all="ignore"):
            bound = np.asarray(
                bound_def if isinstance(bound_def, float) else bound_def.evaluate(env), dtype=np.float64
            )
        gap = (bound - value) if side == "minimum" else (value - bound)
        bad = gap > _tolerance(bound)
        if not bad.any():
            return None
        bound, value, gap, bad = np.broadcast_arrays(bound, value, gap, bad)
        run, col = np.unravel_index(int(np.argmax(np.where(bad, gap, -np.inf))), gap.shape)
        row = int(col) if info.axis is not None else None
        return Breach(info.id, int(run), row, float(value[run, col]), float(bound[run, col]), side)
