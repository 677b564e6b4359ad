"""Compiling loaded content into a World, one builder step per kind of item.

``build_world`` runs the steps in order: tables and their fields, the names every formula
may use, stocks, variables, flows, actions, events, sides, the order of computation,
indicators, history, scenarios, choices that can never move their levers and doubtful
numbers and sources (warnings), difficulties, what tables' roles tell the screens, and lags.
Each step checks what it needs from the steps before it and collects its problems (and
warnings) in the builder; nothing is built if any step found a problem.
"""

from __future__ import annotations

from game.content.errors import ContentErrors
from game.content.loader import ContentSet
from game.engine.building.builder import Builder
from game.engine.building.choices import check_one_way_choices
from game.engine.building.doubts import warn_doubtful_content
from game.engine.building.history import build_history
from game.engine.building.levers import (
    build_actions,
    build_difficulties,
    build_events,
    build_scenarios,
    check_sides,
)
from game.engine.building.names import build_tables, declare_names
from game.engine.building.presentation import check_table_roles
from game.engine.building.quantities import (
    build_flows,
    build_indicators,
    build_stocks,
    build_variables,
    find_lags,
    order_computation,
)
from game.engine.world import World

STEPS = (
    build_tables,
    declare_names,
    build_stocks,
    build_variables,
    build_flows,
    build_actions,
    build_events,
    check_sides,
    order_computation,
    build_indicators,
    build_history,
    build_scenarios,
    check_one_way_choices,
    warn_doubtful_content,
    build_difficulties,
    check_table_roles,
    find_lags,
)


def build_world(content: ContentSet) -> World:
    """Compile every item; raise ContentErrors listing every problem found."""
    builder = Builder(content)
    for step in STEPS:
        step(builder)
    if builder.errors:
        raise ContentErrors(builder.errors)
    content.warnings.extend(builder.warnings)  # beside patching's: validate and the Mods screen show them
    return builder.world()
