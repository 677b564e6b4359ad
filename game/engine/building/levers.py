"""Builder steps for what players and chance do: actions, events, sides and scenarios."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from game.content.errors import ContentError
from game.content.loader import Located
from game.content.schema import Action, Difficulty, Effect, Event, Scenario, SideDef
from game.engine.building.builder import Builder
from game.engine.world import ActionInfo, EventInfo, Modifier
from game.errors import did_you_mean
from game.formula import CompiledFormula


def build_actions(b: Builder) -> None:
    """Actions: values and effect channels per level, costs, prerequisites; their modifiers."""
    sides, modifiers = b.sides, b.modifiers
    for aid, loc in b.items["action"].items():
        act: Action = loc.item
        if act.side not in sides:
            b.error(loc, f"unknown side {act.side!r}{did_you_mean(act.side, sides)}", "side", at_value=True)
        n = len(act.levels)
        values = np.asarray(act.values if act.values is not None else range(n), dtype=np.float64)
        columns = [values]
        for i, eff in enumerate(act.effects):
            target_axis = b.effect_target(loc, eff, ("effects", i), allow_stock=False)
            if target_axis is False:
                continue
            op: Literal["multiply", "add"] = "multiply" if eff.multiply is not None else "add"
            raw = eff.multiply if eff.multiply is not None else eff.add
            row = b.row_index(loc, eff, target_axis, ("effects", i))
            if isinstance(raw, list):
                columns.append(np.asarray(raw, dtype=np.float64))
                modifiers.setdefault(eff.target, []).append(
                    Modifier(eff.target, "action", aid, op, row, channel=len(columns) - 1, effect=i)
                )
            elif isinstance(raw, str):
                compiled = b.compile(loc, ("effects", i, op), raw)
                if compiled is not None:
                    if compiled.axis not in (None, target_axis):
                        b.error(
                            loc,
                            "effect formula is indexed over a different table than its target",
                            "effects",
                            i,
                            op,
                        )
                    modifiers.setdefault(eff.target, []).append(
                        Modifier(eff.target, "action", aid, op, row, formula=compiled, effect=i)
                    )
            else:
                # a single number: full strength at the top level, scaled by the ramped value
                assert raw is not None  # the schema requires one of multiply and add
                columns.append(np.linspace(1.0 if op == "multiply" else 0.0, float(raw), n))
                modifiers.setdefault(eff.target, []).append(
                    Modifier(eff.target, "action", aid, op, row, channel=len(columns) - 1, effect=i)
                )
        cost_list = cost_formula = None
        if isinstance(act.cost, list):
            cost_list = np.asarray(act.cost, dtype=np.float64)
        else:
            cost_formula = b.compile(loc, ("cost",), act.cost)
        prereqs = []
        for i, pre in enumerate(act.prerequisites):
            compiled = b.compile(loc, ("prerequisites", i, "formula"), pre.formula)
            if compiled is not None:
                prereqs.append((compiled, pre.message, pre.from_level))
        b.actions[aid] = ActionInfo(
            aid, act, values, np.stack(columns, axis=1), cost_list, cost_formula, tuple(prereqs)
        )


def build_events(b: Builder) -> None:
    """Events: condition, probability, effects of the event and of each choice, capital, sides."""
    items, sides = b.items, b.sides
    for eid, loc in items["event"].items():
        ev: Event = loc.item
        condition = b.compile(loc, ("condition",), ev.condition)
        probability: CompiledFormula | float | None
        if isinstance(ev.probability, str):
            probability = b.compile(loc, ("probability",), ev.probability)
        else:
            probability = float(ev.probability)
            if not 0.0 <= probability <= 1.0:
                b.error(
                    loc, f"probability {probability} is not between 0 and 1", "probability", at_value=True
                )
        for side_id in ev.capital:
            if side_id not in sides:
                b.error(loc, f"unknown side {side_id!r}{did_you_mean(side_id, sides)}", "capital", side_id)
        if ev.side is not None and ev.side not in sides:
            b.error(loc, f"unknown side {ev.side!r}{did_you_mean(ev.side, sides)}", "side", at_value=True)
        effect_formulas: dict[tuple[str, int], CompiledFormula | float] = {}
        groups: list[tuple[str, tuple[str | int, ...], list[Effect]]] = [("", (), ev.effects)]
        variant_conditions = [
            b.compile(loc, ("variants", vi, "condition"), variant.condition)
            for vi, variant in enumerate(ev.variants)
        ]
        choice_conditions: dict[str, CompiledFormula] = {}
        choice_variants: dict[str, tuple[CompiledFormula, ...]] = {}
        for ci, choice in enumerate(ev.choices):
            groups.append((choice.id, ("choices", ci), choice.effects))
            compiled_condition = b.compile(loc, ("choices", ci, "condition"), choice.condition)
            if compiled_condition is not None:
                choice_conditions[choice.id] = compiled_condition
            compiled_variants = [
                b.compile(loc, ("choices", ci, "variants", vi, "condition"), variant.condition)
                for vi, variant in enumerate(choice.variants)
            ]
            choice_variants[choice.id] = tuple(c for c in compiled_variants if c is not None)
            for field, moves in (("set_action", choice.set_action), ("lower_action", choice.lower_action)):
                for action_id, level in moves.items():
                    if action_id not in items["action"]:
                        b.error(
                            loc,
                            f"unknown action {action_id!r}{did_you_mean(action_id, items['action'])}",
                            "choices",
                            ci,
                            field,
                            action_id,
                        )
                    elif not 0 <= level < len(items["action"][action_id].item.levels):
                        b.error(
                            loc,
                            f"action {action_id!r} has no level {level}",
                            "choices",
                            ci,
                            field,
                            action_id,
                            at_value=True,
                        )
            for side_id in choice.capital:
                if side_id not in sides:
                    b.error(
                        loc,
                        f"unknown side {side_id!r}{did_you_mean(side_id, sides)}",
                        "choices",
                        ci,
                        "capital",
                        side_id,
                    )
        if len({c.id for c in ev.choices}) != len(ev.choices):
            b.error(loc, "two choices share an id", "choices")
        for choice_id, base, effects in groups:
            for i, eff in enumerate(effects):
                sub = base + ("effects", i)
                target_axis = b.effect_target(loc, eff, sub, allow_stock=True)
                if target_axis is False:
                    continue
                op = "multiply" if eff.multiply is not None else "add"  # type: Literal["multiply", "add"]
                raw = eff.multiply if eff.multiply is not None else eff.add
                row = b.row_index(loc, eff, target_axis, sub)
                value: CompiledFormula | float | None
                if isinstance(raw, str):
                    value = b.compile(loc, sub + (op,), raw)
                    if value is None:
                        continue
                else:
                    value = float(raw)  # type: ignore[arg-type]
                key = (choice_id, i)
                effect_formulas[key] = value
                mod = Modifier(
                    eff.target,
                    "event",
                    eid,
                    op,
                    row,
                    formula=value if not isinstance(value, float) else None,
                    constant=value if isinstance(value, float) else 0.0,
                    effect_key=(f"{eid}:{choice_id}", i),
                )
                if eff.target in items["stock"]:
                    b.stock_jumps.setdefault(eff.target, []).append(mod)
                else:
                    b.modifiers.setdefault(eff.target, []).append(mod)
        if condition is not None and probability is not None:
            b.events[eid] = EventInfo(
                eid,
                ev,
                condition,
                probability,
                effect_formulas,
                tuple(c for c in variant_conditions if c is not None),
                choice_conditions,
                choice_variants,
            )


def check_sides(b: Builder) -> None:
    """Each side's budget, capital and approval name quantities of the right kind."""
    for loc in b.items["side"].values():
        side: SideDef = loc.item
        if side.elections and (side.approval is None or side.election_approval is None):
            b.error(loc, "a side with `elections` needs `approval` and `election_approval`", "elections")
        for key, wanted in (
            ("budget", ("parameter", "variable", "stock")),
            ("capital", ("stock",)),
            ("approval", ("parameter", "variable", "stock")),
            ("election_approval", ("parameter", "variable", "stock")),
        ):
            target = getattr(side, key)
            if target is None:
                continue
            sym = b.symbols.get(target)
            if sym is None or sym.kind not in wanted:
                b.error(
                    loc,
                    f"{key} must name a {' or '.join(wanted)}; {target!r} is "
                    f"{'unknown' + did_you_mean(target, b.symbols) if sym is None else 'a ' + sym.kind}",
                    key,
                    at_value=True,
                )


def build_objectives(b: Builder, sid: str, loc: Located[Any], sc: Scenario) -> None:
    """What a scenario scores: indicators with a direction, and their value per unit if any."""
    indicators, seen = b.indicators, set()
    valued = [obj.value is not None for obj in sc.objectives]
    if any(valued) and not all(valued):
        missing = [obj.indicator for obj in sc.objectives if obj.value is None]
        b.error(
            loc,
            "either every objective has a `value` (so they weigh in one currency) or none does; "
            f"missing on {', '.join(missing)}",
            "objectives",
        )
    for i, obj in enumerate(sc.objectives):
        if obj.indicator not in indicators:
            b.error(
                loc,
                f"objective names {obj.indicator!r}, which is not an indicator"
                f"{did_you_mean(obj.indicator, indicators)}",
                "objectives",
                i,
                "indicator",
                at_value=True,
            )
            continue
        for k, side in enumerate(obj.sides):
            if side not in b.sides:
                b.error(
                    loc,
                    f"unknown side {side!r}{did_you_mean(side, b.sides)}",
                    "objectives",
                    i,
                    "sides",
                    k,
                    at_value=True,
                )
        info = indicators[obj.indicator]
        if obj.indicator in seen:
            b.error(loc, f"{obj.indicator!r} is scored twice", "objectives", i, "indicator", at_value=True)
        seen.add(obj.indicator)
        if info.good not in ("up", "down"):
            b.error(
                loc,
                f"indicator {obj.indicator!r} says good = {info.good!r}: an objective needs to know "
                'whether more is better (good = "up") or worse (good = "down")',
                "objectives",
                i,
                "indicator",
                at_value=True,
            )
        if info.axis is not None:
            b.error(
                loc,
                f"indicator {obj.indicator!r} has one value per row of {info.axis!r}; score a single number",
                "objectives",
                i,
                "indicator",
                at_value=True,
            )
        if isinstance(obj.value, str):
            compiled = b.compile(loc, ("objectives", i, "value"), obj.value)
            if compiled is None:
                continue
            bad = [n for n in compiled.names if b.symbols[n].kind not in ("parameter", "builtin")]
            if bad or compiled.lags or compiled.axis is not None:
                b.error(
                    loc,
                    "an objective's value may use parameters only (it is fixed for a run), "
                    f"not {', '.join(sorted(bad)) or 'lag() or a table'}",
                    "objectives",
                    i,
                    "value",
                    at_value=True,
                )
                continue
            b.objective_values[(sid, i)] = compiled
        elif obj.value is not None:
            if obj.value <= 0:
                b.error(loc, "an objective's value must be above 0", "objectives", i, "value", at_value=True)
            b.objective_values[(sid, i)] = float(obj.value)


MERGED_SCENARIO_KEYS = ("action_levels", "parameters")
"""Keys a scenario ``based_on`` another merges key by key; every other key it sets replaces the other's."""


def resolve_scenario(
    b: Builder, sid: str, resolved: dict[str, Scenario], chain: tuple[str, ...] = ()
) -> None:
    """Put ``sid`` in ``resolved``, with the settings of the scenario it is based on where it sets none."""
    if sid in resolved:
        return
    loc = b.items["scenario"][sid]
    own: Scenario = loc.item
    parent_id = own.based_on
    if parent_id is None:
        resolved[sid] = own
        return
    if parent_id == sid or parent_id in chain:
        b.error(loc, f"based_on goes round in a circle: {' -> '.join((*chain, sid, parent_id))}", "based_on")
        return
    if parent_id not in b.items["scenario"]:
        known = b.items["scenario"]
        b.error(
            loc, f"based_on names {parent_id!r}, which is not a scenario{did_you_mean(parent_id, known)}",
            "based_on", at_value=True,
        )
        return
    resolve_scenario(b, parent_id, resolved, (*chain, sid))
    parent = resolved.get(parent_id)
    if parent is None:  # the parent has an error of its own, already reported
        return
    merged = parent.model_dump(exclude_unset=True)
    for key in own.model_fields_set:
        value = getattr(own, key)
        if key in MERGED_SCENARIO_KEYS:
            merged[key] = {**getattr(parent, key), **value}
        else:
            merged[key] = value
    resolved[sid] = Scenario.model_validate(merged)


def check_turn_months(b: Builder) -> None:
    """Packs that say what turn length their per-turn numbers are written for must agree."""
    said = [(p, p.manifest.turn_months) for p in b.content.packs if p.manifest.turn_months is not None]
    for pack, months in said[1:]:
        first, first_months = said[0]
        if months != first_months:
            b.errors.append(
                ContentError(
                    str(pack.folder / "pack.toml"), 1, 1,
                    f"turn_months = {months}, but pack {first.manifest.id!r} writes its per-turn numbers "
                    f"for turns of {first_months} months: packs of one world must agree (convert this "
                    "pack's costs, ramps and event chances, or leave turn_months out)",
                )
            )


def build_scenarios(b: Builder) -> None:
    """Scenarios: starting levels, parameter settings, objectives, grades and endings."""
    items, actions = b.items, b.actions
    check_turn_months(b)
    resolved: dict[str, Scenario] = {}
    for sid in items["scenario"]:
        resolve_scenario(b, sid, resolved)
    b.scenarios = {sid: resolved[sid] for sid in items["scenario"] if sid in resolved}
    for sid, loc in items["scenario"].items():
        if sid not in resolved:
            continue
        sc: Scenario = resolved[sid]
        for aid, level in sc.action_levels.items():
            if aid not in actions and aid not in items["action"]:
                b.error(
                    loc, f"unknown action {aid!r}{did_you_mean(aid, items['action'])}", "action_levels", aid
                )
            elif aid in actions and not 0 <= level < actions[aid].levels:
                b.error(
                    loc,
                    f"action {aid!r} has levels 0 to {actions[aid].levels - 1}, not {level}",
                    "action_levels",
                    aid,
                    at_value=True,
                )
        for i, aid in enumerate(sc.actions):
            if aid not in actions and aid not in items["action"]:
                b.error(
                    loc, f"unknown action {aid!r}{did_you_mean(aid, items['action'])}", "actions", i,
                    at_value=True,
                )
        for pid, value in sc.parameters.items():
            if pid not in items["parameter"]:
                b.error(
                    loc,
                    f"unknown parameter {pid!r}{did_you_mean(pid, items['parameter'])}",
                    "parameters",
                    pid,
                )
                continue
            span = items["parameter"][pid].item.range
            if span is not None and not span[0] <= value <= span[1]:
                b.error(
                    loc,
                    f"parameter {pid!r} is set to {value:g}, outside the range its sources support, "
                    f"[{span[0]:g}, {span[1]:g}]: set a value inside it, or widen the range (with a source)",
                    "parameters",
                    pid,
                    at_value=True,
                )
        build_objectives(b, sid, loc, sc)
        labels = [g.label for g in sc.grades]
        for i, end in enumerate(sc.endings):
            compiled = b.compile(loc, ("endings", i, "condition"), end.condition)
            if compiled is not None:
                b.ending_formulas[(sid, i)] = compiled
            if end.grade_cap is not None and end.grade_cap not in labels:
                b.error(
                    loc,
                    f"grade_cap {end.grade_cap!r} is not one of the scenario's grades"
                    f"{did_you_mean(end.grade_cap, labels)}",
                    "endings",
                    i,
                    "grade_cap",
                    at_value=True,
                )


def build_difficulties(b: Builder) -> None:
    """Difficulties: their factors name parameters and stocks; at most one is the default."""
    items = b.items
    found = {did: loc for did, loc in items["difficulty"].items()}
    defaults = [did for did, loc in found.items() if loc.item.default]
    for did in defaults[1:]:
        b.error(found[did], f"two difficulties are the default ({defaults[0]!r} and {did!r})", "default")
    for loc in found.values():
        level: Difficulty = loc.item
        for pid in level.multiply:
            if pid not in items["parameter"]:
                known = items["parameter"]
                b.error(loc, f"unknown parameter {pid!r}{did_you_mean(pid, known)}", "multiply", pid)
        for sid in level.start:
            if sid not in items["stock"]:
                b.error(loc, f"unknown stock {sid!r}{did_you_mean(sid, items['stock'])}", "start", sid)
    ordered = sorted(found.items(), key=lambda kv: (kv[1].item.order, kv[0]))
    b.difficulties = {did: loc.item for did, loc in ordered}
