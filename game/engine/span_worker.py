"""A big batch's spans of runs in worker processes forked from this one.

A big batch's turn is split into spans of runs (``program.THREADS``), and every run's numbers
depend on its own run alone. In threads, each span's numpy calls still take the interpreter
lock to start, and a quarter of a span's time is that dispatch: two threads wait on each other
at each of the turn's few thousand calls (about 1,800 sleeps and wakes a turn on 2 cores), so
two threads barely beat one. A span run in a process of its own does not wait: it has an
interpreter of its own.

The worker is forked from this process once the program has every buffer and every list of
instructions it will run (``Program._span_workers``), all its buffers in memory both
processes share (``program._Arena`` with ``shared``). It holds this process's very objects
as they were at the fork; after it, nothing but the buffers' numbers change. Each turn this
process sends which set of spans to run (the program's own buffers or a generation's), the
turn, its sub-steps and numpy's error handling; the worker runs its span's phases and replies
None, or where the first nan or stock out of range stopped it, with numpy's or the engine's
exception as it was raised (this process names the formula and the game: the worker's copy
of the game is the one at the fork). The numbers are the very ones a thread computes: the
same calls on the same buffers.

Linux only (``fork``). A fork copies only the thread that calls it: a lock another thread held
at that moment (inside numpy, the allocator, anything) would stay held in the worker forever,
and the batch would hang. So the worker is forked only from the main thread, while no other
thread runs but the engine's own idle turn threads (``may_fork``); else spans run in threads.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from game.engine.errors import GameError

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

Phases = tuple[list[Any], ...]  # (first, sub-step, end): each a list of (owner, instructions)
Raw = tuple[tuple[int, int], BaseException]  # (phase in the turn's order, block) and what it raised

CAN_FORK = sys.platform == "linux" and hasattr(os, "fork")
FORKING = False
"""True in a span worker from its fork on (the parent's after it): ``program._privatize`` then
leaves the shared buffers shared, as the worker is to write them."""
BESIDE_THREADS = False
"""Fork even beside other threads: for a caller that knows its other threads never run numpy
nor hold a lock the worker needs (the tests, under pytest-xdist's input/output threads)."""


def may_fork(idle_prefix: str) -> bool:
    """Whether a worker may be forked now: from the main thread, no other thread running but
    idle ones named ``idle_prefix...`` (the engine's turn threads, which wait for work)."""
    here = threading.current_thread()
    if not CAN_FORK or here is not threading.main_thread():
        return False
    others = [thread for thread in threading.enumerate() if thread is not here]
    return BESIDE_THREADS or all(thread.name.startswith(idle_prefix) for thread in others)


class WorkerLost(GameError):
    """A worker process ended while it held a span of a turn (killed, most likely): the batch
    stops there, as it would on a nan (the turn is half played)."""


def run_phases(phases: Phases, substeps: int, stops: tuple[type[BaseException], ...]) -> Raw | None:
    """A span's turn: its first phase, its other sub-steps, its end values. An exception of
    ``stops`` (a formula's nan, a stock out of range) is handed back with where it arose."""
    first, substep, end = phases
    order = [first] + [substep] * (substeps - 1) + [end]
    for number, phase in enumerate(order):
        index = 0
        try:
            for index, (_, instructions) in enumerate(phase):  # noqa: B007 (read on an error)
                for function, args in instructions:
                    function(*args)
        except stops as exc:
            return (number, index), exc
    return None


class SpanWorker:
    """A process that runs one span of a program's turns (see the module's docstring)."""

    def __init__(self, work: Callable[[Any], Any]) -> None:
        """Fork the worker: it answers each job sent (``start``) with ``work(job)``."""
        from multiprocessing.connection import Pipe  # only where a big batch forks: 3 ms to import

        mine, theirs = Pipe()
        pid = _fork()
        if pid == 0:  # the worker: never returns
            mine.close()
            _serve(work, theirs)
        theirs.close()
        self.pid, self.owner, self.conn = pid, os.getpid(), mine
        self.busy = False  # a job sent, its answer not read yet
        self.broken = False  # a job or an answer cut short (^C, the worker gone): it must stop
        self.stopped = False  # killed and reaped: its pid may be another process's by now

    def start(self, job: Any) -> None:
        """Have the worker do ``job`` (a turn's span: see ``Program._worker_turn``)."""
        self.busy = True
        try:
            self.conn.send(job)
        except OSError as exc:
            self.broken = True
            raise self._lost() from exc
        except BaseException:
            self.broken = True  # half a job may have gone out: the worker cannot be trusted
            raise

    def _lost(self) -> WorkerLost:
        return WorkerLost(
            f"a worker process of this batch (pid {self.pid}) ended during the turn, killed most"
            " likely (out of memory?): the batch cannot go on; start it again"
        )

    def result(self) -> Raw | None:
        """The span's outcome: None, or where it stopped and why; raises what the worker met
        that was not a formula's nan nor a stock out of range."""
        if self.broken:
            self.busy = False
            raise self._lost()
        try:
            reply = self.conn.recv()
        except (EOFError, OSError) as exc:
            self.broken = True
            raise self._lost() from exc
        except BaseException:
            self.broken = True  # an answer left half read (^C): the next turn would read it
            raise
        finally:
            self.busy = False
        if isinstance(reply, tuple) and reply and reply[0] == "error":
            raise reply[1]
        return reply  # type: ignore[no-any-return]

    def mine(self) -> bool:
        """Whether this process forked the worker (a process forked since has its objects, not its worker)."""
        return self.owner == os.getpid()


def _fork() -> int:
    """``os.fork``, marked as a span worker's for ``program._privatize`` (see ``FORKING``)."""
    global FORKING
    FORKING = True
    pid = -1
    try:
        with warnings.catch_warnings():
            # Python 3.12 warns of any fork beside threads; may_fork allowed only harmless ones
            warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
            pid = os.fork()
    finally:
        if pid != 0:  # this process (the worker keeps it True)
            FORKING = False
    return pid


def stop(workers: Sequence[SpanWorker]) -> None:
    """End the workers (a program gone, or a worker found in a bad state): this process's are
    killed and waited for; a forked process's copies of them only close their end."""
    for worker in workers:
        if worker.stopped:  # a program's last call to stop comes after any earlier one
            continue
        worker.stopped = True
        try:
            worker.conn.close()
        except OSError:
            pass
        if worker.mine():
            try:
                os.kill(worker.pid, signal.SIGKILL)
                os.waitpid(worker.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass


def _serve(work: Callable[[Any], Any], conn: Connection) -> None:
    """The worker's loop: a job at each message, until this end of the pipe closes."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # ^C is the parent's to handle; it then stops us
        while True:
            try:
                job = conn.recv()
            except EOFError:
                break
            try:
                reply: Any = work(job)
            except BaseException as exc:  # noqa: BLE001 (handed to the parent, which raises it)
                reply = ("error", exc)
            try:
                conn.send(reply)
            except Exception as exc:  # noqa: BLE001 (an exception that does not pickle)
                conn.send(("error", RuntimeError(f"in a worker process: {type(exc).__name__}: {exc}")))
    except BaseException:  # noqa: BLE001 (the parent gone: nothing to report to)
        code = 1
    finally:
        os._exit(code)
