"""Every content error must point at the right file, line and column.

These tests pin where `TomlDocument` says keys and values are written, for each TOML
construct a modder may use, and what a modder sees for files that cannot be read.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.content import safe_read
from game.content.errors import ContentError, ContentErrors
from game.content.tomlpos import (
    KeyPath,
    Position,
    TomlDocument,
    _syntax_error,
    read_toml,
    read_toml_text,
)


def load(text: str) -> TomlDocument:
    return read_toml_text(text, "pack.toml")


def key_at(doc: TomlDocument, *path: str | int) -> tuple[int, int]:
    where = doc.key_position(path)
    return where.line, where.column


def value_at(doc: TomlDocument, *path: str | int) -> tuple[int, int]:
    where = doc.value_position(path)
    return where.line, where.column


def text_at(doc: TomlDocument, where: Position) -> str:
    """The rest of the (line-end normalised) file from `where` on."""
    lines = doc.text.replace("\r\n", "\n").split("\n")
    return "\n".join([lines[where.line - 1][where.column - 1 :], *lines[where.line :]])


# --- plain keys and values ---------------------------------------------------------------


def test_root_keys_and_values_are_found_with_indentation_and_tabs() -> None:
    doc = load('name = "Hope"\n  \tturns = 12   # a comment\nflag=true\n')
    assert key_at(doc, "name") == (1, 1)
    assert value_at(doc, "name") == (1, 8)
    assert key_at(doc, "turns") == (2, 4)
    assert value_at(doc, "turns") == (2, 12)
    assert key_at(doc, "flag") == (3, 1)
    assert value_at(doc, "flag") == (3, 6)


def test_every_scalar_kind_starts_where_it_is_written() -> None:
    doc = load(
        "a = -1_000\n"
        "b = +3.5e-2\n"
        "c = inf\n"
        "d = 0x1F\n"
        "e = 1979-05-27 07:32:00Z\n"
        "f = 07:32:00\n"
        "g = 1979-05-27T00:32:00.999999-07:00\n"
        "h = false\n"
    )
    for line, name in enumerate("abcdefgh", start=1):
        assert value_at(doc, name) == (line, 5)
    assert doc.data["e"] == dt.datetime(1979, 5, 27, 7, 32, tzinfo=dt.UTC)


def test_a_date_with_a_space_before_its_time_does_not_derail_the_scan() -> None:
    doc = load("when = [1979-05-27 07:32:00, 1980-01-01 00:00:00 , 2]\nafter = 1\n")
    assert value_at(doc, "when", 0) == (1, 9)
    assert value_at(doc, "when", 1) == (1, 30)
    assert value_at(doc, "when", 2) == (1, 52)
    assert key_at(doc, "after") == (2, 1)


# --- tables ------------------------------------------------------------------------------


def test_standard_tables_give_keys_and_header_positions() -> None:
    doc = load("[parameter]\nx = 1\n\n[ parameter . hope_efficacy ]  # tuned\nrange = [0.1, 0.9]\n")
    assert key_at(doc, "parameter") == (1, 2)
    assert value_at(doc, "parameter") == (1, 1)
    assert key_at(doc, "parameter", "x") == (2, 1)
    assert key_at(doc, "parameter", "hope_efficacy") == (4, 15)
    assert value_at(doc, "parameter", "hope_efficacy") == (4, 1)
    assert key_at(doc, "parameter", "hope_efficacy", "range") == (5, 1)
    assert value_at(doc, "parameter", "hope_efficacy", "range", 1) == (5, 15)


def test_an_explicit_table_header_wins_over_an_earlier_implicit_one() -> None:
    doc = load("[a.b]\nx = 1\n[a]\ny = 2\n")
    assert key_at(doc, "a", "b") == (1, 4)
    assert key_at(doc, "a") == (3, 2)
    assert key_at(doc, "a", "y") == (4, 1)


def test_an_implicit_table_is_found_at_its_first_mention() -> None:
    doc = load("[a.b]\nx = 1\n[a.c]\ny = 2\n")
    assert key_at(doc, "a") == (1, 2)
    assert value_at(doc, "a") == (1, 2)  # no value of its own: falls back to the key
    assert key_at(doc, "a", "c") == (3, 4)


# --- dotted and quoted keys --------------------------------------------------------------


def test_dotted_keys_map_every_part() -> None:
    doc = load("a.b.c = 1\na . b . d = 2\n[t]\nu.v = 'w'\n")
    assert key_at(doc, "a") == (1, 1)
    assert key_at(doc, "a", "b") == (1, 3)
    assert key_at(doc, "a", "b", "c") == (1, 5)
    assert value_at(doc, "a", "b", "c") == (1, 9)
    assert key_at(doc, "a", "b", "d") == (2, 9)
    assert value_at(doc, "a", "b", "d") == (2, 13)
    assert key_at(doc, "t", "u") == (4, 1)
    assert key_at(doc, "t", "u", "v") == (4, 3)
    assert value_at(doc, "t", "u", "v") == (4, 7)


def test_quoted_keys_are_found_by_their_decoded_text() -> None:
    doc = load(
        '"x y" = 1\n'
        "'lit.eral' = 2\n"
        '"esc\\u0041" = 3\n'
        '"" = 4\n'
        "[\"a]b\".'c = d']\n"
        "e = 5\n"
        'site."google.com" = true\n'
    )
    assert key_at(doc, "x y") == (1, 1)
    assert value_at(doc, "x y") == (1, 9)
    assert key_at(doc, "lit.eral") == (2, 1)
    assert key_at(doc, "escA") == (3, 1)
    assert value_at(doc, "escA") == (3, 15)
    assert key_at(doc, "") == (4, 1)
    assert key_at(doc, "a]b") == (5, 2)
    assert key_at(doc, "a]b", "c = d") == (5, 8)
    assert key_at(doc, "a]b", "c = d", "e") == (6, 1)
    assert key_at(doc, "a]b", "c = d", "site", "google.com") == (7, 6)


# --- arrays of tables --------------------------------------------------------------------

ACTIONS = """\
[[action]]
id = "treat"

[[action.effect]]
target = "a"

[[action.effect]]
target = "b"

[[action]]
id = "jail"

[[ action . effect ]]
target = "c"

[action.cost]
money = 3
"""


def test_array_of_tables_elements_are_counted_in_order() -> None:
    doc = load(ACTIONS)
    assert key_at(doc, "action") == (1, 3)
    assert key_at(doc, "action", 0) == (1, 1)
    assert key_at(doc, "action", 1) == (10, 1)
    assert key_at(doc, "action", 0, "id") == (2, 1)
    assert value_at(doc, "action", 1, "id") == (11, 6)


def test_nested_arrays_of_tables_are_counted_per_parent_element() -> None:
    doc = load(ACTIONS)
    assert doc.data["action"][1]["effect"][0]["target"] == "c"
    assert key_at(doc, "action", 0, "effect", 0) == (4, 1)
    assert key_at(doc, "action", 0, "effect", 1, "target") == (8, 1)
    assert value_at(doc, "action", 1, "effect", 0, "target") == (14, 10)
    assert key_at(doc, "action", 1, "effect") == (13, 13)
    assert key_at(doc, "action", 1, "cost") == (16, 9)
    assert key_at(doc, "action", 1, "cost", "money") == (17, 1)


# --- inline tables and arrays ------------------------------------------------------------


def test_inline_tables_nest() -> None:
    doc = load("k = { a = 1, b = { c = 2 }, d.e = 'f' }\n")
    assert key_at(doc, "k", "a") == (1, 7)
    assert value_at(doc, "k", "a") == (1, 11)
    assert key_at(doc, "k", "b") == (1, 14)
    assert value_at(doc, "k", "b") == (1, 18)
    assert key_at(doc, "k", "b", "c") == (1, 20)
    assert value_at(doc, "k", "b", "c") == (1, 24)
    assert key_at(doc, "k", "d", "e") == (1, 31)
    assert value_at(doc, "k", "d", "e") == (1, 35)
    assert value_at(doc, "k") == (1, 5)


def test_multi_line_inline_tables_with_comments_are_followed() -> None:
    text = "k = {\n  a = 1, # one { }\n  b = [2,\n 3],\n}\nafter = 4\n"
    try:
        tomli.loads(text)
    except tomli.TOMLDecodeError:
        pytest.skip("this tomli only reads TOML 1.0 inline tables")
    doc = load(text)
    assert key_at(doc, "k", "a") == (2, 3)
    assert value_at(doc, "k", "b", 1) == (4, 2)
    assert key_at(doc, "after") == (6, 1)


def test_array_elements_map_to_where_each_element_starts() -> None:
    doc = load(
        "xs = [\n"
        "  1,  # first ] , [\n"
        "  [2, [3]],\n"
        "\n"
        "  { id = 'four', n = [5] },\n"
        '  "six",\n'
        "]\n"
        "after = 7\n"
    )
    assert value_at(doc, "xs") == (1, 6)
    assert key_at(doc, "xs", 0) == (2, 3)
    assert value_at(doc, "xs", 1) == (3, 3)
    assert value_at(doc, "xs", 1, 0) == (3, 4)
    assert value_at(doc, "xs", 1, 1) == (3, 7)
    assert value_at(doc, "xs", 1, 1, 0) == (3, 8)
    assert value_at(doc, "xs", 2) == (5, 3)
    assert key_at(doc, "xs", 2, "id") == (5, 5)
    assert value_at(doc, "xs", 2, "n", 0) == (5, 23)
    assert value_at(doc, "xs", 3) == (6, 3)
    assert key_at(doc, "after") == (8, 1)


def test_brief_example_paths_from_pydantic() -> None:
    doc = load(
        "[parameter.hope_efficacy]\n"
        "range = [0.2, 1.5]\n"
        "[action.hope]\n"
        'effects = [{ target = "heavy_users", by = 1 }]\n'
    )
    assert doc.key_position(("parameter", "hope_efficacy", "range", 1)) == Position(2, 15)
    assert doc.key_position(("action", "hope", "effects", 0, "target")) == Position(4, 14)
    assert doc.value_position(("action", "hope", "effects", 0, "target")) == Position(4, 23)


# --- strings that look like syntax -------------------------------------------------------


def test_brackets_equals_and_hashes_inside_strings_do_not_fool_the_scanner() -> None:
    doc = load(
        'a = "[b] = 1 # \\" ]"\n'
        "c = '[d] # \"'\n"
        'e = """\n'
        "[[f]]\n"
        'g = "h" # ""\n'
        '"""\n'
        "i = '''\n"
        "[j] ''\n"
        "k = 2 # '''\n"
        'l = ["]", "[", \'#\', """x""""] # ]\n'
        'm = """q"""""\n'
        "n = 3\n"
    )
    assert set(doc.data) == set("aceilmn")  # "k = 2" is inside the string at "i"
    assert doc.data["i"] == "[j] ''\nk = 2 # "
    assert value_at(doc, "e") == (3, 5)
    assert key_at(doc, "i") == (7, 1)
    assert key_at(doc, "k") == (1, 1)
    assert value_at(doc, "l", 3) == (10, 21)
    assert doc.data["l"][3] == 'x"'
    assert doc.data["m"] == 'q""'
    assert key_at(doc, "n") == (12, 1)


def test_crlf_line_endings_give_the_same_lines_and_columns() -> None:
    lf = '[t]\nx = """\nab\ncd"""\ny = [\n  1,\n  2,\n]\n'
    crlf = lf.replace("\n", "\r\n")
    a, b = load(lf), load(crlf)
    for path in [("t",), ("t", "x"), ("t", "y"), ("t", "y", 1)]:
        assert a.key_position(path) == b.key_position(path)
        assert a.value_position(path) == b.value_position(path)
    assert key_at(b, "t", "y", 1) == (7, 3)
    assert b.string_offset_position(("t", "x"), 4) == Position(4, 2)


# --- fallbacks ---------------------------------------------------------------------------


def test_unknown_paths_fall_back_to_the_longest_known_prefix() -> None:
    doc = load("[a]\nb = { c = 1 }\n")
    assert doc.key_position(("a", "b", "missing", 3)) == Position(2, 1)
    assert doc.value_position(("a", "b", "missing")) == Position(2, 1)
    assert doc.key_position(("a", "b", "c", "deeper")) == Position(2, 7)
    assert doc.key_position(("a", "nope")) == Position(1, 2)
    assert doc.key_position(("zzz",)) == Position(1, 1)
    assert doc.key_position(()) == Position(1, 1)


def test_error_points_at_the_key_or_the_value() -> None:
    doc = read_toml_text("\n[unit]\nspeed = 'fast'\n", "mods/x.toml")
    assert doc.error(("unit", "speed"), "expected a number") == ContentError(
        "mods/x.toml", 3, 1, "expected a number"
    )
    at_value = doc.error(("unit", "speed"), "expected a number", at_value=True)
    assert (at_value.line, at_value.column) == (3, 9)
    assert str(at_value) == "mods/x.toml:3:9: expected a number"


# --- character offsets inside strings ----------------------------------------------------


def test_offsets_inside_one_line_strings_are_exact() -> None:
    doc = load("a = \"heavy users\"\nb = 'C:\\path'\n")
    assert doc.string_offset_position(("a",), 0) == Position(1, 6)
    assert doc.string_offset_position(("a",), 6) == Position(1, 12)
    assert doc.string_offset_position(("b",), 3) == Position(2, 9)


def test_offsets_inside_multi_line_strings_follow_the_lines() -> None:
    doc = load("text = \"\"\"\nfirst\n  second\"\"\"\nlit = '''one\ntwo'''\n")
    assert doc.data["text"] == "first\n  second"
    assert doc.string_offset_position(("text",), 0) == Position(2, 1)
    assert doc.string_offset_position(("text",), 5) == Position(2, 6)  # the newline
    assert doc.string_offset_position(("text",), 8) == Position(3, 3)
    assert doc.string_offset_position(("lit",), 5) == Position(5, 2)


def test_offsets_in_strings_with_escapes_fall_back_to_the_string_start() -> None:
    doc = load('a = "x\\ty"\nb = """\\\n  joined"""\nc = 5\n')
    assert doc.string_offset_position(("a",), 2) == Position(1, 5)
    assert doc.string_offset_position(("b",), 1) == Position(2, 5)
    assert doc.string_offset_position(("c",), 0) == Position(4, 5)
    assert doc.string_offset_position(("a",), 99) == Position(1, 5)


# --- syntax errors and unreadable files --------------------------------------------------


def test_syntax_error_names_file_line_and_column() -> None:
    with pytest.raises(ContentErrors) as caught:
        read_toml_text("ok = 1\r\nbad = \n", "mods/broken.toml")
    [error] = caught.value.errors
    assert (error.file, error.line, error.column) == ("mods/broken.toml", 2, 7)
    assert error.message.startswith("a value is missing after =: write a number")


def test_syntax_error_at_end_of_document_points_past_the_last_line() -> None:
    with pytest.raises(ContentErrors) as caught:
        read_toml_text("a = [1,\n", "x.toml")
    [error] = caught.value.errors
    assert (error.line, error.column) == (2, 1)
    assert "at end of document" not in error.message


def test_syntax_error_from_a_file_uses_the_display_path(tmp_path: Path) -> None:
    file = tmp_path / "pack.toml"
    file.write_text("a = 1\na = 2\n", encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        read_toml(file, "content/pack.toml")
    assert str(caught.value).startswith("content/pack.toml:2:6: this key already has a value in this table")


CLOSE_THE_LIST = "a [list] is not closed: separate its items with commas and end it with ]"


def test_old_tomli_errors_are_read_from_the_message() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        old = tomli.TOMLDecodeError("Unclosed array (at line 3, column 9)")
        at_end = tomli.TOMLDecodeError("Unclosed array (at end of document)")
    assert _syntax_error(old, "", "f.toml") == ContentError("f.toml", 3, 9, CLOSE_THE_LIST)
    assert _syntax_error(at_end, "a\nbc", "f.toml") == ContentError(
        "f.toml", 2, 3, CLOSE_THE_LIST
    )


def test_a_file_is_read_and_named_as_given(tmp_path: Path) -> None:
    file = tmp_path / "pack.toml"
    file.write_bytes("\ufeffname = 'é'\n".encode())  # a byte order mark, as Notepad writes
    doc = read_toml(file)
    assert doc.path == str(file)
    assert doc.data == {"name": "é"}
    assert key_at(doc, "name") == (1, 1)


def unreadable(path: str | os.PathLike[str]) -> ContentError:
    with pytest.raises(ContentErrors) as caught:
        read_toml(path, "mods/pack.toml")
    [error] = caught.value.errors
    assert (error.file, error.line, error.column) == ("mods/pack.toml", 1, 1)
    return error


def test_a_missing_file_is_one_plain_error(tmp_path: Path) -> None:
    assert "does not exist" in unreadable(tmp_path / "nope.toml").message


def test_a_directory_is_one_plain_error(tmp_path: Path) -> None:
    assert "directory" in unreadable(tmp_path).message


def test_a_file_that_is_not_utf8_is_one_plain_error(tmp_path: Path) -> None:
    file = tmp_path / "latin1.toml"
    file.write_bytes(b"a = 1\nname = '\xe9'\n")
    message = unreadable(file).message
    assert "UTF-8" in message
    assert "0xe9 on line 2" in message


def test_a_file_without_read_permission_is_one_plain_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "locked.toml").write_text("a = 1\n")

    def refuse(path: object, flags: int, *args: object) -> int:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(safe_read.os, "open", refuse)
    assert "permission denied" in unreadable(tmp_path / "locked.toml").message


def test_deep_nesting_does_not_exhaust_the_stack() -> None:
    depth = 350
    doc = load("a = " + "[" * depth + "1" + "]" * depth + "\n")
    assert value_at(doc, "a", *([0] * depth)) == (1, 5 + depth)


# --- generated documents -----------------------------------------------------------------

BARE = re.compile(r"[A-Za-z0-9_-]+")
KEYS = st.text(alphabet="ab_-9 .é#=[]{}\"'\\", max_size=4)
TEXT = st.text(alphabet="ab #=[]{},\"'\\\n\té\x01\r", max_size=10)
LEAVES = st.one_of(
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False),
    st.booleans(),
    TEXT,
    st.dates(),
    st.datetimes(min_value=dt.datetime(1000, 1, 1)),
    st.times(),
)
VALUES = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(KEYS, inner, max_size=3),
        st.lists(st.dictionaries(KEYS, inner, max_size=3), min_size=1, max_size=3),
    ),
    max_leaves=12,
)
DOCUMENTS = st.dictionaries(KEYS, VALUES, max_size=4)
COMMENTS = ["", "  # ] = [x", " # '''", '  # """ {']


class TomlWriter:
    """Writes a dict as TOML in randomly chosen styles, remembering the exact offset and
    text of every key and the offset of every value it writes, to check the scanner."""

    def __init__(self, rnd: random.Random) -> None:
        self.rnd = rnd
        self.parts: list[str] = []
        self.length = 0
        self.keys: dict[KeyPath, tuple[int, str]] = {}  # offset and the key as written
        self.values: dict[KeyPath, int] = {}
        self.strings: dict[KeyPath, tuple[str, bool]] = {}  # text, offsets are exact
        self.styles: dict[KeyPath, str] = {}

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def text(self) -> str:
        return "".join(self.parts)

    def key(self, path: KeyPath, *, explicit: bool) -> None:
        """One part of a key; an explicit definition replaces an earlier mention."""
        name = path[-1]
        assert isinstance(name, str)
        if BARE.fullmatch(name) and self.rnd.random() < 0.7:
            token = name
        elif "'" not in name and "\\" not in name and self.rnd.random() < 0.5:
            token = f"'{name}'"
        else:
            token = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if explicit or path not in self.keys:
            self.keys[path] = (self.length, token)
        self.write(token)

    def dotted_key(self, base: KeyPath, names: list[str]) -> KeyPath:
        path = base
        for i, name in enumerate(names):
            if i:
                self.write(self.rnd.choice([".", " . "]))
            path += (name,)
            self.key(path, explicit=i == len(names) - 1)
        return path

    def header_key(self, path: KeyPath, *, explicit: bool) -> None:
        """The dotted name in a header; `path` holds the element index of each array of
        tables on the way, which the header itself does not write."""
        ends = [i + 1 for i, step in enumerate(path) if isinstance(step, str)]
        for j, end in enumerate(ends):
            if j:
                self.write(self.rnd.choice([".", " . "]))
            self.key(path[:end], explicit=explicit and end == len(path))

    def style(self, path: KeyPath, value: Any) -> str:
        """How the value at `path` is written; chosen once per path."""
        if path not in self.styles:
            if isinstance(value, dict):
                options = ["header", "inline"] + (["dotted"] if value else [])
            elif value and isinstance(value, list) and all(isinstance(v, dict) for v in value):
                options = ["array of tables", "inline"]
            else:
                options = ["inline"]
            self.styles[path] = self.rnd.choice(options)
        return self.styles[path]

    def table(self, path: KeyPath, table: dict[str, Any]) -> None:
        """The body of a table: key/value lines first, then sub-tables under headers."""
        for name, value in table.items():
            style = self.style(path + (name,), value)
            if style == "dotted":
                self.dotted_lines(path, [name], value)
            elif style == "inline":
                self.key_value(path, [name], value)
        for name, value in table.items():
            style = self.style(path + (name,), value)
            if style == "header":
                self.header(path + (name,), value)
            elif style == "array of tables":
                array = path + (name,)
                for index, element in enumerate(value):
                    self.blank_lines()
                    self.values.setdefault(array, self.length)
                    self.keys[array + (index,)] = (self.length, "[[")
                    self.values[array + (index,)] = self.length
                    self.write("[[" + self.rnd.choice(["", " "]))
                    self.header_key(array, explicit=False)
                    self.write(self.rnd.choice(["", " "]) + "]]" + self.rnd.choice(COMMENTS))
                    self.write("\n")
                    self.table(array + (index,), element)

    def header(self, path: KeyPath, table: dict[str, Any]) -> None:
        """A `[table]`, left implicit at random when it only holds sub-tables."""
        only_tables = all(
            self.style(path + (name,), value) in ("header", "array of tables")
            for name, value in table.items()
        )
        if not table or not only_tables or self.rnd.random() < 0.5:
            self.blank_lines()
            self.values[path] = self.length
            self.write("[" + self.rnd.choice(["", " "]))
            self.header_key(path, explicit=True)
            self.write(self.rnd.choice(["", " "]) + "]" + self.rnd.choice(COMMENTS) + "\n")
        self.table(path, table)

    def dotted_lines(self, base: KeyPath, names: list[str], table: dict[str, Any]) -> None:
        for name, value in table.items():
            if isinstance(value, dict) and value and self.rnd.random() < 0.5:
                self.dotted_lines(base, [*names, name], value)
            else:
                self.key_value(base, [*names, name], value)

    def key_value(self, base: KeyPath, names: list[str], value: Any) -> None:
        self.blank_lines()
        self.write(self.rnd.choice(["", "  ", "\t"]))
        path = self.dotted_key(base, names)
        self.write(self.rnd.choice(["=", " = ", " =  "]))
        self.value(path, value, in_inline_table=False)
        self.write(self.rnd.choice(COMMENTS) + "\n")

    def inline_members(
        self, path: KeyPath, names: list[str], table: dict[str, Any], first: list[bool]
    ) -> None:
        for name, member in table.items():
            if isinstance(member, dict) and member and self.rnd.random() < 0.3:
                self.inline_members(path, [*names, name], member, first)
                continue
            self.write(" " if first[0] else ", ")
            first[0] = False
            member_path = self.dotted_key(path, [*names, name])
            self.write(self.rnd.choice(["=", " = "]))
            self.value(member_path, member, in_inline_table=True)

    def value(self, path: KeyPath, value: Any, *, in_inline_table: bool) -> None:
        self.values[path] = self.length
        if isinstance(value, dict):
            self.write("{")
            self.inline_members(path, [], value, [True])
            self.write(" }" if value else "}")
        elif isinstance(value, list):
            multi_line = not in_inline_table and self.rnd.random() < 0.5
            self.write("[")
            for index, element in enumerate(value):
                if multi_line:
                    self.write("\n" + self.rnd.choice(["  ", ""]))
                self.keys[path + (index,)] = (self.length, "")
                self.value(path + (index,), element, in_inline_table=in_inline_table)
                if index < len(value) - 1 or (multi_line and self.rnd.random() < 0.5):
                    self.write(self.rnd.choice([",", " ,"]))
                if multi_line:
                    self.write(self.rnd.choice(COMMENTS))
            self.write("\n]" if multi_line else "]")
        elif isinstance(value, str):
            token, exact = self.string(value)
            self.strings[path] = (value, exact)
            self.write(token)
        elif isinstance(value, bool):
            self.write("true" if value else "false")
        elif isinstance(value, dt.datetime):
            self.write(value.isoformat(sep=self.rnd.choice([" ", "T"])))
        elif isinstance(value, dt.date | dt.time):
            self.write(value.isoformat())
        else:
            self.write(repr(value))

    def string(self, value: str) -> tuple[str, bool]:
        """One of the four string kinds, as allowed by the content; and whether the raw
        text maps character for character onto the value."""
        controls = {c for c in value if c < " " or c == "\x7f"}
        kinds = ["basic", "multi-line basic"]
        if not controls - {"\t"} and "'" not in value:
            kinds.append("literal")
        if not controls - {"\t", "\n"} and "'''" not in value:
            kinds.append("multi-line literal")
        kind = self.rnd.choice(kinds)
        opening_newline = value.startswith("\n") or self.rnd.random() < 0.5
        if kind == "literal":
            return f"'{value}'", True
        if kind == "multi-line literal":
            return "'''" + ("\n" if opening_newline else "") + value + "'''", True
        multi_line = kind == "multi-line basic"
        out: list[str] = []
        for c in value:
            if c == "\\":
                out.append("\\\\")
            elif c == '"' and (not multi_line or out[-2:] == ['"', '"']):
                out.append('\\"')
            elif c == "\n" and not multi_line:
                out.append("\\n")
            elif c in controls and not (c == "\t" or (multi_line and c == "\n")):
                out.append(f"\\u{ord(c):04x}")
            else:
                out.append(c)
        body = "".join(out)
        if multi_line:
            token = '"""' + ("\n" if opening_newline else "") + body + '"""'
        else:
            token = f'"{body}"'
        return token, "\\" not in body

    def blank_lines(self) -> None:
        self.write(self.rnd.choice(["", "", "\n", "# [fake.header]\n", "\n  # x = 1\n"]))


def position_of(text: str, offset: int) -> Position:
    line_start = text.rfind("\n", 0, offset) + 1
    return Position(text.count("\n", 0, offset) + 1, offset - line_start + 1)


def positions_test(documents: int) -> Callable[..., None]:
    """The property below, checked on ``documents`` generated documents."""

    @settings(max_examples=documents, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(document=DOCUMENTS, rnd=st.randoms(use_true_random=False), crlf=st.booleans())
    def check(document: dict[str, Any], rnd: random.Random, crlf: bool) -> None:
        check_positions(document, rnd, crlf)

    return check


# 40 documents by default: planted mistakes (a newline after an opening triple quote not trimmed,
# escapes taken as exact) fail in 6 of 6 seeds at 20 documents as at 150; the 150 run under slow.
test_generated_documents_resolve_every_path_to_where_it_is_written = positions_test(40)
test_generated_documents_resolve_every_path_to_where_it_is_written_exhaustive = pytest.mark.slow(
    positions_test(150)
)


def check_positions(document: dict[str, Any], rnd: random.Random, crlf: bool) -> None:
    """The document written out at random; every key, value and string character found where written."""
    writer = TomlWriter(rnd)
    writer.table((), document)
    lf_text = writer.text()
    text = lf_text.replace("\n", "\r\n") if crlf else lf_text
    doc = load(text)
    assert doc.data == document, lf_text  # the generator itself writes valid TOML

    lines = lf_text.split("\n")
    for path, (offset, token) in writer.keys.items():
        where = doc.key_position(path)
        assert where == position_of(lf_text, offset), (path, lf_text)
        assert token in lines[where.line - 1]
        assert text_at(doc, where).startswith(token)
    for path, offset in writer.values.items():
        assert doc.value_position(path) == position_of(lf_text, offset), (path, lf_text)
    for path, (value, exact) in writer.strings.items():
        start = doc.value_position(path)
        for index, char in enumerate(value):
            where = doc.string_offset_position(path, index)
            if exact:
                assert text_at(doc, where)[0] == char, (path, index, lf_text)
            else:
                assert where == start
