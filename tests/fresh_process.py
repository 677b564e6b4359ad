"""One new interpreter for the suite's checks that need a process nothing has run in yet.

Four tests are about a new interpreter: the engine (with the command line, the loader and the
formula language) imports no Textual, the save system imports no user interface, and a game
played in a new process gives the numbers played here, to the bit, for the mini pack and for
calibration fact 14's base-world game. Each started an interpreter of its own, and about 0.7 s
of each one's processor time was the same imports of numpy, pydantic and the game. Now one
interpreter, started the first time a test asks (once per run: the xdist workers share its
answer through a file under a lock), does all four in this order:

1. imports ``game.saves`` and lists the user-interface modules loaded by then (nothing else has
   been imported yet, so this is ``test_the_save_system_never_imports_the_user_interface``'s
   old process);
2. imports what ``test_the_engine_never_imports_textual`` names (the engine, the command line,
   which imports the light ``game.app`` package for ``run_app``, the loader and the formula
   language) and lists the Textual modules loaded by then: if the save system had brought
   Textual in, the engine's test fails too, and says so (its answer keeps where it came from);
3. plays each game of ``GAMES`` and gives a digest of its histories' bytes.

Run as a script (``python tests/fresh_process.py``), it prints its answer as JSON.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from game.engine import Game

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "content" / "base"
MINI = Path(__file__).resolve().parent / "packs" / "mini"

# what test_the_engine_never_imports_textual imports: the engine and what sits above it headless
ENGINE_SIDE = ("game.engine", "game.cli", "game.content.loader", "game.formula")
USER_INTERFACE = ("textual", "game.app")


@dataclass(frozen=True)
class FreshGame:
    """A game the new interpreter plays: packs, scenario, plan file (or the status quo), runs,
    seed, and the indicators whose histories it digests (every indicator of the world if none)."""

    packs: tuple[str, ...]
    scenario: str
    plan: str | None
    runs: int
    seed: int
    indicators: tuple[str, ...] = ()

    def digest(self, game: Game) -> str:
        """The sha256 of the histories' bytes, in indicator order (sorted when all of them)."""
        names = self.indicators or tuple(sorted(game.world.indicators))
        return hashlib.sha256(b"".join(game.history(name).tobytes() for name in names)).hexdigest()

    def play(self) -> Game:
        """The game as ``run_plan`` plays it, without a status-quo twin."""
        from game.engine import load_world, run_plan

        world = load_world([Path(p) for p in self.packs])
        plan = Path(self.plan) if self.plan else None
        return run_plan(world, self.scenario, plan, runs=self.runs, seed=self.seed, status_quo=False).game


GAMES = {
    # test_engine.test_same_numbers_in_a_new_process
    "mini": FreshGame((str(MINI),), "test-run", None, runs=20, seed=5, indicators=("violence",)),
    # test_calibration.test_fact_14_identical_in_a_new_process (fact 7's game: its runs and seed)
    "fact 14": FreshGame(
        (str(BASE),), "both-sides", str(BASE / "plans" / "designation_followthrough.toml"), runs=50, seed=7
    ),
}


def _loaded(prefixes: Sequence[str]) -> list[str]:
    return sorted(m for m in sys.modules if m in prefixes or m.startswith(tuple(p + "." for p in prefixes)))


def answer() -> dict[str, Any]:
    """What the checks read, worked out in this (new) interpreter, in the order above."""
    import importlib

    importlib.import_module("game.saves")
    saves_ui = _loaded(USER_INTERFACE)
    for name in ENGINE_SIDE:
        importlib.import_module(name)
    from game.engine import load_world  # noqa: F401  # as the engine's test always imported it

    engine_textual = _loaded(("textual",))
    return {
        "engine_textual": engine_textual,
        "saves_ui": saves_ui,
        "digests": {name: game.digest(game.play()) for name, game in GAMES.items()},
    }


def shared_answer(folder: Path) -> dict[str, Any]:
    """The new interpreter's answer, worked out once for all the run's workers: the first to ask
    starts it and leaves the answer in ``folder`` (the run's temporary folder, which every xdist
    worker shares); the others wait on the lock and read it."""
    kept = folder / "fresh_process.json"
    with open(folder / "fresh_process.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not kept.exists():
            out = subprocess.run(
                [sys.executable, str(Path(__file__).resolve())], capture_output=True, text=True, cwd=ROOT
            )
            if out.returncode != 0:
                raise RuntimeError(f"the new interpreter failed:\n{out.stderr}")
            kept.write_text(out.stdout)
    result: dict[str, Any] = json.loads(kept.read_text())
    return result


if __name__ == "__main__":
    print(json.dumps(answer()))
