"""Saves under stress: games autosaving at once, leftovers of killed saves, linked folders, FIFOs."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from game.engine import Game, load_world
from game.saves import SaveError, autosave, list_saves, load_save, save_game
from game.saves.files import AUTOSAVE_PATTERN, KEEP_AUTOSAVES, ORPHAN_SECONDS, prune_autosaves

MINI = Path(__file__).parent / "packs" / "mini"
posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs and links: POSIX here")

# Processes autosaving into one folder at once, forked from one that has imported the game and
# made the game (a fresh interpreter, no threads: safe to fork), so the import is paid once, not
# once a process; where there is no fork, each is an interpreter of its own running this file.
# Each opens the folder's lock itself, after it starts, as a game does.
AUTOSAVERS = """
import os, subprocess, sys, time, traceback
from pathlib import Path
from game.engine import Game, load_world
from game.saves import autosave

folder, go, count, players = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
game = Game(load_world([{mini!r}]), "test-run", seed=1, interactive=True)


def line(text):  # one write of a whole line: the processes share one pipe, and lines never mix
    os.write(1, (text + "\\n").encode())


def autosaving():
    line("ready")
    while not go.exists():
        time.sleep(0.005)
    for _ in range(count):
        line(autosave(game, folder).name)


if players == 0:  # one of the processes, started on its own
    autosaving()
    sys.exit(0)
if hasattr(os, "fork"):
    children = []
    for _ in range(players):
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                autosaving()
            except BaseException:
                traceback.print_exc()
                code = 1
            sys.stderr.flush()
            os._exit(code)
        children.append(pid)
    failed = [pid for pid in children if os.waitpid(pid, 0)[1] != 0]
else:
    started = [subprocess.Popen([sys.executable, __file__, *sys.argv[1:4], "0"]) for _ in range(players)]
    failed = [child for child in started if child.wait() != 0]
sys.exit(f"{{len(failed)}} of {{players}} autosaving processes failed" if failed else 0)
"""


@pytest.fixture(scope="module")
def world():
    return load_world([MINI])


def test_four_games_autosaving_at_once_never_fail_and_never_share_a_number(tmp_path: Path) -> None:
    go, count, players = tmp_path / "go", 25, 4
    script = tmp_path / "autosavers.py"
    script.write_text(AUTOSAVERS.format(mini=str(MINI)), encoding="utf-8")
    parent = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path), str(go), str(count), str(players)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    assert [parent.stdout.readline().strip() for _ in range(players)] == ["ready"] * players
    go.touch()  # all four start autosaving at the same moment
    out, err = parent.communicate(timeout=120)
    assert parent.returncode == 0, err
    names = out.split()
    numbers = sorted(int(AUTOSAVE_PATTERN.match(n).group(1)) for n in names)  # type: ignore[union-attr]
    assert numbers == list(range(1, players * count + 1))
    kept = sorted(p.name for p in (tmp_path / "autosaves").glob("autosave-*.json"))
    assert len(kept) == KEEP_AUTOSAVES and kept[-1].startswith(f"autosave-{players * count:06d}")


def test_a_temp_file_left_by_a_killed_save_is_swept_on_the_next_save(world, tmp_path: Path) -> None:
    game = Game(world, "test-run", seed=1)
    old = tmp_path / ".victim.json.0123456789ab.tmp"
    fresh = tmp_path / ".other.json.ba9876543210.tmp"  # another game may be writing this one now
    mine = tmp_path / ".notes.tmp"  # not one of ours
    for leftover in (old, fresh, mine):
        leftover.write_text("half a save")
    past = time.time() - ORPHAN_SECONDS - 5
    os.utime(old, (past, past))
    os.utime(mine, (past, past))
    save_game(game, "next one", folder=tmp_path)
    assert not old.exists() and fresh.exists() and mine.exists()


@posix_only
def test_pruning_never_follows_a_linked_autosaves_folder(world, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    precious = [elsewhere / f"autosave-{i:06d}-turn01.json" for i in range(1, 10)]
    for path in precious:
        path.write_text("somebody else's file")
    saves = tmp_path / "saves"
    saves.mkdir()
    (saves / "autosaves").symlink_to(elsewhere)
    prune_autosaves(saves)
    autosave(Game(world, "test-run", seed=1), saves)
    assert all(p.exists() for p in precious)


@posix_only
def test_a_fifo_among_the_saves_is_never_listed_nor_waited_on(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "trap.json")
    assert list_saves(tmp_path) == []
    with pytest.raises(SaveError, match="named pipe"):
        load_save(tmp_path / "trap.json")
