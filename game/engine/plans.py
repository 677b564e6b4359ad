"""Many plans in one batch: block k of the runs follows plan k, as its own game would.

Comparing plans (a class's proposals, a property test's random plans, the score of each lever)
means playing one game per plan, and a game of a few runs costs nearly as much a turn as one of
thousands. ``replay_plans`` plays K plans of R runs each as one game of K x R runs: runs
k*R .. k*R+R-1 (block k) follow plan k's levels, dilemma answers and pins.

The promise: block k is, to the bit, ``run_plan(world, scenario, plans[k], runs=R,
seed=seeds[k], pins=pins[k])``: the same history of every recorded name and the same parameter
draws, the same warnings, decision log, answers, events fired and endings (tests/
test_engine_plans.py holds it to that). Each block draws what that game draws (parameters from
[its seed, parameter], events from [its seed, event, turn]: blocks of one seed share those R
numbers), pays its own costs and capital, ramps its own levers, and answers its own dilemmas;
nothing one block does reaches another's numbers.

A block is read like that game (``PlanBlock``: history, parameters, values, warnings, log,
answers, events, endings, its status-quo twin); the batch itself is a headless ``Game`` of K x R
runs (``PlanBlock.batch``) that can be scored (each run against its block's twin) or forked and
played on, but not explained (attribution takes one run), replayed as a batch or spread. A
model error met by any block stops the batch, naming the plan, its run and its seed.
"""

from __future__ import annotations

import copy
from collections.abc import ItemsView, Iterator, KeysView, Mapping, Sequence, ValuesView
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from game.content.schema import Plan
from game.engine.errors import GameError
from game.engine.game import Game
from game.engine.records import ChoiceMade, Decision, FiredEvent
from game.engine.replay import decisions_by_turn
from game.engine.simulate import last_turn, plan_for
from game.engine.state import Array
from game.engine.world import World


@dataclass
class PlanBlock:
    """One plan's runs in a batch of plans: read like the ``Game`` ``run_plan`` would give."""

    batch: Game
    index: int
    runs: int
    plan: Plan | None
    pins: dict[str, float]
    warnings: list[str] = field(default_factory=list)
    log: list[Decision] = field(default_factory=list)

    @property
    def rows(self) -> slice:
        return slice(self.index * self.runs, (self.index + 1) * self.runs)

    @property
    def world(self) -> World:
        return self.batch.world

    @property
    def turn(self) -> int:
        return self.batch.turn

    @property
    def recorded(self) -> tuple[str, ...]:
        return self.batch.recorded

    @property
    def seed(self) -> int:
        """The seed of this block's game."""
        seeds = self.batch.block_seeds
        return seeds[self.index] if seeds is not None else self.batch.seed

    def history(self, name: str) -> Array:
        """As ``Game.history``: (turn + 1, runs) or (turn + 1, runs, rows), this block's runs."""
        return self.batch.history(name)[:, self.rows]

    def parameter(self, pid: str) -> Array:
        """As ``Game.parameter``: this block's drawn (or pinned) values."""
        return _cut(self.batch.parameter(pid), self.batch.runs, self.rows)

    def value(self, name: str) -> Array:
        return _cut(self.batch.value(name), self.batch.runs, self.rows)

    @property
    def choices_made(self) -> list[ChoiceMade]:
        """The dilemmas answered in this block's runs, in order."""
        return [made for made, blocks in self.batch.block_answers if self.index in blocks]

    @property
    def events_fired(self) -> list[FiredEvent]:
        """The events that fired in this block's runs, as its own game records them."""
        return [fired for block, fired in self.batch.block_events if block == self.index]

    @property
    def ended_turn(self) -> Array:
        return self.batch.ended_turn[self.rows]

    @property
    def ending_id(self) -> list[str | None]:
        return self.batch.ending_id[self.rows]

    @property
    def status_quo(self) -> PlanBlock | None:
        """This block's status-quo twin (the batch's twin, same block), if the batch has one."""
        twin = self.batch.status_quo
        if twin is None:
            return None
        return PlanBlock(twin, self.index, self.runs, None, self.pins)


def _cut(value: Array, runs: int, rows: slice) -> Array:
    """A block's rows of an array of one row per run (an array the same in every run as it is)."""
    if isinstance(value, np.ndarray) and value.ndim == 2 and value.shape[0] == runs:
        return value[rows]
    return value


class _BlockEnv(dict):  # type: ignore[type-arg]
    """A batch's environment seen as one block's: each name's block rows, cut when first read.
    Setting a level reads a few dozen of the ~500 names, and a batch of 50 plans cut them all
    for every block that decided something (a fifth of a 50-plan batch's time). It reads as the
    whole mapping (in, iteration, len, get) and only reads; it is never written to."""

    def __init__(self, base: Mapping[Any, Array], runs: int, rows: slice) -> None:
        super().__init__()
        self.base, self.runs, self.rows = base, runs, rows

    def __missing__(self, key: Any) -> Array:
        value = _cut(self.base[key], self.runs, self.rows)
        dict.__setitem__(self, key, value)
        return value

    def __contains__(self, key: object) -> bool:
        return key in self.base

    def __iter__(self) -> Iterator[Any]:
        return iter(self.base)

    def __len__(self) -> int:
        return len(self.base)

    def get(self, key: Any, default: Any = None) -> Any:
        return self[key] if key in self.base else default

    def keys(self) -> KeysView[Any]:  # type: ignore[override]  # views of the whole mapping
        return self.base.keys()

    def items(self) -> ItemsView[Any, Array]:  # type: ignore[override]  # views of the whole mapping
        return ItemsView(self)

    def values(self) -> ValuesView[Array]:  # type: ignore[override]  # views of the whole mapping
        return ValuesView(self)


def _block_view(game: Game, block: PlanBlock) -> Game:
    """The batch seen as block's own game, for setting and checking its levels: the same checks,
    warnings and log a lone game of the block's plan makes, on the block's runs. It only reads."""
    rows, runs = block.rows, game.runs
    view = copy.copy(game)
    view.runs = block.runs
    view.env = _BlockEnv(game.env, runs, rows)
    state = copy.copy(game._state)
    state.level = {aid: value[rows] for aid, value in game._state.level.items()}
    state.stocks = {sid: value[rows] for sid, value in game._state.stocks.items()}
    view._state = state
    stepper = copy.copy(game._stepper)
    stepper.runs, stepper.blocks, stepper.level_costs = block.runs, 1, {}
    view._stepper = stepper
    view._pending = {}
    view.warnings, view.log = block.warnings, block.log
    view.ended_turn, view.ending_id = game.ended_turn[rows], game.ending_id[rows]
    return view


def replay_plans(
    world: World,
    scenario: str,
    plans: Sequence[Plan | str | Path | None],
    runs_each: int,
    seed: int | Sequence[int] = 0,
    pins: Sequence[Mapping[str, float]] | None = None,
    *,
    turns: int | None = None,
    status_quo: bool = False,
    difficulty: str | None = None,
    allow_out_of_range: bool = False,
) -> list[PlanBlock]:
    """Play each plan over ``runs_each`` runs in one batch; return a block per plan, in order.

    Block k is ``run_plan(world, scenario, plans[k], runs=runs_each, seed=seed[k], pins=pins[k])``
    to the bit (see the module's docstring), played at the cost of one game of
    ``len(plans) * runs_each`` runs. Plans are what-if tools, as in ``run_plan``: a level the
    game would refuse is set anyway and told in the block's ``warnings``. ``seed``: one for
    every plan (the plans then meet the same luck), or one per plan. ``pins``: one mapping per
    plan (default: none). With ``status_quo``, each block has its unplanned twin.
    """
    if not plans:
        raise GameError("give at least one plan")
    if runs_each < 1:
        raise GameError("runs must be at least 1")
    given = [dict(p) for p in pins] if pins is not None else [{} for _ in plans]
    if len(given) != len(plans):
        raise GameError(f"{len(given)} sets of pins given for {len(plans)} plans: give one per plan")
    seeds = [seed] * len(plans) if isinstance(seed, int | np.integer) else list(seed)
    if len(seeds) != len(plans):
        raise GameError(f"{len(seeds)} seeds given for {len(plans)} plans: give one, or one per plan")
    checked = [plan_for(plan, world, scenario) for plan in plans]
    game = Game(
        world,
        scenario,
        seeds[0],
        runs_each * len(plans),
        status_quo=status_quo,
        snapshots=False,
        difficulty=difficulty,
        allow_out_of_range=allow_out_of_range,
        blocks=given,
        block_seeds=seeds,
    )
    game.hold_ended = True  # as run_plan: a run that met an ending takes no more of its plan
    last = last_turn(game, turns)
    blocks = [PlanBlock(game, k, runs_each, plan, given[k]) for k, plan in enumerate(checked)]
    game.block_choices = [
        {(c.turn, c.event): c.choice for c in plan.choice} if plan is not None else {} for plan in checked
    ]
    steps = [decisions_by_turn(plan.step if plan is not None else ()) for plan in checked]
    for turn in range(1, last + 1):
        pending: dict[str, Any] = {}
        for block, by_turn in zip(blocks, steps, strict=True):
            decisions = by_turn.get(turn)
            if not decisions:
                continue
            view = _block_view(game, block)
            for decision in decisions:  # in the order given, as replay sets them
                held = view.held_back(turn)  # as run_plan: a lone block that met an ending
                if held is not None:
                    view.warnings.append(f"turn {turn}: {decision.action} -> {decision.level}: {held}")
                    continue
                view.set_level(decision.action, decision.level, enforce=False)
            for aid, level in view._commit(turn).items():
                if aid not in pending:
                    pending[aid] = game._state.level[aid].copy()
                pending[aid][block.rows] = level
        game._step(turn, pending)
    return blocks
