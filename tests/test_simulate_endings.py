"""`simulate` says how runs ended and what the plan did that a player would have been refused.

A playtester's "get tough" plan scored -7 in runs graded catastrophic and the JSON did not
say why (an ending caps the grade whatever the score); a plan with refused steps printed
nothing on standard error.
"""

from __future__ import annotations

import json
from pathlib import Path

from game.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_the_json_gives_each_ending_its_share_and_turn_and_refused_steps_warn(tmp_path, capsys):
    plan = tmp_path / "plan.toml"
    plan.write_text(
        'scenario = "one-period"\n'
        + "".join(
            f'[[step]]\nturn = 1\naction = "{aid}"\nlevel = {level}\n'
            for aid, level in [("legalize_all_drugs", 1), ("us_target_designated_suppliers", 1)]
        )
    )
    assert main(["simulate", "--plan", str(plan), "--runs", "4", "--seed", "1"]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert "us_election_lost" in data["endings"]  # legalizing everything at once costs the election
    for ending in data["endings"].values():
        assert ending["title"] and 0 < ending["share"] <= 1 and 1 <= ending["median_turn"] <= 10
    ended = sum(e["share"] for e in data["endings"].values())
    assert ended <= 1 + 1e-9
    assert "warning: turn 1: us_target_designated_suppliers -> 1: Mexico has not announced" in err
    assert data["warnings"] and all(f"warning: {w}" in err for w in data["warnings"])


def test_a_plan_a_player_could_play_has_an_empty_warnings_list(tmp_path, capsys):
    """README lists `warnings` among the JSON's keys: it is there, empty, when nothing was refused
    (a playtester's script found no key at all)."""
    plan = tmp_path / "plan.toml"
    plan.write_text('scenario = "one-period"\n')
    assert main(["simulate", "--plan", str(plan), "--turns", "2", "--seed", "1"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["warnings"] == [] and "warning:" not in err


def test_a_saved_plan_that_met_an_ending_says_where_when_it_played_on(tmp_path, capsys):
    """A plan's game plays on past its ending (a player's stops there): `replay` and the exported
    debrief said "40 of 40 quarters played" and "Ending: Voted out" with nothing to reconcile them
    (a playtester's legalize-everything plan, seed 7, was voted out in 2016)."""
    plan = ROOT / "content" / "base" / "plans" / "legalize_all.toml"
    save = tmp_path / "legal.json"
    assert main(["simulate", "--plan", str(plan), "--seed", "7", "--save", str(save)]) == 0
    data = json.loads(capsys.readouterr().out)
    ended = data["endings"]["us_election_lost"]["median_turn"]
    assert ended < 40  # the game this test is about: voted out before its last quarter
    assert main(["replay", str(save)]) == 0
    said = capsys.readouterr().out
    assert f"it met the ending 'Voted out in Washington' in quarter {ended:g} (" in said
    assert "the plan played on to quarter 40" in said
    assert main(["export", str(save), "--out", str(tmp_path / "out"), "--format", "md"]) == 0
    text = next((tmp_path / "out").glob("*.md")).read_text(encoding="utf-8")
    assert f"- Ending: Voted out in Washington in quarter {ended:g} (" in text


def test_simulate_plays_at_a_difficulty_named_as_the_game_names_it(tmp_path, capsys):
    """A teacher reproducing a Learning game headless: simulate had no --difficulty (a playtester)."""
    argv = ["simulate", "--turns", "2", "--seed", "3", "--no-score"]
    assert main([*argv, "--difficulty", "learning", "--save", str(tmp_path / "easy.json")]) == 0
    learning = json.loads(capsys.readouterr().out)
    assert main(argv) == 0
    standard = json.loads(capsys.readouterr().out)
    assert learning["difficulty"] == "easy" and standard["difficulty"] == "standard"
    # by the name a student read on the screen as well (a playtester saw "easy" for "learning")
    assert learning["difficulty_name"] == "Learning" and standard["difficulty_name"] == "Standard"
    # Learning's uncertain numbers sit at their best estimates; Standard's are drawn
    assert learning["indicators"] != standard["indicators"]
    assert json.loads((tmp_path / "easy.json").read_text(encoding="utf-8"))["difficulty"] == "easy"
    assert main([*argv, "--difficulty", "nightmare"]) == 1
    assert (
        "unknown difficulty 'nightmare'; choose one of: easy (Learning), standard, hard"
        in capsys.readouterr().err
    )
