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

AUTOSAVER = """
import sys, time
from pathlib import Path
from game.engine import Game, load_world
from game.saves import autosave

folder, go, count = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
game = Game(load_world([{mini!r}]), "test-run", seed=1, interactive=True)
print("ready", flush=True)
while not go.exists():
    time.sleep(0.005)
for _ in range(count):
    print(autosave(game, folder).name, flush=True)
"""


@pytest.fixture(scope="module")
def world():
    return load_world([MINI])


def test_four_games_autosaving_at_once_never_fail_and_never_share_a_number(tmp_path: Path) -> None:
    go, count = tmp_path / "go", 25
    children = [
        subprocess.Popen(
            [sys.executable, "-c", AUTOSAVER.format(mini=str(MINI)), str(tmp_path), str(go), str(count)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    for child in children:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    go.touch()  # all four start autosaving at the same moment
    names = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        names += out.split()
    numbers = sorted(int(AUTOSAVE_PATTERN.match(n).group(1)) for n in names)  # type: ignore[union-attr]
    assert numbers == list(range(1, 4 * count + 1))
    kept = sorted(p.name for p in (tmp_path / "autosaves").glob("autosave-*.json"))
    assert len(kept) == KEEP_AUTOSAVES and kept[-1].startswith(f"autosave-{4 * count:06d}")


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
