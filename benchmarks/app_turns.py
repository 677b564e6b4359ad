"""Processor time of the app's busiest path: open a game and end turns by key, headless.

Each sample opens a game on the small test world (tests/packs/mini, seed 3) at 80x24, ends
``--turns`` turns with e (answering what each turn brings up), opens the help, charts and
cartels screens and closes the app, and counts the process's processor time (workers' threads
included). Samples alternate between the footer the game uses (KeysFooter: one widget drawing
its keys as one line, redrawn only when they change) and Textual's stock compact Footer in its
place on every screen (a widget per key, all built again on every focus move and every dialog
opened or closed), so both see the same machine noise; the medians and their ratio are printed.

    python benchmarks/app_turns.py [--rounds 8] [--turns 2]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the tests' driver: the app as tests start it, and end_turn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--turns", type=int, default=2)
    args = parser.parse_args()

    import importlib
    import pkgutil

    from driving import MINI, end_turn, ready, started
    from textual.widgets import Footer

    import game.app.screens
    from game.app.widgets.keys_footer import KeysFooter
    from game.engine import load_world

    world = load_world([MINI])
    screens = [
        importlib.import_module(f"game.app.screens.{module.name}")
        for module in pkgutil.iter_modules(game.app.screens.__path__)
    ]
    screens = [module for module in screens if getattr(module, "KeysFooter", None) is KeysFooter]

    def stock_footer() -> Footer:
        return Footer(compact=True)

    async def session(folder: Path) -> None:
        async with started(world, folder, scenario="test-run", seed=3) as pilot:
            for _ in range(args.turns):
                await end_turn(pilot)
            for key in ("question_mark", "escape", "c", "escape", "m", "escape"):
                await pilot.press(key)
                await ready(pilot)

    samples: dict[str, list[float]] = {"stock Footer": [], "KeysFooter": []}
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(session(Path(folder)))  # warm: imports, the compiled turn, the stylesheet
        for _ in range(args.rounds):
            for name in samples:
                footer = stock_footer if name == "stock Footer" else KeysFooter
                for module in screens:
                    module.KeysFooter = footer  # type: ignore[attr-defined]
                start = time.process_time()
                asyncio.run(session(Path(folder)))
                samples[name].append(time.process_time() - start)
    for module in screens:
        module.KeysFooter = KeysFooter  # type: ignore[attr-defined]
    medians = {name: statistics.median(xs) for name, xs in samples.items()}
    for name, median in medians.items():
        least = min(samples[name])
        print(f"{name:13} median {median * 1000:7.0f} ms of processor time (min {least * 1000:.0f})")
    print(f"ratio KeysFooter / stock Footer: {medians['KeysFooter'] / medians['stock Footer']:.2f}")


if __name__ == "__main__":
    main()
