"""Digests of whole games, bit for bit, to show an engine change keeps every number identical.

``python tests/engine_digests.py`` records the digests of the cases below in
tests/data/engine_digests.json, with the hash of the content they were played on, using the
engine's reference path (the formulas' closures, as the engine computed before it compiled
turns into programs); the test plays them on the compiled program and compares. When the
content changes, record them again (on the reference path, so they stay a reference).

The file holds one set of digests per kind of machine: numpy's exp, log and power give other
last bits on processors with AVX-512 than elsewhere (game/engine/numerics.py), so a set is
recorded under its machine's ``numerics_key()`` and the test compares with the set whose key
is this machine's. Recording on a new kind of machine adds its set beside the others.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
from pathlib import Path
from typing import Any

import numpy as np

from game.engine import Game, World, load_world, run_plan
from game.engine.numerics import numerics_key, same_numerics
from game.engine.stepping import Stepper
from game.saves.packs import pack_records

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "content" / "base"
PLANS = BASE / "plans"
STORED = Path(__file__).parent / "data" / "engine_digests.json"
MINI = Path(__file__).parent / "packs" / "mini"
CASES: list[tuple[str, int, int]] = [
    (plan, seed, runs)
    for plan in ("status_quo", "kleiman_package", "designation_followthrough", "legalize_all", "hope_rushed")
    for seed, runs in ((1, 1), (7, 1), (3, 5), (11, 48))
]


def game_digest(game: Game) -> str:
    """A hash of every recorded series, every value of the last turn and the whole state."""
    h = hashlib.sha256()
    for name in game.recorded:
        h.update(name.encode())
        h.update(np.ascontiguousarray(game.history(name), dtype=np.float64).tobytes())
    rows = game.runs
    for name in sorted(k for k in game.env if isinstance(k, str)):
        value = np.asarray(game.env[name], dtype=np.float64)
        h.update(name.encode())
        h.update(np.ascontiguousarray(np.broadcast_to(value, (rows, *value.shape[1:]))).tobytes())
    h.update(game.state_digest().encode())
    h.update(repr([(e.turn, e.event, e.share) for e in game.events_fired]).encode())
    h.update(repr((game.ended_turn.ravel().tolist(), game.ending_id)).encode())
    return h.hexdigest()


def play_at_once(games: list[Game], turns: int) -> list[BaseException]:
    """Play ``turns`` turns of each game, all at once in threads of their own; what they raised."""
    start = threading.Barrier(len(games))
    errors: list[BaseException] = []

    def play(game: Game) -> None:
        try:
            start.wait()
            for _ in range(turns):
                game.resolve_turn()
        except BaseException as exc:  # noqa: BLE001 (handed back to the test)
            errors.append(exc)

    threads = [threading.Thread(target=play, args=(game,)) for game in games]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def levers_up_digest(world: World, runs: int, seed: int, reference: bool) -> tuple[str, Game]:
    """A game of ``world``'s first scenario played to its end with every lever at its top
    level, on the compiled program or the reference path: its digest, and the game."""
    Stepper.reference = reference
    try:
        game = Game(world, next(iter(world.scenarios)), seed=seed, runs=runs)
        for action in world.actions:
            game.set_level(action, world.actions[action].levels - 1, enforce=False)
        while game.turn < game.turns:
            game.resolve_turn()
    finally:
        Stepper.reference = False
    return game_digest(game), game


def mini_with(folder: Path, formulas: str) -> World:
    """The small test pack (tests/packs/mini) copied into ``folder``, ``formulas`` (TOML) added
    to its world, loaded."""
    pack = folder / "mini"
    shutil.copytree(MINI, pack)
    with (pack / "world.toml").open("a", encoding="utf-8") as world:
        world.write(formulas)
    return load_world([pack])


def compiled_as_reference(world: World, runs: int, seed: int) -> Game:
    """``levers_up_digest``'s game on the compiled program, once its digest is shown to be the
    reference path's."""
    compiled, game = levers_up_digest(world, runs, seed, False)
    assert compiled == levers_up_digest(world, runs, seed, True)[0]
    return game


def instructions(game: Game) -> list[tuple[Any, tuple[Any, ...]]]:
    """Every (function, arguments) of the compiled turn of ``game``'s batch, phase after phase."""
    tape = game._stepper.programs[game.runs]
    return [call for phase in (tape.first, tape.substep, tape.end) for _, calls in phase for call in calls]


def content_hash(world: World) -> str:
    return ";".join(record.hash for record in pack_records(world))


def attribution_digest(game: Game) -> str:
    """The why-screen's split of a few indicators' changes (the engine's mixed-driver path)."""
    parts = []
    headline = sorted(i for i, info in game.world.indicators.items() if info.headline and info.axis is None)
    for turn in (1, 10, 33):
        for indicator in headline[:4]:
            parts += [(turn, c.kind, c.id, c.value) for c in game.attribution(indicator, turn)]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def case_digest(
    world: World, plan: str, seed: int, runs: int, twins: dict[tuple[int, int], str] | None = None
) -> str:
    """The digests of a plan's game and of its status-quo twin (and its attribution, a lone game).

    Every plan of a seed and size has the same twin. With ``twins`` (a dict kept by the caller)
    the first case of a seed and size plays its twin beside its game, as run_plan does, and
    keeps its digest there; later cases of that seed and size play their plan alone.
    """
    shared = twins.get((seed, runs)) if twins is not None else None
    played = run_plan(
        world, "both-sides", PLANS / f"{plan}.toml", runs=runs, seed=seed, status_quo=shared is None
    )
    if shared is None:
        assert played.status_quo is not None
        shared = game_digest(played.status_quo)
        if twins is not None:
            twins[(seed, runs)] = shared
    digest = game_digest(played.game) + ":" + shared
    return digest + (":" + attribution_digest(played.game) if runs == 1 else "")


def digests_here(stored: dict[str, Any]) -> dict[str, str] | None:
    """The recorded set of digests for this machine's numerics, if one was recorded."""
    for recorded in stored["sets"]:
        if same_numerics(recorded["numerics"]):
            return recorded["digests"]  # type: ignore[no-any-return]
    return None


def main() -> None:
    world = load_world([BASE])
    Stepper.reference = True
    digests = {f"{plan}/{seed}/{runs}": case_digest(world, plan, seed, runs) for plan, seed, runs in CASES}
    content = content_hash(world)
    stored = json.loads(STORED.read_text()) if STORED.exists() else {"content": content, "sets": []}
    if stored["content"] != content:
        print(f"content/base changed: dropping {len(stored['sets'])} set(s) recorded on other machines")
        stored = {"content": content, "sets": []}
    others = [s for s in stored["sets"] if not same_numerics(s["numerics"])]
    here = {"numerics": numerics_key(), "recorded_on": machine_described(), "digests": digests}
    STORED.write_text(json.dumps({"content": content, "sets": [*others, here]}, indent=1) + "\n")
    kept = f"{len(others)} other set(s) kept"
    print(f"wrote {len(digests)} digests for {here['numerics']} to {STORED} ({kept})")


def machine_described() -> str:
    """The processor and date, for the person who reads the file."""
    import datetime
    import platform

    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            model = next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{model}, {datetime.date.today().isoformat()}"


if __name__ == "__main__":
    main()
