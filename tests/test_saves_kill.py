"""A process killed while saving never damages the save it was replacing.

A child process saves two different games over the same name in a loop and is killed
with SIGKILL: at random moments, and exactly while a new save is written but not yet in
place (its fsync made slow). Each time the file on disk is a whole save that loads.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from game.engine import load_world
from game.saves import list_saves, load_save

MINI = Path(__file__).parent / "packs" / "mini"

CHILD = """
import os, sys, time
from game.engine import Game, load_world
from game.saves import save_game

folder, slow = sys.argv[1], sys.argv[2] == "slow"
world = load_world([{mini!r}])
games = []
for turns in (3, 6):
    game = Game(world, "test-run", seed=1, interactive=True)
    for _ in range(turns):
        game.resolve_turn()
        for dilemma in list(game.pending_dilemmas):
            game.choose(dilemma.event, "deny")
    games.append(game)
save_game(games[0], "victim", folder=folder, overwrite=True)
if slow:
    real_fsync = os.fsync
    def fsync(fd):
        print("fsync", flush=True)
        time.sleep(0.5)
        real_fsync(fd)
    os.fsync = fsync

def save_forever():
    i = 1
    while True:
        save_game(games[i % 2], "victim", folder=folder, overwrite=True)
        i += 1

if sys.argv[2] != "forks":
    print("ready", flush=True)
    save_forever()
# forks: each line read starts a saver forked from this prepared process (a real process with
# the games in memory, killed by the test), reaped here and its end printed
for _ in sys.stdin:
    pid = os.fork()
    if pid == 0:
        print("ready", os.getpid(), flush=True)
        save_forever()
    _, status = os.waitpid(pid, 0)
    print("ended", os.waitstatus_to_exitcode(status), flush=True)
"""

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")


def start(folder: Path, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD.format(mini=str(MINI)), str(folder), mode],
        stdin=subprocess.PIPE if mode == "forks" else None,
        stdout=subprocess.PIPE,
        text=True,
    )


def wait_for(child: subprocess.Popen[str], word: str) -> list[str]:
    """Read the child's lines until one starting with ``word``; the words after it."""
    assert child.stdout is not None
    for line in child.stdout:
        if line.split()[:1] == [word]:
            return line.split()[1:]
    raise AssertionError(f"the child ended before printing {word!r} (exit {child.wait()})")


def kill(child: subprocess.Popen[str]) -> None:
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL


def check_intact(folder: Path, world) -> int:
    victim = folder / "victim.json"
    loaded = load_save(victim, world)
    assert loaded.differences == []
    infos = list_saves(folder)
    assert [i.path.name for i in infos] == ["victim.json"] and infos[0].error is None
    return loaded.game.turn


def test_a_kill_while_the_new_save_is_being_written_leaves_the_old_one(tmp_path):
    world = load_world([MINI])
    child = start(tmp_path, "slow")
    wait_for(child, "ready")
    wait_for(child, "fsync")  # the turn-6 save is written to its temp file, not yet renamed
    kill(child)
    assert check_intact(tmp_path, world) == 3
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "victim.json"]
    assert all(name.startswith(".victim.json.") and name.endswith(".tmp") for name in leftovers)


def test_kills_at_random_moments_never_leave_a_damaged_save(tmp_path):
    world = load_world([MINI])
    rng = random.Random(20240611)
    turns_seen = set()
    # one child prepares the two games (a Python start, the world and 9 turns: most of the cost);
    # each round forks a saver from it, and that process is the one killed, at a random moment
    parent = start(tmp_path, "forks")
    assert parent.stdin is not None
    try:
        for _ in range(4):
            parent.stdin.write("go\n")
            parent.stdin.flush()
            (pid,) = wait_for(parent, "ready")
            time.sleep(rng.uniform(0.0, 0.15))
            os.kill(int(pid), signal.SIGKILL)
            assert wait_for(parent, "ended") == [str(-signal.SIGKILL)], "the saver died of the kill"
            turns_seen.add(check_intact(tmp_path, world))
    finally:
        parent.stdin.close()
        parent.wait(timeout=10)
    assert turns_seen <= {3, 6}
