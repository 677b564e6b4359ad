"""Text and numbers from packs, plans and saves, made safe to compute with and to show.

Two sides of one rule: a terminal obeys control characters, so text a stranger wrote
(a pack's description, a save's name, a file name) must never reach it raw, and a number
that is not finite poisons every sum it enters.

- ``check_data`` refuses, with file:line:col, what a TOML document must not hold: numbers
  that are ``nan`` or ``inf``, strings and keys with control characters, and values nested
  deeper than MAX_TOML_NESTING. The loader runs it on every file it reads.
- ``printable`` escapes control characters in text about to be shown, for what cannot be
  refused at the source (file names, saves written by hand, error messages quoting them).
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from game.content.errors import ContentError
from game.content.tomlpos import KeyPath, TomlDocument, key_name
from game.limits import MAX_TOML_NESTING

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
UNPRINTABLE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
"""Characters a terminal acts on or that reorder text: C0 but tab and line feed, DEL, C1,
and the bidirectional overrides, embeddings and isolates."""
_UNPRINTABLE_OR_NEWLINE = re.compile(f"[\x00-\x08\x0a-\x1f\x7f-\x9f{_BIDI}]")
MAX_REPORTED = 20
"""Most problems reported per file by ``check_data`` (a hostile file may hold millions)."""


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, newlines: bool = True) -> str:
    """``text`` with every control character written as an escape (``\\x1b``, ``\\u202e``).

    With ``newlines=False`` line ends are escaped too, for one-line fields such as a file
    name, so a name cannot fake an extra line of output.
    """
    pattern = UNPRINTABLE if newlines else _UNPRINTABLE_OR_NEWLINE
    return pattern.sub(_escape, text)


def describe_character(char: str) -> str:
    """``U+001B (ESCAPE)``: a character named for a message."""
    name = unicodedata.name(char, "") or {0x1B: "ESCAPE", 0x7F: "DELETE"}.get(
        ord(char), "a control character"
    )
    return f"U+{ord(char):04X} ({name})"


def check_data(doc: TomlDocument) -> list[ContentError]:
    """What the document must not hold, each at its line and column (at most MAX_REPORTED)."""
    errors: list[ContentError] = []
    stack: list[tuple[KeyPath, Any]] = [((), doc.data)]
    while stack and len(errors) < MAX_REPORTED:
        path, value = stack.pop()
        if isinstance(value, dict):
            if len(path) >= MAX_TOML_NESTING and value:
                errors.append(_too_deep(doc, path))
                continue
            for key, item in value.items():
                bad = UNPRINTABLE.search(key) or _NEWLINE.search(key)
                if bad is not None:
                    errors.append(
                        doc.error(
                            path + (key,),
                            f"this key contains the control character "
                            f"{describe_character(bad.group())}; keys are plain names",
                        )
                    )
                    continue
                stack.append((path + (key,), item))
        elif isinstance(value, list):
            if len(path) >= MAX_TOML_NESTING and value:
                errors.append(_too_deep(doc, path))
                continue
            stack.extend((path + (i,), item) for i, item in enumerate(value))
        elif isinstance(value, float) and not math.isfinite(value):
            errors.append(doc.error(path, _not_finite(doc, path, value), at_value=True))
        elif isinstance(value, str):
            bad = UNPRINTABLE.search(value)
            if bad is not None:
                where = doc.string_offset_position(path, bad.start())
                errors.append(
                    ContentError(
                        doc.path,
                        where.line,
                        where.column,
                        f"this text contains the control character {describe_character(bad.group())}; "
                        "remove it (a terminal showing it could clear the screen or fake output)",
                    )
                )
    return sorted(errors)


_NEWLINE = re.compile(r"[\n\r\t]")


def _not_finite(doc: TomlDocument, path: KeyPath, value: float) -> str:
    """'value: 1e400 is too large, it reads as infinity...' or 'rate: nan is not a number...'."""
    written = doc.scalar_text(path) or str(value)
    name = key_name(path)
    prefix = f"{name}: " if name else ""
    if math.isinf(value) and "inf" not in written.lower():
        return (
            f"{prefix}{written} is too large for the game: it reads as infinity, which no sum can "
            "use; write a finite number"
        )
    return f"{prefix}{written} is not a number the game can compute with; write a finite number"


def _too_deep(doc: TomlDocument, path: KeyPath) -> ContentError:
    return doc.error(
        path,
        f"values are nested more than {MAX_TOML_NESTING} levels deep (tables, arrays and dotted "
        "keys together); the game's files need a handful",
        at_value=True,
    )
