"""Sweeps: one plan played over many runs, each with its own parameter values, in chunks.

A sweep is a plan, a scenario, a matrix of parameter values (one row per run) and the
outputs to read at a turn. It is cut into chunks of a fixed number of runs; chunk ``i``
gets its own random stream, ``SeedSequence(seed).spawn(chunks)[i]``, for everything the
matrix does not fix (events, parameters not in it). A chunk's result depends only on the
task and its index, so a sweep gives the same numbers, to the bit, whether its chunks run
in this process, in local worker processes (``workers``) or on a Dask cluster (``dask``).

The content travels with the task (the bytes of every pack file), so a worker needs only
Borderline installed, not the same folders; it rebuilds the world once per process.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from game.content.safe_read import read_limited
from game.content.schema import Plan
from game.engine.errors import GameError
from game.engine.game import Game
from game.engine.replay import replay
from game.engine.scoring import score_runs
from game.engine.world import World, load_world
from game.limits import MAX_CONTENT_FILE_BYTES

SCORE = "score"
"""The output id of the debrief's score (the plan against the status quo, same draws)."""
CHUNK_RUNS = 512
"""Runs per chunk: big enough for the engine's batch speed, small enough to spread over workers."""

Progress = Callable[[int, int], None]  # (chunks done, chunks in all)


@dataclass(frozen=True)
class PackFiles:
    """A pack's files as bytes, by path inside the pack: what a worker needs to rebuild it."""

    folder: str
    files: tuple[tuple[str, bytes], ...]

    @classmethod
    def of(cls, world: World) -> tuple[PackFiles, ...]:
        out = []
        for pack in world.content.packs:
            folder = Path(pack.folder)
            names = ["pack.toml", *(f.relative_to(folder).as_posix() for f in sorted(pack.files))]
            files = tuple(
                (name, read_limited(folder / name, MAX_CONTENT_FILE_BYTES, inside=folder)) for name in names
            )
            out.append(cls(folder.name, files))
        return tuple(out)


@dataclass(frozen=True)
class SweepTask:
    """Everything a chunk needs, picklable: content, scenario, plan, the values, what to read."""

    packs: tuple[PackFiles, ...]
    scenario: str
    plan: Plan | None
    turn: int
    parameters: tuple[str, ...]
    values: np.ndarray = field(repr=False)  # (runs, len(parameters))
    outputs: tuple[str, ...]
    seed: int
    chunk_runs: int = CHUNK_RUNS

    @property
    def runs(self) -> int:
        return int(self.values.shape[0])

    @property
    def chunks(self) -> int:
        return max(1, -(-self.runs // self.chunk_runs))

    def content_key(self) -> str:
        h = hashlib.sha256()
        for pack in self.packs:
            h.update(pack.folder.encode() + b"\0")
            for name, data in pack.files:
                h.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
        return h.hexdigest()


_WORLDS: dict[str, World] = {}  # content key -> world, one per process


def remember_world(task: SweepTask, world: World) -> None:
    """Let chunks run in this process (and in processes forked from it) use an already built world."""
    _WORLDS[task.content_key()] = world


def _world(task: SweepTask) -> World:
    key = task.content_key()
    world = _WORLDS.get(key)
    if world is None:
        with tempfile.TemporaryDirectory(prefix="borderline-sweep-") as root:
            folders = []
            for i, pack in enumerate(task.packs):
                folder = Path(root) / f"{i:02d}" / pack.folder
                for name, data in pack.files:
                    path = folder / name
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(data)
                folders.append(folder)
            world = _WORLDS[key] = load_world(folders)
    return world


def chunk_seed(seed: int, chunks: int, index: int) -> int:
    """The seed of chunk ``index``: an independent stream spawned from the sweep's seed."""
    child = np.random.SeedSequence(seed).spawn(chunks)[index]
    return int(child.generate_state(1, np.uint64)[0] & np.uint64(2**63 - 1))


def run_chunk(task: SweepTask, index: int) -> np.ndarray:
    """The outputs of chunk ``index`` of a sweep: (its runs, len(outputs))."""
    world = _world(task)
    lo = index * task.chunk_runs
    hi = min(task.runs, lo + task.chunk_runs)
    pins = {pid: task.values[lo:hi, j] for j, pid in enumerate(task.parameters)}
    game = Game(
        world,
        task.scenario,
        chunk_seed(task.seed, task.chunks, index),
        hi - lo,
        pins,
        status_quo=SCORE in task.outputs,
    )
    plan = task.plan
    replay(game, plan.step if plan else (), plan.choice if plan else (), task.turn, hold_ended=True)
    columns = []
    for output in task.outputs:
        if output == SCORE:
            columns.append(score_runs(game).total)
        else:
            columns.append(game.history(output)[task.turn])
    return np.stack(columns, axis=1)


def check_outputs(world: World, outputs: Sequence[str]) -> None:
    from game.content.errors import did_you_mean

    for output in outputs:
        if output == SCORE:
            continue
        info = world.indicators.get(output)
        if info is None:
            raise GameError(
                f"unknown indicator {output!r}{did_you_mean(output, world.indicators)} "
                f"(or {SCORE!r} for the debrief's score)"
            )
        if info.axis is not None:
            raise GameError(f"{output} has one value per row; pick a single-number indicator")


def run_sweep(
    task: SweepTask,
    *,
    workers: int = 1,
    dask: str | None = None,
    progress: Progress | None = None,
) -> np.ndarray:
    """Every chunk's outputs, in order: (runs, len(outputs)), the same wherever chunks run.

    ``workers`` > 1 runs chunks in that many local processes; ``dask`` is the address of a
    Dask distributed scheduler (``tcp://host:8786``) whose workers run them.
    """
    indices = list(range(task.chunks))
    results: list[np.ndarray] = []

    def done(result: np.ndarray) -> None:
        results.append(result)
        if progress is not None:
            progress(len(results), len(indices))

    if dask is not None:
        return np.concatenate(_on_dask(task, indices, dask, progress), axis=0)
    if workers > 1 and len(indices) > 1:
        with process_pool(min(workers, len(indices))) as pool:
            for result in pool.map(run_chunk, [task] * len(indices), indices):
                done(result)
    else:
        for index in indices:
            done(run_chunk(task, index))
    return np.concatenate(results, axis=0)


def process_pool(workers: int) -> ProcessPoolExecutor:
    """Local worker processes for a sweep's chunks, each gone with this process (``watch_parent``)."""
    return ProcessPoolExecutor(workers, initializer=watch_parent, initargs=(os.getpid(),))


def watch_parent(parent: int, every: float = 0.5) -> None:
    """A pool worker's first act: a thread that ends the worker when ``parent`` is gone.

    A worker of a pool waits on a pipe whose other end it holds itself (every worker forked
    from the parent has its copy), so the end of the parent (``kill -9``, a closed terminal)
    never reaches it: the workers of a sweep stayed for good, a few hundred MB each. Once
    ``parent`` is gone the worker's parent is some other process (init, a sub-reaper), and
    the worker exits at once."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(1)

    threading.Thread(target=watch, name="borderline-watch-parent", daemon=True).start()


def _on_dask(task: SweepTask, indices: list[int], address: str, progress: Progress | None) -> list[Any]:
    """Chunks sent to an existing Dask cluster (Dask is an optional extra: ``.[scale]``)."""
    try:
        from distributed import Client  # optional: only a sweep sent to a cluster needs it
    except ImportError:
        raise GameError(
            "--dask needs the Dask extra: pip install -e '.[scale]' (or pip install 'dask[distributed]')"
        ) from None
    try:
        client = Client(address, timeout=20)
    except OSError as exc:
        raise GameError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        shipped = client.scatter(task, broadcast=True)
        futures = client.map(run_chunk, [shipped] * len(indices), indices, pure=False)
        results = []
        for i, future in enumerate(futures):
            results.append(future.result())
            if progress is not None:
                progress(i + 1, len(indices))
        return results
    finally:
        client.close()
