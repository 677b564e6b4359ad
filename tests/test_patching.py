"""Patches merge into what they change: a mod adds a row, changes one field or appends an
effect without restating the rest, replaces or removes only when it says so, and every
error in a patched item points at the line of the patch that wrote it."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_pack

from game.content.errors import ContentErrors
from game.content.loader import load_content
from game.engine import load_world

MINI = Path(__file__).parent / "packs" / "mini"
BASE = Path(__file__).parent.parent / "content" / "base"


def make_pack(
    root: Path, pack_id: str, files: dict[str, str], deps: tuple[str, ...] = ("mini",), load_order: int = 0
) -> Path:
    return write_pack(root / pack_id, files, needs=deps, extra=f"load_order = {load_order}")


def content(*folders: Path):  # noqa: ANN201 - a ContentSet
    return load_content([MINI, *folders], "0.1.0")


def errors_of(*folders: Path) -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        load_world([MINI, *folders])
    return [str(e) for e in caught.value.errors]


def item(folders: tuple[Path, ...], kind: str, item_id: str):  # noqa: ANN201 - a pydantic item
    return content(*folders).of(kind)[item_id].item


# --------------------------------------------------------------------------- the base game


def _toml_row(values: dict[str, object]) -> str:
    return "".join(f"{k} = {v!r}\n" if isinstance(v, float) else f'{k} = "{v}"\n' for k, v in values.items())


def test_a_pack_adding_a_drug_an_organization_and_a_starting_level_keeps_everything_of_the_base(tmp_path):
    base = load_content([BASE], "0.1.0")
    drugs = base.of("table")["drugs"].item
    orgs = base.of("table")["organizations"].item
    scenario = base.of("scenario")["both-sides"].item
    actions = base.of("action")
    changed = next(iter(scenario.action_levels))
    level = (scenario.action_levels[changed] + 1) % len(actions[changed].item.levels)
    a_drug = dict(next(iter(drugs.rows.values())), name="Designer drug")
    an_org = dict(next(iter(orgs.rows.values())), name="A ninth organization")
    mod = make_pack(
        tmp_path,
        "additions",
        {
            "rows.toml": "[patch.table.drugs.rows.designer]\n"
            + _toml_row(a_drug)
            + "\n[patch.table.organizations.rows.ninth]\n"
            + _toml_row(an_org)
            + f"\n[patch.scenario.both-sides.action_levels]\n{changed} = {level}\n"
        },
        deps=("base",),
    )
    world = load_world([BASE, mod])
    assert list(world.tables["drugs"].rows) == [*drugs.rows, "designer"]
    assert list(world.tables["organizations"].rows) == [*orgs.rows, "ninth"]
    levels = world.scenarios["both-sides"].action_levels
    assert len(levels) == len(scenario.action_levels)
    assert {k: v for k, v in levels.items() if k != changed} == {
        k: v for k, v in scenario.action_levels.items() if k != changed
    }
    assert levels[changed] == level
    for row_id, row in drugs.rows.items():
        assert world.content.of("table")["drugs"].item.rows[row_id] == row


# --------------------------------------------------------------------------- merging


def test_a_patch_changes_only_the_fields_of_a_row_it_names(tmp_path):
    mod = make_pack(tmp_path, "cheap", {"a.toml": "[patch.table.drug.rows.cocaine]\nbase_price = 50.0\n"})
    rows = item((mod,), "table", "drug").rows
    assert rows["cocaine"] == {"base_price": 50.0, "elasticity": -0.5, "mx_share": 0.9}
    assert rows["cannabis"]["base_price"] == 10.0


def test_a_new_field_can_be_added_to_a_table_row_by_row(tmp_path):
    mod = make_pack(
        tmp_path,
        "purity",
        {
            "a.toml": '[patch.table.drug.fields.purity]\nunit = "fraction"\nsource = "illustrative"\n'
            "[patch.table.drug.rows.cocaine]\npurity = 0.6\n[patch.table.drug.rows.cannabis]\npurity = 1.0\n"
        },
    )
    world = load_world([MINI, mod])
    assert "purity" in world.content.of("table")["drug"].item.fields
    assert world.fields["purity"].ravel().tolist() == [0.6, 1.0]


def test_a_field_with_a_default_needs_a_value_only_where_it_differs(tmp_path):
    mod = make_pack(
        tmp_path,
        "purity",
        {
            "a.toml": '[patch.table.drug.fields.purity]\nunit = "fraction"\nsource = "illustrative"\n'
            "default = 1.0\n[patch.table.drug.rows.cocaine]\npurity = 0.6\n"
        },
    )
    assert load_world([MINI, mod]).fields["purity"].ravel().tolist() == [0.6, 1.0]


def test_a_row_missing_a_field_without_default_says_both_ways_to_fix_it(tmp_path):
    mod = make_pack(
        tmp_path, "gap", {"a.toml": "[patch.table.drug.rows.meth]\nbase_price = 20.0\nmx_share = 0.9\n"}
    )
    (err,) = errors_of(mod)
    assert (
        "gap/a.toml:1:24: row 'meth' has no value for field 'elasticity': give it one, or give the field"
        in err
    )
    assert "a `default` under [table.drug.fields.elasticity]" in err


def test_a_scenario_patch_merges_starting_levels_and_appends_objectives(tmp_path):
    mod = make_pack(
        tmp_path,
        "levels",
        {
            "a.toml": "[patch.scenario.test-run.action_levels]\ntreatment = 1\n"
            '[[patch.scenario.test-run.objectives]]\nindicator = "revenue"\n'
        },
    )
    scenario = item((mod,), "scenario", "test-run")
    assert scenario.action_levels == {"enforcement": 1, "treatment": 1}
    assert [o.indicator for o in scenario.objectives] == ["heavy_users", "violence", "revenue"]


def test_an_appended_effect_keeps_the_ones_already_there(tmp_path):
    mod = make_pack(
        tmp_path,
        "more",
        {
            "a.toml": "[[patch.action.enforcement.effects]]\n"
            'target = "violence_change"\nmultiply = [1.0, 1.0, 1.2]\n'
        },
    )
    effects = item((mod,), "action", "enforcement").effects
    assert [e.target for e in effects] == ["enforcement_multiplier", "violence_change"]


def test_a_choice_with_an_existing_id_changes_that_choice_instead_of_adding_one(tmp_path):
    mod = make_pack(
        tmp_path,
        "reword",
        {
            "a.toml": '[[patch.event.massacre.choices]]\nid = "deny"\nlabel = "Say nothing"\n'
            '[[patch.event.massacre.choices]]\nid = "mediate"\nlabel = "Mediate"\n'
        },
    )
    choices = item((mod,), "event", "massacre").choices
    assert [(c.id, c.label) for c in choices] == [
        ("deny", "Say nothing"),
        ("crack_down", "Crack down"),
        ("mediate", "Mediate"),
    ]
    assert choices[0].default and choices[0].capital == {"us": -5.0}


def test_a_scalar_or_a_list_of_numbers_is_replaced(tmp_path):
    mod = make_pack(
        tmp_path,
        "costly",
        {"a.toml": '[patch.action.enforcement]\ncost = [2.0, 3.0, 5.0]\nname = "Crackdowns"\n'},
    )
    action = item((mod,), "action", "enforcement")
    assert action.cost == [2.0, 3.0, 5.0] and action.name == "Crackdowns"
    assert action.levels == ["low", "normal", "high"]


# --------------------------------------------------------------------------- explicit operations


def test_remove_deletes_rows_levels_effects_and_choices_by_position_or_id(tmp_path):
    mod = make_pack(
        tmp_path,
        "cuts",
        {
            "a.toml": '[patch.table.org]\nremove = ["rows.beta"]\n'
            '[patch.scenario.test-run]\nremove = ["action_levels.enforcement", "objectives.0"]\n'
            '[patch.event.massacre]\nremove = ["effects.0", "choices.crack_down"]\n'
        },
    )
    loaded = content(mod)
    assert list(loaded.of("table")["org"].item.rows) == ["alpha", "gamma"]
    scenario = loaded.of("scenario")["test-run"].item
    assert scenario.action_levels == {} and [o.indicator for o in scenario.objectives] == ["violence"]
    event = loaded.of("event")["massacre"].item
    assert event.effects == [] and [c.id for c in event.choices] == ["deny"]
    assert loaded.warnings == [] and loaded.conflicts == []


def test_remove_then_append_replaces_a_list_and_replace_sets_a_key_whole(tmp_path):
    mod = make_pack(
        tmp_path,
        "swap",
        {
            "a.toml": '[patch.action.enforcement]\nremove = ["effects"]\n'
            '[[patch.action.enforcement.effects]]\ntarget = "violence_change"\nmultiply = [1.0, 1.1, 1.2]\n'
            "[patch.scenario.test-run.replace]\naction_levels = { treatment = 2 }\n"
        },
    )
    loaded = content(mod)
    assert [e.target for e in loaded.of("action")["enforcement"].item.effects] == ["violence_change"]
    assert loaded.of("scenario")["test-run"].item.action_levels == {"treatment": 2}


def test_removing_something_that_is_not_there_says_what_is(tmp_path):
    mod = make_pack(
        tmp_path, "typo", {"a.toml": '[patch.table.org]\nremove = ["rows.betta", "fields.x.y"]\n'}
    )
    first, second = errors_of(mod)
    assert "typo/a.toml:2:11: nothing to remove at 'rows.betta' in table org" in first
    assert '(did you mean "rows.beta"?)' in first
    assert "a.toml:2:25:" in second and "fields has: propensity" in second


def test_remove_must_be_a_list_of_strings(tmp_path):
    mod = make_pack(tmp_path, "bad", {"a.toml": "[patch.table.org]\nremove = 3\n"})
    (err,) = errors_of(mod)
    assert "bad/a.toml:2:10: `remove` is a list of keys to remove" in err


# --------------------------------------------------------------------------- errors point at the patch


def test_a_new_row_missing_a_field_is_reported_at_the_patch(tmp_path):
    mod = make_pack(tmp_path, "row", {"a.toml": "\n[patch.table.drug.rows.meth]\nbase_price = 20.0\n"})
    errors = errors_of(mod)
    assert errors and all("row/a.toml:2:" in e for e in errors), errors
    assert any("row 'meth' has no value for field 'elasticity'" in e for e in errors)


def test_an_unknown_key_in_a_patch_is_reported_at_its_line_with_a_suggestion(tmp_path):
    mod = make_pack(tmp_path, "typo", {"a.toml": "[patch.parameter.efficacy]\nvalu = 0.4\n"})
    (err,) = errors_of(mod)
    assert "typo/a.toml:2:1: unknown key 'valu' (did you mean \"value\"?)" in err


def test_a_bad_formula_in_an_appended_effect_points_at_the_patch(tmp_path):
    mod = make_pack(
        tmp_path,
        "formula",
        {"a.toml": '# comment\n[[patch.event.fad.effects]]\ntarget = "initiation"\nmultiply = "1 + nope"\n'},
    )
    (err,) = errors_of(mod)
    assert 'formula/a.toml:4:17: in formula event.fad.effects.1.multiply: unknown name "nope"' in err


def test_an_effect_target_in_a_patch_is_checked_at_the_patch(tmp_path):
    mod = make_pack(
        tmp_path,
        "target",
        {"a.toml": '[[patch.action.enforcement.effects]]\ntarget = "violense"\nmultiply = [1.0, 1.0, 1.0]\n'},
    )
    (err,) = errors_of(mod)
    assert "target/a.toml:2:10:" in err and "'violense'" in err


def test_after_a_removal_errors_in_the_items_that_stay_point_at_their_own_lines(tmp_path):
    base = make_pack(
        tmp_path,
        "two",
        {
            "a.toml": "[action.twice]\nside = 'us'\ncategory = 'X'\nlevels = ['a', 'b']\ncost = [0.0, 0.0]\n"
            "[[action.twice.effects]]\ntarget = 'initiation'\nmultiply = [1.0, 1.0]\n"
            "[[action.twice.effects]]\ntarget = 'initiation'\nmultiply = [1.0, 1.0]\nrow = 'cocaine'\n"
        },
    )
    mod = make_pack(
        tmp_path, "cut", {"a.toml": "[patch.action.twice]\nremove = ['effects.0']\n"}, deps=("two",)
    )
    (err,) = errors_of(base, mod)
    assert "two/a.toml:12:7:" in err and "takes no `row`" in err


def test_a_whole_item_made_invalid_by_a_patch_is_reported_at_the_patch(tmp_path):
    mod = make_pack(tmp_path, "short", {"a.toml": "\n\n[patch.action.treatment]\nlevels = ['none', 'all']\n"})
    (err,) = errors_of(mod)
    assert "short/a.toml:3:" in err and "after this patch, action treatment (defined at" in err
    world_toml = (MINI / "world.toml").read_text().splitlines()
    line = world_toml.index("[action.treatment]") + 1  # where the mini world defines it
    assert f"mini/world.toml:{line}:" in err


def test_removing_a_required_key_is_reported_at_the_removal(tmp_path):
    mod = make_pack(tmp_path, "gone", {"a.toml": "[patch.event.fad]\nremove = ['text']\n"})
    (err,) = errors_of(mod)
    assert "gone/a.toml:2:11: missing required key 'text'" in err


def test_a_patch_of_an_item_of_another_kind_names_the_right_kind(tmp_path):
    mod = make_pack(tmp_path, "kind", {"a.toml": "[patch.parameter.drug]\nname = 'x'\n"})
    (err,) = errors_of(mod)
    assert "'drug' is a table" in err and "write [patch.table.drug]" in err


# --------------------------------------------------------------------------- warnings


def test_shortening_a_list_of_levels_warns_unless_it_is_under_replace(tmp_path):
    merged = make_pack(
        tmp_path,
        "merged",
        {
            "a.toml": "[patch.action.enforcement]\nremove = ['effects']\n"
            "levels = ['low', 'high']\ncost = [1.0, 4.0]\n"
        },
    )
    warnings = [str(w) for w in content(merged).warnings]
    assert len(warnings) == 2
    assert (
        "merged/a.toml:3:1: this patch shortens levels of action enforcement from 3 to 2 entries"
        in warnings[0]
    )
    assert (
        "dropping what pack 'mini' wrote (" in warnings[0]
        and "[patch.action.enforcement.replace]" in warnings[0]
    )
    replaced = make_pack(
        tmp_path,
        "replaced",
        {
            "a.toml": "[patch.action.enforcement]\nremove = ['effects']\n"
            "[patch.action.enforcement.replace]\nlevels = ['low', 'high']\ncost = [1.0, 4.0]\n"
        },
    )
    loaded = content(replaced)
    assert loaded.warnings == []
    assert loaded.of("action")["enforcement"].item.levels == ["low", "high"]


def test_an_empty_list_in_a_patch_warns_that_it_appends_nothing(tmp_path):
    mod = make_pack(tmp_path, "empty", {"a.toml": "[patch.scenario.test-run]\ngrades = []\n"})
    loaded = content(mod)
    (warning,) = loaded.warnings
    assert "empty/a.toml:2:1: an empty list in a patch appends nothing" in str(warning)
    assert 'remove = ["grades"]' in str(warning)
    assert len(loaded.of("scenario")["test-run"].item.grades) == 3


# --------------------------------------------------------------------------- conflicts and load order


def _two_packs(tmp_path: Path, a: str, b: str, a_order: int = 0) -> tuple[Path, Path]:
    """Two packs that know nothing of each other, both on top of the mini world."""
    return (
        make_pack(tmp_path, "alpha_mod", {"a.toml": a}, load_order=a_order),
        make_pack(tmp_path, "beta_mod", {"b.toml": b}),
    )


LEVEL_1 = "[patch.scenario.test-run.action_levels]\ntreatment = 1\n"
LEVEL_2 = "[patch.scenario.test-run.action_levels]\ntreatment = 2\n"


def test_two_packs_setting_a_key_differently_are_reported_with_both_files_and_the_winner(tmp_path):
    a, b = _two_packs(tmp_path, LEVEL_1, LEVEL_2)
    loaded = content(a, b)
    (conflict,) = loaded.conflicts
    text = str(conflict)
    assert "scenario test-run: action_levels.treatment is set by pack 'alpha_mod' (" in text
    assert "alpha_mod/a.toml:2:1" in text and "beta_mod/b.toml:2:1" in text
    assert text.endswith("'beta_mod' loads later and wins")
    assert loaded.of("scenario")["test-run"].item.action_levels["treatment"] == 2


def test_the_order_packs_are_given_in_decides_the_winner(tmp_path):
    a, b = _two_packs(tmp_path, LEVEL_1, LEVEL_2)
    loaded = content(b, a)
    assert [p.manifest.id for p in loaded.packs] == ["mini", "beta_mod", "alpha_mod"]
    assert loaded.of("scenario")["test-run"].item.action_levels["treatment"] == 1
    assert str(loaded.conflicts[0]).endswith("'alpha_mod' loads later and wins")


def test_load_order_comes_before_the_order_given(tmp_path):
    a, b = _two_packs(tmp_path, LEVEL_1, LEVEL_2, a_order=5)
    loaded = content(a, b)
    assert [p.manifest.id for p in loaded.packs] == ["mini", "beta_mod", "alpha_mod"]
    assert loaded.of("scenario")["test-run"].item.action_levels["treatment"] == 1


def test_a_dependency_loads_first_whatever_its_load_order(tmp_path):
    a = make_pack(tmp_path, "alpha_mod", {"a.toml": LEVEL_1}, load_order=10)
    b = make_pack(tmp_path, "beta_mod", {"b.toml": LEVEL_2}, deps=("mini", "alpha_mod"), load_order=-10)
    loaded = content(b, a)
    assert [p.manifest.id for p in loaded.packs] == ["mini", "alpha_mod", "beta_mod"]
    assert loaded.conflicts == []  # beta_mod builds on alpha_mod: overriding it is the point
    assert loaded.of("scenario")["test-run"].item.action_levels["treatment"] == 2


def test_two_packs_setting_the_same_value_do_not_conflict(tmp_path):
    a, b = _two_packs(tmp_path, LEVEL_1, LEVEL_1)
    assert content(a, b).conflicts == []


def test_removing_what_another_pack_set_is_a_conflict(tmp_path):
    a, b = _two_packs(
        tmp_path,
        "[patch.table.org.rows.beta]\npropensity = 5.0\n",
        '[patch.table.org]\nremove = ["rows.beta"]\n',
    )
    (conflict,) = content(a, b).conflicts
    assert "table org: rows.beta.propensity is set by pack 'alpha_mod'" in str(conflict)
    assert "removed by pack 'beta_mod' (" in str(conflict) and "beta_mod/b.toml:2:11" in str(conflict)


def test_two_packs_adding_a_row_of_the_same_id_conflict_field_by_field(tmp_path):
    row = "[patch.table.org.rows.delta]\npropensity = {}\n"
    a, b = _two_packs(tmp_path, row.format(1.0), row.format(2.0))
    (conflict,) = content(a, b).conflicts
    assert "rows.delta.propensity" in str(conflict)


def test_a_mod_of_a_mod_validates_and_patches_what_the_first_mod_added(tmp_path):
    first = make_pack(tmp_path, "first", {"a.toml": "[patch.table.org.rows.delta]\npropensity = 1.0\n"})
    second = make_pack(
        tmp_path, "second", {"b.toml": "[patch.table.org.rows.delta]\npropensity = 4.0\n"}, deps=("first",)
    )
    world = load_world([MINI, second, first])
    assert world.content.of("table")["org"].item.rows["delta"] == {"propensity": 4.0}
    assert world.content.conflicts == []
    with pytest.raises(ContentErrors) as caught:
        load_world([MINI, second])
    assert "needs pack 'first', which is not loaded" in str(caught.value)
