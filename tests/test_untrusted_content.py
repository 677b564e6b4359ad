"""Hostile pack content: each ends in one clear error at its file, line and column.

Numbers that are not finite, control characters, absurd nesting, sizes and counts, and ids
that try to be paths are refused when a pack is read, before anything is computed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_pack

from game.content.errors import ContentErrors
from game.content.printable import printable
from game.content.tomlpos import read_toml_text
from game.content.untrusted import check_data
from game.engine import load_world
from game.limits import MAX_ITEMS_PER_PACK, MAX_TABLE_ROWS, MAX_TOML_NESTING

PACK = 'id = "modpack"\nname = "Test pack"\nversion = "0.1.0"\n'


def pack(tmp_path: Path, files: dict[str, str], manifest: str = PACK) -> Path:
    return write_pack(tmp_path / "modpack", files, manifest=manifest)


def errors_of(folder: Path) -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        load_world([folder])
    return [str(e) for e in caught.value.errors]


def checked(text: str) -> list[str]:
    return [str(e) for e in check_data(read_toml_text(text, "x.toml"))]


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("number", ["nan", "inf", "-inf", "+nan", "1e400"])
def test_a_number_that_is_not_finite_is_refused_at_its_value(number: str) -> None:
    [error] = checked(f'[parameter.x]\nsource = "s"\nvalue = {number}\n')
    assert error.startswith("x.toml:3:9: value: ") and "write a finite number" in error
    if number == "1e400":
        assert "1e400 is too large for the game: it reads as infinity" in error


def test_nan_inside_a_list_or_an_inline_table_is_found_too() -> None:
    errors = checked("[parameter.x]\nrange = [0.0, nan]\nvalues = { a = inf }\n")
    assert [e.split(": ")[0] for e in errors] == ["x.toml:2:15", "x.toml:3:16"]


def test_a_pack_with_nan_does_not_load(tmp_path: Path) -> None:
    [error] = errors_of(pack(tmp_path, {"a.toml": '[parameter.x]\nvalue = nan\nsource = "s"\n'}))
    assert "a.toml:2:9:" in error


def test_a_number_with_thousands_of_digits_is_one_error_not_a_traceback() -> None:
    with pytest.raises(ContentErrors, match=r"x\.toml:2:5: this number has thousands of digits"):
        read_toml_text("b = 1\na = " + "9" * 5000 + "\n", "x.toml")


# --------------------------------------------------------------------------- control characters


@pytest.mark.parametrize(
    ("escape", "named"),
    [
        ("\\u001b[2J", "U+001B"),  # clear the screen
        ("\\u001b]0;pwned\\u0007", "U+001B"),  # set the terminal's title
        ("\\u009b2J", "U+009B"),  # the one-byte CSI
        ("\\u202egnp.exe", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("\\r", "U+000D"),
    ],
)
def test_control_characters_in_text_are_refused_where_they_are(escape: str, named: str) -> None:
    [error] = checked(f'[parameter.x]\nname = "ab{escape}"\n')
    assert error.startswith("x.toml:2:8: ") and named in error


def test_line_ends_and_tabs_in_a_description_are_fine() -> None:
    assert checked('description = """two\nlines\tand a tab"""\n') == []


def test_a_control_character_in_a_key_is_refused() -> None:
    [error] = checked('[parameter."x\\u001b[2J"]\nvalue = 1.0\n')
    assert "this key contains the control character U+001B" in error


def test_printable_escapes_what_a_terminal_would_obey() -> None:
    assert printable("a\x1b[2Jb\x07c\x9bd\u202ee") == "a\\x1b[2Jb\\x07c\\x9bd\\u202ee"
    assert printable("two\nlines\tok") == "two\nlines\tok"
    assert printable("one\nline", newlines=False) == "one\\x0aline"
    assert printable("Mexico · México ✓") == "Mexico · México ✓"


# --------------------------------------------------------------------------- nesting


def test_an_array_nested_100000_deep_is_one_error() -> None:
    depth = 100_000
    with pytest.raises(ContentErrors) as caught:
        read_toml_text("a = " + "[" * depth + "]" * depth + "\n", "x.toml")
    [error] = caught.value.errors
    assert (error.line, error.column) == (1, 5 + 400) and "nested more than" in error.message


def test_nesting_past_the_limit_is_refused_at_the_value() -> None:
    depth = MAX_TOML_NESTING + 1
    [error] = checked("a = " + "[" * depth + "1" + "]" * depth + "\n")
    assert f"nested more than {MAX_TOML_NESTING} levels deep" in error
    assert checked("a = " + "[" * 8 + "1" + "]" * 8 + "\n") == []


def test_a_dotted_key_thousands_of_parts_long_is_one_error() -> None:
    with pytest.raises(ContentErrors, match="key has more than"):
        read_toml_text(".".join(["a"] * 5000) + " = 1\n", "x.toml")


# --------------------------------------------------------------------------- bounded integers and sizes


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("cooldown", '[event.e]\ntitle = "t"\ntext = "t"\ncooldown = 18446744073709551616\n'),
        (
            "turns",
            '[event.e]\ntitle = "t"\ntext = "t"\n'
            'effects = [{ target = "x", add = 1.0, turns = 18446744073709551616 }]\n',
        ),
        ("start_year", '[scenario.s]\nbriefing = "b"\nstart_year = 99999999999\nturns = 4\n'),
        ("turns", '[scenario.s]\nbriefing = "b"\nstart_year = 2012\nturns = 100000\n'),
    ],
)
def test_huge_integers_are_refused_with_their_bound(tmp_path: Path, field: str, text: str) -> None:
    errors = errors_of(pack(tmp_path, {"a.toml": text}))
    assert any("must be" in e and "or less" in e for e in errors), errors


def test_a_version_of_5000_digits_is_refused_in_plain_words(tmp_path: Path) -> None:
    manifest = f'id = "modpack"\nname = "M"\nversion = "1.{"9" * 5000}"\n'
    [error] = errors_of(pack(tmp_path, {}, manifest))
    assert "pack.toml:3:" in error and "at most 32 characters" in error


def test_a_version_range_that_is_not_one_is_refused(tmp_path: Path) -> None:
    [error] = errors_of(pack(tmp_path, {}, PACK + 'game_version = ">= banana"\n'))
    assert "is not a version range" in error


def test_a_table_with_too_many_rows_is_refused(tmp_path: Path) -> None:
    rows = "".join(f"r{i} = {{ size = 1.0 }}\n" for i in range(MAX_TABLE_ROWS + 1))
    text = '[table.t.fields.size]\nsource = "s"\n[table.t.rows]\n' + rows
    [error] = errors_of(pack(tmp_path, {"a.toml": text}))
    assert f"at most {MAX_TABLE_ROWS}" in error


def test_a_pack_with_too_many_items_is_refused(tmp_path: Path) -> None:
    text = "".join(f'[parameter.p{i}]\nvalue = 1.0\nsource = "s"\n' for i in range(MAX_ITEMS_PER_PACK + 1))
    errors = errors_of(pack(tmp_path, {"a.toml": text}))
    assert any(f"more than {MAX_ITEMS_PER_PACK:,} items" in e for e in errors)


# --------------------------------------------------------------------------- ids are ids


def test_a_dependency_id_that_is_a_path_is_refused_and_nothing_outside_is_read(tmp_path: Path) -> None:
    victim = tmp_path / "outside" / "victim"
    victim.mkdir(parents=True)
    (victim / "pack.toml").write_text('id = "victim"\nname = "V"\nversion = "1.0"\n')
    (victim / "secret.toml").write_text("[parameter.secret_key_name]\nvalue = 1.0\n")
    folder = tmp_path / "mods" / "modpack"
    folder.mkdir(parents=True)
    (folder / "pack.toml").write_text(PACK + 'dependencies = [{ id = "../../outside/victim" }]\n')
    from game.content.packs import with_dependencies

    assert with_dependencies(folder) == [folder]
    errors = errors_of(folder)
    assert any("is not a valid id" in e for e in errors)
    assert not any("secret" in e for e in errors)


# --------------------------------------------------------------------------- long chains and scenario pins


def test_a_chain_of_1000_variables_loads_and_runs(tmp_path: Path) -> None:
    from game.engine import Game

    mini = Path(__file__).parent / "packs" / "mini"
    chain = ['[variable.c0]\nformula = "heavy_users"\n']
    chain += [f'[variable.c{i}]\nformula = "c{i - 1} + 1"\n' for i in range(1, 1000)]
    chain.append('[variable.c999.indicator]\nside = "us"\n')
    manifest = PACK + 'dependencies = [{ id = "mini" }]\n'
    world = load_world([mini, pack(tmp_path, {"chain.toml": "".join(chain)}, manifest)])
    game = Game(world, "test-run", seed=1)
    game.resolve_turn()
    assert float(game.value("c999")[0, 0]) == float(game.value("heavy_users")[0, 0]) + 999


def test_a_scenario_setting_a_parameter_outside_its_range_is_refused(tmp_path: Path) -> None:
    text = (
        '[parameter.efficacy]\nvalue = 0.5\nrange = [0.0, 0.72]\nsource = "s"\n'
        '[scenario.s]\nbriefing = "b"\nstart_year = 2012\nturns = 4\nparameters = { efficacy = 5.0 }\n'
    )
    [error] = errors_of(pack(tmp_path, {"a.toml": text}))
    assert "a.toml:9:27:" in error and "outside the range its sources support, [0, 0.72]" in error
