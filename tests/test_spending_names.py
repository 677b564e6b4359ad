"""The two spending totals a simulation's JSON holds read apart: total_program_cost (with prisons)
and total_programme_spending (what the debrief scores) carry their names, and only the scored one
is described as scored (a playtester read them as one number under two names)."""

from __future__ import annotations

import json

import pytest

from game.cli import main
from game.engine import World


def test_the_spending_totals_in_the_json_say_which_is_which(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--scenario", "both-sides", "--turns", "1", "--format", "json"]) == 0
    indicators = json.loads(capsys.readouterr().out)["indicators"]
    with_prisons, scored = indicators["total_program_cost"], indicators["total_programme_spending"]
    assert with_prisons["name"] == "Drug-policy spending with prisons, both sides"
    assert scored["name"] == "Programme spending, both sides"
    assert with_prisons["mean"][0] > scored["mean"][0]  # the prisons


def test_only_what_the_debrief_scores_says_it_is_scored(base_world: World) -> None:
    scored = {o.indicator for scenario in base_world.scenarios.values() for o in scenario.objectives}
    assert "total_programme_spending" in scored and "total_program_cost" not in scored
    described = base_world.item("total_program_cost").description  # it said "the money the debrief scores"
    assert described.startswith("US programmes and drug-related imprisonment")
    assert "Not what the debrief scores" in described
