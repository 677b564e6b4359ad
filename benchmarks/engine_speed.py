"""Engine speed: a lone game's turn, a big batch, and both against baselines measured in the same run.

Prints, each the best of a few repeats (machines here are shared and noisy, so every
figure is compared with a baseline measured seconds apart in the same process):

- a lone game's first turn (it compiles the game's turn, once a game) and its time per
  turn after it (goal: under 2 ms): the median of every turn's processor time over all the
  repeats (a turn that met a busy second, or a garbage collection, moves it little), beside
  the best repeat's mean; on the compiled program and on the reference path that walks the
  formulas' closures (the speed-up between them);
- a batch of RUNS runs x TURNS turns, its turns after the first (which compiles the
  program, once a batch, timed apart), on one thread and split into the engine's ``THREADS``
  spans of runs, in threads and (on Linux, the engine's default there) in this process and
  worker processes forked from it (``game.engine.span_worker``), with the minor page faults a
  turn meets (fresh memory: the recorded history's arrays, kept for the game, are most of it)
  and its processor time in the system (this process's: a worker's is counted in "cpu");
- the element operations a run performs in a turn (counted from the compiled program),
  the time plain numpy takes for that many element operations on arrays of RUNS elements
  (``np.multiply(a, b, out=c)``, cache-hot, each array starting on a cache line: numpy's
  own arrays start anywhere, and an unaligned multiply costs twice as much), and the batch's
  ratio to it (goal: at most 3),
  like with like: the batch on one thread against numpy on one thread (processor time), and
  the batch split into THREADS spans (threads, or processes) against numpy on as many threads,
  each on its share of the runs (wall-clock time; numpy lets go of the interpreter inside
  each call, so its threads are plain numpy's way to use the cores); each as the ratio of the
  sums over every turn, and turn by turn: the median batch turn against the median baseline
  share, with the quartiles and range of the per-turn ratios (the baseline, cache-hot, swings
  more with a busy machine than the batch does);
- how loaded the machine was (load average against its cores).

    python benchmarks/engine_speed.py [--runs 10000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from game.engine import Game, World, load_world, program, span_worker
from game.engine.stepping import Stepper

ROOT = Path(__file__).resolve().parent.parent


class Timing:
    """Wall-clock and processor seconds of one measurement (the processor's time of every
    thread: on a machine others share, the steadier of the two); entered again, it adds up,
    and keeps each entry's own figures (``walls``, ``cpus``: one per turn in a game). Also the
    process's minor page faults (fresh memory the system maps a page at a time) and its
    processor time in the system, over every entry."""

    def __init__(self) -> None:
        self.wall = self.cpu = self.system = 0.0
        self.faults = 0
        self.walls: list[float] = []
        self.cpus: list[float] = []

    def __enter__(self) -> Timing:
        self._usage = resource.getrusage(resource.RUSAGE_SELF)
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        wall, cpu = time.perf_counter() - self._wall, time.process_time() - self._cpu
        usage = resource.getrusage(resource.RUSAGE_SELF)
        self.faults += usage.ru_minflt - self._usage.ru_minflt
        self.system += usage.ru_stime - self._usage.ru_stime
        self.wall += wall
        self.cpu += cpu
        self.walls.append(wall)
        self.cpus.append(cpu)


def turn_by_turn(runs: list[Timing], baselines: list[Timing], wall: bool) -> str:
    """The batch against its baseline turn by turn (each turn was timed right beside its share
    of the baseline): the median turn of each, the same statistic for both, and the spread of
    the turn-by-turn ratios (their quartiles), which a busy second moves for one turn only."""
    pick = (lambda t: t.walls) if wall else (lambda t: t.cpus)
    turns = [x for t in runs for x in pick(t)]
    shares = [x for t in baselines for x in pick(t)]
    ratios = sorted(a / b for a, b in zip(turns, shares, strict=True))
    q1, _, q3 = statistics.quantiles(ratios, n=4)
    return (f"{statistics.median(turns) / statistics.median(shares):6.2f} median turn / median share"
            f"   (turn by turn: quartiles {q1:.2f}-{q3:.2f}, {ratios[0]:.2f}-{ratios[-1]:.2f} in all,"
            f" {len(ratios)} turns)")


def best(timings: list[Timing]) -> Timing:
    out = Timing()
    out.wall, out.cpu = min(t.wall for t in timings), min(t.cpu for t in timings)
    return out


def play(
    world: World,
    scenario: str,
    runs: int,
    reference: bool,
    first: Timing | None = None,
    threads: int | None = None,
    between: tuple[Callable[[], None], Timing] | None = None,
    turns: list[float] | None = None,
    processes: bool = False,
) -> tuple[Timing, Game]:
    """Time to play every turn of a game of ``runs`` runs but the first (the game is made beforehand).

    The first turn compiles the game's program (once a game); it is timed into ``first`` if
    given. ``threads``: the threads a big batch's turn is split over (the engine's by default).
    ``between``: a baseline's share of work run after each timed turn and timed into its own
    Timing, so that the turns and the baseline meet the same machine, second by second.
    ``turns``: each timed turn's processor seconds are appended to it. ``processes``: the spans
    past the first in worker processes (their processor time is added to the timing's)."""
    Stepper.reference = reference
    program._SHARED.clear()  # each game compiles its own turn (a game like one before would not)
    kept, kept_processes = program.THREADS, program.PROCESSES
    program.THREADS = kept if threads is None else threads
    program.PROCESSES = processes
    try:
        game = Game(world, scenario, seed=1, runs=runs)
        with first if first is not None else Timing():
            game.resolve_turn()
        program_ = game._stepper.programs.get(runs)
        workers = [worker.pid for worker in program_._workers] if program_ is not None else []
        before = workers_cpu(workers)
        timing = Timing()
        while game.turn < game.turns:
            cpu = timing.cpu
            with timing:
                game.resolve_turn()
            if turns is not None:
                turns.append(timing.cpu - cpu)
            if between is not None:
                work, spent = between
                with spent:
                    work()
        timing.cpu += workers_cpu(workers) - before
        return timing, game
    finally:
        Stepper.reference = False
        program.THREADS, program.PROCESSES = kept, kept_processes


def workers_cpu(pids: list[int]) -> float:
    """Processor seconds the worker processes ``pids`` have used so far (Linux: /proc/PID/stat)."""
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of proc(5)
    return total / os.sysconf("SC_CLK_TCK")


ALIGN = 64  # bytes: a cache line


def aligned(values: np.ndarray) -> np.ndarray:
    """A copy of ``values`` starting on a cache line. numpy's own arrays start wherever malloc puts
    them (16-byte aligned): a multiply of three 10,000-element arrays measured 0.37-0.46 ns an
    element when the three shared one offset in a cache line and 0.63-0.87 ns when they did not,
    so a baseline left to malloc was fast in one process and twice as slow in the next."""
    room = np.empty(values.size + ALIGN // values.itemsize, dtype=values.dtype)
    start = (-room.ctypes.data % ALIGN) // values.itemsize
    out = room[start : start + values.size]
    out[...] = values
    return out


class Baseline:
    """Plain numpy doing ``operations`` multiplications of arrays of ``runs`` elements a call,
    split over ``threads`` threads that each multiply their share of the elements."""

    def __init__(self, operations: int, runs: int, threads: int = 1) -> None:
        rng = np.random.default_rng(0)
        bounds = [runs * i // threads for i in range(threads + 1)]
        spans = zip(bounds, bounds[1:], strict=False)
        self.shares = [
            (aligned(rng.random(hi - lo)), aligned(rng.random(hi - lo)), aligned(np.empty(hi - lo)))
            for lo, hi in spans
        ]
        self.operations = operations
        self.pool = ThreadPoolExecutor(threads) if threads > 1 else None

    def _work(self, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> None:
        multiply = np.multiply
        for _ in range(self.operations):
            multiply(a, b, c)

    def __call__(self) -> None:
        if self.pool is None:
            self._work(*self.shares[0])
            return
        for future in [self.pool.submit(self._work, *share) for share in self.shares]:
            future.result()


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
    lone_turns: list[float] = []
    lone = best([play(world, args.scenario, 1, False, first, turns=lone_turns)[0] for first in firsts])
    lone_first = best(firsts)
    lone_ref = best([play(world, args.scenario, 1, True, Timing())[0] for _ in range(args.repeats)])
    batch_repeats = max(1, args.repeats - 1)
    counted = Game(world, args.scenario, seed=1, runs=args.runs)  # a run-turn's element operations
    counted.resolve_turn()
    operations = round(counted._stepper.programs[args.runs].element_operations())
    del counted
    threads = program.THREADS
    batch_firsts = [Timing() for _ in range(batch_repeats)]
    alone, together = Baseline(operations, args.runs), Baseline(operations, args.runs, threads)
    # each batch's turns interleaved with the baseline's work for as many run-turns
    batches: list[Timing] = []
    baselines: list[Timing] = []
    for first in batch_firsts:
        baselines.append(Timing())
        batches.append(play(world, args.scenario, args.runs, False, first, 1, (alone, baselines[-1]))[0])
    # the baseline's threads wait for work between turns, holding nothing a forked worker needs
    span_worker.BESIDE_THREADS = True
    split: dict[str, tuple[list[Timing], list[Timing]]] = {}
    for label, processes in (("threads", False), ("processes", True)):
        if processes and not span_worker.CAN_FORK:
            continue
        runs_split, baselines_split = split[label] = ([], [])
        for _ in range(batch_repeats):
            baselines_split.append(Timing())
            between = (together, baselines_split[-1])
            played = play(world, args.scenario, args.runs, False, None, None, between, processes=processes)
            runs_split.append(played[0])
    batch, baseline = best(batches), best(baselines)
    baseline_threaded = best([t for _, baselines_split in split.values() for t in baselines_split])
    steady = turns - 1  # the turns timed: all but the first
    batch_ref = best([play(world, args.scenario, args.runs, True)[0] for _ in range(batch_repeats)])
    cores = os.cpu_count() or 1
    load = max(load_before, os.getloadavg()[0])

    def row(label: str, timing: Timing, unit: float, suffix: str = "", scale: float = 1.0) -> None:
        name = "ms" if unit == 1e3 else "s "
        wall, cpu = timing.wall * unit / scale, timing.cpu * unit / scale
        print(f"{label:<38}{wall:9.3f} {name} wall {cpu:9.3f} {name} cpu{suffix}")

    print(f"content load and compile:             {load_s * 1000:9.1f} ms")
    row("lone game, first turn:", lone_first, 1e3, "   (once a game: compiles its turn)")
    print(f"lone game, per turn after it, median: {statistics.median(lone_turns) * 1e3:9.3f} ms cpu"
          f"   (goal: under 2 ms; of {len(lone_turns)} turns, {args.repeats} games)")
    row("  best game's mean:", lone, 1e3, "", turns - 1)
    row("  reference path, per turn after it:", lone_ref, 1e3,
        f"   (speed-up {lone_ref.cpu / lone.cpu:.2f}x cpu)", turns - 1)
    row(f"batch {args.runs} runs, first turn:", best(batch_firsts), 1, "   (once a batch: compiles its turn)")
    row(f"batch {args.runs} runs x {steady} turns after it:", batch, 1, "   (one thread)")
    for label, (timings, _) in split.items():
        where = f"{threads} threads" if label == "threads" else f"this and {threads - 1} worker processes"
        each = ", ".join(f"{t.wall:.2f}" for t in timings)
        row(f"  in {where}:", best(timings), 1, f"   (each repeat: {each} s wall)")
    for label, timings in (("one thread", batches), *((label, runs) for label, (runs, _) in split.items())):
        timed = sum(len(t.cpus) for t in timings)
        faults = sum(t.faults for t in timings) / timed
        system = sum(t.system for t in timings) / timed * 1e3
        fresh = faults * resource.getpagesize() / 1e6
        print(f"  page faults a turn, {label + ':':<12}{faults:9.0f}       "
              f"({fresh:.1f} MB of fresh pages; {system:.1f} ms a turn in the system)")
    row("  reference path:", batch_ref, 1, f"   (speed-up {batch_ref.cpu / batch.cpu:.2f}x cpu, one thread)")
    print(f"element operations per run-turn:      {operations:9.0f}")
    row(f"plain numpy, as many, on {args.runs} runs:", baseline, 1,
        f"   ({baseline.cpu / (operations * args.runs * steady) * 1e9:.2f} ns cpu per element operation)")
    row(f"  on {threads} threads, a share each:", baseline_threaded, 1)
    # over every repeat: each turn was measured beside its baseline's share, on the same machine
    one = sum(t.cpu for t in batches) / sum(t.cpu for t in baselines)
    print(f"ratio batch / plain numpy, one thread each: {one:6.2f} cpu    (all turns' sums)")
    print(f"  the same, turn by turn:                   {turn_by_turn(batches, baselines, False)}")
    default = "processes" if program.PROCESSES and "processes" in split else "threads"
    for label, (runs_split, baselines_split) in split.items():
        both = sum(t.wall for t in runs_split) / sum(t.wall for t in baselines_split)
        goal = "   (goal: at most 3; the engine's way on this machine)" if label == default else ""
        print(f"ratio batch in {threads} {label} / numpy on {threads} threads: {both:6.2f} wall{goal}")
        by_turn = turn_by_turn(runs_split, baselines_split, True)
        print(f"  the same, turn by turn:                   {by_turn}")
    print("  (like with like: the same number of element operations, on arrays of as many runs, each")
    print("   batch turn timed right beside its own share of the baseline, in the same process; the")
    print("   baseline's arrays start on cache lines, numpy's fastest case, the same in every run)")
    print(f"machine: {cores} cores, load average {load:.1f} during the run "
          f"({'busy: wall-clock figures are slower than on an idle machine' if load > cores else 'quiet'})")


if __name__ == "__main__":
    main()
