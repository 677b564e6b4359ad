"""A dilemma's choices that can never move the level they name: a warning, not an error.

``set_action`` only raises and ``lower_action`` only lowers, and a choice that would move no
level is not offered. A choice that raises a lever the event's own condition needs high (the
example ``lever >= 2`` with ``set_action = { lever = 1 }``, written to scale it back) is then
never offered, and nothing says why. Only what is sure is warned about: the condition's terms
of the form ``ACTION OP NUMBER`` joined by ``and``, against every value the action can have at
each level when events are drawn, ramps under way included.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from game.content.schema import Event
from game.engine.building.builder import Builder
from game.engine.timescale import TurnScale
from game.engine.world import ActionInfo, turn_months_of
from game.formula import FormulaError, parse_formula
from game.formula.language import Binary, Logic, Name, Node, Number, Unary

Term = tuple[str, float]  # (comparison, number): the action's value OP the number

_FLIPPED = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "==": "==", "!=": "!="}
_NEVER: dict[str, Callable[[float, float, float], bool]] = {
    # does the term fail for every value in [low, high]?
    ">": lambda low, high, c: high <= c,
    ">=": lambda low, high, c: high < c,
    "<": lambda low, high, c: low >= c,
    "<=": lambda low, high, c: low > c,
    "==": lambda low, high, c: not low <= c <= high,
    "!=": lambda low, high, c: low == high == c,
}


def check_one_way_choices(b: Builder) -> None:
    """Warn at a choice's ``set_action`` (``lower_action``) entry when the event's condition
    cannot hold with the action below (above) the level it names: it never moves it."""
    for eid, loc in b.items["event"].items():
        ev: Event = loc.item
        terms = _action_terms(ev.condition, b.actions)
        for ci, choice in enumerate(ev.choices):
            moves = [("set_action", aid, k) for aid, k in choice.set_action.items()]
            moves += [("lower_action", aid, k) for aid, k in choice.lower_action.items()]
            useless = [
                (field, aid, k)
                for field, aid, k in moves
                if aid in terms and _never_moves(b, b.actions[aid], terms[aid], field, k)
            ]
            for field, aid, k in useless:
                never_offered = not choice.default and len(useless) == len(moves)
                b.warn(
                    loc, _message(eid, ev.condition, field, aid, k, never_offered), "choices", ci, field, aid
                )


def _action_terms(condition: str, actions: dict[str, ActionInfo]) -> dict[str, list[Term]]:
    """The ``ACTION OP NUMBER`` terms the condition needs (alone or joined by ``and``), by action."""
    try:
        tree = parse_formula(condition).tree
    except FormulaError:  # reported where the condition is compiled
        return {}
    parts: Sequence[Node] = tree.operands if isinstance(tree, Logic) and tree.op == "and" else (tree,)
    found: dict[str, list[Term]] = {}
    for part in parts:
        if not isinstance(part, Binary) or part.op not in _NEVER:
            continue
        left, right, op = part.left, part.right, part.op
        if not isinstance(left, Name):
            left, right, op = right, left, _FLIPPED[op]
        number = _number(right)
        if isinstance(left, Name) and left.name in actions and number is not None:
            found.setdefault(left.name, []).append((op, number))
    return found


def _number(node: Node) -> float | None:
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Unary) and node.op in "+-" and isinstance(node.operand, Number):
        return -node.operand.value if node.op == "-" else node.operand.value
    return None


def _never_moves(b: Builder, action: ActionInfo, terms: list[Term], field: str, level: int) -> bool:
    """Whether the condition surely fails at every level the move would change (below ``level``
    for set_action, above it for lower_action), whatever ramp is under way when events are drawn."""
    values = [float(v) for v in action.values]
    low_all, high_all = min(values), max(values)
    # events are drawn at the end of a turn, at least one turn into a ramp: the value is
    # start + (values[l] - start) * frac, start anywhere in [low_all, high_all], frac >= 1/ramp
    ramp = max(_ramps(b, action.spec.ramp_turns), default=float(action.spec.ramp_turns))
    still = max(0.0, 1.0 - 1.0 / ramp)  # the most of the start value left in it
    moved = range(level) if field == "set_action" else range(level + 1, len(values))
    for lv in moved:
        low = values[lv] + (low_all - values[lv]) * still
        high = values[lv] + (high_all - values[lv]) * still
        if not any(_NEVER[op](low, high, c) for op, c in terms):
            return False
    return True


def _ramps(b: Builder, turns: int) -> list[float]:
    """The action's ramp in each scenario's turns."""
    months = turn_months_of(b.content)
    return [TurnScale.between(months, sc.months_per_turn).ramp(turns) for sc in b.scenarios.values()]


def _message(eid: str, condition: str, field: str, aid: str, level: int, never_offered: bool) -> str:
    if field == "set_action":
        does, where, fix = "raises {aid} to at least", "below", "set_action only raises: to cut it back"
        other = "lower_action"
    else:
        does, where, fix = "lowers {aid} to at most", "above", "lower_action only lowers: to raise it"
        other = "set_action"
    return (
        f"{field} {does.format(aid=aid)} level {level}, but event {eid} happens only while "
        f"{condition.strip()}, never with {aid} {where} level {level}: this choice never moves it"
        f"{' (and, moving nothing, is never offered)' if never_offered else ''}; {fix}, write "
        f"{other} = {{ {aid} = {level} }}"
    )
