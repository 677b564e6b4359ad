"""Turns of another length: numbers a world writes per turn, converted to a scenario's turns.

Rules integrate rates a year, so any turn length gets them right. A few numbers are
written per turn, though: an action's cost list (money a turn), its ramp (turns to full
effect), an event's chance a turn, its cooldown and how long its effects last. A pack says
what turn it wrote them for (``turn_months`` in ``pack.toml``; the base game's are
quarters), and a scenario whose turns are longer or shorter gets them converted:

    cost        money a turn x ratio              (a year pays four quarters)
    ramp        turns / ratio, a fraction          (two quarters are half a year)
    chance      1 - (1 - p) ** ratio               (at least once in the turn's quarters)
    cooldown    ceil(turns / ratio)                (never shorter than written)
    duration    max(1, round(turns / ratio))       (0, for the rest of the game, stays 0)

where ratio = the scenario's months a turn / the pack's. A world that declares no turn
length, or a scenario with the same, converts nothing, bit for bit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

Array = np.ndarray


@dataclass(frozen=True)
class TurnScale:
    """How a scenario's turn compares with the turn a world's per-turn numbers are written for."""

    ratio: float = 1.0

    @classmethod
    def between(cls, content_months: int | None, scenario_months: int) -> TurnScale:
        """The scale for turns of ``scenario_months`` on content written for ``content_months``."""
        if content_months is None or content_months == scenario_months:
            return cls(1.0)
        return cls(scenario_months / content_months)

    @property
    def identity(self) -> bool:
        return self.ratio == 1.0

    def cost(self, per_turn: Array) -> Array:
        """A cost list's money a turn, for this turn."""
        return per_turn if self.identity else per_turn * self.ratio

    def ramp(self, turns: int) -> float:
        """Turns (a fraction, at least a millionth) until a new level takes full effect."""
        return float(turns) if self.identity else max(1e-6, turns / self.ratio)

    def chance(self, per_turn: Array | float) -> Array | float:
        """The chance an event fires in this turn, given its chance in one of the content's turns."""
        if self.identity:
            return per_turn
        p = np.clip(per_turn, 0.0, 1.0)
        return 1.0 - (1.0 - p) ** self.ratio

    def cooldown(self, turns: int) -> int:
        """Turns before an event may fire again: never less time than the content says."""
        return turns if self.identity else math.ceil(turns / self.ratio - 1e-9)

    def duration(self, turns: int) -> int:
        """Turns an event's effect lasts; 0 (the rest of the game) stays 0."""
        if self.identity or turns == 0:
            return turns
        return max(1, round(turns / self.ratio))
