"""Processor time of the app's busiest path: open a game and end turns by key, headless.

Each sample opens a game on the small test world (tests/packs/mini, seed 3) at 80x24, ends
``--turns`` turns with e (answering what each turn brings up) and closes the app, and counts
the process's processor time (workers' threads included). Samples alternate between the
footer the game uses (KeysFooter: rebuilds its keys only when they change) and Textual's
stock Footer behaviour (rebuilt on every focus move and every dialog opened or closed), so
both see the same machine noise; the medians and their ratio are printed.

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

    from driving import MINI, end_turn, started
    from textual.widgets import Footer

    from game.app.widgets.keys_footer import KeysFooter
    from game.engine import load_world

    world = load_world([MINI])
    ours = KeysFooter.bindings_changed

    async def session(folder: Path) -> None:
        async with started(world, folder, scenario="test-run", seed=3) as pilot:
            for _ in range(args.turns):
                await end_turn(pilot)

    samples: dict[str, list[float]] = {"stock Footer": [], "KeysFooter": []}
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(session(Path(folder)))  # warm: imports, the compiled turn, the stylesheet
        for _ in range(args.rounds):
            for name in samples:
                stock = name == "stock Footer"
                KeysFooter.bindings_changed = Footer.bindings_changed if stock else ours  # type: ignore[method-assign]
                start = time.process_time()
                asyncio.run(session(Path(folder)))
                samples[name].append(time.process_time() - start)
    KeysFooter.bindings_changed = ours  # type: ignore[method-assign]
    medians = {name: statistics.median(xs) for name, xs in samples.items()}
    for name, median in medians.items():
        least = min(samples[name])
        print(f"{name:13} median {median * 1000:7.0f} ms of processor time (min {least * 1000:.0f})")
    print(f"ratio KeysFooter / stock Footer: {medians['KeysFooter'] / medians['stock Footer']:.2f}")


if __name__ == "__main__":
    main()
