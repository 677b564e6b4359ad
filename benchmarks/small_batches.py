"""A turn of a small batch (2-1024 runs), where each of the tape's ~3,300 numpy calls costs its
overhead whatever the runs: the program's turn as it runs now against the plain tape
(``program.QUICK_OPERANDS`` off, no batch small: ``SMALL_BATCH_RUNS`` 0, and every argmax by
rows: ``ARGMAX_BY_NUMPY`` 0), processor time, the two alternated in the same run, best of a few
repeats, each game's numbers checked to the bit against the other's first. (The stocks' in-range
test in one reduction a bound has no switch: compare a checkout before it.)

    python benchmarks/small_batches.py [--runs 2 4 16 64 256 1024] [--turns 20] [--repeats 5]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from game.engine import Game, World, load_world
from game.engine import program as compiled

BASE = Path(__file__).resolve().parent.parent / "content" / "base"
SCENARIO = "both-sides"
ARGMAX_BY_NUMPY, SMALL_BATCH_RUNS = compiled.ARGMAX_BY_NUMPY, compiled.SMALL_BATCH_RUNS


def turns_of(world: World, runs: int, turns: int, quick: bool) -> tuple[float, float, str]:
    """Seconds of processor time a turn takes (the whole turn, and the program's part of it) for a
    game of ``runs`` runs on a program built with or without the quick operands, and its numbers."""
    compiled.QUICK_OPERANDS = quick
    compiled.ARGMAX_BY_NUMPY = ARGMAX_BY_NUMPY if quick else 0
    compiled.SMALL_BATCH_RUNS = SMALL_BATCH_RUNS if quick else 0
    compiled._SHARED.clear()  # a program of this setting, not one kept from the other
    game = Game(world, SCENARIO, seed=3, runs=runs)
    game.resolve_turn()  # the program is built on the first turn: not timed
    spent = [0.0]
    advance = compiled.Program.advance

    def timed(self: compiled.Program, *args: object, **kwargs: object) -> object:
        start = time.process_time()
        try:
            return advance(self, *args, **kwargs)  # type: ignore[arg-type]
        finally:
            spent[0] += time.process_time() - start

    compiled.Program.advance = timed  # type: ignore[assignment,method-assign]
    try:
        start = time.process_time()
        for _ in range(turns):
            game.resolve_turn()
        whole = time.process_time() - start
    finally:
        compiled.Program.advance = advance  # type: ignore[method-assign]
    return whole / turns, spent[0] / turns, game.state_digest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, nargs="+", default=[2, 4, 16, 64, 256, 1024])
    parser.add_argument("--turns", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    world = load_world([BASE])
    heads = ("runs", "turn now", "plain", "ratio", "program now", "plain", "ratio")
    print("{:>6} {:>10} {:>10} {:>6}   {:>12} {:>10} {:>6}".format(*heads))
    for runs in args.runs:
        best: dict[bool, tuple[float, float]] = {}
        digests: dict[bool, str] = {}
        for _ in range(args.repeats):
            for quick in (True, False):  # alternated, so both meet the same host minutes
                whole, program, digest = turns_of(world, runs, args.turns, quick)
                if digests.setdefault(quick, digest) != digest:
                    raise SystemExit(f"{runs} runs: the same game gave other numbers on a second play")
                mine = best.get(quick, (whole, program))
                best[quick] = (min(mine[0], whole), min(mine[1], program))
        if digests[True] != digests[False]:
            raise SystemExit(f"{runs} runs: the quick operands changed the game's numbers")
        (now, now_program), (plain, plain_program) = best[True], best[False]
        print(
            f"{runs:6d} {now * 1e3:8.2f}ms {plain * 1e3:8.2f}ms {now / plain:6.2f}   "
            f"{now_program * 1e3:10.2f}ms {plain_program * 1e3:8.2f}ms {now_program / plain_program:6.2f}"
        )
    compiled.QUICK_OPERANDS, compiled.ARGMAX_BY_NUMPY = True, ARGMAX_BY_NUMPY
    compiled.SMALL_BATCH_RUNS = SMALL_BATCH_RUNS


if __name__ == "__main__":
    main()
