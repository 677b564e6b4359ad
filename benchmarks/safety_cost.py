"""What the nan guards and the every-turn finiteness check cost, against the same engine without them.

The formula compiler checks for nan wherever numpy would turn it silently into true, false
or a row (comparisons, conditions, and/or/not, argmax), and the recorder checks every
computed quantity for finiteness at the end of each turn. This script builds the base
world twice in one process, once as the game does and once with those checks switched
off, and prints the time per turn of a lone game and of a batch with each, as a ratio
(machines here are noisy: each figure is the best of a few repeats, measured seconds apart).

    python benchmarks/safety_cost.py [--runs 1000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from game.engine import Game, load_world
from game.formula import compiler

ROOT = Path(__file__).resolve().parent.parent


def unguarded_world() -> Any:
    """The base world compiled with the compiler's nan guards switched off."""
    guard = compiler._no_nan
    compiler._no_nan = lambda part, offset, role: part  # type: ignore[assignment]
    try:
        return load_world([ROOT / "content" / "base"])
    finally:
        compiler._no_nan = guard  # type: ignore[assignment]


def per_turn(world: Any, runs: int, turns: int, check_all: bool) -> float:
    game = Game(world, "both-sides", seed=1, runs=runs)
    if not check_all:
        game._recorder.computed = []  # only the recorded quantities, as before the checks
    start = time.perf_counter()
    for _ in range(turns):
        game.resolve_turn()
    return (time.perf_counter() - start) / turns


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    guarded = load_world([ROOT / "content" / "base"])
    bare = unguarded_world()
    for label, runs, turns in (("lone game", 1, 40), (f"batch of {args.runs}", args.runs, 10)):
        pairs = [  # alternated, so that a busy moment of the machine hits both alike
            (per_turn(guarded, runs, turns, True), per_turn(bare, runs, turns, False))
            for _ in range(args.repeats)
        ]
        with_checks, without = min(p[0] for p in pairs), min(p[1] for p in pairs)
        print(
            f"{label:<18} per turn: {with_checks * 1e3:8.3f} ms with the checks, "
            f"{without * 1e3:8.3f} ms without: ratio {with_checks / without:.3f}"
        )


if __name__ == "__main__":
    main()
