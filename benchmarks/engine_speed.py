"""Engine speed: a lone game's turn, a big batch, and both against baselines measured in the same run.

Prints, each the best of a few repeats (machines here are shared and noisy, so every
figure is compared with a baseline measured seconds apart in the same process):

- a lone game's first turn (it compiles the game's turn, once a game) and its time per
  turn after it (goal: under 2 ms), on the compiled program and on the reference path
  that walks the formulas' closures (the speed-up between them);
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

from game.engine import Game, World, load_world, program
from game.engine.stepping import Stepper

ROOT = Path(__file__).resolve().parent.parent


class Timing:
    """Wall-clock and processor seconds of one measurement (the processor's time of every
    thread: on a machine others share, the steadier of the two)."""

    def __init__(self) -> None:
        self.wall = self.cpu = 0.0

    def __enter__(self) -> Timing:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self._wall, time.process_time() - self._cpu


def best(timings: list[Timing]) -> Timing:
    out = Timing()
    out.wall, out.cpu = min(t.wall for t in timings), min(t.cpu for t in timings)
    return out


def play(
    world: World, scenario: str, runs: int, reference: bool, first: Timing | None = None
) -> tuple[Timing, Game]:
    """Time to play every turn of a game of ``runs`` runs (the game is made beforehand).

    With ``first``, the first turn (which compiles the game's program) is timed into it and
    left out of the returned timing: a lone game's steady turns, and its one-off start."""
    Stepper.reference = reference
    program._SHARED.clear()  # each game compiles its own turn (a game like one before would not)
    try:
        game = Game(world, scenario, seed=1, runs=runs)
        if first is not None:
            with first:
                game.resolve_turn()
        with Timing() as timing:
            while game.turn < game.turns:
                game.resolve_turn()
        return timing, game
    finally:
        Stepper.reference = False


def numpy_baseline(operations: int, runs: int, repeats: int) -> Timing:
    """Time plain numpy takes for ``operations`` multiplications of arrays of ``runs`` elements."""
    rng = np.random.default_rng(0)
    a, b, c = rng.random(runs), rng.random(runs), np.empty(runs)
    multiply = np.multiply
    timings = []
    for _ in range(repeats):
        with Timing() as timing:
            for _ in range(operations):
                multiply(a, b, c)
        timings.append(timing)
    return best(timings)


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
    firsts = [Timing() for _ in range(args.repeats)]
    lone = best([play(world, args.scenario, 1, False, first)[0] for first in firsts])
    lone_first = best(firsts)
    lone_ref = best([play(world, args.scenario, 1, True, Timing())[0] for _ in range(args.repeats)])
    batch_repeats = max(1, args.repeats - 1)
    batches = [play(world, args.scenario, args.runs, False) for _ in range(batch_repeats)]
    batch = best([timing for timing, _ in batches])
    program = batches[0][1]._stepper.programs[args.runs]
    operations = program.element_operations()
    baseline = numpy_baseline(round(operations) * turns, args.runs, args.repeats)
    batch_ref = best([play(world, args.scenario, args.runs, True)[0] for _ in range(batch_repeats)])
    cores = os.cpu_count() or 1
    load = max(load_before, os.getloadavg()[0])

    def row(label: str, timing: Timing, unit: float, suffix: str = "", scale: float = 1.0) -> None:
        name = "ms" if unit == 1e3 else "s "
        wall, cpu = timing.wall * unit / scale, timing.cpu * unit / scale
        print(f"{label:<38}{wall:9.3f} {name} wall {cpu:9.3f} {name} cpu{suffix}")

    print(f"content load and compile:             {load_s * 1000:9.1f} ms")
    row("lone game, first turn:", lone_first, 1e3, "   (once a game: compiles its turn)")
    row("lone game, per turn after it:", lone, 1e3, "   (goal: under 2 ms)", turns - 1)
    row("  reference path, per turn after it:", lone_ref, 1e3,
        f"   (speed-up {lone_ref.cpu / lone.cpu:.2f}x cpu)", turns - 1)
    row(f"batch {args.runs} runs x {turns} turns:", batch, 1, "   (goal: about 1.5 s on 2 cores)")
    row("  reference path:", batch_ref, 1, f"   (speed-up {batch_ref.cpu / batch.cpu:.2f}x cpu)")
    print(f"element operations per run-turn:      {operations:9.0f}")
    row(f"plain numpy, as many, on {args.runs} runs:", baseline, 1,
        f"   ({baseline.cpu / (operations * args.runs * turns) * 1e9:.2f} ns cpu per element operation)")
    print(f"ratio batch / plain numpy:            {batch.wall / baseline.wall:9.2f}    wall "
          f"{batch.cpu / baseline.cpu:9.2f}    cpu   (goal: at most 3)")
    print(f"machine: {cores} cores, load average {load:.1f} during the run "
          f"({'busy: wall-clock figures are slower than on an idle machine' if load > cores else 'quiet'})")


if __name__ == "__main__":
    main()
