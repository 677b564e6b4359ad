"""Text from strangers made safe to show on a terminal.

A terminal obeys control characters: ``ESC [2J`` clears the screen, an OSC sequence sets
the window's title, a bidirectional override makes text read backwards. Text that came
from a pack, a save or a file name is passed through ``printable`` before it is shown, in
the command line and in the game; packs are refused outright if their text holds any
(game.content.untrusted).

This module imports nothing from the game, so every layer can use it.
"""

from __future__ import annotations

import re
import unicodedata

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
UNPRINTABLE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
"""Characters a terminal acts on or that reorder text: C0 but tab and line feed, DEL, C1,
and the bidirectional overrides, embeddings and isolates."""
_UNPRINTABLE_OR_NEWLINE = re.compile(f"[\x00-\x08\x0a-\x1f\x7f-\x9f{_BIDI}]")


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
