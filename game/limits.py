"""Every limit on untrusted input, in one place.

Packs and saves come from strangers (a mod downloaded from a forum, a student's save), so
everything the game reads from them is bounded: bytes, files, nesting, rows, items, turns,
and the memory a simulation may take. Each limit is far above what the base game and any
reasonable mod needs, and low enough that a hostile file ends in a clear error within
seconds instead of a hang or an out-of-memory crash. docs/SECURITY.md lists them for
modders; a test keeps that page in step with this module.

This module imports nothing from the game, so every layer can use it.
"""

from __future__ import annotations

import os

# --------------------------------------------------------------------------- files

MAX_CONTENT_FILE_BYTES = 4 * 1024 * 1024
"""Largest TOML file (topic file, pack.toml or plan); the base game's largest is 18 KB."""
MAX_PACK_BYTES = 32 * 1024 * 1024
"""Most bytes read from one pack, all its files together; the base game is under 300 KB."""
MAX_PACK_FILES = 2_000
"""Most TOML files in one pack; the base game has 36."""
MAX_PACK_FOLDER_DEPTH = 8
"""Deepest sub-folder of a pack that is searched for topic files."""
MAX_PACKS = 64
"""Most packs loaded together."""
MAX_SAVE_BYTES = 64 * 1024 * 1024
"""Largest save file; a 400-turn save of the base game is about 2 MB."""

# --------------------------------------------------------------------------- TOML structure

MAX_TOML_NESTING = 32
"""Deepest nesting of tables, arrays and dotted keys together in a TOML file (the schema needs 7)."""

# --------------------------------------------------------------------------- content

MAX_ITEMS_PER_PACK = 10_000
"""Most items (parameters, stocks, variables, flows, actions, ...) one pack defines."""
MAX_TABLE_ROWS = 10_000
"""Most rows in an entity table (enough for every US county)."""
MAX_TABLE_FIELDS = 200
"""Most fields of an entity table."""
MAX_LEVELS = 50
"""Most levels an action has."""
MAX_TURNS = 400
"""Most turns in a scenario (a century of quarters)."""
MAX_LIST_ITEMS = 1_000
"""Most entries in any list of a content item (effects, choices, grades, evidence)."""
MAX_PLAN_STEPS = 20_000
"""Most steps (or dilemma answers) in a plan: every action at every turn of a long game."""
MAX_VERSION_CHARS = 32
"""Longest version number or version range in pack.toml."""
MAX_ORDER = 1_000_000
"""Largest magnitude of a load_order or a dashboard order."""
MAX_START_YEAR = 9_999
"""Latest start year of a scenario (and 1 the earliest)."""
MAX_CLASS_QUESTIONS = 50
"""Most debrief questions in a class file."""
MAX_TEXT_CHARS = 10_000
"""Longest text a class file gives (a title, a question) or a student writes (an answer)."""
MAX_STUDENT_NAME_CHARS = 80
"""Longest student name a class game records."""

# --------------------------------------------------------------------------- simulation

DEFAULT_MEMORY_BYTES = 2 * 1024**3
"""Memory a simulation may plan to use, unless BORDERLINE_MEMORY_LIMIT says otherwise."""
MEMORY_ENV = "BORDERLINE_MEMORY_LIMIT"


def memory_limit() -> int:
    """The memory budget of one simulation, in bytes: BORDERLINE_MEMORY_LIMIT (such as
    ``512M``, ``4G`` or a number of bytes) when set, else DEFAULT_MEMORY_BYTES.

    Raise ValueError, saying what was expected, if the variable is set to something else.
    """
    given = os.environ.get(MEMORY_ENV, "")
    raw = given.strip().upper().removesuffix("B")
    if not raw:
        return DEFAULT_MEMORY_BYTES
    scale = {"K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}.get(raw[-1], 1)
    digits = raw[:-1] if raw[-1] in "KMGT" else raw
    if not digits.isascii() or not digits.isdigit() or len(digits) > 12 or int(digits) == 0:
        raise ValueError(f"{MEMORY_ENV}={given[:40]!r} is not a size: write one such as 512M, 8G or 2000000")
    return int(digits) * scale


def describe_bytes(count: float) -> str:
    """A size in the units people read: 3.0 GB, 512 MB, 18 KB, 12 bytes."""
    for unit, size in (("TB", 1024**4), ("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if count >= size:
            value = count / size
            return f"{value:.1f} {unit}" if value < 10 else f"{value:,.0f} {unit}"
    return f"{int(count)} byte{'s' if count != 1 else ''}"
