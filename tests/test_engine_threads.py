"""Games forked from one another share their compiled turn: threads playing them at once
(the app's forecast workers beside the game itself) still get their own numbers, to the bit.
A batch split into spans of runs, in threads or in worker processes (``span_worker``), gets
the numbers of the batch played whole, and the error it would have met first."""

from __future__ import annotations

import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import numpy as np
import pytest
from engine_digests import game_digest, play_at_once
from test_engine_fast_checks import BLOWN_UP, blowup_world

from game.engine import Game, load_world, program, span_worker
from game.engine.errors import SimulationError
from game.engine.stepping import Stepper

MINI = Path(__file__).parent / "packs" / "mini"


def test_forks_played_in_threads_at_once_match_forks_played_alone(base_world):
    world = base_world
    game = Game(world, "both-sides", seed=2)
    game.resolve_turn()
    forks = [game.fork() for _ in range(3)]
    for number, fork in enumerate(forks):  # each its own course, so a mix-up shows
        action = sorted(world.actions)[number]
        fork.set_level(action, world.actions[action].levels - 1, enforce=False)
    alone = []
    for fork in forks:
        twin = fork.fork()
        for _ in range(12):
            twin.resolve_turn()
        alone.append(game_digest(twin))
    assert play_at_once(forks, 12) == []
    assert [game_digest(fork) for fork in forks] == alone


TURNS = 6


def _pinned_game(world, runs: int, reference: bool = False) -> Game:
    """A batch whose once-per-game values mix the same-in-every-run and the per-run: the
    organisations' 2011 revenue (a sum of fixed fields and a drawn fuel-theft revenue) feeds
    every turn's turf wars, and HOPE's efficacy differs run by run."""
    pins = {
        "fuel_theft_revenue_2017": np.linspace(0.8, 1.6, runs),
        "hope_efficacy": np.linspace(0.0, 0.72, runs)[::-1].copy(),
    }
    Stepper.reference = reference
    try:
        game = Game(world, "both-sides", seed=5, runs=runs, pins=pins)
        for number, action in enumerate(sorted(world.actions)):
            if number % 3 == 0:
                game.set_level(action, world.actions[action].levels - 1, enforce=False)
        return game
    finally:
        Stepper.reference = False


def _play(game: Game, reference: bool = False) -> str:
    Stepper.reference = reference
    try:
        for _ in range(TURNS):
            game.resolve_turn()
    finally:
        Stepper.reference = False
    return game_digest(game)


SPANS_IN = [
    "threads",
    pytest.param(
        "processes",
        marks=pytest.mark.skipif(not span_worker.CAN_FORK, reason="spans run in processes only on Linux"),
    ),
]


@pytest.fixture(params=SPANS_IN)
def threaded(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """Batches split into three spans from a few dozen runs on: in three threads switching as
    often as Python can (a thread gives way every microsecond, so the spans interleave all
    through the tape), or in this process and two worker processes forked from it."""
    monkeypatch.setattr(program, "PROCESSES", request.param == "processes")
    monkeypatch.setattr(span_worker, "BESIDE_THREADS", True)  # xdist's threads run no numpy
    monkeypatch.setattr(program, "THREADS", 3)
    monkeypatch.setattr(program, "MIN_RUNS_PER_THREAD", 16)
    monkeypatch.setattr(program, "_POOL", ThreadPoolExecutor(3))
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield monkeypatch
    sys.setswitchinterval(interval)
    program._POOL.shutdown()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("runs", "games"),
    [
        (96, 4),
        # a big batch: its values leave the program into recycled arrays
        (program.SMALL_BATCH_RUNS + 2, 1),
        # spans of 200 runs: numpy lets go of the interpreter inside each call, so the threads
        # really overlap; with the spans sharing their buffers about 1 game in 15 went wrong
        pytest.param(600, 40, marks=pytest.mark.slow),
    ],
)
def test_a_batch_split_over_threads_matches_the_reference_every_time(threaded, base_world, runs, games):
    threaded.setattr(program, "MIN_RUNS_PER_THREAD", runs // 3)
    world = base_world
    expected = _play(_pinned_game(world, runs, reference=True), reference=True)
    game = _pinned_game(world, runs)
    digests = [_play(game.fork()) for _ in range(games)]  # forks share the game's compiled turn
    assert len(game._stepper.programs[runs].spans) == 3
    assert len(game._stepper.programs[runs]._workers) == (2 if program.PROCESSES else 0)
    assert digests == [expected] * games


def test_no_two_spans_write_the_same_memory(threaded, base_world):
    """What makes the threads safe, checked on the program itself: whatever a span writes
    (an instruction's result) is its own runs' columns of a per-run buffer, or a buffer of a
    value the same in every run that no other span reads or writes."""
    world = base_world
    game = _pinned_game(world, 96)
    game.resolve_turn()
    compiled = game._stepper.programs[96]
    rows = compiled.rows

    def root(value: np.ndarray) -> np.ndarray:
        while isinstance(value.base, np.ndarray):
            value = value.base
        return value

    def written(instruction) -> np.ndarray | None:
        function, args = instruction
        if isinstance(function, partial) and "out" in function.keywords:
            return function.keywords["out"]
        if isinstance(function, np.ufunc):
            return args[function.nin]
        if function is np.copyto or function is program._power_by_rows or function is program._argmax_into:
            return args[0] if function is np.copyto else args[-1]
        return None  # a check reads only; a stock settles in place, in its own runs' columns

    touched: list[tuple[set[int], set[int]]] = []  # per span: roots it writes, roots it uses
    for number, phases in enumerate(compiled.spans):
        lo, hi = rows * number // 3, rows * (number + 1) // 3
        writes, uses = set(), set()
        for phase in phases:
            for _, instructions in phase:
                for instruction in instructions:
                    out = written(instruction)
                    arrays = [a for a in instruction[1] if isinstance(a, np.ndarray)]
                    if out is not None:
                        arrays.append(out)
                        base = root(out)
                        if base.ndim == 2 and base.shape[1] == rows:  # its own runs' columns only
                            offset = out.__array_interface__["data"][0] - base.__array_interface__["data"][0]
                            column = offset % base.strides[0] // base.itemsize
                            assert (column, out.shape[1]) == (lo, hi - lo)
                        else:
                            writes.add(id(base))
                    uses.update(id(root(a)) for a in arrays if root(a).ndim != 2 or root(a).shape[1] != rows)
        touched.append((writes, uses))
    assert all(writes for writes, _ in touched)  # the turn does write values the same in every run
    for first, (writes, _) in enumerate(touched):
        for second, (_, uses) in enumerate(touched):
            if first != second:
                assert not writes & uses, (first, second)


DRAINS = """
[parameter.drain_a]
value = 0.0
range = [0.0, 1.0]
source = "illustrative"

[parameter.drain_b]
value = 0.0
range = [0.0, 1.0]
source = "illustrative"

[stock.reservoir_a]
initial = 10.0

[stock.reservoir_b]
initial = 10.0

[flow.drain_a_flow]
formula = "drain_a * 100 * reservoir_a"
out_of = "reservoir_a"

[flow.drain_b_flow]
formula = "drain_b * 100 * reservoir_b"
out_of = "reservoir_b"
"""


def test_of_errors_in_several_spans_the_batch_raises_the_one_met_first(threaded, tmp_path):
    """Reservoir a (integrated first) runs dry in the later runs, reservoir b in the earlier
    ones: the whole batch, on the reference path, stops at a; so must the threads, although
    the first span of runs meets b's error."""
    pack = tmp_path / "mini"
    shutil.copytree(MINI, pack)
    (pack / "world.toml").write_text((MINI / "world.toml").read_text() + DRAINS)
    world = load_world([pack])
    scenario = next(iter(world.scenarios))
    threaded.setattr(program, "MIN_RUNS_PER_THREAD", 8)
    late = np.repeat([0.0, 1.0], 16)
    pins = {"drain_a": late, "drain_b": late[::-1].copy()}
    messages = []
    for reference in (True, False):
        Stepper.reference = reference
        try:
            game = Game(world, scenario, seed=1, runs=32, pins=pins)
            with pytest.raises(SimulationError) as error:
                game.resolve_turn()
        finally:
            Stepper.reference = False
        messages.append(str(error.value))
    assert len(game._stepper.programs[32].spans) == 3
    assert len(game._stepper.programs[32]._workers) == (2 if program.PROCESSES else 0)
    assert "reservoir_a" in messages[0]
    assert messages[1] == messages[0]


@pytest.mark.parametrize("last", [False, True])
def test_a_big_batch_names_a_value_going_infinite_in_any_span_alone(threaded, tmp_path, last):
    """A big batch split over threads by runs: a variable nobody records going infinite in ONE
    run, in the first span or the last, still stops the game at that turn and names it."""
    world = blowup_world(tmp_path, "1 / (turn - 2 + 10 * (1 - efficacy))")
    runs = program.SMALL_BATCH_RUNS + 3
    threaded.setattr(program, "MIN_RUNS_PER_THREAD", runs // 3)
    efficacy = np.zeros(runs)
    efficacy[-1 if last else 0] = 1.0  # 1 / 0 at turn 2 in that run alone
    game = Game(world, "test-run", seed=1, runs=runs, pins={"efficacy": efficacy})
    game.resolve_turn()
    assert len(game._stepper.programs[runs].spans) == 3
    run = runs - 1 if last else 0
    assert np.isfinite(game.env["blowup"]).all() and game.env["blowup"][run, 0] == -1.0  # 1 / (1 - 2)
    with pytest.raises(SimulationError, match=BLOWN_UP):
        game.resolve_turn()


class _NoSecondThread(ThreadPoolExecutor):
    """A pool on a system that refuses this process a second thread (``ulimit -u``)."""

    started = 0

    def submit(self, fn, /, *args, **kwargs):
        _NoSecondThread.started += 1
        if _NoSecondThread.started > 1:
            raise RuntimeError("can't start new thread")
        return super().submit(fn, *args, **kwargs)


def test_spans_run_one_after_another_where_no_thread_can_be_started(base_world, monkeypatch):
    """A tight process limit refused the turn's threads, and a batch of 4,096 runs or more
    crashed with a traceback: its spans now run one after another, to the same numbers."""
    monkeypatch.setattr(program, "PROCESSES", False)
    monkeypatch.setattr(program, "THREADS", 3)
    monkeypatch.setattr(program, "MIN_RUNS_PER_THREAD", 32)
    monkeypatch.setattr(program, "_POOL", None)
    monkeypatch.setattr(program, "_NO_THREADS", False)
    monkeypatch.setattr(program, "ThreadPoolExecutor", _NoSecondThread)
    expected = _play(_pinned_game(base_world, 96, reference=True), reference=True)
    game = _pinned_game(base_world, 96)
    assert _play(game) == expected
    assert len(game._stepper.programs[96].spans) == 3 and program._POOL is None and program._NO_THREADS
