"""No module in game/ grows past about 500 lines without saying why at its top (issue 11).

A long module is either split along a seam or carries a paragraph starting "Why one long
module:" in its docstring, so a reader knows the length was chosen, not accreted.
"""

from __future__ import annotations

import ast
from pathlib import Path

import game

LIMIT = 500
REASON = "Why one long module:"


def long_modules_without_a_reason(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n")
        if lines <= LIMIT:
            continue
        doc = ast.get_docstring(ast.parse(text)) or ""
        if REASON not in doc:
            found.append(f"{path.relative_to(root.parent)}: {lines} lines")
    return found


def test_every_long_module_in_game_says_why_it_is_long() -> None:
    missing = long_modules_without_a_reason(Path(game.__file__).parent)
    assert not missing, (
        f"split these along a seam, or add a paragraph starting {REASON!r} to their docstring:\n"
        + "\n".join(missing)
    )


def test_the_check_finds_a_long_module_that_gives_no_reason(tmp_path: Path) -> None:
    pkg = tmp_path / "game"
    pkg.mkdir()
    (pkg / "short.py").write_text('"""Short."""\n', encoding="utf-8")
    (pkg / "long.py").write_text('"""Long."""\n' + "x = 1\n" * LIMIT, encoding="utf-8")
    reasoned = f'"""Long.\n\n{REASON} because."""\n' + "x = 1\n" * LIMIT
    (pkg / "reasoned.py").write_text(reasoned, encoding="utf-8")
    assert long_modules_without_a_reason(pkg) == [f"game/long.py: {LIMIT + 1} lines"]
