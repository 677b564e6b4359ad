"""What an event, a dilemma's choice or one effect does, in words a player reads: capital
gained or spent, levers moved, each effect in its target's unit and for how long (converted
to the game's turns as the engine converts them), an effect written as a formula worked out
for the game as it stands. The dialogs and the news show these (as text, or Textual Content).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from textual.content import Content

from game.app import words
from game.app.words import turns

if TYPE_CHECKING:
    from game.content.schema import Choice, Effect
    from game.engine import Dilemma, World
    from game.engine.timescale import TurnScale


def choice_consequences(
    world: World,
    dilemma: Dilemma,
    choice_index: int,
    turn_word: str = "turn",
    scale: TurnScale | None = None,
    env: Mapping[Any, Any] | None = None,
) -> str:
    """What a dilemma's choice does, in words: capital spent or gained, actions it sets, effects
    (one written as a formula worked out in ``env``, the game as it stands, when given)."""
    return choice_words(world, dilemma.event, dilemma.choices[choice_index], turn_word, scale, env)


def choice_words(
    world: World,
    event_id: str,
    choice: Choice,
    turn_word: str = "turn",
    scale: TurnScale | None = None,
    env: Mapping[Any, Any] | None = None,
) -> str:
    from game.app.readouts import action_name, level_label, side_short

    parts = []
    for side, amount in choice.capital.items():
        parts.append(f"{side_short(world, side)} political capital {amount:+g}")
    for aid, level in choice.set_action.items():
        parts.append(f"raises {action_name(world, aid)} to {level_label(world, aid, level)}")
    for aid, level in choice.lower_action.items():
        parts.append(f"lowers {action_name(world, aid)} to {level_label(world, aid, level)}")
    parts += [
        effect_words(world, effect, turn_word, scale, formula_value(world, event_id, choice.id, i, env))
        for i, effect in enumerate(choice.effects)
    ]
    return "; ".join(parts)


def formula_value(
    world: World, event_id: str, choice_id: str, index: int, env: Mapping[Any, Any] | None
) -> float | None:
    """An effect written as a formula, worked out in ``env`` (the mean over runs); None when it
    is a plain number, or cannot be worked out now."""
    import numpy as np

    formula = world.events[event_id].effect_formulas.get((choice_id, index))
    if env is None or formula is None or isinstance(formula, float):
        return None
    try:
        value = float(np.mean(formula.evaluate(env)))
    except Exception:  # a name the game has not computed yet: said as "changed"
        return None
    return value if np.isfinite(value) else None


def effect_words(
    world: World,
    effect: Effect,
    turn_word: str = "turn",
    scale: TurnScale | None = None,
    value: float | None = None,
) -> str:
    """An event or choice effect in words: "Drug homicides -10% for 4 quarters".

    A factor near 1 reads as a percentage change (x0.9 is -10%), a larger one as a factor (x3);
    an amount added carries the target's unit, and a fraction is told in percentage points.
    How long it lasts is counted in the game's turns (``scale``: content written for quarters
    lasts a quarter as many years in a game of years), as the engine counts it; a stock's
    jump happens once, and an effect without a length lasts the rest of the game. ``value``:
    an effect written as a formula, as it works out now (``formula_value``).
    """
    from game.app.readouts import display_name

    name = display_name(world.describe(effect.target)[0], effect.target)
    if effect.row is not None:
        name += f" ({effect.row.replace('_', ' ')})"
    multiply = effect.multiply if isinstance(effect.multiply, float) else None
    add = effect.add if isinstance(effect.add, float) else None
    if value is not None:  # a formula, as it works out now
        multiply, add = (value, None) if effect.multiply is not None else (None, value)
    if multiply is not None:
        change = _factor_words(multiply)
    elif add is not None:
        change = _amount_words(world, effect.target, add)
    else:
        change = "changed"  # by a formula the game cannot work out now: the why screen shows it
    if effect.turns:
        length = effect.turns if scale is None else scale.duration(effect.turns)
        lasting = f" for {turns(length, turn_word)}"
    elif effect.add is not None and effect.target in world.stocks:
        lasting = " at once"
    else:
        lasting = " from now on"
    return f"{name} {change}{lasting}"


def _factor_words(factor: float) -> str:
    if 0 < factor < 2:
        return f"{(factor - 1) * 100:+.3g}%"
    return f"×{factor:g}"


def _amount_words(world: World, target: str, amount: float) -> str:
    unit = str(getattr(world.item(target), "unit", "") or "")
    sign = "-" if amount < 0 else "+"
    # two significant figures: an amount worked out for the game as it stands (a share of a
    # credibility of 0.0044) read "-0.441 percentage points" beside a choice's "-10"
    if unit.startswith(("fraction", "share")):  # 0.035 of a whole: 3.5 points
        return f"{sign}{words.significant(abs(amount) * 100, 2)} percentage points"
    if unit in ("%", "points", "percentage points"):
        return f"{sign}{words.significant(abs(amount), 3)} points"
    return f"{sign}{words.significant(abs(amount), 3)} {unit}".rstrip()


def event_consequences(
    world: World,
    event_id: str,
    turn_word: str = "turn",
    scale: TurnScale | None = None,
    env: Mapping[Any, Any] | None = None,
) -> Content:
    """An event's own effects and capital, in words, on a line of their own (empty if none)."""
    from game.app.readouts import side_short

    spec = world.events[event_id].spec
    parts = [
        effect_words(world, effect, turn_word, scale, formula_value(world, event_id, "", i, env))
        for i, effect in enumerate(spec.effects)
    ]
    parts += [
        f"{side_short(world, side)} political capital {amount:+g}" for side, amount in spec.capital.items()
    ]
    return Content.styled("\n→ " + "; ".join(parts), "dim") if parts else Content("")
