"""Why an indicator changed over a turn: its change split into the parts each driver added."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from game.engine.records import Contribution
from game.engine.state import Array, Mix, State
from game.engine.stepping import Stepper
from game.engine.world import World


def attribute(
    stepper: Stepper,
    state: State,
    pending: Mapping[str, int],
    env_prev: Mapping[Any, Array],
    lags: Mapping[Any, Array],
    indicator: str,
    turn: int,
    run: int,
    before: float,
    after: float,
) -> list[Contribution]:
    """Replay one turn of one run from ``state`` (as it was before the turn) with drivers switched on
    one at a time, in a fixed order (events, then actions, then rules), in a batch of copies of
    the run resolved side by side; each driver's part is what switching it on added. What no
    driver explains (``after - before`` minus the parts) is reported as "other".
    """
    world = stepper.world
    drivers: list[tuple[str, str]] = (
        [
            ("event", e)
            for e in sorted({k[0].split(":")[0] for k in state.ev_start} | {e for _, e, _, _ in state.jumps})
        ]
        + [("action", a) for a in sorted(world.actions)]
        + [("rule", f) for f in sorted(world.flows)]
    )
    copies = len(drivers) + 1
    sub = state.tile(run, copies)
    on = np.arange(copies).reshape(-1, 1)

    def masks(kind: str, ids: Iterable[str]) -> dict[str, Array]:
        out = {}
        for i in ids:
            position = drivers.index((kind, i)) if (kind, i) in drivers else -1
            out[i] = (on > position).astype(np.float64)
        return out

    mix = Mix(masks("action", world.actions), masks("event", world.events), masks("rule", world.flows))
    runs = stepper.runs
    lags_run = {
        key: np.repeat(v[run : run + 1] if np.shape(v)[0] > 1 else v, copies, axis=0)
        for key, v in lags.items()
    }
    env_prev_run = {
        k: (v[run : run + 1] if np.ndim(v) == 2 and v.shape[0] == runs and runs > 1 else v)
        for k, v in env_prev.items()
    }
    with np.errstate(all="ignore"):
        env = stepper.advance(sub, turn, pending, mix, lags_run, env_prev_run)
    values = np.broadcast_to(np.asarray(env[indicator], dtype=np.float64), (copies, 1))[:, 0]
    parts: list[Contribution] = []
    counted = counted_stocks(world, indicator)
    for i, (kind, ident) in enumerate(drivers):
        delta = float(values[i + 1] - values[i])
        if delta != 0.0:
            label = driver_label(world, kind, ident)
            via = _via(world, ident, counted) if kind == "rule" else ""
            parts.append(Contribution(kind, ident, label, delta, via))  # type: ignore[arg-type]
    explained = sum(p.value for p in parts)
    other = (after - before) - explained
    if other != 0.0:
        parts.append(Contribution("other", "other", "trends, lags and shocks between turns", other))
    return sorted(parts, key=lambda p: -abs(p.value))


def driver_label(world: World, kind: str, ident: str) -> str:
    """What the player reads for a driver: the action's or event's name, a rule's name and its action."""
    if kind == "action":
        spec = world.actions[ident].spec
        return spec.name or ident
    if kind == "event":
        return world.events[ident].spec.title
    flow = world.flow_specs[ident]
    label = flow.name or ident
    if flow.action is not None:
        label += f" ({world.actions[flow.action].spec.name or flow.action})"
    return label


def counted_stocks(world: World, name: str) -> frozenset[str]:
    """The stocks a quantity is made of: itself if a stock, else those its formula and its
    variables' formulas (and their effects' formulas) read, not looking through a stock."""
    seen: set[str] = set()
    stocks: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if current in world.stocks:
            stocks.add(current)
            continue
        formula = world.variables.get(current)
        if formula is not None:
            todo.extend(formula.names)
            effects = [m.formula for m in world.modifiers.get(current, ()) if m.formula is not None]
            todo.extend(n for effect in effects for n in effect.names)
    return frozenset(stocks)


def _via(world: World, flow_id: str, counted: frozenset[str]) -> str:
    """A rule whose part comes through another stock (switched on, it moves that stock, which
    changes the flows of the stocks counted): that stock's name; "" for a rule moving one counted."""
    flow = world.flow_specs[flow_id]
    moved = [s for s in (flow.out_of, flow.into) if s is not None]
    if not moved or any(s in counted for s in moved):
        return ""
    stock = world.stocks[moved[-1]]
    return stock.name or moved[-1]
