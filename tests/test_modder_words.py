"""A modder's mistakes are told in words that point at the fix (playtest findings)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import base_mod

from game.content.errors import ContentErrors
from game.content.loader import load_content
from game.engine.bounds import Breach, describe_flows


def test_a_stock_driven_out_of_range_lists_what_each_flow_added():
    env = {"growth": np.array([-15.43]), "deaths": np.array([2.0])}
    breach = Breach("users", 0, None, -1.0, 0.0, "minimum")
    said = describe_flows(env, ["growth"], ["deaths"], breach, (1,))
    assert said == "growth -15.43, deaths -2"  # an inflow that shrank it, an outflow: never "+-15.43"


def test_a_version_that_is_not_one_says_how_to_write_it(tmp_path):
    pack = tmp_path / "mine"
    pack.mkdir()
    (pack / "pack.toml").write_text('id = "mine"\nname = "Mine"\nversion = "one"\n', encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_content([pack], "0.1.0")
    [error] = caught.value.errors
    assert (error.line, error.column) == (3, 11)
    assert "'one' is not a version: write numbers with dots, like 0.1.0 or 1.2" in error.message


def test_a_patch_that_changes_a_number_without_its_own_source_is_warned(tmp_path):
    from game.locations import base_pack

    pack = base_mod(tmp_path / "tweak", {"a.toml": "[patch.parameter.hope_efficacy]\nvalue = 0.55\n"})
    content = load_content([base_pack(), pack], "0.1.0")
    [warning] = [w for w in content.warnings if "hope_efficacy" in str(w)]
    assert "a.toml:1:1" in str(warning)
    assert "changes value of parameter hope_efficacy but not its source" in str(warning)
    (pack / "a.toml").write_text(
        '[patch.parameter.hope_efficacy]\nvalue = 0.55\nsource = "illustrative: a class exercise"\n',
        encoding="utf-8",
    )
    assert not [w for w in load_content([base_pack(), pack], "0.1.0").warnings if "hope_efficacy" in str(w)]


def test_a_stock_that_starts_below_its_minimum_is_found_by_validate(mods, capsys):
    from game.cli import main

    world = '[stock.fentanyl_strips]\ninitial = "0 - 5"\nunit = "people"\nsource = "illustrative: a test"\n'
    pack = base_mod(mods / "negative", {"world.toml": world})
    assert main(["validate", str(pack)]) == 1
    out, said = capsys.readouterr()
    assert said.count("fentanyl_strips = -5 in run 0, below its minimum 0") == 1  # once, not per scenario
    assert "world.toml:1:8" in said and "initial = 0 - 5" in said and "fix its initial value" in said
    assert ": ok" not in out


def _pack_with(tmp_path, text: str):
    pack = tmp_path / "mine"
    pack.mkdir()
    (pack / "pack.toml").write_text('id = "mine"\nname = "Mine"\nversion = "0.1.0"\n', encoding="utf-8")
    (pack / "a.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_content([pack], "0.1.0")
    return caught.value.errors


def test_a_list_of_the_wrong_length_is_blamed_on_its_own_line(tmp_path):
    text = (
        '[action.my_lever]\nside = "us"\ncategory = "health"\nlevels = ["off", "on", "more"]\n'
        "cost = [0.0, 0.5]\n"
    )
    [error] = _pack_with(tmp_path, text)
    assert (error.line, error.column) == (5, 8) and error.message == "`cost` has 2 entries for 3 levels"


def test_a_key_that_is_not_an_id_says_how_to_write_one(tmp_path):
    [error] = _pack_with(tmp_path, '[variable.Fentanyl_Strips]\nformula = "1"\n')
    assert (error.line, error.column) == (1, 11)
    assert "key 'Fentanyl_Strips' must be an id: lower_snake_case" in error.message
    assert "(for example 'fentanyl_strips')" in error.message
