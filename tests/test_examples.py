"""The worked example mod in examples/mods/ (the one docs/MODDING.md walks through) validates,
plays its plans, keeps everything of the base game it does not change, and does what it says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.cli import main
from game.engine import load_world

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "content" / "base"
EXAMPLES = sorted(p for p in (ROOT / "examples" / "mods").iterdir() if (p / "pack.toml").is_file())
METH = ROOT / "examples" / "mods" / "meth_p2p"


def test_there_is_a_worked_example():
    assert METH in EXAMPLES


@pytest.mark.parametrize("pack", EXAMPLES, ids=lambda p: p.name)
def test_each_example_validates_with_its_plans_and_without_warnings(pack, capsys):
    plans = sorted(str(p) for p in (pack / "plans").glob("*.toml"))
    assert main(["validate", str(pack), *plans]) == 0
    out, err = capsys.readouterr()
    assert f"{pack}: ok" in out and err == ""


# prescription_only is played whole, with its status quo, by the test after next
@pytest.mark.parametrize(
    "plan",
    sorted(p for p in (METH / "plans").glob("*.toml") if p.stem != "prescription_only"),
    ids=lambda p: p.stem,
)
def test_each_plan_of_the_example_plays(plan, tmp_path, capsys):
    out = tmp_path / "run.json"
    code = main(["simulate", "--pack", str(METH), "--plan", str(plan), "--turns", "12", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    assert "us_meth_lab_incidents" in json.loads(out.read_text())["indicators"]


def test_the_example_only_adds_to_the_base_game(base_world):
    base = base_world
    modded = load_world([BASE, METH])
    orgs = modded.tables["organizations"].rows
    assert list(orgs) == [*base.tables["organizations"].rows, "los_viagras"]
    assert list(modded.tables["drugs"].rows) == list(base.tables["drugs"].rows)
    before, after = base.scenarios["both-sides"], modded.scenarios["both-sides"]
    assert {k: v for k, v in after.action_levels.items() if k in before.action_levels} == before.action_levels
    assert after.action_levels["us_pse_controls"] == 1 and after.action_levels["mx_precursor_controls"] == 1
    assert [o.indicator for o in after.objectives] == [
        *(o.indicator for o in before.objectives),
        "us_meth_lab_incidents",
    ]
    assert set(base.actions) < set(modded.actions) and set(base.events) < set(modded.events)
    assert modded.content.conflicts == [] and modded.content.warnings == []


def test_prescription_only_empties_home_labs_and_hands_the_market_to_mexico(tmp_path):
    out = tmp_path / "run.json"
    plan = METH / "plans" / "prescription_only.toml"
    args = [
        "simulate",
        "--pack",
        str(METH),
        "--plan",
        str(plan),
        "--runs",
        "20",
        "--status-quo",
        "--no-score",  # what is read here is the indicators: not the score's two games to its horizon
        "--out",
        str(out),
    ]
    assert main(args) == 0
    result = json.loads(out.read_text())
    assert len(result["indicators"]["us_meth_lab_incidents"]["mean"]) == 41, "it plays every turn"
    labs = result["indicators"]["us_meth_lab_incidents"]["mean"][-1]
    labs_sq = result["status_quo"]["us_meth_lab_incidents"]["mean"][-1]
    assert labs < 0.5 * labs_sq
    hard = result["indicators"]["dto_revenue"]["mean"][8]
    hard_sq = result["status_quo"]["dto_revenue"]["mean"][8]
    assert hard > hard_sq  # the displacement: Mexico sells what home labs no longer make
