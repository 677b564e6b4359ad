"""Random plans played many at once (game.engine.plans.replay_plans) for the property tests,
and the words that make a failure reproducible: the generator's seed and the ``run_plan`` call
that plays the failing plan alone."""

from __future__ import annotations

import random
from dataclasses import dataclass

from game.content.schema import Plan, PlanStep
from game.engine import Game, SimulationError, World, replay_plans, run_plan


def random_plan(world: World, rng: random.Random, turns: int, least: int, most: int) -> Plan:
    """``least`` to ``most`` changes of any action to any level at any turn."""
    actions = sorted(world.actions)
    steps = []
    for _ in range(rng.randint(least, most)):
        aid = rng.choice(actions)
        level = int(rng.random() * (world.actions[aid].levels - 1) + 0.5)
        steps.append(PlanStep(turn=rng.randint(1, turns), action=aid, level=level))
    return Plan(step=steps)


@dataclass
class Games:
    """Plans, each with its pins and seed, played over ``runs`` runs of ``scenario``; ``drawn``
    says how they were drawn (the generator call with its seed)."""

    world: World
    scenario: str
    plans: list[tuple[Plan, dict[str, float], int]]
    runs: int
    drawn: str

    def culprit(self, k: int) -> str:
        """How to play plan k alone: where it was drawn and its ``run_plan`` call."""
        plan, pins, seed = self.plans[k]
        return (
            f"\nplan {k} of {self.drawn}: run_plan(world, {self.scenario!r}, Plan(step={plan.step!r}), "
            f"runs={self.runs}, seed={seed}, pins={pins!r}, status_quo=False)"
        )

    def culprit_of_run(self, run: int) -> str:
        return self.culprit(run // self.runs)

    def play(self) -> Game:
        """All the plans in one batch (block k is plan k's own game, to the bit). A model error
        names the first plan that makes it alone."""
        plans = [plan for plan, _, _ in self.plans]
        seeds = [seed for _, _, seed in self.plans]
        pins = [own for _, own, _ in self.plans]
        world, scenario, runs = self.world, self.scenario, self.runs
        try:
            blocks = replay_plans(world, scenario, plans, runs, seeds, pins)
        except SimulationError as err:  # which plan? each alone says
            for k, (plan, own, seed) in enumerate(self.plans):
                try:
                    run_plan(world, scenario, plan, runs=runs, seed=seed, pins=own, status_quo=False)
                except SimulationError:
                    raise AssertionError(f"{err}{self.culprit(k)}") from err
            raise
        return blocks[0].batch
