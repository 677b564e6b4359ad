"""Content loading: every mistake a modder can make is reported at its file, line and column."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import write_pack as write_any_pack

from game.content.errors import ContentErrors
from game.engine import load_world

MINI = Path(__file__).parent / "packs" / "mini"

PACK = 'id = "modpack"\nname = "Test pack"\nversion = "0.1.0"\n'
SIDE = """
[side.us]
budget = "budget"
capital = "capital"
[parameter.budget]
value = 10.0
source = "illustrative"
[stock.capital]
initial = 10.0
"""


def write_pack(tmp_path: Path, files: dict[str, str], manifest: str = PACK) -> Path:
    return write_any_pack(tmp_path / "modpack", files, manifest=manifest)


def errors_of(*folders: Path) -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        load_world(list(folders))
    return [str(e) for e in caught.value.errors]


def test_a_syntax_error_names_file_line_and_column(tmp_path):
    folder = write_pack(tmp_path, {"a.toml": SIDE + "\n[parameter.x]\nvalue = = 3\n"})
    (err,) = errors_of(folder)
    assert err.startswith(f"{folder / 'a.toml'}:") or "modpack/a.toml:" in err
    assert ":12:9:" in err


def test_an_unknown_key_is_reported_at_its_line_with_a_suggestion(tmp_path):
    text = SIDE + '\n[parameter.x]\nvalue = 1.0\nsorce = "typo"\n'
    (err,) = errors_of(write_pack(tmp_path, {"a.toml": text}))  # not also "missing required key 'source'"
    assert "a.toml:13:1: unknown key 'sorce' (did you mean \"source\"? it is required)" in err


def test_a_missing_required_key_points_at_the_item(tmp_path):
    text = SIDE + "\n[parameter.x]\nvalue = 1.0\n"
    (err,) = errors_of(write_pack(tmp_path, {"a.toml": text}))
    assert "a.toml:11:" in err and "missing required key 'source'" in err


def test_a_wrong_type_says_what_was_expected(tmp_path):
    text = SIDE + '\n[parameter.x]\nvalue = "high"\nsource = "s"\n'
    (err,) = errors_of(write_pack(tmp_path, {"a.toml": text}))
    assert 'a.toml:12:9: value: must be a number, got the text "high"' in err


def test_unknown_name_in_a_formula_points_inside_the_formula(tmp_path):
    text = SIDE + '\n[variable.v]\nformula = "budget * capitl"\n'
    (err,) = errors_of(write_pack(tmp_path, {"a.toml": text}))
    # the formula string starts at column 11; "capitl" is at offset 9 in it, so column 21
    assert "a.toml:12:21:" in err
    assert 'unknown name "capitl" (did you mean "capital"?)' in err


def test_hostile_formulas_are_rejected_with_their_position(tmp_path):
    text = (
        SIDE + '\n[variable.v]\nformula = "__import__(budget)"\n[variable.w]\nformula = "budget.__class__"\n'
    )
    first, second = errors_of(write_pack(tmp_path, {"a.toml": text}))
    assert "a.toml:12:12:" in first and 'names may not start with "_"' in first
    assert "a.toml:14:18:" in second and "attribute access" in second


def test_a_dependency_cycle_is_named(tmp_path):
    text = (
        SIDE
        + '\n[variable.a]\nformula = "b + 1"\n[variable.b]\nformula = "c * 2"\n[variable.c]\nformula = "a"\n'
    )
    errs = errors_of(write_pack(tmp_path, {"a.toml": text}))
    assert len(errs) == 1
    assert "dependency cycle: a -> b -> c -> a" in errs[0]
    assert "a.toml:11:" in errs[0]


def test_a_lag_breaks_a_cycle(tmp_path):
    text = SIDE + '\n[variable.a]\nformula = "lag(b) + 1"\n[variable.b]\nformula = "a * 0.5"\n'
    world = load_world([write_pack(tmp_path, {"a.toml": text})])
    assert world.order.index("a") < world.order.index("b")


def test_duplicate_ids_across_files_name_both_places(tmp_path):
    one = SIDE + '\n[parameter.dup]\nvalue = 1.0\nsource = "s"\n'
    two = '[variable.dup]\nformula = "1"\n'
    (err,) = errors_of(write_pack(tmp_path, {"a.toml": one, "b.toml": two}))
    assert "b.toml:1:" in err and "duplicate id 'dup'" in err and "a.toml:11:" in err


def test_dangling_references_are_reported(tmp_path):
    text = (
        SIDE
        + """
[stock.users]
initial = 1.0
[flow.grow]
formula = "users"
into = "usres"
[action.act]
side = "usa"
category = "x"
levels = ["a", "b"]
cost = [0.0, 1.0]
[[action.act.effects]]
target = "nothing"
add = [0.0, 1.0]
[scenario.s]
briefing = "b"
start_year = 2012
turns = 4
action_levels = { actt = 1 }
objectives = [{ indicator = "users" }]
"""
    )
    errs = errors_of(write_pack(tmp_path, {"a.toml": text}))
    joined = "\n".join(errs)
    assert "into names 'usres', which is not a stock (did you mean \"users\"?)" in joined
    assert "unknown side 'usa' (did you mean \"us\"?)" in joined
    assert "effect target 'nothing'" in joined
    assert "unknown action 'actt' (did you mean \"act\"?)" in joined
    assert "objective names 'users', which is not an indicator" in joined
    assert len(errs) == 5  # every error at once


def test_a_pack_with_any_error_does_not_load_at_all(tmp_path):
    mod = write_pack(
        tmp_path,
        {"a.toml": '[parameter.extra]\nvalue = 1.0\nsource = "s"\nbogus = 1\n'},
        PACK + 'dependencies = [{ id = "mini" }]\n',
    )
    errs = errors_of(MINI, mod)
    assert len(errs) == 1 and "bogus" in errs[0]


def test_a_missing_dependency_is_reported(tmp_path):
    mod = write_pack(tmp_path, {}, PACK + 'dependencies = [{ id = "mnii" }]\n')
    (err,) = errors_of(mod)
    assert "needs pack 'mnii'" in err


def test_a_mod_adds_items_on_top_of_its_dependency(tmp_path):
    mod = write_pack(
        tmp_path,
        {"extra.toml": '[variable.double_heavy]\nformula = "heavy_users * 2"\n'},
        PACK + 'dependencies = [{ id = "mini", version = ">=1.0" }]\n',
    )
    world = load_world([MINI, mod])
    assert "double_heavy" in world.variables
    assert [p for p, _ in world.packs] == ["mini", "modpack"]


def test_a_mod_patches_an_item_of_its_dependency(tmp_path):
    mod = write_pack(
        tmp_path,
        {"patch.toml": '[patch.parameter.efficacy]\nvalue = 0.9\nrange = [0.8, 1.0]\nsource = "my study"\n'},
        PACK + 'dependencies = [{ id = "mini" }]\n',
    )
    world = load_world([MINI, mod])
    assert world.parameters["efficacy"].value == 0.9
    assert world.parameters["efficacy"].source == "my study"


def test_a_patch_of_a_missing_item_is_an_error(tmp_path):
    mod = write_pack(
        tmp_path,
        {"patch.toml": "[patch.parameter.eficacy]\nvalue = 0.9\n"},
        PACK + 'dependencies = [{ id = "mini" }]\n',
    )
    (err,) = errors_of(MINI, mod)
    assert "patch.toml:1:" in err and "no parameter 'eficacy' to patch (did you mean \"efficacy\"?)" in err


def test_a_patch_that_breaks_the_schema_is_reported_in_the_patch_file(tmp_path):
    mod = write_pack(
        tmp_path,
        {"patch.toml": "[patch.parameter.efficacy]\nvalue = 5.0\n"},
        PACK + 'dependencies = [{ id = "mini" }]\n',
    )
    (err,) = errors_of(MINI, mod)
    assert "patch.toml:" in err and "outside range" in err


def test_the_pack_does_not_half_load_when_a_second_file_is_broken(tmp_path):
    good = SIDE
    bad = '[variable.v]\nformula = "1 +"\n'
    errs = errors_of(write_pack(tmp_path, {"a.toml": good, "b.toml": bad}))
    assert len(errs) == 1 and "b.toml:2:" in errs[0]


def test_copy_of_mini_still_loads(tmp_path):
    copy = tmp_path / "mini"
    shutil.copytree(MINI, copy)
    assert "test-run" in load_world([copy]).scenarios
