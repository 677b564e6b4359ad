"""A lone game's events and endings on its numbers: its clocks, which conditions hold, an event's chance.

For a game of one run, ``events.draw_events`` reads each event's clocks as Python integers and
asks whether its condition holds on the game's Python numbers (an event whose condition is
false goes no further, one whose condition is true is not evaluated again), and takes the
event's chance as a Python number to compare its draw with (``state.event_draw``);
``endings.reach_endings`` passes over the endings whose conditions are false on them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from game.engine import finite, scalar_formulas
from game.engine.state import Array, State
from game.engine.stepping import Stepper
from game.engine.world import World, derived
from game.formula import NotANumber


def clocks(stepper: Stepper, state: State, turn: int, ended_turn: Array) -> Array:
    """``events.eligibility`` for a game of one run: the same tests on Python's integers, a
    column each."""
    ids = stepper.event_ids
    if not ended_turn.item() > turn - 1:
        return np.zeros((1, len(ids)), dtype=bool)
    fired_last, fired_count = state.ev_last, state.ev_count
    clocks = zip(ids, stepper.event_cooldowns[0].tolist(), stepper.event_once[0].tolist(), strict=True)
    row = [
        fired_last[eid].item() + cooldown < turn and not (once and fired_count[eid].item() != 0)
        for eid, cooldown, once in clocks
    ]
    return np.array([row], dtype=bool)


def _conditions(world: World) -> list[scalar_formulas.OnNumbers | None]:
    """Each event's condition on a lone game's Python numbers (None: left to numpy), in the
    world's order of events."""
    return [scalar_formulas.on_numbers(world, info.condition) for info in world.events.values()]


def _endings(world: World) -> dict[tuple[str, int], scalar_formulas.OnNumbers | None]:
    """Each scenario's ending conditions on a lone game's Python numbers (None: left to numpy),
    by (scenario, position), as ``world.ending_formulas``."""
    return {key: scalar_formulas.on_numbers(world, formula) for key, formula in world.ending_formulas.items()}


def event_verdicts(stepper: Stepper, env: Mapping[Any, Array], candidates: list[bool]) -> list[bool | None]:
    """Each event's ``verdict`` in a lone game, for the events its clocks let fire (in the world's
    order of events); None for the others, and for every event of a game of several runs."""
    if stepper.runs != 1:
        return [None] * len(candidates)
    conditions = derived(stepper.world, _conditions)
    pairs = zip(conditions, candidates, strict=True)
    return [verdict(condition, env) if candidate else None for condition, candidate in pairs]


def ending_verdicts(stepper: Stepper, env: Mapping[Any, Array]) -> list[bool | None]:
    """Each of the scenario's endings' ``verdict`` in a lone game (None for every ending of a
    game of several runs), in the scenario's order."""
    count = len(stepper.scenario.endings)
    if stepper.runs != 1:
        return [None] * count
    conditions, sid = derived(stepper.world, _endings), stepper.scenario_id
    return [verdict(conditions[(sid, i)], env) for i in range(count)]


def verdict(condition: scalar_formulas.OnNumbers | None, env: Mapping[Any, Array]) -> bool | None:
    """Whether a lone game's event condition holds, decided on its numbers: False for a number
    that is zero, True for one that is neither zero nor a nan (``events._draw_event`` would
    evaluate it to the same number and decide the same), None for anything else (left to numpy,
    a value read that is not one number, a nan, the formula's own nan error): then
    ``events._draw_event`` evaluates it the long way and decides, or raises."""
    if condition is None:
        return None
    try:
        value = condition(env)
    except NotANumber:
        return None
    if value is scalar_formulas.NOT_ON_NUMBERS or value != value:  # a nan is refused the long way
        return None
    return bool(value)


def chance(stepper: Stepper, eid: str, env: dict[Any, Array], turn: int) -> float:
    """A lone game's chance of an event this turn (its probability as written: the turn is the
    content's): the number ``events._fired`` compares its draw with, refused as it refuses a
    nan or an infinity."""
    probability = stepper.world.events[eid].probability
    if isinstance(probability, float):
        return probability
    # its number as ``finite.evaluate`` would give it, without an array
    number = scalar_formulas.number(stepper.world, probability, env)
    if number is not None and math.isfinite(number):
        return number
    origin = finite.cached_origin(stepper, "event", eid, f"the probability of event {eid}", "probability")
    value = finite.evaluate(stepper, probability, env, origin, turn, quiet=True)
    if value.shape == (1, 1) and value.dtype == np.float64 and math.isfinite(value.item()):
        return float(value.item())
    return float(np.broadcast_to(finite.finite(stepper, value, origin, turn), (1, 1)).item())
