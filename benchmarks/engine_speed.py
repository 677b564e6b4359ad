"""Engine speed: a lone game's turn against the per-run cost of a big batch, in one run.

Prints the time per turn of a single-run game, the per-run cost of RUNS runs x TURNS
turns, and their ratio (the goal: a batch run costs at most 1/100 of a lone run, and a
lone turn well under 5 ms). Machines here are noisy, so each figure is the best of a few
repeats and the ratio compares figures measured seconds apart in the same process.

    python benchmarks/engine_speed.py [--runs 10000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from game.engine import Game, load_world

ROOT = Path(__file__).resolve().parent.parent


def lone_game(world, scenario: str, turns: int) -> float:
    game = Game(world, scenario, seed=1)
    start = time.perf_counter()
    for _ in range(turns):
        game.resolve_turn()
    return (time.perf_counter() - start) / turns


def batch(world, scenario: str, runs: int, turns: int) -> float:
    game = Game(world, scenario, seed=1, runs=runs)
    start = time.perf_counter()
    for _ in range(turns):
        game.resolve_turn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pack", default=str(ROOT / "content" / "base"))
    parser.add_argument("--scenario", default="both-sides")
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    t0 = time.perf_counter()
    world = load_world([args.pack])
    load_s = time.perf_counter() - t0
    turns = world.scenarios[args.scenario].turns
    lone_game(world, args.scenario, 2)  # warm caches
    turn_s = min(lone_game(world, args.scenario, turns) for _ in range(args.repeats))
    batch_s = min(batch(world, args.scenario, args.runs, turns) for _ in range(max(1, args.repeats - 1)))
    lone_run_s = turn_s * turns
    per_run_s = batch_s / args.runs
    print(f"content load and compile:        {load_s * 1000:8.1f} ms")
    print(f"lone game, time per turn:        {turn_s * 1000:8.3f} ms   (goal: well under 5 ms)")
    print(f"lone game, {turns} turns:             {lone_run_s * 1000:8.1f} ms")
    print(f"batch {args.runs} runs x {turns} turns:     {batch_s:8.2f} s")
    print(f"batch, per-run cost:             {per_run_s * 1000:8.4f} ms")
    print(f"ratio per-run batch / lone run:  1/{lone_run_s / per_run_s:,.0f}   (goal: 1/100 or better)")
    print(f"1,000-run band estimate:         {per_run_s * 1000:8.2f} s")


if __name__ == "__main__":
    main()
