"""The record of a game: every recorded quantity's value after each turn, one row per run."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from game.engine.bounds import IndicatorRanges
from game.engine.program import kept_copy
from game.engine.state import Array
from game.engine.stepping import Stepper

FEW_RUNS = 64
"""Up to this many runs the values of a turn are checked for being finite, and the indicators for
being in range, as one array (numpy's cost per call outweighs copying so few numbers); past it,
value by value (no copy of them all)."""
FEW_VALUES = 8
"""Up to this many values left to test, one reduction each costs less than laying them end to end."""


def _wholes(values: Iterable[Array]) -> list[Array]:
    """The arrays to test for finiteness so that every value is tested: each value, or instead
    the whole array it views (a lone game's names view its turn's one array of numbers: that
    array is tested once). A whole array holds more than the names; a number there that is not
    finite only sends the turn to the value-by-value test, which names the culprit or finds none."""
    wholes: dict[int, Array] = {}
    for value in values:
        base = value.base
        if isinstance(base, np.ndarray):
            wholes[id(base)] = base
        else:
            wholes[id(value)] = value
    return list(wholes.values())


class Recorder:
    """Keeps the history of the indicators, the lagged names and each side's money and capital."""

    def __init__(self, stepper: Stepper, extra: Iterable[str] = ()) -> None:
        world = stepper.world
        self.stepper = stepper
        names = set(world.indicators) | {name for name, _ in world.lagged} | set(extra)
        for side in world.sides.values():
            names |= {side.budget, side.capital} | ({side.approval} if side.approval else set())
        self.names: list[str] = sorted(names)
        stepper.kept = frozenset(self.names)
        self._axes = {n: world.symbols[n].axis if n in world.symbols else None for n in self.names}
        self.series: dict[str, list[Array]] = {name: [] for name in self.names}
        # every quantity computed at a turn, not only the recorded ones, is checked for finiteness
        self.computed = [n for n in world.order if n in world.variables or n in world.flows]
        self.computed += [f"{sid}_action_cost" for sid in world.sides]
        self.ranges = IndicatorRanges(world)
        self._vouched: frozenset[str] | None = None  # record: the names a turn's program vouched for
        self._transient: frozenset[str] | None = None  # and the names it handed out as its own arrays
        self._copied: list[int] = []  # (the places of the recorded ones among them)
        self._unvouched: list[str] = []  # and the computed names it did not
        self._unvouched_records: list[tuple[int, str]] = []  # and the recorded names (by place)
        self._shapes = [(name, self._axes[name], self._shape(stepper, name)) for name in self.names]
        self._reading()

    def _reading(self) -> None:
        """How a turn's values of the recorded names are read: in one ``itemgetter`` call, and
        the shapes and types that were recorded as they came (None: not yet)."""
        names = self.names
        self._getter: Callable[[Mapping[Any, Array]], tuple[Array, ...]] = (
            operator.itemgetter(*names) if len(names) > 1 else lambda env: tuple(env[n] for n in names)
        )
        self._as_kept: list[tuple[tuple[int, ...], np.dtype[Any]]] | None = None

    @staticmethod
    def _shape(stepper: Stepper, name: str) -> tuple[int, int]:
        """The (runs, rows) shape a name's record has (``Stepper.shape``'s)."""
        axis = stepper.world.symbols[name].axis if name in stepper.world.symbols else None
        return (stepper.runs, 1 if axis is None else len(stepper.world.tables[axis].rows))

    def copy(self) -> Recorder:
        twin = Recorder.__new__(Recorder)
        twin.stepper, twin.names, twin._axes = self.stepper, self.names, self._axes
        twin.computed, twin.ranges, twin._shapes = self.computed, self.ranges, self._shapes
        twin._vouched, twin._unvouched, twin._unvouched_records = None, [], []
        twin._transient, twin._copied = None, []
        twin.series = {name: list(values) for name, values in self.series.items()}
        twin._reading()
        return twin

    def tile(self, stepper: Stepper, run: int, copies: int) -> Recorder:
        """``copies`` copies of one run's history, recorded from now on by ``stepper``."""
        twin = Recorder.__new__(Recorder)
        twin.stepper, twin.names, twin._axes = stepper, self.names, self._axes
        stepper.kept = frozenset(self.names)
        twin.computed, twin.ranges = self.computed, self.ranges
        twin._vouched, twin._unvouched, twin._unvouched_records = None, [], []
        twin._transient, twin._copied = None, []
        twin._shapes = [(name, axis, self._shape(stepper, name)) for name, axis, _ in self._shapes]
        twin._reading()
        twin.series = {
            name: [np.repeat(value[run : run + 1], copies, axis=0) for value in values]
            for name, values in self.series.items()
        }
        return twin

    def record(self, env: Mapping[Any, Array], stocks: Mapping[str, Array], turn: int) -> None:
        """Append the values after a turn; raise SimulationError naming any computed quantity
        (recorded or not) or stock that is not finite, or any indicator outside its declared range."""
        values = self._getter(env)
        layout = [(value.shape, value.dtype) for value in values]
        if layout == self._as_kept:  # each one a float64 of its record's shape, as last turn
            recorded = list(values)
        else:
            shape, float64 = self.stepper.shape, np.dtype(np.float64)
            recorded = [
                value if value.shape == want and value.dtype == float64 else shape(value, axis)
                for value, (_, axis, want) in zip(values, self._shapes, strict=True)
            ]
            if all(arr is value for arr, value in zip(recorded, values, strict=True)):
                self._as_kept = layout
        transient: frozenset[str] = getattr(env, "transient", frozenset())
        if transient:  # the program's own arrays, written again in a turn or two: kept as copies
            if transient is not self._transient:
                self._transient = transient
                self._copied = [i for i, name in enumerate(self.names) if name in transient]
            for i in self._copied:
                recorded[i] = kept_copy(recorded[i])
        series = self.series
        for name, arr in zip(self.names, recorded, strict=True):
            series[name].append(arr)
        # every value is checked once (a recorded name is usually a computed one or a stock too),
        # less those the program vouches for (it found them finite as they left it); the culprit
        # is named only when something is wrong
        vouched: frozenset[str] = getattr(env, "finite", frozenset())
        if vouched is not self._vouched:  # the program's own set, the same object every turn
            self._vouched = vouched
            self._unvouched = [name for name in self.computed if name not in vouched]
            self._unvouched_records = [(i, name) for i, name in enumerate(self.names) if name not in vouched]
        checked = {name: env[name] for name in self._unvouched if name in env}
        checked.update((sid, value) for sid, value in stocks.items() if sid not in vouched)
        checked.update((name, recorded[i]) for i, name in self._unvouched_records if name not in checked)
        # a sum is finite only if every element is (an inf or a nan makes it inf or nan): one
        # reduction per value and no temporary; a sum that overflows from finite values only
        # sends it to the detailed check, which then finds nothing to report
        isfinite, total = math.isfinite, np.add.reduce
        if self.stepper.runs <= FEW_RUNS and len(checked) > FEW_VALUES:  # one sum of them all, one call
            finite = isfinite(total(np.concatenate(_wholes(checked.values()), axis=None, dtype=np.float64)))
        else:
            finite = all(isfinite(total(value, axis=None)) for value in checked.values())
        if not finite:
            for name in self.computed:
                if name in env:
                    self.stepper.check_finite(name, env[name], turn)
            for sid, value in stocks.items():
                self.stepper.check_finite(sid, value, turn)
            for name, arr in zip(self.names, recorded, strict=True):
                self.stepper.check_finite(name, arr, turn)
        found = self.ranges.first_breach(env, few=self.stepper.runs <= FEW_RUNS)
        if found is not None:
            info, breach = found
            self.stepper.out_of_range(info.id, breach, turn, "outside the range its indicator declares")

    def lags(self, turn: int) -> dict[tuple[str, int], Array]:
        """The lagged values a formula reads at ``turn`` (the start state stands in for turns before it)."""
        return {(name, k): self.series[name][max(0, turn - k)] for name, k in self.stepper.world.lagged}

    def history(self, name: str) -> Array:
        """Shape (turns recorded, runs) for a single number, (turns recorded, runs, rows) for a table."""
        stacked = np.stack(self.series[name])
        return stacked[:, :, 0] if self.stepper.world.symbols[name].axis is None else stacked
