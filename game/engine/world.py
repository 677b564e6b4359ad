"""Compiling loaded content into a World: names resolved, formulas compiled, order derived.

A World is immutable and shared by every game played on it. Building it performs every
check that needs the whole set of packs at once: unknown names in formulas, references
between items, dependency cycles, effect targets, scenario settings. All problems are
collected and raised together as ContentErrors; a world with any error is not built.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from game import __version__
from game.content.errors import ContentError, ContentErrors, did_you_mean
from game.content.loader import ContentSet, Located, load_content
from game.content.schema import (
    KINDS_NEEDING_A_RANGE,
    Action,
    Effect,
    Event,
    Flow,
    Indicator,
    Parameter,
    Scenario,
    SideDef,
    Stock,
    Table,
    Variable,
)
from game.formula import CompiledFormula, FormulaError, compile_formula, parse_formula

SymbolKind = Literal["parameter", "field", "stock", "variable", "flow", "action", "builtin"]
BUILTINS = ("turn", "year", "dt", "turn_years")


@dataclass(frozen=True)
class Symbol:
    """What a name in a formula refers to."""

    id: str
    kind: SymbolKind
    axis: str | None
    located: Located[Any] | None = None


@dataclass(frozen=True)
class TableInfo:
    id: str
    spec: Table
    rows: tuple[str, ...]
    row_names: dict[str, str]


@dataclass(frozen=True)
class Modifier:
    """One action or event effect on a computed quantity."""

    target: str
    source_kind: Literal["action", "event"]
    source: str  # action or event id
    op: Literal["multiply", "add"]
    row: int | None  # row index for entity-indexed targets
    channel: int = -1  # action: channel index of a per-level list
    formula: CompiledFormula | None = None
    constant: float = 0.0
    effect_key: tuple[str, int] | None = None  # event: (event id, effect index)


@dataclass(frozen=True)
class ActionInfo:
    id: str
    spec: Action
    values: np.ndarray  # value of the action's id at each level
    channels: np.ndarray  # (levels, C): column 0 = values, then one column per list effect
    cost_list: np.ndarray | None
    cost_formula: CompiledFormula | None
    prerequisites: tuple[tuple[CompiledFormula, str, int], ...]

    @property
    def levels(self) -> int:
        return len(self.spec.levels)

    def capital_to_change(self, old: int, new: int) -> float:
        """Political capital to move from one level to another, step by step."""
        spec = self.spec
        if new > old:
            costs = spec.capital_cost
            return float(sum(costs[0] if len(costs) == 1 else costs[i] for i in range(old + 1, new + 1)))
        return float(spec.capital_cost_lower * (old - new))


@dataclass(frozen=True)
class EventInfo:
    id: str
    spec: Event
    condition: CompiledFormula
    probability: CompiledFormula | float
    effect_formulas: dict[tuple[str, int], CompiledFormula | float]  # (choice id or "", index)


@dataclass(frozen=True)
class IndicatorInfo:
    id: str
    name: str
    unit: str
    side: str | None
    headline: bool
    good: str
    decimals: int
    order: int
    description: str
    axis: str | None
    kind: str | None = None
    low: CompiledFormula | float | None = None  # physical range, checked every turn
    high: CompiledFormula | float | None = None


class _SymbolScope:
    """The formula compiler's view of a world: what each name is indexed over."""

    symbols: dict[str, Symbol]
    tables: dict[str, TableInfo]

    def axis_of(self, name: str) -> str | None | Literal[False]:
        sym = self.symbols.get(name)
        return False if sym is None else sym.axis

    def rows_of(self, table: str) -> tuple[str, ...]:
        return self.tables[table].rows

    def known_names(self) -> Iterable[str]:
        return self.symbols.keys()


@dataclass
class World(_SymbolScope):
    """Everything a game needs from content, compiled once."""

    content: ContentSet
    tables: dict[str, TableInfo]
    symbols: dict[str, Symbol]
    parameters: dict[str, Parameter]
    fields: dict[str, np.ndarray]  # field id -> (1, N)
    stocks: dict[str, Stock]
    stock_initial: dict[str, CompiledFormula | float]
    stock_order: list[str]
    variables: dict[str, CompiledFormula]
    flows: dict[str, CompiledFormula]
    flow_specs: dict[str, Flow]
    order: list[str]  # computed names, dependencies first
    modifiers: dict[str, list[Modifier]]
    actions: dict[str, ActionInfo]
    events: dict[str, EventInfo]
    sides: dict[str, SideDef]
    scenarios: dict[str, Scenario]
    indicators: dict[str, IndicatorInfo]
    lagged: set[tuple[str, int]]
    stock_jumps: dict[str, list[Modifier]] = field(default_factory=dict)  # event effects on stocks
    ending_formulas: dict[tuple[str, int], CompiledFormula] = field(default_factory=dict)

    @property
    def packs(self) -> list[tuple[str, str]]:
        return [(p.manifest.id, p.manifest.version) for p in self.content.packs]

    def describe(self, name: str) -> tuple[str, str]:
        """A human name and description of any named item, for the why screen."""
        sym = self.symbols.get(name)
        if sym is None or sym.located is None:
            return name, ""
        item = sym.located.item
        return (getattr(item, "name", "") or name), getattr(item, "description", "")


def load_world(folders: Sequence[str | Path]) -> World:
    """Load packs and compile them; raise ContentErrors listing every problem."""
    content = load_content(folders, __version__)
    return compile_world(content)


class _Builder(_SymbolScope):
    """Collects errors while turning a ContentSet into a World."""

    def __init__(self, content: ContentSet) -> None:
        self.content = content
        self.errors: list[ContentError] = []
        self.symbols: dict[str, Symbol] = {}
        self.tables: dict[str, TableInfo] = {}

    def compile(self, loc: Located[Any], sub: tuple[str | int, ...], text: str) -> CompiledFormula | None:
        """Parse and compile one formula, reporting errors at its position in the file."""
        try:
            return compile_formula(parse_formula(text), self)
        except FormulaError as exc:
            pos = loc.doc.string_offset_position(loc.path + sub, exc.offset)
            where = ".".join(str(p) for p in loc.path + sub)
            self.errors.append(
                ContentError(loc.doc.path, pos.line, pos.column, f"in formula {where}: {exc.message}")
            )
            return None

    def error(self, loc: Located[Any], message: str, *sub: str | int, at_value: bool = False) -> None:
        self.errors.append(loc.error(message, *sub, at_value=at_value))

    def table_check(self, loc: Located[Any], table: str | None, *sub: str | int) -> str | None:
        if table is not None and table not in self.tables:
            self.error(
                loc, f"unknown entity table {table!r}{did_you_mean(table, self.tables)}", *sub, at_value=True
            )
            return None
        return table


def compile_world(content: ContentSet) -> World:
    b = _Builder(content)
    items = content.items

    # ---- tables and their fields
    fields: dict[str, np.ndarray] = {}
    for tid, loc in items["table"].items():
        spec: Table = loc.item
        rows = tuple(spec.rows)
        if not rows:
            b.error(loc, "an entity table needs at least one row", "rows")
        names = {}
        for rid, row in spec.rows.items():
            names[rid] = str(row.get("name", rid))
            for key, value in row.items():
                if key == "name":
                    if not isinstance(value, str):
                        b.error(loc, "a row's `name` must be a string", "rows", rid, key, at_value=True)
                elif key not in spec.fields:
                    b.error(
                        loc,
                        f"unknown field {key!r}{did_you_mean(key, spec.fields)}; "
                        f"declare it under [table.{tid}.fields]",
                        "rows",
                        rid,
                        key,
                    )
                elif isinstance(value, str):
                    b.error(
                        loc, f"field {key!r} needs a number, got a string", "rows", rid, key, at_value=True
                    )
            for fid in spec.fields:
                if fid not in row:
                    b.error(loc, f"row {rid!r} has no value for field {fid!r}", "rows", rid)
        b.tables[tid] = TableInfo(tid, spec, rows, names)
        for fid in spec.fields:
            values = [
                float(spec.rows[r].get(fid, 0.0)) if not isinstance(spec.rows[r].get(fid), str) else 0.0
                for r in rows
            ]
            fields[fid] = np.asarray(values, dtype=np.float64).reshape(1, -1)
    for tid, info in b.tables.items():
        loc = items["table"][tid]
        for fid in info.spec.fields:
            if (
                fid in b.symbols
                or fid in items["parameter"]
                or any(fid in items[k] for k in ("stock", "variable", "flow", "action"))
            ):
                b.error(
                    loc,
                    f"field id {fid!r} is already the name of another item; "
                    "field ids are global names in formulas",
                    "fields",
                    fid,
                )
            b.symbols[fid] = Symbol(fid, "field", tid, loc)

    # ---- symbols for every other name
    for pid, loc in items["parameter"].items():
        spec_p: Parameter = loc.item
        axis = b.table_check(loc, spec_p.over, "over")
        if spec_p.over and spec_p.range is not None:
            b.error(
                loc,
                "a parameter with `over` cannot have a `range`; make the rows' values "
                "depend on a scalar uncertain parameter instead",
                "range",
            )
        if axis and spec_p.values:
            for rid in spec_p.values:
                if rid not in b.tables[axis].rows:
                    b.error(
                        loc,
                        f"{rid!r} is not a row of table {axis!r}{did_you_mean(rid, b.tables[axis].rows)}",
                        "values",
                        rid,
                    )
        b.symbols[pid] = Symbol(pid, "parameter", axis, loc)
    for kind in ("stock", "variable"):
        for sid, loc in items[kind].items():
            axis = b.table_check(loc, loc.item.over, "over")
            b.symbols[sid] = Symbol(sid, kind, axis, loc)
    for fid, loc in items["flow"].items():
        b.symbols[fid] = Symbol(fid, "flow", None, loc)  # axis fixed after compiling
    for aid, loc in items["action"].items():
        b.symbols[aid] = Symbol(aid, "action", None, loc)
    for name in BUILTINS:
        if name in b.symbols:
            b.error(b.symbols[name].located, f"{name!r} is a built-in name; choose another id")  # type: ignore[arg-type]
        b.symbols[name] = Symbol(name, "builtin", None)
    for sid, loc in items["side"].items():
        builtin = f"{sid}_action_cost"
        if builtin in b.symbols:
            b.error(loc, f"{builtin!r} is the built-in cost of side {sid!r}; rename the other item")
        b.symbols[builtin] = Symbol(builtin, "builtin", None, loc)

    # ---- formulas
    stock_initial: dict[str, CompiledFormula | float] = {}
    for sid, loc in items["stock"].items():
        st: Stock = loc.item
        if isinstance(st.initial, str):
            compiled = b.compile(loc, ("initial",), st.initial)
            if compiled is not None:
                bad = [
                    n
                    for n in compiled.names
                    if b.symbols[n].kind not in ("parameter", "field", "stock", "builtin")
                ]
                if bad or compiled.lags:
                    b.error(
                        loc,
                        "a starting value may use parameters, table fields and other stocks' "
                        f"starting values only, not {', '.join(sorted(bad)) or 'lag()'}",
                        "initial",
                        at_value=True,
                    )
                elif compiled.axis not in (None, st.over):
                    b.error(
                        loc,
                        f"starting value is indexed over {compiled.axis!r} but the stock "
                        f"is {'over ' + repr(st.over) if st.over else 'a single number'}",
                        "initial",
                        at_value=True,
                    )
                else:
                    stock_initial[sid] = compiled
        else:
            stock_initial[sid] = float(st.initial)
    variables: dict[str, CompiledFormula] = {}
    for vid, loc in items["variable"].items():
        var: Variable = loc.item
        compiled = b.compile(loc, ("formula",), var.formula)
        if compiled is not None:
            if compiled.axis is not None and compiled.axis != var.over:
                b.error(
                    loc,
                    f"formula is indexed over table {compiled.axis!r}; add "
                    f'over = "{compiled.axis}" or reduce it with sum()/mean()/max()',
                    "formula",
                    at_value=True,
                )
            variables[vid] = compiled
    flows: dict[str, CompiledFormula] = {}
    flow_specs: dict[str, Flow] = {}
    for fid, loc in items["flow"].items():
        fl: Flow = loc.item
        flow_specs[fid] = fl
        axes = set()
        for key in ("into", "out_of"):
            target = getattr(fl, key)
            if target is None:
                continue
            if target not in items["stock"]:
                b.error(
                    loc,
                    f"{key} names {target!r}, which is not a stock{did_you_mean(target, items['stock'])}",
                    key,
                    at_value=True,
                )
            else:
                axes.add(items["stock"][target].item.over)
        if len(axes) > 1:
            b.error(loc, "a flow cannot link stocks indexed over different tables", "into")
        if fl.action is not None and fl.action not in items["action"]:
            b.error(
                loc,
                f"unknown action {fl.action!r}{did_you_mean(fl.action, items['action'])}",
                "action",
                at_value=True,
            )
        compiled = b.compile(loc, ("formula",), fl.formula)
        if compiled is not None:
            stock_axis = next(iter(axes)) if axes else None
            if compiled.axis is not None and compiled.axis != stock_axis:
                b.error(
                    loc,
                    f"flow rate is indexed over {compiled.axis!r} but its stock is "
                    f"{'over ' + repr(stock_axis) if stock_axis else 'a single number'}",
                    "formula",
                    at_value=True,
                )
            flows[fid] = compiled
            b.symbols[fid] = Symbol(fid, "flow", stock_axis, loc)

    # ---- actions
    actions: dict[str, ActionInfo] = {}
    modifiers: dict[str, list[Modifier]] = {}
    stock_jumps: dict[str, list[Modifier]] = {}
    sides = {sid: loc.item for sid, loc in items["side"].items()}
    for aid, loc in items["action"].items():
        act: Action = loc.item
        if act.side not in sides:
            b.error(loc, f"unknown side {act.side!r}{did_you_mean(act.side, sides)}", "side", at_value=True)
        n = len(act.levels)
        values = np.asarray(act.values if act.values is not None else range(n), dtype=np.float64)
        columns = [values]
        for i, eff in enumerate(act.effects):
            target_axis = _effect_target(b, loc, eff, ("effects", i), allow_stock=False)
            if target_axis is False:
                continue
            op: Literal["multiply", "add"] = "multiply" if eff.multiply is not None else "add"
            raw = eff.multiply if eff.multiply is not None else eff.add
            row = _row_index(b, loc, eff, target_axis, ("effects", i))
            if isinstance(raw, list):
                columns.append(np.asarray(raw, dtype=np.float64))
                modifiers.setdefault(eff.target, []).append(
                    Modifier(eff.target, "action", aid, op, row, channel=len(columns) - 1)
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
                        Modifier(eff.target, "action", aid, op, row, formula=compiled)
                    )
            else:
                # a single number: full strength at the top level, scaled by the ramped value
                columns.append(np.linspace(1.0 if op == "multiply" else 0.0, float(raw), n))
                modifiers.setdefault(eff.target, []).append(
                    Modifier(eff.target, "action", aid, op, row, channel=len(columns) - 1)
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
        actions[aid] = ActionInfo(
            aid, act, values, np.stack(columns, axis=1), cost_list, cost_formula, tuple(prereqs)
        )

    # ---- events
    events: dict[str, EventInfo] = {}
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
        for ci, choice in enumerate(ev.choices):
            groups.append((choice.id, ("choices", ci), choice.effects))
            for action_id, level in choice.set_action.items():
                if action_id not in items["action"]:
                    b.error(
                        loc,
                        f"unknown action {action_id!r}{did_you_mean(action_id, items['action'])}",
                        "choices",
                        ci,
                        "set_action",
                        action_id,
                    )
                elif not 0 <= level < len(items["action"][action_id].item.levels):
                    b.error(
                        loc,
                        f"action {action_id!r} has no level {level}",
                        "choices",
                        ci,
                        "set_action",
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
                target_axis = _effect_target(b, loc, eff, sub, allow_stock=True)
                if target_axis is False:
                    continue
                op = "multiply" if eff.multiply is not None else "add"
                raw = eff.multiply if eff.multiply is not None else eff.add
                row = _row_index(b, loc, eff, target_axis, sub)
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
                    stock_jumps.setdefault(eff.target, []).append(mod)
                else:
                    modifiers.setdefault(eff.target, []).append(mod)
        if condition is not None and probability is not None:
            events[eid] = EventInfo(eid, ev, condition, probability, effect_formulas)

    # ---- sides
    for loc in items["side"].values():
        side: SideDef = loc.item
        for key, wanted in (
            ("budget", ("parameter", "variable", "stock")),
            ("capital", ("stock",)),
            ("approval", ("parameter", "variable", "stock")),
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

    # ---- order of computation, and cycles
    deps: dict[str, set[str]] = {}
    computed = set(variables) | set(flows)
    for name in list(modifiers):
        if b.symbols.get(name) and b.symbols[name].kind in ("parameter", "field"):
            computed.add(name)
    for name in computed:
        own = variables.get(name) or flows.get(name)
        names = set(own.names) if own is not None else set()
        for mod in modifiers.get(name, ()):
            if mod.formula is not None:
                names |= set(mod.formula.names)
        deps[name] = {n for n in names if n in computed}
    order = _topological(deps, b)

    # ---- indicators
    indicators: dict[str, IndicatorInfo] = {}
    for kind in ("stock", "variable"):
        for qid, loc in items[kind].items():
            ind = loc.item.indicator
            if ind is None:
                continue
            if ind.side is not None and ind.side not in sides:
                b.error(
                    loc,
                    f"unknown side {ind.side!r}{did_you_mean(ind.side, sides)}",
                    "indicator",
                    "side",
                    at_value=True,
                )
            low, high = _indicator_bounds(b, loc, ind, loc.item.over)
            indicators[qid] = IndicatorInfo(
                qid,
                loc.item.name or qid,
                loc.item.unit,
                ind.side,
                ind.headline,
                ind.good,
                ind.decimals,
                ind.order,
                loc.item.description,
                loc.item.over,
                ind.kind,
                low,
                high,
            )

    # ---- scenarios
    scenarios = {sid: loc.item for sid, loc in items["scenario"].items()}
    ending_formulas: dict[tuple[str, int], CompiledFormula] = {}
    for sid, loc in items["scenario"].items():
        sc: Scenario = loc.item
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
        for pid in sc.parameters:
            if pid not in items["parameter"]:
                b.error(
                    loc,
                    f"unknown parameter {pid!r}{did_you_mean(pid, items['parameter'])}",
                    "parameters",
                    pid,
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
        labels = [g.label for g in sc.grades]
        for i, end in enumerate(sc.endings):
            compiled = b.compile(loc, ("endings", i, "condition"), end.condition)
            if compiled is not None:
                ending_formulas[(sid, i)] = compiled
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

    lagged: set[tuple[str, int]] = set()
    all_compiled: list[CompiledFormula] = [*variables.values(), *flows.values()]
    all_compiled += [m.formula for ms in modifiers.values() for m in ms if m.formula is not None]
    for ev_info in events.values():
        all_compiled.append(ev_info.condition)
        if not isinstance(ev_info.probability, float):
            all_compiled.append(ev_info.probability)
    for act_info in actions.values():
        all_compiled += [p[0] for p in act_info.prerequisites]
        if act_info.cost_formula is not None:
            all_compiled.append(act_info.cost_formula)
    for formula in all_compiled:
        lagged |= set(formula.lags)
    for formula in ending_formulas.values():
        lagged |= set(formula.lags)
    stock_order = _topological(
        {s: {n for n in getattr(f, "names", ()) if n in items["stock"]} for s, f in stock_initial.items()},
        b,
    )
    if b.errors:
        raise ContentErrors(b.errors)
    world = World(
        content=content,
        tables=b.tables,
        symbols=b.symbols,
        parameters={pid: loc.item for pid, loc in items["parameter"].items()},
        fields=fields,
        stocks={sid: loc.item for sid, loc in items["stock"].items()},
        stock_initial=stock_initial,
        stock_order=stock_order,
        variables=variables,
        flows=flows,
        flow_specs=flow_specs,
        order=order,
        modifiers=modifiers,
        actions=actions,
        events=events,
        sides=sides,
        scenarios=scenarios,
        indicators=indicators,
        lagged=lagged,
        stock_jumps=stock_jumps,
        ending_formulas=ending_formulas,
    )
    return world


def _indicator_bounds(
    b: _Builder, loc: Located[Any], ind: Indicator, axis: str | None
) -> tuple[CompiledFormula | float | None, CompiledFormula | float | None]:
    """Compile an indicator's declared range; report a population or share without one."""
    if ind.range is None:
        if ind.kind in KINDS_NEEDING_A_RANGE:
            b.error(
                loc,
                f"an indicator of kind {ind.kind!r} needs a `range` of possible values, "
                'e.g. range = [0, 100] or range = [0, "population_formula"]',
                "indicator",
                "kind",
                at_value=True,
            )
        return None, None
    where = ("indicator", "range") if isinstance(ind.range, tuple) else ("indicator", "range")
    out: list[CompiledFormula | float | None] = []
    for i, bound in enumerate(ind.bounds):
        sub: tuple[str | int, ...] = (
            (*where, i) if isinstance(ind.range, tuple) else (*where, "min" if i == 0 else "max")
        )
        if bound is None or isinstance(bound, float | int):
            out.append(None if bound is None else float(bound))
            continue
        compiled = b.compile(loc, sub, bound)
        if compiled is not None and (compiled.lags or compiled.axis not in (None, axis)):
            b.error(
                loc,
                "a range formula may not use lag() and must be a single number or indexed "
                f"like its indicator{'' if axis is None else f' (over {axis!r})'}",
                *sub,
                at_value=True,
            )
            compiled = None
        out.append(compiled)
    low, high = out
    if isinstance(low, float) and isinstance(high, float) and low > high:
        b.error(loc, f"the range's low end {low} is above its high end {high}", *where, at_value=True)
    return low, high


def _effect_target(
    b: _Builder, loc: Located[Any], eff: Effect, sub: tuple[str | int, ...], allow_stock: bool
) -> str | None | Literal[False]:
    """Check an effect's target; return its axis, or False when it is not a valid target."""
    sym = b.symbols.get(eff.target)
    allowed = ["parameter", "field", "variable", "flow"] + (["stock"] if allow_stock else [])
    if sym is None or sym.kind not in allowed:
        what = (
            "unknown" + did_you_mean(eff.target, [s for s, v in b.symbols.items() if v.kind in allowed])
            if sym is None
            else f"a {sym.kind}"
        )
        b.error(
            loc,
            f"effect target {eff.target!r} must be a {', '.join(allowed)}; it is {what}",
            *sub,
            "target",
            at_value=True,
        )
        return False
    return sym.axis


def _row_index(
    b: _Builder, loc: Located[Any], eff: Effect, axis: str | None, sub: tuple[str | int, ...]
) -> int | None:
    if eff.row is None:
        return None
    if axis is None:
        b.error(
            loc,
            f"{eff.target!r} is a single number, so an effect on it takes no `row`",
            *sub,
            "row",
            at_value=True,
        )
        return None
    rows = b.tables[axis].rows
    if eff.row not in rows:
        b.error(
            loc,
            f"{eff.row!r} is not a row of table {axis!r}{did_you_mean(eff.row, rows)}",
            *sub,
            "row",
            at_value=True,
        )
        return None
    return rows.index(eff.row)


def _topological(deps: dict[str, set[str]], b: _Builder) -> list[str]:
    """Order names so each comes after what it uses; report every cycle found."""
    order: list[str] = []
    state: dict[str, int] = {}
    reported: set[frozenset[str]] = set()

    def visit(name: str, trail: list[str]) -> None:
        mark = state.get(name)
        if mark == 2:
            return
        if mark == 1:
            cycle = trail[trail.index(name) :] + [name]
            key = frozenset(cycle)
            if key not in reported:
                reported.add(key)
                loc = b.symbols[name].located
                text = " -> ".join(cycle)
                message = f"dependency cycle: {text}; break it with lag() or make one of them a stock"
                if loc is not None:
                    b.errors.append(loc.error(message))
            return
        state[name] = 1
        for dep in sorted(deps.get(name, ())):
            visit(dep, trail + [name])
        state[name] = 2
        order.append(name)

    for name in sorted(deps):
        visit(name, [])
    return order
