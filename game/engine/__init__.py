"""The simulation engine: a plain library, free of any user-interface import.

world = load_world(["content/base"])
game = Game(world, "both-sides", seed=1, status_quo=True)
game.set_level("hope", 2)
game.resolve_turn()
game.history("us_heavy_users"), game.attribution("us_heavy_users")
"""

from game.engine.game import (
    ActionRefused,
    ChoiceMade,
    Contribution,
    Debrief,
    Decision,
    Dilemma,
    FiredEvent,
    Game,
    GameError,
    SimulationError,
    TurnReport,
)
from game.engine.simulate import PlanResult, check_plan, load_plan, run_plan, summarise
from game.engine.world import World, compile_world, load_world

__all__ = [
    "ActionRefused",
    "ChoiceMade",
    "Contribution",
    "Debrief",
    "Decision",
    "Dilemma",
    "FiredEvent",
    "Game",
    "GameError",
    "PlanResult",
    "SimulationError",
    "TurnReport",
    "World",
    "check_plan",
    "compile_world",
    "load_plan",
    "load_world",
    "run_plan",
    "summarise",
]
