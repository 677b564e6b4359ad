"""Keeping a simulation's numbers finite, and saying exactly where one stopped being.

numpy lets nan slip through quietly: ``nan > 1`` is false, ``bool(nan)`` is true, a draw is
never below a nan probability. A pack with a 0/0 somewhere would then steer the game
without a trace. So every formula's result that decides something (a condition, a
probability, an ending, a prerequisite, an effect's size) is checked here before it is
used, every computed quantity is checked at the end of each turn, and a nan met inside a
formula (``NotANumber``) becomes a SimulationError naming the item, its file, line and
column, the turn, the scenario and the seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from game.engine import scalar_formulas
from game.engine.errors import SimulationError
from game.formula import CompiledFormula, NotANumber

if TYPE_CHECKING:
    from game.content.loader import Located
    from game.engine.stepping import Stepper

Array = np.ndarray


@dataclass(frozen=True)
class Origin:
    """A formula (or a value) in a pack: what it is, in words, and where it is written."""

    what: str  # "the probability of event cartel_war"
    located: Located[Any] | None = None
    sub: tuple[str | int, ...] = ()  # the key path from the item to the formula

    def place(self, offset: int | None = None) -> str:
        """``file:line:col`` of the formula (of character ``offset`` in it), or ''."""
        if self.located is None:
            return ""
        doc, path = self.located.where(*self.sub)
        where = doc.string_offset_position(path, offset) if offset is not None else doc.value_position(path)
        return f"{doc.path}:{where.line}:{where.column}"


def item_origin(stepper: Stepper, kind: str, item_id: str, what: str, *sub: str | int) -> Origin:
    """The origin of a formula of an item of the world's content, by kind and id."""
    located = stepper.world.content.items[kind].get(item_id)
    return Origin(what, located, sub)


def _problem(
    stepper: Stepper, origin: Origin, detail: str, turn: int | None, offset: int | None = None
) -> str:
    place = origin.place(offset)
    when = f"at turn {turn}" if turn is not None else "before the next turn"
    return (
        f"{origin.what}{f' ({place})' if place else ''}: {detail} {when} of scenario "
        f"{stepper.scenario_id} (seed {stepper.seed})"
    )


def not_a_number(stepper: Stepper, origin: Origin, exc: NotANumber, turn: int | None) -> SimulationError:
    """The error for a nan met inside a formula: where, and what usually causes it."""
    return SimulationError(
        _problem(stepper, origin, str(exc), turn, exc.offset)
        + ": something it reads divided 0 by 0, subtracted infinities or took the log or square "
        "root of a negative number"
    )


def evaluate(
    stepper: Stepper,
    formula: CompiledFormula,
    env: Any,
    origin: Origin,
    turn: int | None,
    *,
    quiet: bool = False,
) -> Array:
    """``formula`` evaluated, with a nan met inside it reported at its origin (``quiet``: the
    caller already ignores numpy's floating-point warnings, as this does)."""
    try:
        if stepper.runs == 1:  # a lone game: on Python numbers where the formula allows
            alone = scalar_formulas.evaluate(stepper.world, formula, env)
            if alone is not None:
                return alone
        if quiet:
            return np.asarray(formula.evaluate(env))
        with np.errstate(all="ignore"):
            return np.asarray(formula.evaluate(env))
    except NotANumber as exc:
        raise not_a_number(stepper, origin, exc, turn) from None


def cached_origin(stepper: Stepper, kind: str, item_id: str, what: str, *sub: str | int) -> Origin:
    """``item_origin``, made once per game for a formula the game evaluates every turn."""
    key = (kind, item_id, sub)
    found = stepper.origins.get(key)
    if found is None:
        found = stepper.origins[key] = item_origin(stepper, kind, item_id, what, *sub)
    return found


def truth(stepper: Stepper, value: Array, origin: Origin, turn: int | None) -> Array:
    """A condition's value as true/false, refusing nan (which numpy would take as true)."""
    value = np.asarray(value)
    if value.dtype != np.bool_ and np.isnan(value).any():
        raise SimulationError(
            _problem(
                stepper, origin, "the condition is nan (not a number), so whether it holds is unknown", turn
            )
        )
    return value.astype(bool)


def holds(stepper: Stepper, value: Array, origin: Origin, turn: int | None) -> bool | None:
    """``truth`` of a single number (a lone game's condition) as a Python bool, without numpy's
    calls: nonzero is true, a nan is refused with ``truth``'s error; None for anything wider
    (the caller then takes ``truth``'s array)."""
    if value.shape != (1, 1):
        return None
    number = value.item()
    if number != number:
        truth(stepper, value, origin, turn)  # raises its error for the nan
    return bool(number)


def finite(stepper: Stepper, value: Array, origin: Origin, turn: int | None) -> Array:
    """A number the game is about to use (a probability, an effect's size), refusing nan and inf."""
    value = np.asarray(value, dtype=np.float64)
    if not np.isfinite(value).all():
        bad = value[~np.isfinite(value)].flat[0]
        raise SimulationError(
            _problem(stepper, origin, f"the value is {bad} instead of a finite number", turn)
            + ": check its formula for a division by zero, a log of zero or an overflow"
        )
    return value
