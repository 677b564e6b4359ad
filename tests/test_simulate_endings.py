"""`simulate` says how runs ended and what the plan did that a player would have been refused.

A playtester's "get tough" plan scored -7 in runs graded catastrophic and the JSON did not
say why (an ending caps the grade whatever the score); a plan with refused steps printed
nothing on standard error.
"""

from __future__ import annotations

import json

from game.cli import main


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
