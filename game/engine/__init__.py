"""The simulation engine: a plain library, free of any user-interface import.

world = load_world(["content/base"])
game = Game(world, "both-sides", seed=1, status_quo=True)
game.set_level("hope", 2)
game.resolve_turn()
game.history("us_heavy_users"), game.attribution("us_heavy_users")
"""

from game.engine.budget import MemoryBudgetExceeded
from game.engine.errors import ActionRefused, GameError, PinOutOfRange, SimulationError
from game.engine.game import Game
from game.engine.plans import PlanBlock, replay_plans
from game.engine.records import ChoiceMade, Contribution, Decision, Dilemma, FiredEvent, TurnReport
from game.engine.replay import Step, replay, undo_last_turn
from game.engine.scoring import Debrief, ObjectiveResult
from game.engine.simulate import (
    PlanResult,
    check_plan,
    load_plan,
    plan_warnings,
    read_plan,
    run_plan,
    summarise,
    summarise_scores,
)
from game.engine.state import Snapshot
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
    "MemoryBudgetExceeded",
    "ObjectiveResult",
    "PinOutOfRange",
    "PlanBlock",
    "PlanResult",
    "SimulationError",
    "Snapshot",
    "Step",
    "TurnReport",
    "World",
    "check_plan",
    "compile_world",
    "load_plan",
    "plan_warnings",
    "read_plan",
    "load_world",
    "replay",
    "replay_plans",
    "undo_last_turn",
    "run_plan",
    "summarise",
    "summarise_scores",
]
