"""A teacher who updates the game between class and grading can still grade the class.

A playtest made a save, changed the content (one number of the base pack), then ran `export`,
`whatif` and `report`: each refused the save as made with other content and said "continue
anyway", but only `load` and `replay` had a way to: every student's game dropped out of the
report. Now the teacher's verbs take the same `--allow-mismatch`, the refusal names it for the
verb at hand, and the report counts such games with a note that they were replayed on other
content. An edited save is refused still, flag or not.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from game.cli import build_parser, main

MINI = Path(__file__).parent / "packs" / "mini"


@pytest.fixture
def updated(tmp_path, monkeypatch) -> Path:
    """A save made on the mini pack as the base content, then the base content changed (one number)."""
    root = tmp_path / "content"
    shutil.copytree(MINI, root / "base")
    monkeypatch.setenv("BORDERLINE_CONTENT", str(root))
    save = tmp_path / "class" / "ana.json"
    args = ["simulate", "--scenario", "test-run", "--seed", "4", "--save", str(save), "--out", os.devnull]
    assert main(args) == 0
    world = root / "base" / "world.toml"
    world.write_text(world.read_text().replace("value = 0.05", "value = 0.08", 1))
    return save


def test_export_and_whatif_refuse_other_content_naming_the_flag_and_go_on_with_it(updated, tmp_path, capsys):
    out = tmp_path / "graded"
    assert main(["export", str(updated), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "made with different content" in err and "changed: world.toml" in err
    assert f"borderline export {updated} --allow-mismatch" in err
    assert main(["export", str(updated), "--out", str(out), "--allow-mismatch"]) == 0
    captured = capsys.readouterr()
    assert "exported the game" in captured.out and len(list(out.glob("*.md"))) == 1
    assert "made with other content (changed: world.toml)" in captured.err
    # the export itself says so first, for the teacher who reads it later, not the terminal
    (exported,) = out.glob("*.md")
    head = exported.read_text().split("\n\n")[1]
    assert head.startswith("**Replayed on other content than it was played with**") and "world.toml" in head
    assert main(["whatif", str(updated), "--set", "1:enforcement=1"]) == 1
    assert f"borderline whatif {updated} --allow-mismatch" in capsys.readouterr().err
    assert main(["whatif", str(updated), "--set", "1:enforcement=1", "--allow-mismatch"]) == 0
    assert "What if" in capsys.readouterr().out


def test_the_report_counts_games_made_with_other_content_only_with_the_flag(updated, tmp_path, capsys):
    out = tmp_path / "report"
    assert main(["report", str(updated.parent), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "0 game(s) counted, 1 not counted" in captured.out
    assert "made with other content (changed: world.toml)" in captured.err
    assert "--allow-mismatch" in captured.err
    text = (out / "class.md").read_text()
    assert "made with other content (changed: world.toml)" in text and "`--allow-mismatch`" in text
    assert main(["report", str(updated.parent), "--out", str(out), "--allow-mismatch"]) == 0
    captured = capsys.readouterr()
    assert "1 game(s) counted (1 replayed on other content: see class.md), 0 not counted" in captured.out
    text = (out / "class.md").read_text()
    assert "**1 replayed on other content**" in text and "ana (changed: world.toml)" in text
    assert "ana" in (out / "class.csv").read_text()


def test_an_edited_save_is_refused_with_the_flag_too(updated, tmp_path, capsys):
    world = Path(os.environ["BORDERLINE_CONTENT"]) / "base" / "world.toml"
    world.write_text(world.read_text().replace("value = 0.08", "value = 0.05", 1))  # as it was made
    doc = json.loads(updated.read_text())
    doc["state"]["stocks"]["violence"] += 1.0
    updated.write_text(json.dumps(doc))
    assert main(["export", str(updated), "--out", str(tmp_path / "x"), "--allow-mismatch"]) == 1
    assert "an edited save cannot be exported" in capsys.readouterr().err
    assert main(["report", str(updated), "--out", str(tmp_path / "r"), "--allow-mismatch"]) == 0
    assert "tampered" in capsys.readouterr().err


def test_every_verb_that_reads_a_save_has_the_one_allow_mismatch():
    verbs = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    helps = set()
    for name in ("load", "replay", "export", "whatif", "report"):
        (flag,) = [a for a in verbs[name]._actions if "--allow-mismatch" in a.option_strings]
        helps.add(flag.help)
    assert len(helps) == 1
