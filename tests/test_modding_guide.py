"""docs/MODDING.md's patch examples are real: each one, as a pack on top of the base game,
loads, without a warning or a conflict, and does what its comment says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import write_pack

from game.engine import load_world

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "MODDING.md"
BASE = ROOT / "content" / "base"


def patch_examples() -> list[str]:
    """The complete TOML examples of the guide's section on patches (not those with '# ...')."""
    text = GUIDE.read_text()
    section = text[text.index("## Patches") : text.index("## Conflicts and warnings")]
    blocks = re.findall(r"```toml\n(.*?)```", section, flags=re.S)
    return [b for b in blocks if "[patch." in b and "# ..." not in b and "dependencies =" not in b]


def test_the_guide_has_patch_examples():
    assert len(patch_examples()) >= 3


@pytest.mark.parametrize("example", patch_examples(), ids=lambda b: b.splitlines()[0][2:40])
def test_each_patch_example_of_the_guide_loads_on_the_base_game(example, tmp_path):
    pack = write_pack(tmp_path / "example", {"patch.toml": example}, needs=["base"])
    world = load_world([BASE, pack])
    assert world.content.warnings == [] and world.content.conflicts == []
    assert any(loc.patched_by for by_id in world.content.items.values() for loc in by_id.values())
