"""How much memory a game will take, estimated before a single array is allocated.

A game keeps every recorded quantity for every turn and run, so memory grows as
runs x turns x rows. ``simulate --runs 10000000`` or a pack with a huge table would
otherwise allocate until the machine gives up. The estimate is deliberately generous
(a test keeps it above what a game really uses) and is checked against the limit in
game.limits (BORDERLINE_MEMORY_LIMIT) when a Game is made.
"""

from __future__ import annotations

from game.engine.errors import GameError
from game.engine.world import World, derived
from game.limits import MEMORY_ENV, describe_bytes, memory_limit

_FLOAT = 8
_WORKING_COPIES = 8
"""Arrays alive at once per computed name while a turn resolves (the environment of each
sub-step, the state, its ramps and temporaries), a measured upper bound with room to spare."""
_ARRAY_OVERHEAD = 128
"""Bytes of bookkeeping per numpy array, whatever its size (it matters for small games)."""
_FIXED_OVERHEAD = 64 * 1024**2
"""Python, numpy and the compiled world, which do not grow with runs."""


class MemoryBudgetExceeded(GameError):
    """A game would need more memory than the limit; ``needed`` and ``limit`` are in bytes."""

    def __init__(self, needed: int, limit: int, runs: int, turns: int, fit: int) -> None:
        self.needed, self.limit, self.runs, self.turns = needed, limit, runs, turns
        self.fit = fit  # the most runs that would stay under the limit (0: not even one)
        super().__init__(
            f"{runs:,} run{'s' if runs != 1 else ''} of {turns} turns would need about "
            f"{describe_bytes(needed)} of memory, more than the limit of {describe_bytes(limit)} "
            f"({MEMORY_ENV}); ask for fewer runs, or raise the limit if this machine has the memory"
        )


def _columns(world: World, name: str) -> int:
    symbol = world.symbols.get(name)
    axis = symbol.axis if symbol is not None else None
    return len(world.tables[axis].rows) if axis is not None and axis in world.tables else 1


def recorded_names(world: World) -> set[str]:
    """What a game records every turn: indicators, lagged names, and each side's money and capital."""
    names = set(world.indicators) | {name for name, _ in world.lagged}
    for side in world.sides.values():
        names |= {side.budget, side.capital} | ({side.approval} if side.approval else set())
    return names


def _sizes(world: World) -> tuple[int, int, int, int]:
    """Numbers a run of the world records and keeps live, and how many arrays each takes (worked
    out once a world: ``derived``)."""
    names = recorded_names(world)
    recorded = sum(_columns(world, name) for name in names)
    live_names = {*world.symbols, *world.stocks}
    live = sum(_columns(world, name) for name in live_names)
    live += sum(len(info.channels[0]) * 4 for info in world.actions.values())  # ramps and levels
    live += 6 * (len(world.events) + sum(len(m) for m in world.modifiers.values()))
    return recorded, len(names), live, len(live_names)


def estimate_bytes(world: World, runs: int, turns: int, *, status_quo: bool, snapshots: bool) -> int:
    """A generous estimate of the memory a game of ``runs`` runs and ``turns`` turns needs."""
    recorded, names, live, live_names = derived(world, _sizes)
    per_run = (turns + 1) * recorded + _WORKING_COPIES * live
    arrays = (turns + 1) * names + _WORKING_COPIES * live_names
    if snapshots:
        per_run += turns * 2 * live
        arrays += turns * 2 * live_names
    games = 2 if status_quo else 1
    return _FIXED_OVERHEAD + games * (runs * per_run * _FLOAT + arrays * _ARRAY_OVERHEAD)


def check_memory(world: World, runs: int, turns: int, *, status_quo: bool, snapshots: bool) -> None:
    """Raise MemoryBudgetExceeded if the game would need more than the memory limit."""
    try:
        limit = memory_limit()
    except ValueError as exc:
        raise GameError(str(exc)) from None
    needed = estimate_bytes(world, runs, turns, status_quo=status_quo, snapshots=snapshots)
    if needed > limit:
        base = estimate_bytes(world, 0, turns, status_quo=status_quo, snapshots=False)
        per_run = estimate_bytes(world, 1, turns, status_quo=status_quo, snapshots=False) - base
        fit = max(0, (limit - base) // per_run) if per_run > 0 else 0
        raise MemoryBudgetExceeded(needed, limit, runs, turns, fit)
