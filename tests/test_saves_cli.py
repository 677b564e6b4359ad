"""The save verbs of the command line: simulate --save, replay and load, with clean errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from game.cli import main
from game.engine import Game, load_world
from game.saves import save_game

MINI = Path(__file__).parent / "packs" / "mini"


@pytest.fixture(scope="module")
def world():
    return load_world([MINI])


def played(world, turns: int) -> Game:
    game = Game(world, "test-run", seed=2, interactive=True, status_quo=True)
    game.set_level("enforcement", 2)
    for _ in range(turns):
        game.resolve_turn()
        for dilemma in list(game.pending_dilemmas):
            game.choose(dilemma.event, "deny")
    return game


@pytest.fixture
def mini_as_base(tmp_path, monkeypatch):
    root = tmp_path / "content"
    root.mkdir()
    (root / "base").symlink_to(MINI)
    monkeypatch.setenv("BORDERLINE_CONTENT", str(root))
    return root


def test_simulate_save_then_replay_matches_exactly(mini_as_base, tmp_path, capsys):
    plan = tmp_path / "plan.toml"
    plan.write_text(
        '[[step]]\nturn = 1\naction = "enforcement"\nlevel = 2\n'
        '[[choice]]\nturn = 3\nevent = "massacre"\nchoice = "crack_down"\n'
    )
    save = tmp_path / "out" / "run.json"
    args = ["simulate", "--scenario", "test-run", "--seed", "7", "--plan", str(plan), "--save", str(save)]
    assert main([*args, "--out", str(tmp_path / "out.json")]) == 0
    assert "saved the game at turn 12 (2014Q4)" in capsys.readouterr().err
    assert main(["replay", str(save)]) == 0
    out = capsys.readouterr().out
    assert "12 of 12 quarters played (to 2014Q4)" in out and "matches the saved state exactly" in out
    assert "heavy_users" in out and "violence" in out


def test_replay_exits_non_zero_when_the_state_does_not_match(mini_as_base, tmp_path, capsys):
    save = tmp_path / "run.json"
    assert main(["simulate", "--scenario", "test-run", "--save", str(save), "--out", os.devnull]) == 0
    doc = json.loads(save.read_text())
    doc["state"]["stocks"]["violence"] += 1.0
    save.write_text(json.dumps(doc))
    capsys.readouterr()
    assert main(["replay", str(save)]) == 1
    err = capsys.readouterr().err
    assert "state.stocks.violence" in err and "--allow-mismatch" in err and "Traceback" not in err
    assert main(["replay", "--allow-mismatch", str(save)]) == 1
    assert "differs from the saved state in 1 value:" in capsys.readouterr().err


def test_save_needs_a_single_run_and_bad_files_exit_cleanly(mini_as_base, tmp_path, capsys):
    save = tmp_path / "run.json"
    assert main(["simulate", "--scenario", "test-run", "--runs", "3", "--save", str(save)]) == 1
    assert "--save needs a single game" in capsys.readouterr().err and not save.exists()
    (tmp_path / "junk.json").write_bytes(os.urandom(64))
    for verb in ("replay", "load"):
        assert main([verb, str(tmp_path / "junk.json")]) == 1
        err = capsys.readouterr().err
        assert err.startswith("borderline: error: ") and "junk.json" in err and "Traceback" not in err
        assert main([verb, str(tmp_path / "nowhere.json")]) == 1
        assert "no such save" in capsys.readouterr().err


def test_replay_finds_a_save_by_name_in_the_saves_folder(world, mini_as_base, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BORDERLINE_SAVES", str(tmp_path / "saves"))
    monkeypatch.chdir(tmp_path)
    save_game(played(world, 3), "Tuesday class")
    assert main(["replay", "Tuesday class"]) == 0
    assert "matches the saved state exactly" in capsys.readouterr().out


def test_load_hands_the_checked_save_to_the_game_screens(world, mini_as_base, tmp_path, monkeypatch):
    import game.cli

    opened = {}

    def run_app(packs=None, *, scenario=None, seed=None, loaded=None) -> int:
        opened.update(packs=packs, loaded=loaded)
        return 0

    monkeypatch.setattr(game.cli, "run_app", run_app)  # the name the verb calls
    path = save_game(played(world, 4), "to open", folder=tmp_path)
    assert main(["load", str(path)]) == 0
    assert opened["loaded"].game.turn == 4 and opened["loaded"].path == path and opened["packs"] is None
