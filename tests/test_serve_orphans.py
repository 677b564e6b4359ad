"""A served game goes when its server goes.

`borderline serve` runs each tab's game as a process on a pipe. Stopped with a signal, the
server left a game waiting at a student's name card running for ever: one orphan process
per tab (two were found on the lead's machine after two `.ci/run`s).
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from browser_room import room_env
from conftest import BASE

WEB_DRIVER = "textual.drivers.web_driver:WebDriver"  # what textual-serve sets for each game it runs


def test_a_served_game_waiting_for_a_name_exits_when_its_servers_pipe_closes(tmp_path: Path):
    env = room_env(tmp_path) | {"TEXTUAL_DRIVER": WEB_DRIVER}
    game = subprocess.Popen(
        [sys.executable, "-m", "game", "--served", "--class", str(BASE / "classes" / "one_period.toml")],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert game.stdin is not None and game.stdout is not None
    started = threading.Event()

    def read() -> None:  # drain the screen it sends, and see it start
        seen = b""
        for chunk in iter(lambda: game.stdout.read1(65536), b""):  # type: ignore[union-attr]
            if b"__GANGLION__" in seen + chunk:
                started.set()
            seen = chunk[-16:]

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert started.wait(60), "the served game never started"
        game.stdin.close()  # the server is gone
        assert game.wait(timeout=30) == 0
    finally:
        if game.poll() is None:
            game.kill()
            game.wait()
        reader.join(5)
