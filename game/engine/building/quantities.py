"""Builder steps for the quantities the engine computes: stocks, variables, flows, their order,
the indicators shown to the player, and the lags formulas read."""

from __future__ import annotations

from typing import Any

import numpy as np

from game.content.loader import Located
from game.content.schema import KINDS_NEEDING_A_RANGE, Flow, Indicator, Stock, Variable
from game.engine.building.builder import Builder, Link
from game.engine.world import IndicatorInfo, Symbol
from game.errors import did_you_mean
from game.formula import CompiledFormula


def build_stocks(b: Builder) -> None:
    """Each stock's starting value: a number, or a formula of parameters, fields and other stocks."""
    for sid, loc in b.items["stock"].items():
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
                    b.stock_initial[sid] = compiled
        else:
            b.stock_initial[sid] = float(st.initial)


def build_variables(b: Builder) -> None:
    for vid, loc in b.items["variable"].items():
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
            b.variables[vid] = compiled


def build_flows(b: Builder) -> None:
    """Flows: the stocks they fill and drain, the action they belong to, their rate formula."""
    items = b.items
    for fid, loc in items["flow"].items():
        fl: Flow = loc.item
        b.flow_specs[fid] = fl
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
            b.flows[fid] = compiled
            b.symbols[fid] = Symbol(fid, "flow", stock_axis, loc)


def order_computation(b: Builder) -> None:
    """The order computed names are evaluated in (dependencies first); report every cycle."""
    deps: dict[str, set[str]] = {}
    made_by: dict[tuple[str, str], Link] = {}  # links an effect makes that the formula does not
    variables, flows, modifiers = b.variables, b.flows, b.modifiers
    computed = set(variables) | set(flows)
    for name in list(modifiers):
        if b.symbols.get(name) and b.symbols[name].kind in ("parameter", "field"):
            computed.add(name)
    for name in computed:
        own = variables.get(name) or flows.get(name)
        names = set(own.names) if own is not None else set()
        for mod in modifiers.get(name, ()):
            if mod.formula is not None:
                loc = b.items[mod.source_kind][mod.source]
                for dep in mod.formula.names - names:
                    made_by.setdefault(
                        (name, dep),
                        Link(
                            f"the effect of {mod.source_kind} {mod.source} on {name}", loc, mod.path(loc.item)
                        ),
                    )
        names |= {n for mod in modifiers.get(name, ()) if mod.formula is not None for n in mod.formula.names}
        deps[name] = {n for n in names if n in computed}
    b.order = b.topological(deps, made_by)


def build_indicators(b: Builder) -> None:
    """The stocks and variables shown to the player, with their side, direction and format."""
    for kind in ("stock", "variable"):
        for qid, loc in b.items[kind].items():
            ind = loc.item.indicator
            if ind is None:
                continue
            if ind.side is not None and ind.side not in b.sides:
                b.error(
                    loc,
                    f"unknown side {ind.side!r}{did_you_mean(ind.side, b.sides)}",
                    "indicator",
                    "side",
                    at_value=True,
                )
            low, high = indicator_bounds(b, loc, ind, loc.item.over)
            b.indicators[qid] = IndicatorInfo(
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
                loc.item.short_name,
                ind.kind,
                low,
                high,
                short_unit=loc.item.short_unit,
            )


def indicator_bounds(
    b: Builder, loc: Located[Any], ind: Indicator, axis: str | None
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
    out: list[CompiledFormula | float | None] = []
    for i, bound in enumerate(ind.bounds):
        sub: tuple[str | int, ...] = (
            ("indicator", "range", i)
            if isinstance(ind.range, tuple)
            else ("indicator", "range", "min" if i == 0 else "max")
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
        if compiled is not None and not compiled.names:  # a constant written as a formula: fold it
            out.append(float(np.asarray(compiled.evaluate({}), dtype=np.float64).reshape(-1)[0]))
            continue
        out.append(compiled)
    low, high = out
    if isinstance(low, float) and isinstance(high, float) and low > high:
        b.error(loc, f"the range's low end {low} is above its high end {high}", "indicator", "range")
    return low, high


def find_lags(b: Builder) -> None:
    """Every (name, turns) a formula reads with lag(), and the order stocks start in."""
    all_compiled: list[CompiledFormula] = [*b.variables.values(), *b.flows.values()]
    all_compiled += [m.formula for ms in b.modifiers.values() for m in ms if m.formula is not None]
    for ev_info in b.events.values():
        all_compiled.append(ev_info.condition)
        if not isinstance(ev_info.probability, float):
            all_compiled.append(ev_info.probability)
    for act_info in b.actions.values():
        all_compiled += [p[0] for p in act_info.prerequisites]
        if act_info.cost_formula is not None:
            all_compiled.append(act_info.cost_formula)
    for formula in all_compiled:
        b.lagged |= set(formula.lags)
    for formula in b.ending_formulas.values():
        b.lagged |= set(formula.lags)
    stocks = b.items["stock"]
    b.stock_order = b.topological(
        {s: {n for n in getattr(f, "names", ()) if n in stocks} for s, f in b.stock_initial.items()}
    )
