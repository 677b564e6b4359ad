"""The builder every step of compiling a World shares: what is built so far, and the errors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from game.content.errors import ContentError
from game.content.loader import ContentSet, Located
from game.content.schema import Difficulty, Effect, Flow, Scenario, SideDef
from game.engine.world import (
    ActionInfo,
    EventInfo,
    HistoryInfo,
    IndicatorInfo,
    Modifier,
    Symbol,
    SymbolScope,
    TableInfo,
    World,
)
from game.errors import did_you_mean
from game.formula import CompiledFormula
from game.formula.all_errors import compile_reporting_all


@dataclass(frozen=True)
class Link:
    """A dependency an effect makes: the effect in words and where its value is written."""

    what: str
    located: Located[Any]
    sub: tuple[str | int, ...]


class Builder(SymbolScope):
    """Collects errors and compiled items while turning a ContentSet into a World."""

    def __init__(self, content: ContentSet) -> None:
        self.content = content
        self.items = content.items
        self.errors: list[ContentError] = []
        self.warnings: list[ContentError] = []  # problems that do not stop a load
        self.symbols: dict[str, Symbol] = {}
        self.tables: dict[str, TableInfo] = {}
        self.fields: dict[str, np.ndarray] = {}
        self.stock_initial: dict[str, CompiledFormula | float] = {}
        self.stock_order: list[str] = []
        self.variables: dict[str, CompiledFormula] = {}
        self.flows: dict[str, CompiledFormula] = {}
        self.flow_specs: dict[str, Flow] = {}
        self.actions: dict[str, ActionInfo] = {}
        self.modifiers: dict[str, list[Modifier]] = {}
        self.stock_jumps: dict[str, list[Modifier]] = {}
        self.sides: dict[str, SideDef] = {sid: loc.item for sid, loc in self.items["side"].items()}
        self.events: dict[str, EventInfo] = {}
        self.order: list[str] = []
        self.indicators: dict[str, IndicatorInfo] = {}
        self.scenarios: dict[str, Scenario] = {}
        self.ending_formulas: dict[tuple[str, int], CompiledFormula] = {}
        self.objective_values: dict[tuple[str, int], CompiledFormula | float] = {}
        self.lagged: set[tuple[str, int]] = set()
        self.history: dict[str, HistoryInfo] = {}
        self.difficulties: dict[str, Difficulty] = {}

    # ------------------------------------------------------------------ helpers

    def compile(self, loc: Located[Any], sub: tuple[str | int, ...], text: str) -> CompiledFormula | None:
        """Parse and compile one formula, reporting its errors at their positions in the file: the
        first mistake, and every other name or function the world does not know."""
        compiled, errors = compile_reporting_all(text, self)
        for exc in errors:
            doc, path = loc.where(*sub)
            pos = doc.string_offset_position(path, exc.offset)
            where = ".".join(str(p) for p in loc.path + sub)
            message = f"in formula {where}: {exc.message}"
            self.errors.append(ContentError(doc.path, pos.line, pos.column, message))
        return compiled

    def error(self, loc: Located[Any], message: str, *sub: str | int, at_value: bool = False) -> None:
        self.errors.append(loc.error(message, *sub, at_value=at_value))

    def warn(self, loc: Located[Any], message: str, *sub: str | int, at_value: bool = False) -> None:
        self.warnings.append(loc.error(message, *sub, at_value=at_value))

    def table_check(self, loc: Located[Any], table: str | None, *sub: str | int) -> str | None:
        if table is not None and table not in self.tables:
            self.error(
                loc, f"unknown entity table {table!r}{did_you_mean(table, self.tables)}", *sub, at_value=True
            )
            return None
        return table

    def effect_target(
        self, loc: Located[Any], eff: Effect, sub: tuple[str | int, ...], allow_stock: bool
    ) -> str | None | Literal[False]:
        """Check an effect's target; return its axis, or False when it is not a valid target."""
        sym = self.symbols.get(eff.target)
        allowed = ["parameter", "field", "variable", "flow"] + (["stock"] if allow_stock else [])
        if sym is None or sym.kind not in allowed:
            what = (
                "unknown"
                + did_you_mean(eff.target, [s for s, v in self.symbols.items() if v.kind in allowed])
                if sym is None
                else f"a {sym.kind}"
            )
            self.error(
                loc,
                f"effect target {eff.target!r} must be a {', '.join(allowed)}; it is {what}",
                *sub,
                "target",
                at_value=True,
            )
            return False
        return sym.axis

    def row_index(
        self, loc: Located[Any], eff: Effect, axis: str | None, sub: tuple[str | int, ...]
    ) -> int | None:
        if eff.row is None:
            return None
        if axis is None:
            self.error(
                loc,
                f"{eff.target!r} is a single number, so an effect on it takes no `row`",
                *sub,
                "row",
                at_value=True,
            )
            return None
        rows = self.tables[axis].rows
        if eff.row not in rows:
            self.error(
                loc,
                f"{eff.row!r} is not a row of table {axis!r}{did_you_mean(eff.row, rows)}",
                *sub,
                "row",
                at_value=True,
            )
            return None
        return rows.index(eff.row)

    def topological(
        self, deps: dict[str, set[str]], made_by: Mapping[tuple[str, str], Link] | None = None
    ) -> list[str]:
        """Order names so each comes after what it uses; report every cycle found (at the
        first of its links that ``made_by`` says an effect made, else at its first name).

        A depth-first walk with an explicit stack, so a chain of thousands of variables
        each using the one before cannot exhaust Python's recursion limit.
        """
        order: list[str] = []
        state: dict[str, int] = {}  # 1: being visited (on the trail), 2: done
        reported: set[frozenset[str]] = set()
        for root in sorted(deps):
            if state.get(root) == 2:
                continue
            state[root] = 1
            trail = [root]
            stack = [iter(sorted(deps.get(root, ())))]
            while stack:
                dep = next(stack[-1], None)
                if dep is None:
                    stack.pop()
                    done = trail.pop()
                    state[done] = 2
                    order.append(done)
                    continue
                mark = state.get(dep)
                if mark == 2:
                    continue
                if mark == 1:
                    self._report_cycle(trail[trail.index(dep) :] + [dep], reported, made_by or {})
                    continue
                state[dep] = 1
                trail.append(dep)
                stack.append(iter(sorted(deps.get(dep, ()))))
        return order

    def _report_cycle(
        self, cycle: list[str], reported: set[frozenset[str]], made_by: Mapping[tuple[str, str], Link]
    ) -> None:
        key = frozenset(cycle)
        if key in reported:
            return
        reported.add(key)
        text = " -> ".join(cycle)
        made = next(((a, b) for a, b in zip(cycle, cycle[1:], strict=False) if (a, b) in made_by), None)
        if made is not None:  # an effect closes it (a mod's, often): point at the effect, not the formula
            link = made_by[made]
            self.errors.append(
                link.located.error(
                    f"dependency cycle: {text}: {link.what} reads {made[1]}; break it with lag() "
                    "or make one of them a stock",
                    *link.sub,
                    at_value=True,
                )
            )
            return
        loc = self.symbols[cycle[0]].located
        message = f"dependency cycle: {text}; break it with lag() or make one of them a stock"
        if loc is not None:
            self.errors.append(loc.error(message))

    def world(self) -> World:
        items = self.items
        return World(
            content=self.content,
            tables=self.tables,
            symbols=self.symbols,
            parameters={pid: loc.item for pid, loc in items["parameter"].items()},
            fields=self.fields,
            stocks={sid: loc.item for sid, loc in items["stock"].items()},
            stock_initial=self.stock_initial,
            stock_order=self.stock_order,
            variables=self.variables,
            flows=self.flows,
            flow_specs=self.flow_specs,
            order=self.order,
            modifiers=self.modifiers,
            actions=self.actions,
            events=self.events,
            sides=self.sides,
            scenarios=self.scenarios,
            indicators=self.indicators,
            lagged=frozenset(self.lagged),
            stock_jumps=self.stock_jumps,
            ending_formulas=self.ending_formulas,
            objective_values=self.objective_values,
            history=self.history,
            difficulties=self.difficulties,
        )
