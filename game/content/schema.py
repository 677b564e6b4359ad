"""Pydantic models of every content file kind: the contract between modders and the engine.

A pack is a folder with ``pack.toml`` and any number of *topic files*: TOML files whose
top-level tables (``[parameter.x]``, ``[stock.x]``, ``[table.x]``...) each hold named items.
One topic per file (``users.toml``, ``prisons.toml``) keeps a world readable; the kind of an
item comes from the table it sits in, not from the file name. Plans (``plans/*.toml``) are
schedules of action levels for headless runs. Every model forbids unknown keys so a typo is
an error, not a silently ignored line.

Why one long module: it is the whole contract between modders and the engine, one pydantic model
per kind of item in the order a pack is read (pack.toml, numbers, actions and events, sides and
scenarios, history, plans, class files), and ``borderline schema`` writes every file kind's JSON
Schema from it. The models refer to each other and to the shared field types at the top; split
across files, a modder or reviewer checking one field would have to chase its type through
several.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

import pydantic
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    field_validator,
    model_validator,
)

from game.limits import (
    MAX_CLASS_QUESTIONS,
    MAX_LEVELS,
    MAX_LIST_ITEMS,
    MAX_ORDER,
    MAX_PLAN_STEPS,
    MAX_START_YEAR,
    MAX_TABLE_FIELDS,
    MAX_TABLE_ROWS,
    MAX_TEXT_CHARS,
    MAX_TURNS,
    MAX_VERSION_CHARS,
)

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
PACK_ID = re.compile(r"[a-z][a-z0-9_]{0,63}")
"""What a pack id (or any other id) looks like; ids are names, never paths."""
Identifier = Annotated[
    str,
    Field(pattern=ID_PATTERN, max_length=64, description="lower_snake_case id"),
]
ScenarioId = Annotated[
    str,
    Field(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64, description="lower-case id, dashes allowed"),
]
Formula = Annotated[
    str,
    Field(min_length=1, max_length=2000, description="an expression in the formula language"),
]
Number = float
_LAX = pydantic.Strict(False)
Pair = Annotated[tuple[StrictFloat, StrictFloat], _LAX]
"""Two numbers; lax only so that a TOML array (a list) may fill a tuple, the numbers stay strict."""
Year = Annotated[int, _LAX]
"""A calendar year as a table key: TOML keys are strings, so "2012" is read as 2012."""
NumberOrFormula = float | Formula
Side = Identifier


class Strict(BaseModel):
    """Base of every content model: unknown keys are errors, values are not coerced (a string
    is never read as a number or a boolean, a number never as a boolean), and a model
    cannot change once loaded. Whole numbers are accepted where a number is expected."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Documented(Strict):
    """Fields every item carries so that a teacher can read the files."""

    name: str = Field("", description="human name shown in the game; defaults to the id")
    short_name: str = Field(
        "", description="name for narrow places (the dashboard, column headers, labels); defaults to name"
    )
    description: str = Field("", description="one or two sentences saying what this is")


class Sourced(Documented):
    source: SourceText = Field(
        description='where the number comes from: a citation, "illustrative" or "design choice"',
        min_length=1,
    )


# --------------------------------------------------------------------------- pack.toml


def _version_range(text: str) -> str:
    """A PEP 440 version range (``>=0.1``, ``>=1.0,<2``, ``~=1.2``), ``*`` for any, or a version."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    spec = text.strip()
    if spec in ("", "*"):
        return text
    try:
        specifiers = SpecifierSet("==" + spec if spec[0].isdigit() else spec)
    except InvalidSpecifier:
        raise ValueError(
            f'{text!r} is not a version range; write e.g. ">=0.1", ">=1.0,<2", "~=1.2" or "*"'
        ) from None
    if _matches_nothing(specifiers):
        raise ValueError(
            f'{text!r} matches no version, its bounds exclude each other; write e.g. ">=0.1,<0.2"'
        )
    return text


def _matches_nothing(specifiers: Any) -> bool:
    """Whether bounds of ``>=``, ``>``, ``<=``, ``<`` and ``==`` alone leave no version between them
    (``>=0.1,<0.1``); a range with any other operator, or a wildcard, is not judged."""
    from packaging.version import InvalidVersion, Version

    lows: list[tuple[Version, bool]] = []  # (version, included)
    highs: list[tuple[Version, bool]] = []
    for spec in specifiers:
        if spec.operator not in (">=", ">", "<=", "<", "=="):
            return False
        try:
            version = Version(spec.version)
        except InvalidVersion:  # ==1.*
            return False
        if spec.operator in (">=", ">", "=="):
            lows.append((version, spec.operator != ">"))
        if spec.operator in ("<=", "<", "=="):
            highs.append((version, spec.operator != "<"))
    if not lows or not highs:
        return False
    low = max(lows, key=lambda bound: (bound[0], not bound[1]))  # the tightest of each
    high = min(highs, key=lambda bound: (bound[0], bound[1]))
    return low[0] > high[0] or (low[0] == high[0] and not (low[1] and high[1]))


VersionRange = Annotated[str, Field(max_length=MAX_VERSION_CHARS), AfterValidator(_version_range)]
Level = Annotated[int, Field(ge=0, le=MAX_LEVELS)]
Turn = Annotated[int, Field(ge=1, le=MAX_TURNS)]


def _not_blank(text: str) -> str:
    """A source given must say something: spaces alone vouch for nothing."""
    if text and not text.strip():
        raise ValueError(
            'must say where the number comes from (a citation, "illustrative: why" or '
            '"design choice"), got only spaces'
        )
    return text


SourceText = Annotated[str, AfterValidator(_not_blank)]
"""Where a number comes from: empty (for items where it is optional) or words, never only spaces."""
NonNegative = Annotated[Number, Field(ge=0)]


class PackDependency(Strict):
    id: Identifier
    version: VersionRange = Field("*", description='accepted versions (PEP 440), e.g. ">=0.1" or "*"')


class PackManifest(Strict):
    """``pack.toml``: who a pack is and what it needs."""

    schema_: str | None = Field(None, alias="$schema", description="editor schema hint")
    id: Identifier
    name: str
    version: str = Field(pattern=r"^[0-9]{1,9}\.[0-9]{1,9}(\.[0-9]{1,9})?$", max_length=MAX_VERSION_CHARS)
    description: str = ""
    authors: list[str] = Field([], max_length=MAX_LIST_ITEMS)
    game_version: VersionRange = Field(
        "*", description='game versions this pack works with (PEP 440), e.g. ">=0.1"'
    )
    dependencies: list[PackDependency] = Field([], max_length=64)
    load_order: int = Field(
        0, ge=-MAX_ORDER, le=MAX_ORDER, description="lower loads first among packs with no dependency"
    )
    turn_months: int | None = Field(
        None,
        ge=1,
        le=12,
        description="the turn length, in months, that this pack's per-turn numbers are written for "
        "(action cost lists and ramp_turns, event probabilities, cooldowns and effect turns); a "
        "scenario with longer or shorter turns converts them. Packs that say must agree; none: no conversion",
    )


# --------------------------------------------------------------------------- numbers


class Parameter(Sourced):
    """A number about the world, optionally uncertain.

    A batch run draws uncertain parameters once per run; a single game draws once from its
    seed; a caller can pin any parameter to a fixed value.
    """

    value: Number = Field(description="best estimate; used when nothing is drawn")
    unit: str = ""
    range: Pair | None = Field(
        None, description="[low, high] of the uncertainty; draws stay inside it"
    )
    distribution: Literal["uniform", "triangular", "normal", "lognormal"] = Field(
        "triangular",
        description="shape of the draw inside range; triangular peaks at value, normal and "
        "lognormal put about 95% of draws inside range and truncate the rest",
    )
    over: Identifier | None = Field(
        None, description="entity table this parameter has one value per row of (see `values`)"
    )
    values: dict[Identifier, Number] | None = Field(
        None, description="per-row values when `over` is set; rows not listed take `value`"
    )

    @model_validator(mode="after")
    def _range_holds_value(self) -> Parameter:
        if self.range is not None:
            low, high = self.range
            if low > high:
                raise ValueError(f"range low {low} is above high {high}")
            if not low <= self.value <= high:
                raise ValueError(f"value {self.value} lies outside range [{low}, {high}]")
        if self.values is not None and self.over is None:
            raise ValueError("`values` needs `over` naming the entity table")
        return self


class TableField(Sourced):
    unit: str = ""
    default: Number | None = Field(
        None,
        description="the value of rows that give none; lets a pack add a field to another pack's "
        "table (or a row to a table whose fields grow) without a value for every row",
    )


class Table(Documented):
    """An entity table: named rows (drugs, organizations) sharing the same fields.

    Each field is a global name in formulas holding one value per row, so ``base_price``
    in a formula is the vector of all drugs' base prices and ``base_price[cocaine]`` one
    of them.
    """

    fields: dict[Identifier, TableField] = Field(
        description="field id -> its unit and source", max_length=MAX_TABLE_FIELDS
    )
    rows: dict[Identifier, dict[str, float | str]] = Field(
        description="row id -> field values (and an optional `name`)", max_length=MAX_TABLE_ROWS
    )
    role: Literal["organizations", "drugs"] | None = Field(
        None,
        description='what the rows are, for the screens: "organizations" (the trafficking '
        'organizations the Cartels screen ranks), "drugs"; at most one table per role',
    )
    rank_by: Identifier | None = Field(
        None,
        description="stock or variable over this table the rows are ranked by (default: first column)",
    )
    columns: list[Identifier] = Field(
        [],
        description="stocks, variables or fields over this table shown as columns, in order",
    )
    actions: list[Identifier] = Field(
        [], description="actions shown with the table (the designation workflow)"
    )
    status: list[Identifier] = Field(
        [], description="single-number stocks or variables summarising the workflow, shown above the table"
    )


IndicatorKind = Literal["population", "share", "count", "rate", "money", "index", "flag", "other"]
KINDS_NEEDING_A_RANGE = ("population", "share")


RangePair = Annotated[tuple[StrictFloat | Formula, StrictFloat | Formula], _LAX]
"""[low, high], each a number or a formula; lax only so that a TOML array may fill the tuple."""


class IndicatorRange(Strict):
    """A one-sided or two-sided physical range: ``{ min = 0 }``, ``{ min = 0, max = 100 }``."""

    min: NumberOrFormula | None = Field(None, description="lowest possible value: a number or a formula")
    max: NumberOrFormula | None = Field(None, description="highest possible value: a number or a formula")


class Indicator(Strict):
    """How a stock or variable is shown as an indicator."""

    side: Side | None = Field(None, description="which government's dashboard shows it")
    headline: bool = Field(False, description="shown on the main dashboard")
    good: Literal["up", "down", "neither"] = Field(
        "neither", description="which direction is good, for colours, arrows and scoring"
    )
    decimals: int = Field(1, ge=0, le=6)
    order: int = Field(0, ge=-MAX_ORDER, le=MAX_ORDER, description="position on the dashboard, lower first")
    kind: IndicatorKind | None = Field(
        None,
        description="what it measures: population (people), share (percent or fraction), count, rate "
        "(per month or year), money, index, flag or other; population and share need a `range`",
    )
    range: RangePair | IndicatorRange | None = Field(
        None,
        description="the physically possible values, checked every turn: [low, high] or "
        "{ min = low, max = high } with either side left out; each a number or a formula, e.g. "
        '[0, 100] or [0, "us_residents_12plus"]; a value outside is a model error',
    )

    @property
    def bounds(self) -> tuple[float | str | None, float | str | None]:
        """(low, high), each a number, a formula or None for no limit."""
        if self.range is None:
            return None, None
        if isinstance(self.range, IndicatorRange):
            return self.range.min, self.range.max
        return self.range


class Quantity(Documented):
    unit: str = ""
    short_unit: str = Field(
        "",
        max_length=8,
        description="the unit for narrow places (the dashboard, tables), written after the number "
        "('M', 'k', '%', '/mo', ' idx'); a money unit starts with '$' and its scale letter and is "
        "written around it ('$B/y' shows $53B/y). Defaults to nothing: set it on every headline indicator",
    )
    over: Identifier | None = Field(None, description="entity table this is indexed over")
    indicator: Indicator | None = None


class Stock(Quantity):
    """A quantity that persists between turns and changes only through flows."""

    initial: NumberOrFormula = Field(
        description="starting value: a number or a formula of parameters, tables and "
        "other stocks' starting values"
    )
    minimum: Number | None = Field(
        0.0, description="lowest value the stock can take; a flow that takes it lower is a model error"
    )
    maximum: Number | None = Field(
        None, description="highest value the stock can take; a flow that takes it higher is a model error"
    )
    source: SourceText = Field("", description="where the starting value comes from")


class Variable(Quantity):
    """An auxiliary quantity recomputed from its formula at every step (a rule)."""

    formula: Formula
    source: SourceText = ""


class Flow(Documented):
    """A rule that moves a stock: a rate per year integrated over the turn."""

    formula: Formula = Field(description="rate per year (in the stock's unit per year)")
    into: Identifier | None = Field(None, description="stock the flow adds to")
    out_of: Identifier | None = Field(None, description="stock the flow takes from")
    action: Identifier | None = Field(
        None, description="the action this rule carries out, so the why screen can say so"
    )
    source: SourceText = ""

    @model_validator(mode="after")
    def _has_a_stock(self) -> Flow:
        if self.into is None and self.out_of is None:
            raise ValueError("a flow needs `into`, `out_of` or both")
        return self


# --------------------------------------------------------------------------- actions and events


class Effect(Strict):
    """A change an action or event makes to a parameter, variable, flow or stock.

    For actions, ``multiply``/``add`` may be a list with one value per level; the engine
    ramps from the old level's value to the new one over the action's ramp turns. For
    events, a stock target with ``add`` is a one-off jump.
    """

    target: Identifier
    row: Identifier | None = Field(None, description="one row of an entity-indexed target")
    multiply: NumberOrFormula | list[Number] | None = None
    add: NumberOrFormula | list[Number] | None = None
    turns: int = Field(
        0, ge=0, le=MAX_TURNS, description="events only: how long it lasts, 0 for the rest of the game"
    )

    @model_validator(mode="after")
    def _one_operation(self) -> Effect:
        if (self.multiply is None) == (self.add is None):
            raise ValueError("an effect needs exactly one of `multiply` or `add`")
        return self


class Prerequisite(Strict):
    formula: Formula = Field(description="true when the action may be raised above `from_level`")
    message: str = Field(description="what the player is told when it is not met")
    from_level: Level = Field(0, description="levels above this need the prerequisite")


class Evidence(Strict):
    claim: str
    source: SourceText = Field(min_length=1)


class Action(Documented):
    """A lever a government can pull, with levels from 0 up."""

    side: Side
    category: str = Field(description="group on the action panel, e.g. 'Enforcement'")
    levels: list[str] = Field(
        min_length=2, max_length=MAX_LEVELS, description="label of each level, from level 0 up"
    )
    values: list[Number] | None = Field(
        None, description="what the action's id means in formulas at each level (default: the level)"
    )
    ramp_turns: int = Field(1, ge=1, le=40, description="turns until a new level takes full effect")
    cost: list[Number] | Formula = Field(
        description="money per turn at each level (a turn of the pack's turn_months, converted for "
        "scenarios with other turns), or a formula using the action's id giving money for this "
        "turn (multiply a rate a year by turn_years)"
    )
    capital_cost: list[NonNegative] = Field(
        [0.0], description="political capital to raise one step into each level (index = level)"
    )
    capital_cost_lower: Number = Field(0.0, ge=0, description="capital to lower by one step")
    prerequisites: list[Prerequisite] = Field([], max_length=MAX_LIST_ITEMS)
    irreversible_warning: str = Field("", description="shown in a confirmation before raising")
    effects: list[Effect] = Field([], max_length=MAX_LIST_ITEMS)
    evidence_for: list[Evidence] = Field([], max_length=MAX_LIST_ITEMS)
    evidence_against: list[Evidence] = Field([], max_length=MAX_LIST_ITEMS)
    hidden: bool = Field(False, description="not shown on the action panel (driven by events)")

    @model_validator(mode="after")
    def _lists_match_levels(self) -> Action:
        n = len(self.levels)
        if self.values is not None and len(self.values) != n:
            raise ValueError(f"`values` has {len(self.values)} entries for {n} levels")
        if isinstance(self.cost, list) and len(self.cost) != n:
            raise ValueError(f"`cost` has {len(self.cost)} entries for {n} levels")
        if len(self.capital_cost) not in (1, n):
            raise ValueError(f"`capital_cost` needs 1 or {n} entries")
        for i, effect in enumerate(self.effects):
            for key, op in (("multiply", effect.multiply), ("add", effect.add)):
                if isinstance(op, list) and len(op) != n:
                    raise ValueError(
                        f"`effects.{i}.{key}` lists {len(op)} values for {n} levels "
                        f"(the effect on {effect.target!r})"
                    )
        return self


class ChoiceVariant(Strict):
    """Other words for a choice where a condition holds, so it agrees with the state it meets."""

    condition: Formula = Field(description="the variant is used where this holds (the first that holds wins)")
    label: str = Field("", description="the choice's label here (default: the choice's own)")
    description: str = Field("", description="the choice's description here (default: the choice's own)")


class Choice(Strict):
    """One answer to a dilemma.

    Levels a choice moves go one way only: ``set_action`` raises an action to at least a
    level and never lowers one the player raised higher; ``lower_action`` lowers to at most
    a level and never raises. A choice that is not the default is offered only where its
    ``condition`` holds and where it would move at least one level (when it moves any): a
    choice that would change nothing is not offered, and a run where it is not offered
    takes the default.
    """

    id: Identifier
    label: str
    description: str = ""
    condition: Formula = Field(
        "1", description="offered only where this holds; the default choice is always offered"
    )
    variants: list[ChoiceVariant] = Field(
        [], max_length=32, description="other label and description where a condition holds"
    )
    effects: list[Effect] = Field([], max_length=MAX_LIST_ITEMS)
    set_action: dict[Identifier, Level] = Field(
        {},
        description="actions this choice raises, to at least the level given (action id -> level); "
        "an action already at or above it keeps its level",
    )
    lower_action: dict[Identifier, Level] = Field(
        {},
        description="actions this choice lowers, to at most the level given (action id -> level); "
        "an action already at or below it keeps its level",
    )
    capital: dict[Side, Number] = Field({}, description="political capital gained (+) or spent (-)")
    default: bool = Field(False, description="taken when nobody chooses (status quo, batch runs)")

    @model_validator(mode="after")
    def _each_action_once(self) -> Choice:
        both = set(self.set_action) & set(self.lower_action)
        if both:
            raise ValueError(f"{sorted(both)[0]!r} is both raised and lowered by this choice")
        if self.default and self.condition.strip() != "1":
            raise ValueError("the default choice is always offered: it cannot have a condition")
        return self


class EventVariant(Strict):
    """Other words for an event where a condition holds or after it has happened before."""

    condition: Formula = Field("1", description="the variant is used where this holds")
    repeat: int = Field(
        1,
        ge=1,
        le=MAX_TURNS,
        description="used from the event's Nth firing on (1: any time; 2: the second time and later)",
    )
    title: str = Field("", description="the title here (default: the event's own)")
    text: str = Field("", description="the text here (default: the event's own)")

    @model_validator(mode="after")
    def _says_something(self) -> EventVariant:
        if not self.title and not self.text:
            raise ValueError("a variant needs a `title`, a `text` or both")
        return self


class Event(Documented):
    """Something that may happen at the end of a turn; with choices it is a dilemma.

    Its words can vary: the first of ``variants`` whose condition holds (and whose
    ``repeat`` count is reached) replaces the title and text, so the news agrees with the
    state it reports and a repeat does not read like the first time.
    """

    title: str
    text: str
    variants: list[EventVariant] = Field(
        [],
        max_length=32,
        description="other title and text where a condition holds; the first that holds wins",
    )
    side: Side | None = None
    condition: Formula = Field("1", description="true in the runs where the event may fire")
    probability: NumberOrFormula = Field(1.0, description="chance per turn while the condition holds")
    once: bool = True
    cooldown: int = Field(0, ge=0, le=MAX_TURNS, description="turns before it may fire again")
    effects: list[Effect] = Field([], max_length=MAX_LIST_ITEMS)
    capital: dict[Side, Number] = {}
    choices: list[Choice] = Field([], max_length=MAX_LIST_ITEMS)
    source: SourceText = ""

    @model_validator(mode="after")
    def _one_default(self) -> Event:
        if self.choices and sum(c.default for c in self.choices) != 1:
            raise ValueError("a dilemma needs exactly one choice with default = true")
        for effect in self.effects + [e for c in self.choices for e in c.effects]:
            for op in (effect.multiply, effect.add):
                if isinstance(op, list):
                    raise ValueError("event effects take one value or formula, not a list")
        return self


# --------------------------------------------------------------------------- sides and scenarios


class SideDef(Documented):
    """A government: what pays for its actions and what limits its changes."""

    budget: Identifier = Field(description="parameter, variable or stock: money per turn for programmes")
    capital: Identifier = Field(description="stock of political capital spent on changes")
    approval: Identifier | None = Field(None, description="indicator of public approval")
    money_unit: str = "$B"
    elections: list[float] = Field(
        [],
        max_length=1000,
        description="when the government faces the voters: the formulas' `year` at the turn that "
        "resolves each vote (2012.75 is October-December 2012), so the game can show what is coming",
    )
    election_approval: Identifier | None = Field(
        None,
        description="parameter, variable or stock: the approval needed to win an election "
        "(compared with `approval`; shown before each election)",
    )


class Objective(Strict):
    """An outcome the debrief scores: the run against the status quo on one indicator."""

    indicator: Identifier
    weight: Number = Field(
        1.0, gt=0, description="relative weight; with `value`, a multiplier on its money weight"
    )
    value: NumberOrFormula | None = Field(
        None,
        description="what one unit of the indicator costs society for a year, in the scenario's "
        "`score_currency` (a number or a formula of parameters). With it the objective weighs "
        "what it is worth in the status quo, so harms and money are traded in one currency; "
        "either every objective of a scenario has one or none does",
    )
    measure: Literal["final", "mean", "total"] = Field(
        "mean",
        description="compare the discounted mean over the game and the horizon, its discounted sum, "
        "or the value at the end of the game",
    )
    label: str = ""
    source: SourceText = Field("", description="where the value per unit comes from")
    sides: list[Side] = Field(
        [],
        max_length=MAX_LIST_ITEMS,
        description="in a two-player (hot-seat) game, the sides whose player is scored on it: "
        "the harm that side's government answers for (empty: every side's)",
    )


class Grade(Strict):
    label: str
    min_score: Number = Field(
        description="lowest score for this grade: the score is about the percent by which the run "
        "beats the status quo (0 = the status quo)"
    )
    text: str = ""


class Ending(Strict):
    id: Identifier
    condition: Formula = Field(description="the game ends in the runs where this is true")
    title: str
    text: str
    grade_cap: str | None = Field(None, description="best grade label allowed after this ending")


class Scenario(Documented):
    """A starting point: dates, turns, the world's starting policies and what is scored."""

    briefing: str
    based_on: ScenarioId | None = Field(
        None,
        description="another scenario whose settings this one takes wherever it sets none: "
        "action_levels and parameters merge key by key (this one's win), every other key it leaves "
        "out (objectives, grades, endings, scoring, start...) is the other's",
    )
    difficulty: Literal["introductory", "standard", "hard"] = "standard"
    start_year: int = Field(ge=1, le=MAX_START_YEAR)
    start_quarter: int = Field(1, ge=1, le=4)
    turns: Turn
    months_per_turn: int = Field(3, ge=1, le=12)
    turn_word: str = Field(
        "",
        description='what one turn is called in the game\'s text: "quarter", "month", "year" '
        "(default: from months_per_turn; the plural adds an s)",
    )
    substeps: int = Field(1, ge=1, le=31, description="Euler sub-steps inside a turn")
    action_levels: dict[Identifier, Level] = Field(
        {}, description="starting level of actions (others start at 0)"
    )
    actions: list[Identifier] = Field(
        [],
        max_length=MAX_LIST_ITEMS,
        description="the levers the player may change in this scenario, for a game about one idea "
        "(empty: every lever); the others keep their starting levels and are not shown",
    )
    parameters: dict[Identifier, Number] = Field({}, description="parameter values this scenario pins")
    objectives: list[Objective] = Field([], max_length=MAX_LIST_ITEMS)
    horizon_years: Number = Field(
        0.0,
        ge=0,
        le=50,
        description="terminal value: years the game is played on past its end, with no more "
        "changes, so the state left behind counts in the score (0: the game alone)",
    )
    discount_rate: Number = Field(
        0.03, ge=0, le=0.5, description="yearly discount rate on later outcomes in the score"
    )
    score_cap: Number = Field(
        4.0,
        gt=1,
        le=1000,
        description="the factor (better or worse than the status quo) beyond which an objective "
        "counts no more: each objective scores 100 x ln(status quo / run), capped at +/- 100 x ln(cap)",
    )
    score_currency: str = Field("", description="the unit of objectives' `value`, e.g. '$B'")
    grades: list[Grade] = Field([], max_length=MAX_LIST_ITEMS)
    endings: list[Ending] = Field([], max_length=MAX_LIST_ITEMS)
    undo: bool = Field(
        True, description="whether a player may undo the last turn (a teacher may turn it off for a class)"
    )

    @property
    def turn_name(self) -> str:
        """What one turn is called: ``turn_word``, else quarter, month or year by its length."""
        return self.turn_word or TURN_WORDS.get(self.months_per_turn, "turn")


TURN_WORDS = {1: "month", 3: "quarter", 6: "half-year", 12: "year"}


class Difficulty(Documented):
    """A level of difficulty a player picks for a new game: money, political capital and how far the
    world's uncertain numbers may stray from their best estimates. Every scenario offers them all.

    ``description`` is what the new-game screen tells the player about it.
    """

    order: int = Field(0, ge=-MAX_ORDER, le=MAX_ORDER, description="position in the list, lower first")
    default: bool = Field(False, description="preselected for a new game (at most one)")
    multiply: dict[Identifier, Number] = Field(
        {},
        description="parameters multiplied by these factors (budgets, capital income...); a value "
        "the player pins is left as pinned",
    )
    start: dict[Identifier, Number] = Field(
        {}, description="stocks whose starting value is multiplied by these factors (political capital...)"
    )
    uncertainty: Number = Field(
        1.0,
        ge=0,
        le=1,
        description="how far from its best estimate each uncertain parameter is drawn: 0 draws "
        "nothing (every one at its best estimate), 1 the full draw",
    )
    spread: Literal["content", "uniform"] = Field(
        "content",
        description='"uniform" draws every uncertain parameter evenly over its range, so the '
        "extremes are as likely as the best estimate; \"content\" uses each parameter's distribution",
    )

    @field_validator("multiply", "start")
    @classmethod
    def _positive(cls, factors: dict[str, float]) -> dict[str, float]:
        for name, factor in factors.items():
            if not 0 < factor <= 100:
                raise ValueError(f"the factor for {name!r} must be above 0 and at most 100, not {factor}")
        return factors


# --------------------------------------------------------------------------- history


class HistoryPoint(Strict):
    """What really happened in one calendar year, with where the number comes from."""

    value: Number = Field(description="the real value, in the series' unit")
    source: SourceText = Field(
        "", description="where this year's value comes from; defaults to the series' source"
    )
    note: str = Field("", description='e.g. "preliminary", or how the value was derived')


class HistoryTolerance(Strict):
    """When a model is said to track a series (the backtest's verdict)."""

    within_band: float = Field(
        0.8, ge=0, le=1, description="share of the years with data whose real value must lie in the band"
    )
    band: Pair = Field(
        (5.0, 95.0), description="percentiles of the runs that make the model's band"
    )
    median_error: float = Field(
        0.2,
        gt=0,
        description="largest relative gap allowed between the median and the real value in check years",
    )
    check_years: list[int] = Field(
        [2012, 2015, 2018],
        description="years whose median is checked (if they have data); the last year with data is "
        "always checked",
    )

    @model_validator(mode="after")
    def _band_ordered(self) -> HistoryTolerance:
        low, high = self.band
        if not 0 <= low < high <= 100:
            raise ValueError(f"band needs two percentiles with 0 <= low < high <= 100, got [{low}, {high}]")
        return self


class History(Sourced):
    """A real annual series to compare an indicator with (charts, debrief, backtest).

    A year's model value is the indicator's values at the ends of that year's turns,
    combined by ``aggregate`` and multiplied by ``scale``; e.g. an indicator in killings per
    month compared with a count per year takes ``aggregate = "mean"`` and ``scale = 12``.
    """

    indicator: Identifier = Field(description="the indicator (a stock or variable) it is compared with")
    unit: str = Field(min_length=1, description="the series' unit, e.g. 'homicides per year'")
    aggregate: Literal["mean", "sum", "last", "first", "max", "min"] = Field(
        "mean",
        description="how the indicator's values at the end of each turn of a year combine into the year's "
        "value: mean for rates and stocks, sum for per-turn counts, last for an end-of-year count",
    )
    scale: Number = Field(1.0, gt=0, description="multiplies the aggregate into the series' unit")
    tolerance: HistoryTolerance = Field(default_factory=HistoryTolerance)  # type: ignore[arg-type]
    years: dict[Year, HistoryPoint] = Field(description="calendar year -> the real value and its source")

    @field_validator("years")
    @classmethod
    def _plausible_years(cls, years: dict[int, HistoryPoint]) -> dict[int, HistoryPoint]:
        if not years:
            raise ValueError("a history series needs at least one year")
        bad = [y for y in years if not 1000 <= y <= 9999]
        if bad:
            raise ValueError(f"years are four-digit calendar years, got {bad[0]}")
        return dict(sorted(years.items()))


class ContentFile(Strict):
    """A topic file: any mix of items, each table keyed by id."""

    schema_: str | None = Field(None, alias="$schema", description="editor schema hint")
    parameter: dict[Identifier, Parameter] = {}
    table: dict[Identifier, Table] = {}
    stock: dict[Identifier, Stock] = {}
    variable: dict[Identifier, Variable] = {}
    flow: dict[Identifier, Flow] = {}
    action: dict[Identifier, Action] = {}
    event: dict[Identifier, Event] = {}
    side: dict[Identifier, SideDef] = {}
    scenario: dict[ScenarioId, Scenario] = {}
    history: dict[Identifier, History] = {}
    difficulty: dict[Identifier, Difficulty] = {}
    patch: dict[
        Literal[
            "parameter", "table", "stock", "variable", "flow", "action", "event", "side", "scenario",
            "history", "difficulty",
        ],
        dict[str, dict[str, Any]],
    ] = Field(
        {},
        description="changes to items another pack defined: [patch.KIND.ID] with only the keys "
        "to change. Tables merge key by key (add a row, change one field), arrays of tables append "
        "(an element whose id matches one already there changes it), other values are replaced. "
        'remove = ["rows.x", "effects.0", "choices.some_id"] deletes keys, rows and array elements; '
        "[patch.KIND.ID.replace] sets each key it names whole. See docs/MODDING.md",
    )


# --------------------------------------------------------------------------- plans


class PlanStep(Strict):
    turn: Turn = Field(description="1-based turn before which the level is set")
    action: Identifier
    # Not capped here: checking it against the action's own levels gives the plan's author the
    # exact range ("has levels 0 to 4"), where a cap would say only "50 or less".
    level: int = Field(ge=0, description="the level to set, from 0 up to the action's last level")


class PlanChoice(Strict):
    turn: Turn = Field(description="turn whose end-of-turn event is answered")
    event: Identifier
    choice: Identifier


class Plan(Strict):
    """A schedule of action levels (and dilemma answers) for a headless run."""

    # Steps stay in the file's order (not sorted by turn), so step[i] is the i-th [[step]]
    # written and a problem with it is reported at its own line; replays group them by turn
    # (replay.decisions_by_turn), keeping the file's order within a turn.

    schema_: str | None = Field(None, alias="$schema", description="editor schema hint")
    name: str = ""
    description: str = ""
    scenario: ScenarioId | None = None
    step: list[PlanStep] = Field([], max_length=MAX_PLAN_STEPS)
    choice: list[PlanChoice] = Field([], max_length=MAX_PLAN_STEPS)


# --------------------------------------------------------------------------- class files

ClassText = Annotated[str, Field(max_length=MAX_TEXT_CHARS)]


class PinnedAssumption(Strict):
    """An uncertain parameter a class fixes for every student, shown to them or kept hidden."""

    value: Number = Field(description="the value every game of the class uses")
    shown: bool = Field(
        True, description="tell the students (in the briefing); hidden ones are revealed at the debrief"
    )
    note: ClassText = Field("", description="why this value, shown with it: e.g. \"Hawaii's trial\"")


class ClassLevers(Strict):
    """Which levers students may change: name the locked ones, or the only ones available."""

    locked: list[Identifier] = Field(
        [], max_length=MAX_LIST_ITEMS, description="levers kept at their starting level"
    )
    available: list[Identifier] = Field(
        [],
        max_length=MAX_LIST_ITEMS,
        description="the only levers students may change (empty: every lever not locked)",
    )
    reason: ClassText = Field(
        "", description="what students are told about a locked lever (default: locked by the class)"
    )

    @model_validator(mode="after")
    def _one_list(self) -> ClassLevers:
        if self.locked and self.available:
            raise ValueError("give `locked` or `available`, not both")
        return self


class ClassVisibility(Strict):
    """What students see while they play."""

    status_quo: bool = Field(
        True, description="the status quo beside their numbers (dashboard, charts) and the running score"
    )
    why: bool = Field(True, description="the Why screen, splitting each change into its causes")
    bands: bool = Field(True, description="the uncertainty bands of the charts (200 runs of their choices)")


class ClassQuestion(Strict):
    """A question the debrief asks; the answer goes into the student's save and exports."""

    id: Identifier
    text: ClassText = Field(min_length=1)


class ClassFile(Strict):
    """A class file: what a teacher fixes for every student's game.

    Handed out and opened with ``borderline --class FILE`` (or "Join a class" on the title
    screen). The game asks each student's name and records the class and the name in every
    save and export; ``borderline report`` checks collected saves against it.
    """

    schema_: str | None = Field(None, alias="$schema", description="editor schema hint")
    class_id: ScenarioId = Field(description="the class's id, recorded in every save and export")
    title: ClassText = Field(min_length=1, description="shown to students, e.g. 'Drug policy, period 3'")
    teacher: ClassText = ""
    description: ClassText = Field("", description="what the exercise is for, shown before playing")
    scenario: ScenarioId = Field(description="the scenario every student plays")
    packs: list[Identifier] = Field(
        [],
        max_length=MAX_LIST_ITEMS,
        description="mods every game of the class plays with, by pack id, in load order (found in the "
        "mods folder, with what they depend on); none: the base game alone. A student's own enabled "
        "mods never load in a class game, and the report does not count a game played with other packs",
    )
    turns: Turn | None = Field(None, description="play only the first N turns (default: the whole scenario)")
    seed: int = Field(ge=0, le=2**31 - 1, description="the seed of every game, or the base of each student's")
    seed_per_student: bool = Field(
        False,
        description="derive each student's seed from `seed` and their name, so games differ but can be "
        "reproduced (the same name always gets the same seed)",
    )
    pins: dict[Identifier, PinnedAssumption] = Field(
        {}, max_length=MAX_LIST_ITEMS, description="uncertain parameters fixed for the class"
    )
    levers: ClassLevers = Field(default_factory=ClassLevers)  # type: ignore[arg-type]
    visible: ClassVisibility = Field(default_factory=ClassVisibility)  # type: ignore[arg-type]
    undo: bool = Field(True, description="whether students may take back a turn")
    hot_seat: bool = Field(
        False,
        description="two students share each game at one keyboard, one for each government (the "
        "world's sides, e.g. US and Mexico): the game asks both names and assigns the sides, as the "
        "new-game screen's two-player option does",
    )
    question: list[ClassQuestion] = Field(
        [], max_length=MAX_CLASS_QUESTIONS, description="questions the debrief asks, in order ([[question]])"
    )

    @field_validator("question")
    @classmethod
    def _distinct_questions(cls, questions: list[ClassQuestion]) -> list[ClassQuestion]:
        ids = [q.id for q in questions]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"question id {twice[0]!r} is used twice")
        return questions


FILE_KINDS: dict[str, type[Strict]] = {
    "pack": PackManifest,
    "content": ContentFile,
    "plan": Plan,
    "class": ClassFile,
}
