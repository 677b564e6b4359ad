"""Physical ranges: a stock leaving its minimum or maximum, or an indicator its declared range,
is a model error in the content, reported with where it happened; nothing is clamped silently.

Only floating-point round-off is forgiven: a value within a few parts in a billion of a bound
is set to the bound, so that a stock emptied by an exact outflow does not read -1e-17.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import CodeType
from typing import Any

import numpy as np

from game.engine import scalar_formulas
from game.engine.world import IndicatorInfo, World
from game.formula import CompiledFormula

Array = np.ndarray
ROUND_OFF = 1e-9  # relative tolerance for round-off at a bound


def _getter(names: list[str]) -> Callable[[Mapping[Any, Array]], tuple[Array, ...]]:
    """``operator.itemgetter(*names)``, a tuple whatever their number."""
    if len(names) > 1:
        return operator.itemgetter(*names)
    return lambda env: tuple(env[name] for name in names)


@functools.lru_cache(maxsize=16)
def _compiled(source: str) -> CodeType:
    """Python's compiling of a lone game's range checks, once per distinct source: every game of
    a world generates the same (a new game's recorder makes its own ranges)."""
    return compile(source, "<borderline range checks>", "exec")


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
    env: Mapping[Any, Array],
    inflows: Sequence[str],
    outflows: Sequence[str],
    breach: Breach,
    shape: tuple[int, ...],
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
        self.world = world
        self.checked: list[IndicatorInfo] = [
            info for info in world.indicators.values() if info.low is not None or info.high is not None
        ]
        # per side (minimum, maximum): the indicators bounded by a number, and by a formula
        self._sides: list[tuple[list[tuple[IndicatorInfo, float]], list[tuple[IndicatorInfo, Any]]]] = []
        for side in ("low", "high"):
            pairs = [(info, getattr(info, side)) for info in self.checked if getattr(info, side) is not None]
            fixed = [(info, bound) for info, bound in pairs if isinstance(bound, float)]
            formulas = [(info, bound) for info, bound in pairs if not isinstance(bound, float)]
            self._sides.append((fixed, formulas))
        self._repeated: dict[tuple[int, tuple[int, ...]], Array] = {}
        # per side, for _all_inside_one_run: (indicator, bound, its tolerance or None for a formula)
        self._one_run: list[list[tuple[str, Any, float | None]]] = [
            [(info.id, bound, ROUND_OFF * max(1.0, abs(bound))) for info, bound in fixed]
            + [(info.id, formula, None) for info, formula in formulas]
            for fixed, formulas in self._sides
        ]
        self._lone_names = list(dict.fromkeys(name for checks in self._one_run for name, _, _ in checks))
        self._lone_getter = _getter(self._lone_names)
        # the layout of values last checked, and its checks as a function (_all_inside_one_run)
        self._lone_test: tuple[list[tuple[tuple[int, ...], np.dtype[Any]]], Callable[..., bool]] | None = None
        place = {name: index for index, name in enumerate(self._lone_names)}
        self._lone_checks = [
            (side, place[name], bound_def, tolerance)
            for side, checks in enumerate(self._one_run)
            for name, bound_def, tolerance in checks
        ]

    def first_breach(
        self, env: Mapping[Any, Array], few: bool = False
    ) -> tuple[IndicatorInfo, Breach] | None:
        """The first indicator outside its range, in the indicators' order, if any. ``few``: the
        values are small (a game of a few runs), so laying them end to end first costs less than
        the numpy calls it saves; big ones are searched in place, without copying them."""
        if few and (self._all_inside_one_run(env) or self._all_inside(env)):
            return None
        return self._first_breach(env)

    def _all_inside_one_run(self, env: Mapping[Any, Array]) -> bool:
        """``_all_inside`` for a game of one run, on Python numbers: ``_breach``'s own test, each
        operation an IEEE one that Python's floats round as numpy does (a subtraction, ``abs``,
        ``max`` with 1.0, a product, a comparison), so it decides the same. False when a value
        is not one run's, or for anything the vector test should see (a nan fails every test).

        The values are read in one ``itemgetter`` call and turned into Python numbers by one
        ``tolist`` each; their shapes and types are checked as one list against those the last
        call met (a game's are the same every turn), and the checks for that layout are one
        generated function (``_lone_function``), made once per layout."""
        if not self._lone_names:
            return True
        values = self._lone_getter(env)
        layout = [(value.shape, value.dtype) for value in values]
        known = self._lone_test  # (layout, its checks): forks share these ranges, maybe in threads
        if known is None or known[0] != layout:
            float64 = np.dtype(np.float64)
            if any(len(shape) != 2 or shape[0] != 1 or dtype != float64 for shape, dtype in layout):
                return False
            known = self._lone_test = (layout, self._lone_function([shape[1] for shape, _ in layout]))
        return known[1]([value.tolist()[0] for value in values], env)  # type: ignore[no-any-return]

    def _lone_function(self, widths: list[int]) -> Callable[[list[list[float]], Mapping[Any, Array]], bool]:
        """The checks of ``_all_inside_one_run`` for values of these widths (numbers per value),
        in their order, as one generated function of the values' numbers and the env: a line per
        number and bound, ``_breach``'s gap against the tolerance; a bound that is a formula
        worked out where it is first needed, once a call per (text, axis) (a text means one value
        on one turn's values), and False if it is not a number or is nan (numpy's maximum keeps
        a nan, Python's max may not). False at the first check that fails, as the loop was."""
        names: dict[str, Any] = {"_bound": self._bound_alone, "_round_off": ROUND_OFF}
        lines = ["def inside(R, env):"]
        local: dict[tuple[str, Any], str] = {}  # a formula bound's (text, axis) -> its local name
        for side, index, bound_def, tolerance in self._lone_checks:
            if tolerance is None:  # a formula
                same = (bound_def.text, bound_def.axis)
                bound = local.get(same)
                if bound is None:
                    bound = local[same] = f"b{len(local)}"
                    names[f"f{bound}"] = bound_def
                    lines += [
                        f"    {bound} = _bound(f{bound}, env)",
                        f"    if {bound} is None or {bound} != {bound}: return False",
                        f"    t{bound} = _round_off * max(1.0, abs({bound}))",
                    ]
                limit = f"t{bound}"
            else:
                bound = f"k{len(names)}"
                names[bound] = bound_def
                limit = f"k{len(names)}"
                names[limit] = tolerance
            for row in range(widths[index]):
                number = f"R[{index}][{row}]"
                gap = f"{bound} - {number}" if side == 0 else f"{number} - {bound}"
                lines.append(f"    if not {gap} <= {limit}: return False")
        lines.append("    return True")
        namespace: dict[str, Any] = {}
        # the source is made of places and bound names only, never of content text
        exec(_compiled("\n".join(lines)), names, namespace)
        return namespace["inside"]  # type: ignore[no-any-return]

    def _bound_alone(self, formula: CompiledFormula, env: Mapping[Any, Array]) -> float | None:
        """A bound that is a formula, as one run's number: on Python numbers where the formula
        allows (``scalar_formulas``: the same number), else its closure's; None when it is not
        one float64 number. A nan the formula meets inside is its closure's to report."""
        number = scalar_formulas.number(self.world, formula, env)
        if number is not None:
            return number
        evaluated = formula.evaluate(env)
        if evaluated.shape != (1, 1) or evaluated.dtype != np.float64:
            return None
        return float(evaluated.item())

    def _all_inside(self, env: Mapping[Any, Array]) -> bool:
        """Whether no indicator can be out of its range, tested at once for all of them.

        The test is ``_breach``'s own (the gap past a bound against its round-off tolerance,
        the same numpy operations element by element), on every value and bound laid end to
        end: a few numpy calls a turn instead of a few per indicator. False (a breach, a nan,
        a bound that cannot be evaluated) sends the turn to the value-by-value search, which
        finds the first breach in the indicators' order, or finds none."""
        try:
            with np.errstate(all="ignore"):
                for side, (fixed, formulas) in enumerate(self._sides):
                    values = [env[info.id] for info, _ in fixed]
                    bounds = self._fixed_bounds(side, tuple(value.size for value in values))
                    for info, formula in formulas:
                        value = env[info.id]
                        bound = np.asarray(formula.evaluate(env), dtype=np.float64)
                        if bound.shape != value.shape:
                            value, bound = np.broadcast_arrays(value, bound)
                        values.append(value)
                        bounds.append(bound)
                    if not values:
                        continue
                    value = np.concatenate(values, axis=None, dtype=np.float64)
                    bound = np.concatenate(bounds, axis=None, dtype=np.float64)
                    gap = (bound - value) if side == 0 else (value - bound)
                    if not (gap <= _tolerance(bound)).all():
                        return False
        except Exception:  # noqa: BLE001 (the search evaluates the bound again and raises its error)
            return False
        return True

    def _fixed_bounds(self, side: int, sizes: tuple[int, ...]) -> list[Array]:
        """The numbers bounding one side of the indicators with a number for a bound, each
        repeated once per element of its value (kept per shape of the values)."""
        key = (side, sizes)
        found = self._repeated.get(key)
        if found is None:
            numbers = [bound for _, bound in self._sides[side][0]]
            found = self._repeated[key] = np.repeat(np.array(numbers, dtype=np.float64), sizes)
        return [found]

    def _first_breach(self, env: Mapping[Any, Array]) -> tuple[IndicatorInfo, Breach] | None:
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
