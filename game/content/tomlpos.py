"""Read TOML content files and remember where every key and value is written.

tomli gives back plain data with no positions, but a modder needs every error to name a
file, a line and a column. `TomlDocument` keeps tomli's data together with an index from
key paths (the same tuples pydantic puts in an error's ``loc``) to the places in the text
where each key and each value starts. The index comes from a small scanner that runs only
after tomli accepted the text, so it can trust the text to be valid TOML.
"""

from __future__ import annotations

import functools
import os
import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli

from game.content.errors import ContentError, ContentErrors
from game.content.safe_read import FileRefused, ReadBudget, read_limited
from game.content.toml_words import in_words
from game.limits import MAX_CONTENT_FILE_BYTES

KeyPath = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
# Numbers, booleans, inf/nan and dates; a date and a time may be split by one space,
# which in valid TOML is the only way a scalar can be followed by a space and a digit.
_SCALAR = re.compile(r"[0-9A-Za-z_+\-.:]+(?: [0-9][0-9A-Za-z_+\-.:]*)?")
_BASIC_STOP = re.compile(r'["\\]')
_TOMLI_WHERE = re.compile(r" \(at (?:line (\d+), column (\d+)|end of document)\)$")
_BLANK = " \t\n"
_LONG_DIGITS = re.compile(r"[0-9_]{4000,}")
_TOMLI_MAX_NESTING = 400  # tomli raises RecursionError past this many nested brackets


@dataclass(frozen=True)
class Position:
    """A place in a text file, as an editor shows it."""

    line: int  # 1-based
    column: int  # 1-based, in characters


@dataclass(frozen=True)
class _StringSpan:
    """Where a string value's delimiters and raw content are, in the normalised text."""

    quote: int
    content_start: int
    content_end: int
    exact: bool  # raw content maps one to one onto the decoded string


class TomlDocument:
    """A parsed TOML file that can say where each key and value in it is written."""

    def __init__(self, path: str, text: str, data: dict[str, Any]) -> None:
        self.path = path
        self.text = text
        self.data = data
        self.digest: str | None = None  # "sha256:..." of the file's bytes, set by whoever read them
        self._normalised = text.replace("\r\n", "\n")

    @functools.cached_property
    def _index(self) -> _Scanner:
        """Where every key, value and string is written, found when first asked: a file that
        loads without an error is rarely asked at all, and scanning is most of reading one."""
        scanner = _Scanner(self._normalised)
        scanner.scan()
        return scanner

    def __repr__(self) -> str:
        return f"TomlDocument({self.path!r})"

    def key_position(self, path: KeyPath) -> Position:
        """Where the key (or array element) at `path` is written; falls back to the
        longest prefix that is known, then to 1:1."""
        for end in range(len(path), 0, -1):
            offset = self._index.keys.get(path[:end])
            if offset is not None:
                return self._position(offset)
        return Position(1, 1)

    def value_position(self, path: KeyPath) -> Position:
        """Where the VALUE at `path` starts (the opening quote of a string, the first char
        of a number, the `[` of an array...); falls back like `key_position`."""
        offset = self._index.values.get(path)
        if offset is not None:
            return self._position(offset)
        return self.key_position(path)

    def scalar_text(self, path: KeyPath) -> str:
        """The text of the number, boolean or date at ``path`` as written (``1e400``), or ''."""
        offset = self._index.values.get(path)
        if offset is None:
            return ""
        match = _SCALAR.match(self._normalised, offset)
        return match.group() if match else ""

    def string_offset_position(self, path: KeyPath, offset: int) -> Position:
        """For a string value: the file position of character `offset` inside the decoded
        string, exact for single-line basic and literal strings without escapes and for
        multi-line strings without escapes or line-ending backslashes; otherwise the
        string's start. A path that is not a string falls back to `value_position`."""
        span = self._index.strings.get(path)
        if span is None:
            return self.value_position(path)
        if not span.exact or not 0 <= offset <= span.content_end - span.content_start:
            return self._position(span.quote)
        return self._position(span.content_start + offset)

    def error(self, path: KeyPath, message: str, *, at_value: bool = False) -> ContentError:
        """A `ContentError` in this file, at the key of `path` (or at its value)."""
        where = self.value_position(path) if at_value else self.key_position(path)
        return ContentError(self.path, where.line, where.column, message)

    def _position(self, offset: int) -> Position:
        line_starts = self._index.line_starts
        line = bisect_right(line_starts, offset)
        return Position(line, offset - line_starts[line - 1] + 1)


def read_toml(
    path: str | os.PathLike[str],
    display_path: str | None = None,
    *,
    inside: Path | None = None,
    budget: ReadBudget | None = None,
    cap: int = MAX_CONTENT_FILE_BYTES,
) -> TomlDocument:
    """Read and parse a TOML file; anything wrong with it raises `ContentErrors` naming
    the file, never a traceback. A UTF-8 byte order mark is accepted and skipped.

    The file is read through the safe reader: a regular file of at most ``cap`` bytes,
    inside the folder ``inside`` if given (links included), counted against ``budget``.
    """
    file = display_path if display_path is not None else os.fspath(path)
    try:
        raw = read_limited(path, cap, inside=inside, budget=budget, what="TOML file")
    except FileRefused as exc:
        raise _unreadable(file, f"cannot read the file: {exc.reason}") from None
    return read_toml_bytes(raw, file)


def read_toml_bytes(raw: bytes, display_path: str) -> TomlDocument:
    """Parse the bytes of a TOML file (UTF-8, with or without a byte order mark)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        message = (
            f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {line}"
            " cannot be decoded); save it as UTF-8"
        )
        raise _unreadable(display_path, message) from None
    return read_toml_text(text, display_path)


def read_toml_text(text: str, display_path: str) -> TomlDocument:
    """Parse TOML text that came from `display_path`; a syntax error raises
    `ContentErrors` at tomli's line and column."""
    try:
        data = tomli.loads(text)
    except tomli.TOMLDecodeError as exc:
        raise ContentErrors([_syntax_error(exc, text, display_path)]) from None
    except RecursionError as exc:  # tomli's own limits: 400 levels of brackets, 1000 key parts
        line, column = _bracket_past(text.replace("\r\n", "\n"), _TOMLI_MAX_NESTING)
        reason = str(exc) or "values are nested too deeply"
        raise ContentErrors([ContentError(display_path, line, column, reason)]) from None
    except ValueError:  # an integer longer than Python converts (4,300 digits)
        normalised = text.replace("\r\n", "\n")
        long_number = _LONG_DIGITS.search(normalised)
        at = long_number.start() if long_number else 0
        line = normalised.count("\n", 0, at) + 1
        column = at - (normalised.rfind("\n", 0, at) + 1) + 1
        message = "this number has thousands of digits, more than the game reads; write a shorter one"
        raise ContentErrors([ContentError(display_path, line, column, message)]) from None
    return TomlDocument(display_path, text, data)


def _bracket_past(src: str, limit: int) -> tuple[int, int]:
    """Line and column of the first bracket nested more than ``limit`` deep (arrays and
    inline tables, strings and comments skipped), or (1, 1). Linear and without recursion:
    it runs on text tomli refused as too deep, which may be nested 100,000 times."""
    depth = 0
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "#":
            end = src.find("\n", i)
            i = n if end < 0 else end
        elif c in "\"'":
            quote = src[i : i + 3] if src.startswith(c * 3, i) else c
            i += len(quote)
            while i < n and not src.startswith(quote, i) and (len(quote) == 3 or src[i] != "\n"):
                i += 2 if c == '"' and src[i] == "\\" else 1
            i += len(quote)
            continue
        elif c in "[{":
            depth += 1
            if depth > limit:
                line = src.count("\n", 0, i) + 1
                return line, i - (src.rfind("\n", 0, i) + 1) + 1
        elif c in "]}":
            depth = max(0, depth - 1)
        i += 1
    return 1, 1


def _unreadable(file: str, message: str) -> ContentErrors:
    return ContentErrors([ContentError(file, 1, 1, message)])


def _syntax_error(exc: tomli.TOMLDecodeError, text: str, file: str) -> ContentError:
    """tomli's complaint in words (see ``toml_words``), at tomli's line and column; older
    tomli versions only have `pos`, or only the position written in the message."""
    full = str(exc)
    where = _TOMLI_WHERE.search(full)
    msg = getattr(exc, "msg", None)
    if not isinstance(msg, str):
        msg = full[: where.start()] if where else full
    lineno, colno = getattr(exc, "lineno", None), getattr(exc, "colno", None)
    if not (isinstance(lineno, int) and isinstance(colno, int)):
        lineno, colno = _tomli_place(exc, text, where)
    return ContentError(file, lineno, colno, in_words(msg, text, lineno, colno))


def _tomli_place(exc: tomli.TOMLDecodeError, text: str, where: re.Match[str] | None) -> tuple[int, int]:
    normalised = text.replace("\r\n", "\n")
    pos = getattr(exc, "pos", None)
    if not isinstance(pos, int):
        if where and where.group(1):
            return int(where.group(1)), int(where.group(2))
        pos = len(normalised) if where else 0
    pos = min(pos, len(normalised))
    line = normalised.count("\n", 0, pos) + 1
    return line, pos - (normalised.rfind("\n", 0, pos) + 1) + 1


@dataclass
class _Container:
    """An array or inline table the scanner is inside of."""

    path: KeyPath
    is_array: bool
    next_index: int = 0


class _Scanner:
    """Walks valid TOML text once and records the offset of every key and value.

    It relies on tomli having accepted the text already, so it only needs to find where
    things start and end, not to check them. Arrays and inline tables are followed with an
    explicit stack, so deep nesting cannot exhaust Python's recursion limit.
    """

    def __init__(self, src: str) -> None:
        self.src = src
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", src)]
        self.keys: dict[KeyPath, int] = {}
        self.values: dict[KeyPath, int] = {}
        self.strings: dict[KeyPath, _StringSpan] = {}
        self.table_lengths: dict[KeyPath, int] = {}  # arrays of tables, by resolved path
        self.header: KeyPath = ()

    def scan(self) -> None:
        pos = self._skip_blank(0)
        while pos < len(self.src):
            if self.src.startswith("[[", pos):
                pos = self._array_table_header(pos)
            elif self.src[pos] == "[":
                pos = self._table_header(pos)
            else:
                pos = self._key_value(pos, self.header)
            pos = self._skip_blank(pos)

    def _skip_blank(self, pos: int) -> int:
        """Skip whitespace, line ends and comments."""
        src = self.src
        while pos < len(src):
            c = src[pos]
            if c in _BLANK:
                pos += 1
            elif c == "#":
                end = src.find("\n", pos)
                pos = len(src) if end < 0 else end
            else:
                break
        return pos

    def _skip_spaces(self, pos: int) -> int:
        while pos < len(self.src) and self.src[pos] in " \t":
            pos += 1
        return pos

    def _key(self, pos: int) -> tuple[list[tuple[str, int]], int]:
        """A dotted key: each part's decoded text and offset, and where the key ends."""
        src = self.src
        parts: list[tuple[str, int]] = []
        while True:
            pos = self._skip_spaces(pos)
            start = pos
            if src[pos] == '"':
                pos = self._basic_string_end(pos)
                raw = src[start:pos]
                name = tomli.loads(f"k = {raw}")["k"] if "\\" in raw else raw[1:-1]
            elif src[pos] == "'":
                pos = src.index("'", pos + 1) + 1
                name = src[start + 1 : pos - 1]
            else:
                match = _BARE_KEY.match(src, pos)
                if match is None:  # pragma: no cover - tomli accepted the text
                    raise AssertionError(f"no key at offset {pos}")
                pos = match.end()
                name = match.group()
            parts.append((name, start))
            pos = self._skip_spaces(pos)
            if pos < len(src) and src[pos] == ".":
                pos += 1
                continue
            return parts, pos

    def _resolve(self, names: list[str]) -> KeyPath:
        """A header's key path with the current index of every array of tables on it."""
        path: KeyPath = ()
        for name in names:
            path += (name,)
            if path in self.table_lengths:
                path += (self.table_lengths[path] - 1,)
        return path

    def _table_header(self, pos: int) -> int:
        parts, end = self._key(pos + 1)
        path = self._resolve([name for name, _ in parts])
        self._record_header_keys(path, parts)
        self.keys[path] = parts[-1][1]  # the explicit [a] wins over an earlier [a.b]
        self.values[path] = pos
        self.header = path
        return self.src.index("]", end) + 1

    def _array_table_header(self, pos: int) -> int:
        parts, end = self._key(pos + 2)
        names = [name for name, _ in parts]
        array = self._resolve(names[:-1]) + (names[-1],)
        index = self.table_lengths.get(array, 0)
        self.table_lengths[array] = index + 1
        self._record_header_keys(array, parts)
        self.values.setdefault(array, pos)
        self.header = array + (index,)
        self.keys[self.header] = pos
        self.values[self.header] = pos
        return self.src.index("]]", end) + 2

    def _record_header_keys(self, path: KeyPath, parts: list[tuple[str, int]]) -> None:
        """Give each named part of a header's resolved path its first written offset."""
        offsets = iter(offset for _, offset in parts)
        for end, step in enumerate(path, start=1):
            if isinstance(step, str):
                self.keys.setdefault(path[:end], next(offsets))

    def _key_value(self, pos: int, base: KeyPath) -> int:
        """`key = value` at `pos`, inside the table at `base`; returns where it ends."""
        parts, pos = self._key(pos)
        path = base
        for name, offset in parts:
            path += (name,)
            self.keys.setdefault(path, offset)
        self.keys[path] = parts[-1][1]
        pos = self._skip_spaces(pos + 1)  # past the "="
        return self._value(pos, path)

    def _value(self, pos: int, path: KeyPath) -> int:
        """A whole value, arrays and inline tables included; returns where it ends."""
        stack: list[_Container] = []
        pos = self._open_value(pos, path, stack)
        while stack:
            pos = self._skip_blank(pos)
            c = self.src[pos]
            inside = stack[-1]
            if c == ",":
                pos += 1
            elif c in "]}":
                stack.pop()
                pos += 1
            elif inside.is_array:
                element = inside.path + (inside.next_index,)
                inside.next_index += 1
                self.keys[element] = pos
                pos = self._open_value(pos, element, stack)
            else:
                parts, pos = self._key(pos)
                member = inside.path
                for name, offset in parts:
                    member += (name,)
                    self.keys.setdefault(member, offset)
                pos = self._skip_spaces(pos + 1)  # past the "="
                pos = self._open_value(pos, member, stack)
        return pos

    def _open_value(self, pos: int, path: KeyPath, stack: list[_Container]) -> int:
        """Record a value's start; scalars are read whole, containers are pushed."""
        src = self.src
        self.values[path] = pos
        c = src[pos]
        if c in "[{":
            stack.append(_Container(path, is_array=c == "["))
            return pos + 1
        if src.startswith('"""', pos):
            return self._multiline_string(pos, path, '"""')
        if src.startswith("'''", pos):
            return self._multiline_string(pos, path, "'''")
        if c == '"':
            end = self._basic_string_end(pos)
            exact = "\\" not in src[pos + 1 : end - 1]
            self.strings[path] = _StringSpan(pos, pos + 1, end - 1, exact)
            return end
        if c == "'":
            end = src.index("'", pos + 1) + 1
            self.strings[path] = _StringSpan(pos, pos + 1, end - 1, True)
            return end
        match = _SCALAR.match(src, pos)
        if match is None:  # pragma: no cover - tomli accepted the text
            raise AssertionError(f"no value at offset {pos}")
        return match.end()

    def _basic_string_end(self, pos: int) -> int:
        """Just past the closing quote of the one-line basic string opened at `pos`."""
        i = pos + 1
        while True:
            i = _BASIC_STOP.search(self.src, i).start()  # type: ignore[union-attr]
            if self.src[i] == '"':
                return i + 1
            i += 2  # a backslash and the character it escapes

    def _multiline_string(self, pos: int, path: KeyPath, delimiter: str) -> int:
        """Find the end of a multi-line string; up to two quotes may sit just before the
        closing delimiter and belong to the content."""
        src = self.src
        quote = delimiter[0]
        i = pos + 3
        while True:
            if delimiter == '"""':
                i = _BASIC_STOP.search(src, i).start()  # type: ignore[union-attr]
                if src[i] == "\\":
                    i += 2
                    continue
            else:
                i = src.index(quote, i)
            if src.startswith(delimiter, i):
                break
            i += 1
        run = 3
        while run < 5 and src.startswith(quote, i + run):
            run += 1
        content_start = pos + 3
        if src.startswith("\n", content_start):  # a newline right after the opening is trimmed
            content_start += 1
        content_end = i + run - 3
        exact = quote == "'" or "\\" not in src[content_start:content_end]
        self.strings[path] = _StringSpan(pos, content_start, content_end, exact)
        return i + run


def key_name(path: KeyPath) -> str:
    """How a message names the key at ``path``: its last name, with the indices after it
    (``value``, ``levels[2]``, ``multiply[0]``); '' for the root."""
    indices = ""
    for part in reversed(path):
        if isinstance(part, int):
            indices = f"[{part}]" + indices
        else:
            return f"{part}{indices}"
    return indices
