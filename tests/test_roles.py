"""Content tells the screens what its items are: table roles, short names, the word for a turn."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import MINI

from game.content.errors import ContentErrors
from game.engine import Game, load_world


def mini_with(tmp_path: Path, old: str, new: str) -> Path:
    pack = tmp_path / "mini"
    shutil.copytree(MINI, pack)
    text = (pack / "world.toml").read_text()
    assert old in text
    (pack / "world.toml").write_text(text.replace(old, new))
    return pack


def test_the_base_world_names_its_organizations_drugs_and_sides(base_world):
    world = base_world
    assert world.table_with_role("organizations") == "organizations"
    assert world.table_with_role("drugs") == "drugs"
    assert world.table_with_role("nothing") is None
    assert [s.short_name for s in world.sides.values()] == ["US", "MX"]
    assert world.scenarios["both-sides"].turn_name == "quarter"


def test_a_table_of_organizations_with_another_id_is_found_by_its_role(tmp_path):
    pack = tmp_path / "mini"
    shutil.copytree(MINI, pack)
    text = (pack / "world.toml").read_text().replace('"org"', '"groups"').replace("table.org", "table.groups")
    (pack / "world.toml").write_text(text)
    world = load_world([pack])
    assert world.table_with_role("organizations") == "groups"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('rank_by = "share"', 'rank_by = "shares"', "rank_by must name a stock or variable over table 'org'"),
        ('actions = ["designation"]', 'actions = ["designations"]', "unknown action 'designations'"),
        ('actions = ["designation"]', 'actions = ["designation"]\nstatus = ["share"]', "status 'share'"),
        ('actions = ["designation"]', 'actions = ["designation"]\ncolumns = ["heavy_users"]', "column"),
        ('role = "organizations"', 'role = "villains"', "role: must be 'organizations' or 'drugs'"),
    ],
)
def test_what_a_table_tells_the_screens_is_checked_at_its_line(tmp_path, old, new, message):
    with pytest.raises(ContentErrors) as caught:
        load_world([mini_with(tmp_path, old, new)])
    assert message in str(caught.value) and "world.toml:" in str(caught.value)


def test_two_tables_cannot_share_a_role(tmp_path):
    pack = mini_with(tmp_path, "[table.drug]\n", '[table.drug]\nrole = "organizations"\n')
    with pytest.raises(ContentErrors, match="already has role 'organizations'"):
        load_world([pack])


@pytest.mark.parametrize(("months", "word"), [(1, "month"), (3, "quarter"), (12, "year"), (2, "turn")])
def test_a_scenario_calls_its_turns_by_their_length_unless_it_says(tmp_path, months, word):
    from game.app.widgets.news_feed import news_text

    pack = mini_with(tmp_path, "turns = 12\n", f"turns = 12\nmonths_per_turn = {months}\n")
    game = Game(load_world([pack]), "test-run")
    assert game.scenario.turn_name == word
    assert f"press e to end the {word}." in str(news_text(game))
    named = mini_with(tmp_path / "named", "turns = 12\n", 'turns = 12\nturn_word = "season"\n')
    assert Game(load_world([named]), "test-run").scenario.turn_name == "season"
