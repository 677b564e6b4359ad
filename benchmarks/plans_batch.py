"""Many plans at once: K plans played one game each (``run_plan``) against the same K plans in
one batch of plans (``replay_plans``), processor time, measured in the same run, best of a few
repeats, with the batch's blocks checked to the bit against the lone games first.

    python benchmarks/plans_batch.py [--plans 24] [--runs 16] [--turns 40] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import random
import time
from pathlib import Path
from typing import Any

import numpy as np

from game.content.schema import Plan, PlanStep
from game.engine import load_world, replay_plans, run_plan

BASE = Path(__file__).resolve().parent.parent / "content" / "base"
SCENARIO = "both-sides"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=24)
    parser.add_argument("--runs", type=int, default=16)
    parser.add_argument("--turns", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    world = load_world([BASE])
    rng = random.Random(1)
    actions = sorted(world.actions)
    plans = []
    for _ in range(args.plans):
        steps = []
        for _ in range(rng.randint(1, 20)):
            aid = rng.choice(actions)
            level = rng.randrange(world.actions[aid].levels)
            steps.append(PlanStep(turn=rng.randint(1, args.turns), action=aid, level=level))
        plans.append(Plan(step=steps))
    seeds = [rng.randrange(2**32) for _ in plans]

    def lone() -> list[Any]:
        runs, turns = args.runs, args.turns
        return [
            run_plan(world, SCENARIO, plan, runs=runs, seed=seed, turns=turns, status_quo=False).game
            for plan, seed in zip(plans, seeds, strict=True)
        ]

    def batch() -> list[Any]:
        return replay_plans(world, SCENARIO, plans, args.runs, seeds, turns=args.turns)

    games, blocks = lone(), batch()  # warm: each program built once
    for game, block in zip(games, blocks, strict=True):
        for name in game.recorded:
            assert game.history(name).tobytes() == np.ascontiguousarray(block.history(name)).tobytes(), name
    shape = f"{args.plans} plans x {args.runs} runs x {args.turns} turns"
    print(f"{shape}; blocks match the lone games to the bit")
    timings: dict[str, float] = {}
    for label, play in (("one game per plan", lone), ("one batch of plans", batch)):
        best = float("inf")
        for _ in range(args.repeats):
            start = time.process_time()
            play()
            best = min(best, time.process_time() - start)
        timings[label] = best
        print(f"  {label:20s} {best:7.2f} s processor time")
    ratio = timings["one game per plan"] / timings["one batch of plans"]
    print(f"  batch is {ratio:.1f}x cheaper (load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
