"""A big batch's spans in worker processes (``game.engine.span_worker``): they come and go with
the program, a process forked from one that has them gets its own, a turn from another thread
uses threads, and a worker killed mid-game stops the batch with a clear error, never a hang."""

from __future__ import annotations

import gc
import os
import signal
import threading

import numpy as np
import pytest
from engine_digests import game_digest

from game.engine import Game, program, span_worker
from game.engine.errors import GameError

pytestmark = pytest.mark.skipif(not span_worker.CAN_FORK, reason="spans run in processes only on Linux")

RUNS = 96  # three spans of 32 runs (MIN_RUNS_PER_THREAD below); over SHARED_UP_TO_RUNS, so the
# game's program is its own, as a big batch's is (a smaller one is kept for the next game)


@pytest.fixture(autouse=True)
def spans_in_processes(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(program, "PROCESSES", True)
    monkeypatch.setattr(span_worker, "BESIDE_THREADS", True)  # xdist's threads run no numpy
    monkeypatch.setattr(program, "THREADS", 3)
    monkeypatch.setattr(program, "MIN_RUNS_PER_THREAD", 32)


TURNS = 12


def _game(world) -> Game:
    return Game(world, "both-sides", seed=7, runs=RUNS)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _workers(game: Game) -> list[span_worker.SpanWorker]:
    return game._stepper.programs[RUNS]._workers


def test_the_workers_end_with_the_game_that_started_them(base_world):
    game = _game(base_world)
    game.resolve_turn()
    pids = [worker.pid for worker in _workers(game)]
    assert len(pids) == 2 and all(_alive(pid) for pid in pids)
    del game
    gc.collect()
    assert not any(_alive(pid) for pid in pids)  # killed and waited for: not even a zombie


class _reference:
    """The reference path (every formula's closures, no program): what every split must match."""

    def __enter__(self) -> None:
        from game.engine.stepping import Stepper

        Stepper.reference = True

    def __exit__(self, *exc: object) -> None:
        from game.engine.stepping import Stepper

        Stepper.reference = False


def _play_in_child(game: Game, turns: int) -> str:
    for _ in range(turns):
        game.resolve_turn()
    return game_digest(game)


def test_a_process_forked_from_one_with_workers_plays_on_with_its_own(base_world):
    """A process forked from one with a big batch under way (a pool of worker processes, say)
    inherits the game and its program, not its workers nor its shared buffers: it forks workers
    of its own, and the two play on at the same moment without touching each other's numbers."""
    game = _game(base_world)
    game.resolve_turn()
    theirs = [worker.pid for worker in _workers(game)]
    shown = {name: value.copy() for name, value in game.env.items() if isinstance(value, np.ndarray)}
    twin = game.fork()
    go_read, go_write = os.pipe()
    result_read, result_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the forked process: plays its copy when told, hands back its digest
        try:
            os.read(go_read, 1)
            os.write(result_write, _play_in_child(game.fork(), TURNS).encode())
        finally:
            os._exit(0)
    os.write(go_write, b"x")  # both play from here on, at once
    here = _play_in_child(twin, TURNS)
    there = os.read(result_read, 200).decode()
    os.waitpid(pid, 0)
    for fd in (go_read, go_write, result_read, result_write):
        os.close(fd)
    assert [worker.pid for worker in _workers(game)] == theirs  # untouched by the child
    # what this process's game shows (views of the program's buffers) is as it was
    assert all(np.array_equal(game.env[name], value, equal_nan=True) for name, value in shown.items())
    with _reference():
        alone = Game(base_world, "both-sides", seed=7, runs=RUNS)
        assert here == there == _play_in_child(alone, TURNS + 1)


def test_a_batch_played_from_another_thread_splits_over_threads_instead(base_world):
    games = [_game(base_world) for _ in range(2)]
    done: list[str] = []
    worker = threading.Thread(target=lambda: done.append(_play_in_child(games[0], 3)))
    worker.start()
    worker.join()
    assert _workers(games[0]) == []  # no fork from a thread but the main one
    assert done == [_play_in_child(games[1], 3)]
    assert len(_workers(games[1])) == 2


def test_a_worker_killed_mid_game_stops_the_batch_with_a_clear_error(base_world):
    game = _game(base_world)
    game.resolve_turn()
    other, victim = _workers(game)
    os.kill(victim.pid, signal.SIGKILL)
    os.waitpid(victim.pid, 0)
    with pytest.raises(GameError, match=r"worker process of this batch \(pid \d+\) ended during the turn"):
        game.resolve_turn()
    assert _workers(game) == [] and not _alive(other.pid)  # the other stopped too: none left holding a span
    assert np.isfinite(game.env["us_approval"]).all()  # the game as it was before the turn


def test_no_worker_is_forked_while_another_thread_runs(base_world, monkeypatch: pytest.MonkeyPatch):
    """A fork copies only its own thread: a lock another held at that moment would stay held in the
    worker for good. With a thread of someone else's about (a server's, say), spans use threads."""
    monkeypatch.setattr(span_worker, "BESIDE_THREADS", False)
    release = threading.Event()
    bystander = threading.Thread(target=release.wait, name="someone-elses")
    bystander.start()
    try:
        game = _game(base_world)
        game.resolve_turn()
        assert _workers(game) == []
    finally:
        release.set()
        bystander.join()
    with _reference():
        alone = Game(base_world, "both-sides", seed=7, runs=RUNS)
        alone.resolve_turn()
    assert game_digest(game) == game_digest(alone)


class _Interrupted:
    """A worker's end of the pipe as ^C finds it: the parent's wait for the answer interrupted."""

    def __init__(self, conn) -> None:
        self.conn = conn

    def send(self, job) -> None:
        self.conn.send(job)

    def recv(self):
        raise KeyboardInterrupt

    def close(self) -> None:
        self.conn.close()


def test_a_turn_interrupted_while_a_worker_answers_leaves_no_answer_for_the_next(base_world):
    """^C while the parent waits for a worker: the answer left in the pipe would be read as the
    next turn's. The workers are stopped instead, and the next turn forks new ones: from there on
    the game gets the numbers of the reference path (an interrupted turn is not one to play again
    as if nothing happened, in threads or processes: compared from where it left the game)."""
    game = _game(base_world)
    game.resolve_turn()
    first = _workers(game)[0]
    first.conn = _Interrupted(first.conn)
    with pytest.raises(KeyboardInterrupt):
        game.resolve_turn()
    assert _workers(game) == [] and not _alive(first.pid)
    twin = game.fork()
    game.resolve_turn()
    game.resolve_turn()
    assert len(_workers(game)) == 2 and first.pid not in [worker.pid for worker in _workers(game)]
    with _reference():
        assert game_digest(game) == _play_in_child(twin, 2)


def test_a_worker_is_killed_once_however_often_it_is_stopped(base_world, monkeypatch: pytest.MonkeyPatch):
    """A worker stopped mid-game (lost, broken) is stopped again when its program goes: by then
    its pid may be some other process's, which must not be killed."""
    game = _game(base_world)
    game.resolve_turn()
    workers = list(_workers(game))
    span_worker.stop(workers)
    killed: list[int] = []
    kill = os.kill

    def recorded(pid: int, sig: int) -> None:  # other programs' workers still die as they should
        killed.append(pid)
        kill(pid, sig)

    monkeypatch.setattr(span_worker.os, "kill", recorded)
    span_worker.stop(workers)
    del game
    gc.collect()  # the program's own last stop
    assert not {worker.pid for worker in workers} & set(killed)
