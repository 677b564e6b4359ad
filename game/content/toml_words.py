"""TOML syntax errors in words a modder understands, with what to write instead.

tomli says what its parser expected ("Illegal character '\\n'", "Invalid value"); a
person editing a pack needs to hear what is wrong in their file ("a string is not closed
before the end of the line") and how to fix it. ``in_words`` looks at tomli's message and
at the text where it stopped, and says so. A message it does not know passes through.
"""

from __future__ import annotations

import re

_CANNOT_DECLARE = re.compile(r"Cannot declare \((.*)\) twice")
_DUPLICATE_INLINE = re.compile(r"Duplicate inline table key '(.*)'")
_ILLEGAL = re.compile(r"(?:Illegal|Found invalid) character '(.*)'")
_IMMUTABLE = re.compile(r"Cannot mutate immutable namespace")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_ -]*")
_NUMBERISH = re.compile(r"[0-9+\-.]")


def in_words(message: str, text: str, line: int, column: int) -> str:
    """tomli's ``message`` about ``text`` at ``line``:``column`` (1-based), in words."""
    lines = text.replace("\r\n", "\n").split("\n")
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    rest = here[column - 1 :] if column >= 1 else here
    before = here[: max(column - 1, 0)]
    explained = _explain(message, here, before, rest)
    return explained if explained is not None else message


def _explain(message: str, here: str, before: str, rest: str) -> str | None:
    illegal = _ILLEGAL.fullmatch(message)
    if illegal is not None:
        return _illegal(illegal.group(1))
    if message == "Unterminated string":
        return (
            'a string is not closed before the end of the file: a """ or \'\'\' block of text '
            "needs the same three quotes at its end"
        )
    if message == "Expected \"'''\"":
        return "a '''block of text''' is not closed before the end of the file: end it with '''"
    if message == "Expected \"'\"":
        return (
            "a string in 'single quotes' is not closed before the end of the file: add the closing ' "
            "on the line where it starts"
        )
    if message == "Invalid value":
        return _invalid_value(before, rest)
    if message == "Expected '=' after a key in a key/value pair":
        return (
            "expected = after the key: write key = value on one line (a key with spaces or dots "
            'in it must be quoted, e.g. "my key" = 1)'
        )
    if message == "Invalid initial character for a key part":
        return (
            "a key is expected here: keys are letters, digits, _ and -, or text in quotes; "
            "a value needs a key and = before it"
        )
    if message == "Expected newline or end of document after a statement":
        if re.match(r",[0-9]{3}", rest):
            return "numbers are written without thousands separators: 1000 or 1_000, not 1,000"
        return (
            f"unexpected text after the value: {rest.strip()[:30]!r}; put each key = value on its own "
            "line, separate list items with commas, and start a comment with #"
        )
    if message == "Invalid statement":
        return "this line is not key = value, a [table] header or a # comment"
    declared = _CANNOT_DECLARE.fullmatch(message)
    if declared is not None:
        name = ".".join(part.strip(" '\"") for part in declared.group(1).split(",") if part.strip())
        return (
            f"the table [{name}] appears twice in this file: put all its keys under one header "
            "(or use [[...]] for a list of tables)"
        )
    if message == "Cannot overwrite a value":
        return (
            "this key already has a value in this table: each key may be set once (to change "
            "another pack's item, use [patch.KIND.ID] in its own file)"
        )
    duplicate = _DUPLICATE_INLINE.fullmatch(message)
    if duplicate is not None:
        return f"the key {duplicate.group(1)!r} appears twice in this {{ inline table }}"
    if _IMMUTABLE.match(message):
        return (
            "this table was written inline ({ ... }) or as a value, so it cannot be extended "
            "here: write all its keys in one place, or make it a [table] section"
        )
    if message in ("There is no nest behind this key", "An object other than list found behind this key"):
        return "this header names a key that already holds a value, not a table"
    if message == "Expected ']' at the end of a table declaration":
        return "a [table] header is not closed: end it with ]"
    if message == "Expected ']]' at the end of an array declaration":
        return "a [[list of tables]] header is not closed: end it with ]]"
    if message == "Unclosed array":
        return "a [list] is not closed: separate its items with commas and end it with ]"
    if message == "Unclosed inline table":
        return (
            "an { inline table } is not closed: separate its keys with commas, end it with } on "
            "the same line, or write it as a [table] section"
        )
    if message == "Unescaped '\\' in a string":
        return (
            'a backslash in "double quotes" starts an escape such as \\n: write \\\\ for a '
            "backslash, or use 'single quotes', where backslashes are plain"
        )
    if message in ("Invalid hex value", "Escaped character is not a Unicode scalar value"):
        return "this \\u or \\U escape is not a valid character code (\\u00e9 is é)"
    if message == "Invalid date or datetime":
        return "this date or time is not valid: write dates as YYYY-MM-DD, or put the text in quotes"
    return None


def _illegal(char: str) -> str:
    """An illegal character: the end of a line inside a string, or a control character."""
    if char in ("\\n", "\\r"):  # only a one-line string can meet the end of its line
        return (
            "a string is not closed before the end of the line: add the closing quote, or "
            'use """three quotes""" for text over several lines'
        )
    if char == "\\t":
        return "a tab is not allowed here"
    return (
        f"the control character {char} cannot be written in a TOML file as is; remove it, or "
        "write it as an escape such as \\u0007 inside a \"string\""
    )


def _invalid_value(before: str, rest: str) -> str:
    """What follows ``=`` is not a TOML value: empty, or text without quotes."""
    token = rest.strip()
    if not token or token.startswith("#"):
        return (
            'a value is missing after =: write a number, true or false, "text", [a, list] '
            "or { a = table }"
        )
    word = _WORD.match(token)
    if word is not None and not _NUMBERISH.match(token):
        text = word.group().strip()
        key = before.rstrip(" =").strip()
        example = f'{key} = "{text}"' if key and "=" in before else f'"{text}"'
        lower = text.lower()
        if lower in ("true", "false", "yes", "no", "on", "off"):
            return (
                f"{text!r} is not a TOML value: true and false are written in lower case without "
                "quotes, and yes/no are not booleans"
            )
        if lower in ("nan", "inf", "infinity"):
            return f"{text!r} is not a number the game can compute with; write a finite number"
        return f"text must be in quotes: {example}"
    return (
        "this is not a TOML value: numbers are written like 12, 0.5 or 1e-3 (no thousands "
        "separators or units), text in \"quotes\", lists in [brackets]"
    )
