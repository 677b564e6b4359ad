"""A lone game's events on its numbers: which conditions are plainly false, and an event's chance.

``events.draw_events`` asks, for a game of one run, whether an event's condition holds on the
game's Python numbers (an event whose condition is false goes no further, one whose condition
is true is not evaluated again), and takes the
event's chance as a Python number to compare its draw with (``state.event_draw``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from game.engine import finite, scalar_formulas
from game.engine.state import Array
from game.engine.stepping import Stepper
from game.engine.world import World
from game.formula import NotANumber


def conditions(world: World) -> list[scalar_formulas.OnNumbers | None]:
    """Each event's condition on a lone game's Python numbers (None: left to numpy), in the
    world's order of events."""
    return [scalar_formulas.on_numbers(world, info.condition) for info in world.events.values()]


def endings(world: World) -> dict[tuple[str, int], scalar_formulas.OnNumbers | None]:
    """Each scenario's ending conditions on a lone game's Python numbers (None: left to numpy),
    by (scenario, position), as ``world.ending_formulas``."""
    return {key: scalar_formulas.on_numbers(world, formula) for key, formula in world.ending_formulas.items()}


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
    on_numbers = scalar_formulas.on_numbers(stepper.world, probability)
    if on_numbers is not None:  # its number as ``finite.evaluate`` would give it, without an array
        try:
            number = on_numbers(env)
        except NotANumber:
            number = None  # the long way raises the formula's own error, named where it is written
        if type(number) is float and math.isfinite(number):
            return number
    origin = finite.cached_origin(stepper, "event", eid, f"the probability of event {eid}", "probability")
    value = finite.evaluate(stepper, probability, env, origin, turn, quiet=True)
    if value.shape == (1, 1) and value.dtype == np.float64 and math.isfinite(value.item()):
        return float(value.item())
    return float(np.broadcast_to(finite.finite(stepper, value, origin, turn), (1, 1)).item())
