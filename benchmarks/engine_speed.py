"""Engine speed: a lone game's turn, a big batch, and both against baselines measured in the same run.

Prints, each the best of a few repeats (machines here are shared and noisy, so every
figure is compared with a baseline measured seconds apart in the same process):

- a lone game's time per turn (goal: under 2 ms), on the compiled program and on the
  reference path that walks the formulas' closures (the speed-up between them);
- a batch of RUNS runs x TURNS turns, on both paths;
- the element operations a run performs in a turn (counted from the compiled program),
  the time plain numpy takes for that many element operations on arrays of RUNS elements
  (``np.multiply(a, b, out=c)``, cache-hot), and the batch's ratio to it (goal: at most 3);
- how loaded the machine was (load average against its cores).

    python benchmarks/engine_speed.py [--runs 10000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

from game.engine import Game, World, load_world
from game.engine.stepping import Stepper

ROOT = Path(__file__).resolve().parent.parent


def play(world: World, scenario: str, runs: int, reference: bool) -> tuple[float, Game]:
    """Seconds to play every turn of a game of ``runs`` runs (the game is made beforehand)."""
    Stepper.reference = reference
    try:
        game = Game(world, scenario, seed=1, runs=runs)
        start = time.perf_counter()
        while game.turn < game.turns:
            game.resolve_turn()
        return time.perf_counter() - start, game
    finally:
        Stepper.reference = False


def numpy_baseline(operations: int, runs: int, repeats: int) -> float:
    """Seconds plain numpy takes for ``operations`` multiplications of arrays of ``runs`` elements."""
    rng = np.random.default_rng(0)
    a, b, c = rng.random(runs), rng.random(runs), np.empty(runs)
    multiply = np.multiply
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(operations):
            multiply(a, b, c)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pack", default=str(ROOT / "content" / "base"))
    parser.add_argument("--scenario", default="both-sides")
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]

    t0 = time.perf_counter()
    world = load_world([args.pack])
    load_s = time.perf_counter() - t0
    play(world, args.scenario, 1, False)  # warm caches
    turns = world.scenarios[args.scenario].turns
    lone = min(play(world, args.scenario, 1, False)[0] for _ in range(args.repeats)) / turns
    lone_ref = min(play(world, args.scenario, 1, True)[0] for _ in range(args.repeats)) / turns
    batch_repeats = max(1, args.repeats - 1)
    batches = [play(world, args.scenario, args.runs, False) for _ in range(batch_repeats)]
    batch = min(seconds for seconds, _ in batches)
    program = batches[0][1]._stepper.programs[args.runs]
    operations = program.element_operations()
    baseline = numpy_baseline(round(operations), args.runs, args.repeats) * turns
    batch_ref = min(play(world, args.scenario, args.runs, True)[0] for _ in range(batch_repeats))
    per_run_turn = batch / (args.runs * turns)
    cores = os.cpu_count() or 1
    load = max(load_before, os.getloadavg()[0])

    print(f"content load and compile:          {load_s * 1000:8.1f} ms")
    print(f"lone game, time per turn:          {lone * 1000:8.3f} ms   (goal: under 2 ms)")
    print(f"  reference path, per turn:        {lone_ref * 1000:8.3f} ms   (speed-up {lone_ref / lone:.2f}x)")
    print(f"batch {args.runs} runs x {turns} turns:       {batch:8.2f} s    (goal: about 1.5 s)")
    print(f"  reference path:                  {batch_ref:8.2f} s    (speed-up {batch_ref / batch:.2f}x)")
    print(f"  per run-turn:                    {per_run_turn * 1e6:8.2f} us")
    print(f"element operations per run-turn:   {operations:8.0f}")
    print(f"plain numpy, same count, {args.runs} runs: {baseline:8.2f} s    "
          f"({baseline / (operations * args.runs * turns) * 1e9:.2f} ns per element operation)")
    print(f"ratio batch / plain numpy:         {batch / baseline:8.2f}      (goal: at most 3)")
    print(f"machine: {cores} cores, load average {load:.1f} during the run "
          f"({'busy: figures are slower than on an idle machine' if load > cores else 'quiet'})")


if __name__ == "__main__":
    main()
