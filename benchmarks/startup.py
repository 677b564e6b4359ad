"""Start-up: time from launch to the first screen ready, against a minimal Textual app.

Each sample is a fresh interpreter (what a player waits for after typing ``borderline``):
the parent notes the wall clock, starts the child, and the child reports the clock on
Textual's Ready event: "the DOM is ready and the first frame has been displayed" (headless,
80x24). The
borderline child goes through the same imports as the console script (``game.cli``) and
shows the real title screen; the baseline shows one Static. Samples alternate so both see
the same machine noise; the medians and their ratio are printed (goal: within 1.2x).

    python benchmarks/startup.py [--rounds 10] [--imports] [--memory] [--from-source]

``--imports`` also lists the slowest imports of the borderline child (python -X importtime).
``--memory`` also reports the peak memory (resident set) of a game at its main screen (the
base world loaded, a new game started) against the minimal app at its first screen.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD_COMMON = """
import os, sys, time
T0 = float(sys.argv[1])

def first_screen_ready(self):
    print(time.time() - T0, flush=True)
    os._exit(0)
"""

MINIMAL = (
    CHILD_COMMON
    + """
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    on_ready = first_screen_ready

    def compose(self):
        yield Static("Hello")

Minimal().run(headless=True, size=(80, 24))
"""
)

BORDERLINE = (
    CHILD_COMMON
    + """
import game.cli
from game.app.app import BorderlineApp

class Timed(BorderlineApp):
    on_ready = first_screen_ready  # runs before BorderlineApp.on_ready starts loading the world

Timed(game.cli.default_packs()).run(headless=True, size=(80, 24))
"""
)


MEMORY_COMMON = """
import os, resource, sys

def report_memory():
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, flush=True)
    os._exit(0)
"""

MINIMAL_MEMORY = (
    MEMORY_COMMON
    + """
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    def on_ready(self):
        report_memory()

    def compose(self):
        yield Static("Hello")

Minimal().run(headless=True, size=(80, 24))
"""
)

MAIN_SCREEN_MEMORY = (
    MEMORY_COMMON
    + """
import game.cli
from game.app.app import BorderlineApp
from game.app.screens.main import MainScreen

class Measured(BorderlineApp):
    def on_ready(self):
        super().on_ready()
        self.set_interval(0.05, self.check)

    def check(self):
        if isinstance(self.screen, MainScreen) and not [w for w in self.workers if w.is_running]:
            report_memory()

Measured(game.cli.default_packs(), scenario="both-sides", seed=1).run(headless=True, size=(80, 24))
"""
)


def sample(code: str, *flags: str) -> tuple[float, str]:
    start = time.time()
    done = subprocess.run(
        [sys.executable, *flags, "-c", code, repr(start)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "TEXTUAL_ANIMATIONS": "none"},
        timeout=120,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise SystemExit(f"the child failed:\n{done.stderr}")
    return float(lines[-1]), done.stderr


def slowest_imports(stderr: str, top: int = 15) -> list[tuple[int, str]]:
    rows = []
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = line[len("import time:") :].split("|")
            if cumulative.strip().isdigit():
                rows.append((int(cumulative), name.rstrip()))
    top_level = [(us, name) for us, name in rows if not name.startswith("   ")]
    return sorted(top_level, reverse=True)[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10, help="samples of each app (default 10)")
    parser.add_argument("--imports", action="store_true", help="list the slowest imports too")
    parser.add_argument("--memory", action="store_true", help="peak memory at the main screen too")
    parser.add_argument(
        "--from-source", action="store_true", help="do not byte-compile the game's modules first"
    )
    args = parser.parse_args()
    if not args.from_source:
        # as installed (pip byte-compiles a package) and as Textual's own modules come: without
        # it, where PYTHONDONTWRITEBYTECODE is set, every sample compiles the game's source again
        compileall.compile_dir(ROOT / "game", quiet=1)
        print(f"the game's modules byte-compiled, as an install has them (PYTHONDONTWRITEBYTECODE="
              f"{os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r} here; --from-source measures without)")
    sample(MINIMAL)  # warm the file cache before measuring
    sample(BORDERLINE)
    minimal, borderline = [], []
    for _ in range(args.rounds):
        minimal.append(sample(MINIMAL)[0])
        borderline.append(sample(BORDERLINE)[0])
    m, b = statistics.median(minimal), statistics.median(borderline)
    print(f"minimal Textual app, first screen: median {m * 1000:.0f} ms ({args.rounds} runs)")
    print(f"borderline title screen:           median {b * 1000:.0f} ms ({args.rounds} runs)")
    print(f"ratio: {b / m:.2f}x (goal: within 1.2x)")
    if args.memory:
        bare = statistics.median(sample(MINIMAL_MEMORY)[0] for _ in range(3))
        main_screen = statistics.median(sample(MAIN_SCREEN_MEMORY)[0] for _ in range(3))
        print(f"peak memory, minimal Textual app:  {bare:6.0f} MB")
        print(f"peak memory, game at main screen:  {main_screen:6.0f} MB ({main_screen / bare:.2f}x)")
    if args.imports:
        _, stderr = sample(BORDERLINE, "-X", "importtime")
        print("slowest top-level imports of borderline (cumulative):")
        for us, name in slowest_imports(stderr):
            print(f"  {us / 1000:7.1f} ms  {name.strip()}")


if __name__ == "__main__":
    main()
