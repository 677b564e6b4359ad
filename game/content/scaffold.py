"""What `borderline new-pack` writes: a pack that validates and plays as soon as it exists.

Every kind of item has one live, commented example, named after the pack so that its ids
cannot clash with another pack's: a parameter, an entity table, a stock with its flow, a
variable shown as an indicator, a lever, an event with a choice, a short scenario, and a
plan. Every kind of patch has one example too; only the one that changes nothing of the
base game (a starting level for the pack's own lever) is live, the others are written out
in full but commented, ready to uncomment, because each would change the world.

The examples of patches to the base game's entity tables list that table's real fields,
read from the world the pack is made for, so uncommenting them gives a valid row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SCHEMA_FOLDER = "schemas"


@dataclass(frozen=True)
class BaseFacts:
    """What the examples need to know of the packs the new one builds on."""

    depends_on: str = "base"
    scenario: str | None = None  # a scenario to patch, e.g. "both-sides"
    scenario_valued: bool = False  # its objectives carry a `value`, so an added one needs one too
    side: str | None = None  # a government for the example lever, e.g. "us"
    tables: dict[str, tuple[str, dict[str, float]]] = field(default_factory=dict)
    """table id -> (an existing row's id, that row's numbers), for the row examples"""
    action: str | None = None  # an action whose effects the append example extends
    action_levels: int = 2


def _header(depth: int, kind: str) -> str:
    """The editor schema line: a path from the file to the pack's own schemas folder, so it
    resolves wherever the pack is moved."""
    up = "../" * depth if depth else "./"
    return f"#:schema {up}{SCHEMA_FOLDER}/{kind}.schema.json\n"


def scaffold(pack_id: str, title: str, facts: BaseFacts) -> dict[str, str]:
    """The files of a new pack, by path inside its folder."""
    p = pack_id
    side = facts.side or "us"
    files = {
        "pack.toml": _manifest(p, title, facts),
        "README.md": _readme(p, title, facts),
        "world.toml": _world(p, side),
        "levers.toml": _levers(p, side),
        "events.toml": _events(p, side),
        "scenario.toml": _scenario(p, facts),
        "patches.toml": _patches(p, facts),
        "plans/try_the_lever.toml": _plan(p),
    }
    return files


def _manifest(p: str, title: str, facts: BaseFacts) -> str:
    return (
        _header(0, "pack")
        + f"""# Who this pack is and what it needs. `borderline validate {p}` checks it with everything else.
id = "{p}"
name = "{title}"
version = "0.1.0"
description = \"\"\"
One or two sentences for the Mods screen: what this pack adds to the game, and why.
\"\"\"
authors = ["Your name"]
game_version = ">=0.1"
# The packs this one builds on, loaded before it; a patch can change only what they define.
dependencies = [{{ id = "{facts.depends_on}", version = ">=0.1" }}]
# Among packs that do not depend on each other, a lower load_order loads first; with equal
# load_order, the order on the Mods screen (or of --pack on the command line) decides.
load_order = 0
"""
    )


def _readme(p: str, title: str, facts: BaseFacts) -> str:
    return f"""# {title}

A Borderline content pack, made by `borderline new-pack {p}`. Every file holds commented
examples: change them, delete them, add your own. docs/MODDING.md explains every key.

| file | what is in it |
|---|---|
| `pack.toml` | the manifest: id, version, what this pack depends on, load order |
| `world.toml` | new numbers and rules: a parameter, an entity table, a stock and its flow, an indicator |
| `levers.toml` | a new lever (an action) for a government, with its effects and evidence |
| `events.toml` | a new event with a choice (a dilemma) |
| `scenario.toml` | a short scenario of your own, and a patch of `{facts.scenario or "the base scenario"}` |
| `patches.toml` | one example of each way to change what another pack defines (commented) |
| `plans/` | plans for headless runs: `borderline simulate --pack {p} --plan plans/try_the_lever.toml` |
| `schemas/` | JSON Schemas, so an editor checks the files as you type (`#:schema` lines) |

Check it: `borderline validate {p}` (from the folder holding this one).
Play it: put this folder in the mods folder and enable it on the Mods screen, or
`borderline --pack {p}`. After an edit, press `r` on the title screen to read it again.
"""


def _world(p: str, side: str) -> str:
    return (
        _header(0, "content")
        + f"""# New items: each table below is one item, named [KIND.ID]. Ids are lower_snake_case and shared
# by every kind and every pack, so they start with the pack's id.

# A number about the world. Every number carries its source; "illustrative" says it has none yet.
[parameter.{p}_rate]
name = "Example rate"
description = "What this number is, in a sentence a teacher can read out."
value = 0.1
range = [0.05, 0.2]          # uncertain: batch runs draw it inside this range
unit = "per year"
source = "illustrative: replace with the study, table and page it comes from"

# An entity table: rows sharing the same fields. A field is a name in formulas holding one value
# per row (`{p}_weight` is a vector; `{p}_weight[north]` is one row's value).
[table.{p}_regions]
name = "Example regions"
[table.{p}_regions.fields.{p}_weight]
unit = "fraction"
source = "illustrative"
[table.{p}_regions.rows.north]
name = "North"
{p}_weight = 0.6
[table.{p}_regions.rows.south]
name = "South"
{p}_weight = 0.4

[parameter.{p}_level_2012]
name = "Example level at the start"
value = 100.0
unit = "thousands"
source = "illustrative"

# A stock persists from turn to turn and changes only through flows; `initial` may be a formula.
[stock.{p}_level]
name = "Example level"
description = "Something that accumulates."
initial = "{p}_level_2012"
unit = "thousands"

# A flow moves a stock: its formula is a rate per year.
[flow.{p}_growth]
name = "Example growth"
into = "{p}_level"
formula = "{p}_rate * {p}_level * sum({p}_weight) * (1 - 0.5 * {p}_lever)"

# A variable is recomputed every step; with `indicator` it is one of a government's indicators,
# and `headline = true` shows it on the dashboard and in `simulate --format table`.
[variable.{p}_index]
name = "Example index"
description = "The stock relative to its start (100 = where it began)."
formula = "100 * {p}_level / {p}_level_2012"
unit = "index"
indicator = {{ side = "{side}", headline = true, good = "down", decimals = 1, order = 90 }}

# [history.ID] compares an indicator with what really happened (charts, debrief and
# `borderline backtest --pack {p}`). Only real, sourced values belong here:
# [history.{p}_real]
# name = "What really happened"
# indicator = "{p}_index"
# unit = "index"
# aggregate = "mean"
# source = "the statistical series, its publisher and table"
# [history.{p}_real.years]
# 2012 = {{ value = 100.0, source = "where this year's value was read" }}
"""
    )


def _levers(p: str, side: str) -> str:
    return (
        _header(0, "content")
        + f"""# A lever a government can pull. Level 0 is off; `cost` is money per turn at each level.
[action.{p}_lever]
name = "Example lever"
description = "What the government does at each level."
side = "{side}"
category = "Example"
levels = ["off", "some", "a lot"]
ramp_turns = 2                    # turns until a new level takes full effect
cost = [0.0, 0.05, 0.2]
capital_cost = [0.0, 2.0, 5.0]    # political capital to raise into each level
capital_cost_lower = 1.0
# An effect multiplies (or adds to) a parameter, table field, variable or flow, one value per level.
[[action.{p}_lever.effects]]
target = "{p}_rate"
multiply = [1.0, 0.9, 0.7]
[[action.{p}_lever.evidence_for]]
claim = "What a study found in favour."
source = "illustrative: the study"
[[action.{p}_lever.evidence_against]]
claim = "What a study found against: players see both."
source = "illustrative: the study"
"""
    )


def _events(p: str, side: str) -> str:
    return (
        _header(0, "content")
        + f"""# An event may happen at the end of a turn while its condition holds. With choices it is a
# dilemma the player answers; the `default` choice is taken in batch runs and the status quo.
[event.{p}_backlash]
name = "Example dilemma"
title = "The example lever draws protests"
text = "Critics say it goes too far. What does the government do?"
side = "{side}"
condition = "{p}_lever >= 2"      # a formula: here, only once the lever is at its top level
probability = 0.25                # per turn while the condition holds
once = true
source = "illustrative"
[[event.{p}_backlash.choices]]
id = "stay_the_course"
label = "Stay the course"
default = true
capital = {{ {side} = -3.0 }}
[[event.{p}_backlash.choices]]
id = "scale_back"
label = "Scale it back"
lower_action = {{ {p}_lever = 1 }}  # lowers to at most level 1 (set_action only raises)
"""
    )


def _scenario(p: str, facts: BaseFacts) -> str:
    sid = f"{p.replace('_', '-')}-trial"
    if facts.scenario is not None:
        start = f"""# based_on: what this scenario leaves out is {facts.scenario}'s: its starting levels
# (action_levels merge key by key, so every lever starts where {facts.scenario} starts it, and
# this adds the example lever's), its endings and its scoring settings. Without it every lever
# not listed starts at 0.
based_on = "{facts.scenario}"
horizon_years = 0.0  # scored on its two years alone, not on years played on after them as {facts.scenario} is
"""
    else:
        start = ""
    return (
        _header(0, "content")
        + f"""# A scenario of your own: it appears in the New game list.
[scenario.{sid}]
name = "Example: a two-year trial"
briefing = \"\"\"
What the player reads before starting: the situation, the choice, what is scored.
\"\"\"
{start}difficulty = "introductory"
start_year = 2012
turns = 8
action_levels = {{ {p}_lever = 0 }}
[[scenario.{sid}.objectives]]
indicator = "{p}_index"
weight = 1.0
# The score is 100 x ln(status quo / yours) per objective, weighed: doing nothing scores 0, so the
# grade whose band holds 0 is what a player who changes nothing earns (here "bad", as in the base
# game). Over two years the example lever earns a few points: set the bands to what your
# scenario's levers can reach (`simulate --format table` prints the score and the grades).
[[scenario.{sid}.grades]]
label = "catastrophic"
min_score = -1000000.0
[[scenario.{sid}.grades]]
label = "dreadful"
min_score = -3.0
[[scenario.{sid}.grades]]
label = "bad"
min_score = -1.0
[[scenario.{sid}.grades]]
label = "unpleasant"
min_score = 1.0
[[scenario.{sid}.grades]]
label = "merely distasteful"
min_score = 3.0
"""
        + (
            f"""
# A patch of a scenario another pack defines: tables merge, so this adds one starting level and
# leaves every other starting level of {facts.scenario} as it was.
[patch.scenario.{facts.scenario}.action_levels]
{p}_lever = 0
"""
            if facts.scenario is not None
            else ""
        )
    )


def _patches(p: str, facts: BaseFacts) -> str:
    """One example of each patch operation, commented: each would change the world."""
    blocks = [
        _header(0, "content")
        + f"""# Patches change what another pack ({facts.depends_on}) defines, without copying it: a table
# named patch.KIND.ID holds only what changes. Tables merge key by key, arrays of tables
# (effects, choices, objectives) grow, other values are replaced; removing or replacing whole
# needs `remove` or `replace`. Each example below would change the game, so each is commented: remove the
# leading "# " of a block to use it, then `borderline validate` and `borderline simulate`.
"""
    ]
    for table, (row, values) in sorted(facts.tables.items()):
        first, first_value = next(iter(values.items()), ("field", 0.0))
        blocks.append(
            f"""
# Change one field of one row; the row's other fields and every other row stay.
# [patch.table.{table}.rows.{row}]
# {first} = {first_value!r}
"""
        )
        lines = "\n".join(f"# {key} = {value!r}" for key, value in values.items())
        blocks.append(
            f"""
# Add a row: every field of the table needs a value (these start from {row}'s).
# [patch.table.{table}.rows.{p}_new_{table.rstrip("s")}]
# name = "A new row"
{lines}
"""
        )
    if facts.action is not None:
        ones = ", ".join(["1.0"] * facts.action_levels)
        blocks.append(
            f"""
# Append an effect to a lever: its other effects stay.
# [[patch.action.{facts.action}.effects]]
# target = "{p}_rate"
# multiply = [{ones}]

# Remove keys, rows or array elements (by position from 0, or by id), then add what replaces them.
# [patch.action.{facts.action}]
# remove = ["evidence_for.0"]

# Replace a key whole (here: every piece of evidence against, by one).
# [patch.action.{facts.action}.replace]
# evidence_against = [{{ claim = "One claim instead of all of them.", source = "illustrative" }}]
"""
        )
    if facts.scenario is not None:
        blocks.append(
            f"""
# Append an objective to a scenario's list; its objectives stay and keep their order.
# [[patch.scenario.{facts.scenario}.objectives]]
# indicator = "{p}_index"
{_objective_worth(facts)}"""
        )
    return "".join(blocks)


def _objective_worth(facts: BaseFacts) -> str:
    """An added objective weighs as the scenario's own do: in one currency, or by weight."""
    if facts.scenario_valued:
        return (
            f"# # {facts.scenario}'s objectives are valued in one currency ($B a year per unit of\n"
            "# # the indicator), so this one needs a value too; 0.1 is illustrative: source yours.\n"
            "# value = 0.1\n"
            '# source = "illustrative"\n'
        )
    return "# weight = 0.5\n"


def _plan(p: str) -> str:
    return (
        _header(1, "plan")
        + f"""# A plan for headless runs: which levels to set before which turns.
#   borderline simulate --pack {p} --plan {p}/plans/try_the_lever.toml --runs 100 --format table
name = "Try the example lever"
description = "Raise the example lever in the second year and see what it changes."

[[step]]
turn = 5
action = "{p}_lever"
level = 2
"""
    )
