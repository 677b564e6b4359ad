"""Shared fixtures: the worlds, the test packs as the game's content, a home for what the game writes.

Worlds take a while to compile and are never changed by the engine, so each is built once
per session and shared: a test must treat a shared world as read-only (a check at the end
of the session fails if one was changed). Games are changed by nearly every test, so none
is shared: ``played_game`` makes a fresh one each time it is called.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property as lazy
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from scheduling import (  # noqa: F401  # hooks: the longest work starts first (see scheduling.py)
    pytest_collection_modifyitems,
    pytest_runtest_logreport,
    pytest_sessionfinish,
)

if TYPE_CHECKING:
    from game.engine import Game, World

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "content" / "base"
MINI = Path(__file__).resolve().parent / "packs" / "mini"

# PYTHONDONTWRITEBYTECODE (set in many containers, this project's CI among them) stops pytest
# keeping its assertion-rewritten test modules and Python keeping the game's compiled modules:
# every xdist worker of every run then rewrote ~100 test modules and compiled the game again
# (`pytest --co`: 9.2 s of processor time instead of 3.6 s). The suite writes them as Python
# does by default, in git-ignored __pycache__ folders. (Not under a sys.pycache_prefix: Python
# then looks for every module's bytecode there only, and compiled numpy, Textual and the rest
# again in a fresh clone.)
sys.dont_write_bytecode = False
# The same for what this process did not compile itself: the xdist workers and every
# interpreter a test starts (`borderline serve`, its games, the command-line forks) inherit
# the environment, and each compiled Textual, aiohttp and jinja2 again, every run.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


def _write_missing_bytecode() -> None:
    """Write the bytecode of the modules imported before this file ran (pytest, its plugins and
    what they import: Textual, Rich, Hypothesis, jinja2, ~400 modules) that Python, told not
    to, did not keep. Each pytest process compiled them from source at every start: 0.7 s of
    `pytest --version`'s 1.2 s, in the controller and in each worker. Once written, a stat each."""
    import py_compile

    for module in list(sys.modules.values()):
        spec = getattr(module, "__spec__", None)
        source, cached = getattr(spec, "origin", None), getattr(spec, "cached", None)
        if not source or not cached or not source.endswith(".py") or os.path.exists(cached):
            continue
        try:
            py_compile.compile(source, cfile=cached, doraise=True)
        except (OSError, py_compile.PyCompileError):  # a read-only install: compiled again next time
            pass


_write_missing_bytecode()


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto`` (the suite's default): one worker per processor, and one more on an idle machine.

    About a third of a worker's time is spent waiting (on Textual's timers, on the processes and
    browsers some tests start): on an idle machine a third worker on two cores fills it, on a busy
    one others fill it and a third worker only fights over the cores. Plain ``pytest`` on an idle
    2-core machine (07:10-07:15 on 2026-12-01, load under 1 before each), alternated: two workers
    77.8 and 77.3 s wall (114-116 s of processor time), three 70.7 and 68.2 s (120-125 s). On a
    busy one (23:36 on 2026-11-30 to 00:05, load 1.8-3.1): two workers 87-102 s wall, three 102-113.
    So the third worker comes only when others use under half the processors (``_busy``: measured
    over a tenth of a second as the suite starts, not the load average, which a run just ended
    keeps high for a minute). ``-n N`` chooses for itself."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    busy = _busy()
    return cores + 1 if busy is not None and busy < 0.5 else cores


def _busy(seconds: float = 0.1) -> float | None:
    """The share of the machine's processor time others used over ``seconds`` (Linux's
    /proc/stat: busy jiffies over all), or None where it cannot be read."""

    def sample() -> tuple[int, int]:
        with open("/proc/stat") as stat:
            fields = [int(x) for x in stat.readline().split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle and waiting on input/output
        return sum(fields) - idle, sum(fields)

    try:
        busy0, all0 = sample()
        time.sleep(seconds)
        busy1, all1 = sample()
    except (OSError, ValueError, IndexError):
        return None
    return (busy1 - busy0) / (all1 - all0) if all1 > all0 else None


def pytest_collection_finish(session: pytest.Session) -> None:
    """What collection built (the game, Textual, numpy, every test module: ~1.5 million objects)
    lives until the run ends: move it out of the garbage collector's sight. Each full collection
    (Python starts one every so often, and pytest five at the end of each process to find
    unraisable exceptions) then walks only what the tests make, not everything imported."""
    gc.freeze()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """After each test and its fixtures' teardown: collect its garbage, then freeze what is left.

    What is alive then (the session's and the module's fixtures, the kept worlds and their
    programs, caches) lives on for many tests; unfrozen, every collection of the oldest
    generation walked it again, and collections of the middle one walked what each test
    left in it. Collected and frozen here, the collector walks only what the test running
    makes: the collector's time fell from 5.9-7.2 s to 4.0-4.6 s per worker (three workers,
    2026-12-01, timed with `gc.callbacks`), the collections here included. Only what is still
    reachable is frozen (the garbage is collected first); something frozen that is dropped
    later in a reference cycle (a module's fixture) is not collected, which costs memory only
    (the run's peak: 410-440 MB against 420 MB), and its `weakref.finalize` callbacks run as
    the worker exits (span workers are stopped then, as they are at any exit)."""
    yield
    gc.collect()
    gc.freeze()


@pytest.hookimpl(specname="pytest_sessionfinish", trylast=True)  # beside scheduling.py's
def pytest_sessionfinish_freeze(session: pytest.Session) -> None:
    """The tests are over: collect their garbage once (its unraisable exceptions still reach
    pytest), then freeze what is left, so pytest's five collections as the process ends walk
    nothing (they took 1-2 s of every worker's end, with the ~400,000 objects a run leaves)."""
    gc.collect()
    gc.freeze()


@pytest.fixture(scope="session", autouse=True)
def own_folders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Saves, mods, reports and settings of the test run go to a temporary folder, never the checkout's."""
    home = tmp_path_factory.mktemp("home")
    names = {
        "BORDERLINE_SAVES": "saves",
        "BORDERLINE_MODS": "mods",
        "BORDERLINE_REPORTS": "reports",
        "BORDERLINE_SETTINGS": "settings.toml",
    }
    before = {name: os.environ.get(name) for name in names}
    for name, folder in names.items():
        os.environ[name] = str(home / folder)
    yield home
    for name, value in before.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session", autouse=True)
def no_app_in_the_terminal() -> Iterator[None]:
    """A test that starts the game for real (not run_test or a headless snapshot) fails at once.

    Without a terminal such an app waits for input for ever, and the whole run hangs.
    """
    from textual.app import App

    real_run = App.run

    def run(self: App, *args: object, headless: bool = False, **kwargs: object) -> object:
        if not headless:
            name = type(self).__name__
            pytest.fail(f"a test started {name} in the terminal; use run_test() or mock run_app")
        return real_run(self, *args, headless=headless, **kwargs)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(App, "run", run)
        yield


# --------------------------------------------------------------------------- shared worlds


def fingerprint(world: object) -> str:
    """A digest of everything reachable from a world: its numbers, arrays, dicts and models."""
    import numpy as np
    from pydantic import BaseModel

    digest = hashlib.blake2b(digest_size=16)
    seen: set[int] = set()
    stack: list[Any] = [world]
    while stack:
        item = stack.pop()
        if isinstance(item, str | int | float | bytes | Path | None):
            digest.update(repr(item).encode())
            continue
        if id(item) in seen:
            continue
        seen.add(id(item))
        digest.update(type(item).__name__.encode())
        if isinstance(item, np.ndarray):
            digest.update(repr((item.shape, item.dtype.str)).encode())
            digest.update(np.ascontiguousarray(item).tobytes())
        elif isinstance(item, dict):
            for key, value in item.items():
                stack += [key, value]
        elif isinstance(item, set | frozenset):
            stack += sorted(item, key=repr)
        elif isinstance(item, list | tuple):
            stack += item
        elif isinstance(item, BaseModel):
            stack.append(item.__dict__)
        elif dataclasses.is_dataclass(item):
            stack += [getattr(item, f.name) for f in dataclasses.fields(item)]
        elif hasattr(item, "__dict__"):
            # not what a cached_property derived on first use (a file's key positions, found when
            # an error first names a line): reading a world is not changing it
            derived = {n for k in type(item).__mro__ for n, v in vars(k).items() if type(v) is lazy}
            digest.update(b"vars")
            for key, value in vars(item).items():
                if key not in derived:
                    stack += [key, value]
    return digest.hexdigest()


def _shared(folders: list[Path]) -> Iterator[World]:
    from teach_helpers import base_world as shared_base_world

    from game.engine import load_world

    # the base world is the one teach_helpers.base_world() caches for helpers that are not fixtures:
    # compiled once per process (about 2 s), whichever asks first
    world = shared_base_world() if folders == [BASE] else load_world(folders)
    before = fingerprint(world)
    yield world
    assert fingerprint(world) == before, (
        f"a test changed the shared world of {[f.name for f in folders]}: "
        "copy what you change, or load a world of your own"
    )


@pytest.fixture(scope="session")
def base_world() -> Iterator[World]:
    """The base game's world, compiled once per session; read-only."""
    yield from _shared([BASE])


@pytest.fixture(scope="session")
def mini_world() -> Iterator[World]:
    """The small test world (tests/packs/mini: 12 quarters, a dilemma, three organizations); read-only."""
    yield from _shared([MINI])


@pytest.fixture(scope="session")
def fresh_process(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> dict[str, Any]:
    """What one new interpreter found (tests/fresh_process.py): the modules the engine and the
    save system import, and the digests of the games it played. Started once per run, whichever
    worker asks first; read-only."""
    from fresh_process import shared_answer

    base = tmp_path_factory.getbasetemp()
    return shared_answer(base if worker_id == "master" else base.parent)


# --------------------------------------------------------------------------- packs and games


@pytest.fixture
def mini_as_base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make the mini test pack the game's base content for one test (the command line plays it)."""
    root = tmp_path / "content"
    root.mkdir()
    (root / "base").symlink_to(MINI)
    monkeypatch.setenv("BORDERLINE_CONTENT", str(root))
    return root


def write_pack(
    folder: Path,
    files: dict[str, str] | None = None,
    *,
    pack_id: str | None = None,
    needs: Iterable[str] = (),
    version: str = "0.1.0",
    extra: str = "",
    manifest: str | None = None,
) -> Path:
    """A pack in ``folder``: its pack.toml, then ``files`` (name, maybe in a subfolder: TOML text).

    The manifest says ``pack_id`` (the folder's name by default), ``version`` and the packs it
    ``needs`` (each an id, or "ID SPEC" for a version range: "base >=0.1"), then ``extra``
    lines (``load_order = 3``); or is ``manifest``, written as given. Files may be written
    into a pack already there: its pack.toml is then rewritten only if ``manifest`` is given.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if manifest is None and (folder / "pack.toml").exists():
        manifest = (folder / "pack.toml").read_text(encoding="utf-8")
    if manifest is None:
        dependencies = ", ".join(
            f'{{ id = "{dep}" }}' if not spec else f'{{ id = "{dep}", version = "{spec[0]}" }}'
            for dep, *spec in (need.split(" ", 1) for need in needs)
        )
        name = pack_id or folder.name
        manifest = f'id = "{name}"\nname = "{name}"\nversion = "{version}"\ndependencies = [{dependencies}]\n'
        manifest += extra + "\n" if extra else ""
    (folder / "pack.toml").write_text(manifest, encoding="utf-8")
    for name, text in (files or {}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def base_mod(folder: Path, files: dict[str, str]) -> Path:
    """A mod of the base game in ``folder`` (its id the folder's name, version 0.1.0), with ``files``
    (name: TOML text) beside its pack.toml."""
    return write_pack(folder, files, needs=["base >=0.1"])


@pytest.fixture
def mods(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty mods folder of the test's own (and its own settings file): a mod dropped in is enabled."""
    folder = tmp_path / "mods"
    folder.mkdir()
    monkeypatch.setenv("BORDERLINE_MODS", str(folder))
    monkeypatch.setenv("BORDERLINE_SETTINGS", str(tmp_path / "settings.toml"))
    return folder


@pytest.fixture(scope="session")
def massacre_seed(mini_world: World) -> int:
    """A seed of the mini pack whose massacre dilemma fires within the first four turns."""
    from game.engine import Game

    for seed in range(200):
        game = Game(mini_world, "test-run", seed=seed, interactive=True)
        for _ in range(4):
            game.resolve_turn()
            if game.pending_dilemmas:
                return seed
    raise AssertionError("no seed of the mini pack fires the massacre within four turns")


@pytest.fixture
def played_game(mini_world: World, massacre_seed: int) -> Callable[..., Game]:
    """Make a fresh game a player might have played: levels changed, the dilemma answered, a level pending.

    ``played_game(turns=8, seed=None, world=None)``: on the mini world unless ``world`` (a
    world with the mini pack's ids) is given; the seed defaults to one that fires the dilemma.
    """
    from game.engine import Game

    def play(turns: int = 8, seed: int | None = None, world: World | None = None) -> Game:
        game = Game(
            world or mini_world,
            "test-run",
            seed=massacre_seed if seed is None else seed,
            status_quo=True,
            interactive=True,
            pins={"quit_rate": 0.17},
        )
        game.set_level("enforcement", 2)
        for turn in range(1, turns + 1):
            if turn == 5:
                game.set_level("treatment", 1)
            game.resolve_turn()
            for dilemma in list(game.pending_dilemmas):
                game.choose(dilemma.event, "crack_down")
        game.set_level("enforcement", 0)
        return game

    return play
