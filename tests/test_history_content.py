"""The history content kind: real annual series, checked like every other item."""

from __future__ import annotations

from pathlib import Path

from test_loader import SIDE, errors_of, write_pack

from game.engine import load_world

WORLD = (
    SIDE
    + """
[stock.users]
initial = 5.0
unit = "millions"
indicator = { side = "us" }
"""
)
HISTORY = """
[history.survey_users]
indicator = "users"
unit = "millions"
source = "A survey, table 1"
[history.survey_users.years]
2012 = { value = 5.1 }
2013 = { value = 5.3, source = "A survey, 2014 edition", note = "revised" }
"""


def test_a_pack_can_carry_history_for_any_indicator(tmp_path):
    world = load_world([write_pack(tmp_path, {"world.toml": WORLD, "history.toml": HISTORY})])
    (series,) = world.history_of("users")
    assert series.id == "survey_users"
    assert series.spec.years[2012].value == 5.1
    assert series.spec.years[2013].note == "revised"
    assert series.spec.tolerance.within_band == 0.8  # the rule is the default
    assert world.history_of("capital") == []


def test_history_naming_an_unknown_indicator_is_an_error_at_its_line(tmp_path):
    text = HISTORY.replace('indicator = "users"', 'indicator = "usrs"')
    (err,) = errors_of(write_pack(tmp_path, {"world.toml": WORLD, "history.toml": text}))
    assert "history.toml:3:13:" in err
    assert "'usrs' is not an indicator" in err and 'did you mean "users"' in err


def test_history_of_a_quantity_that_is_not_an_indicator_is_refused(tmp_path):
    text = HISTORY.replace('indicator = "users"', 'indicator = "budget"')
    (err,) = errors_of(write_pack(tmp_path, {"world.toml": WORLD, "history.toml": text}))
    assert "history.toml:3:13:" in err and "'budget' is not an indicator" in err


def test_a_year_that_is_not_a_calendar_year_is_reported(tmp_path):
    text = HISTORY.replace("2013 = {", "twenty13 = {")
    (err,) = errors_of(write_pack(tmp_path, {"world.toml": WORLD, "history.toml": text}))
    assert "history.toml:8:1: key 'twenty13' must be a whole number" in err


def test_a_value_that_is_not_a_number_is_reported_at_the_value(tmp_path):
    text = HISTORY.replace("value = 5.1", 'value = "many"')
    (err,) = errors_of(write_pack(tmp_path, {"world.toml": WORLD, "history.toml": text}))
    assert "history.toml:7:" in err and 'value: must be a number, got the text "' in err


def test_a_series_needs_a_source_and_a_unit(tmp_path):
    text = HISTORY.replace('unit = "millions"\nsource = "A survey, table 1"\n', "")
    errs = errors_of(write_pack(tmp_path, {"world.toml": WORLD, "history.toml": text}))
    assert any("missing required key 'source'" in e for e in errs)
    assert any("missing required key 'unit'" in e for e in errs)


def test_a_bad_tolerance_names_the_field(tmp_path):
    bad = 'source = "A survey"\ntolerance = { band = [95, 5] }'
    text = HISTORY.replace('source = "A survey, table 1"', bad)
    (err,) = errors_of(write_pack(tmp_path, {"world.toml": WORLD, "history.toml": text}))
    assert "history.toml:6:" in err and "0 <= low < high <= 100" in err


def test_history_ids_share_the_one_namespace(tmp_path):
    text = HISTORY.replace("[history.survey_users]", "[history.users]").replace(
        "[history.survey_users.years]", "[history.users.years]"
    )
    (err,) = errors_of(write_pack(tmp_path, {"world.toml": WORLD, "history.toml": text}))
    assert "duplicate id 'users'" in err


def test_the_base_pack_carries_inegi_homicides():
    world = load_world([Path(__file__).parent.parent / "content" / "base"])
    (inegi,) = world.history_of("mx_homicides")
    assert inegi.spec.years[2014].value == 20010.0
    assert all(point.source or inegi.spec.source for point in inegi.spec.years.values())
