"""What no TOML file from a stranger may hold, refused with its file, line and column.

A terminal obeys control characters, so text a stranger wrote (a pack's description, a
name) must never reach it raw, and a number that is not finite poisons every sum it
enters. ``check_data`` refuses numbers that are ``nan`` or ``inf``, strings and keys with
control characters (see game.content.printable), and values nested deeper than
MAX_TOML_NESTING. The loader runs it on every file it reads.
"""

from __future__ import annotations

import math
import re
from typing import Any

from game.content.errors import ContentError
from game.content.printable import UNPRINTABLE, describe_character
from game.content.tomlpos import KeyPath, TomlDocument, key_name
from game.limits import MAX_TOML_NESTING

MAX_REPORTED = 20
"""Most problems reported per file by ``check_data`` (a hostile file may hold millions)."""


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
