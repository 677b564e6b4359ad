"""Compiling loaded content into a World: names resolved, formulas compiled, order derived.

A World is built once and shared by every game played on it: its fields cannot be
reassigned, and every dict, list, set and array inside it refuses a change (engine/frozen.py):
a caller wanting another world makes a changed copy (``dataclasses.replace``). Building it performs every
check that needs the whole set of packs at once: unknown names in formulas, references
between items, dependency cycles, effect targets, scenario settings. All problems are
collected and raised together as ContentErrors; a world with any error is not built.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

import numpy as np

from game import __version__
from game.content.loader import ContentSet, Located, load_content
from game.content.schema import (
    Action,
    Difficulty,
    Event,
    Flow,
    History,
    Parameter,
    Scenario,
    SideDef,
    Stock,
    Table,
)
from game.engine.frozen import freeze
from game.engine.loaded import load_once
from game.formula import CompiledFormula

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
    effect: int = -1  # action: the index of its effect in the action's effects

    def path(self, spec: Action | Event) -> tuple[str | int, ...]:
        """The key path, from its action or event (``spec``), of the effect's value: where a
        message about what the effect does points."""
        if self.effect_key is None:
            return ("effects", self.effect, self.op) if self.effect >= 0 else ()
        choice = self.effect_key[0].split(":", 1)[1]
        sub: tuple[str | int, ...] = ("effects", self.effect_key[1], self.op)
        if choice and isinstance(spec, Event):
            sub = ("choices", next(i for i, c in enumerate(spec.choices) if c.id == choice), *sub)
        return sub


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
    variant_conditions: tuple[CompiledFormula, ...] = ()  # one per entry of spec.variants
    choice_conditions: dict[str, CompiledFormula] = field(default_factory=dict)  # choice id -> condition
    choice_variant_conditions: dict[str, tuple[CompiledFormula, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class HistoryInfo:
    """A real annual series and the indicator it is compared with."""

    id: str
    spec: History
    indicator: str

    @property
    def name(self) -> str:
        return self.spec.name or self.id


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
    short_name: str = ""  # for narrow places; "" when the name is short enough
    kind: str | None = None
    low: CompiledFormula | float | None = None  # physical range, checked every turn
    high: CompiledFormula | float | None = None
    short_unit: str = ""  # the unit for narrow places ("M", "/mo", "$B/y")


class SymbolScope:
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


@dataclass(frozen=True)
class World(SymbolScope):
    """Everything a game needs from content, compiled once; read-only (see the module's docstring)."""

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
    lagged: frozenset[tuple[str, int]]
    stock_jumps: dict[str, list[Modifier]] = field(default_factory=dict)  # event effects on stocks
    ending_formulas: dict[tuple[str, int], CompiledFormula] = field(default_factory=dict)
    history: dict[str, HistoryInfo] = field(default_factory=dict)
    difficulties: dict[str, Difficulty] = field(default_factory=dict)  # in the order to offer them

    @property
    def default_difficulty(self) -> str | None:
        """The difficulty a new game gets unless another is chosen (None when the packs define none)."""
        marked = next((did for did, d in self.difficulties.items() if d.default), None)
        return marked or next(iter(self.difficulties), None)

    def difficulty_named(self, asked: str) -> str | None:
        """The id of the difficulty ``asked`` names, by id or by the name the game shows it under
        ("learning" for the base pack's easy), case aside; None when the packs have none such."""
        if asked in self.difficulties:
            return asked
        wanted = asked.lower()
        return next(
            (did for did, d in self.difficulties.items() if wanted in (did.lower(), (d.name or "").lower())),
            None,
        )

    def difficulties_listed(self) -> str:
        """Each difficulty's id, with the name the game shows where it differs: "easy (Learning),
        standard, hard"; what a refusal of an unknown one offers instead."""
        listed = ", ".join(
            f"{did} ({d.name})" if d.name and d.name.lower() != did.lower() else did
            for did, d in self.difficulties.items()
        )
        return listed or "none (the packs define no difficulties)"

    def history_of(self, indicator: str) -> list[HistoryInfo]:
        """The real series the pack compares with an indicator, in id order."""
        return [h for h in self.history.values() if h.indicator == indicator]

    # (scenario, objective index) -> value of one unit of the indicator, for the score's weights
    objective_values: dict[tuple[str, int], CompiledFormula | float] = field(default_factory=dict)

    @property
    def packs(self) -> list[tuple[str, str]]:
        return [(p.manifest.id, p.manifest.version) for p in self.content.packs]

    @property
    def turn_months(self) -> int | None:
        """The turn length its per-turn numbers are written for (the packs that say agree), or None."""
        return turn_months_of(self.content)

    @property
    def pack_ids(self) -> list[str]:
        """The ids of the packs this world was built from, in load order."""
        return [p.manifest.id for p in self.content.packs]

    def table_with_role(self, role: str) -> str | None:
        """The id of the entity table whose content says it holds ``role`` (e.g. "organizations")."""
        return next((tid for tid, info in self.tables.items() if info.spec.role == role), None)

    def choice_label(self, event: str, choice: str, shown: str = "") -> str:
        """A dilemma choice's words: as the player read them (``shown``, a variant's label), else
        its label, else its id."""
        return shown or next((c.label for c in self.events[event].spec.choices if c.id == choice), choice)

    def item(self, name: str) -> Any | None:
        """The content item a name was declared by (its unit, source, short name...), if any."""
        sym = self.symbols.get(name)
        return sym.located.item if sym is not None and sym.located is not None else None

    def describe(self, name: str) -> tuple[str, str]:
        """A human name and description of any named item, for the why screen."""
        item = self.item(name)
        if item is None:
            return name, ""
        return (getattr(item, "name", "") or name), getattr(item, "description", "")


def turn_months_of(content: ContentSet) -> int | None:
    """The turn length the packs' per-turn numbers are written for (the packs that say agree), or None."""
    return next((p.manifest.turn_months for p in content.packs if p.manifest.turn_months), None)


def load_world(folders: Sequence[str | Path]) -> World:
    """Load packs and compile them; raise ContentErrors listing every problem.

    Packs loaded before with the very same bytes give the world built then (engine/loaded.py).
    """

    def load() -> tuple[ContentSet, World]:
        content = load_content(folders, __version__)
        return content, compile_world(content)

    return load_once(folders, __version__, load)


T = TypeVar("T")
_DERIVED: dict[tuple[int, Callable[[World], Any]], Any] = {}  # (id(world), make) -> make(world)
_DERIVED_LOCK = threading.Lock()


def derived(world: World, make: Callable[[World], T]) -> T:
    """``make(world)``, worked out for the world's first caller and kept while the world lives
    (a world is read-only once built, so what is derived from it alone never changes)."""
    key = (id(world), make)
    found = _DERIVED.get(key)
    if found is None:
        made = make(world)
        with _DERIVED_LOCK:
            if key not in _DERIVED:
                _DERIVED[key] = made
                weakref.finalize(world, _DERIVED.pop, key, None)  # a world gone takes it along
            found = _DERIVED[key]
    return found  # type: ignore[no-any-return]


def compile_world(content: ContentSet) -> World:
    """Compile loaded content, one builder step per kind of item; raise ContentErrors for all problems."""
    from game.engine.building import build_world  # the builder imports this module's types

    return freeze(build_world(content))
