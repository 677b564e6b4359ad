"""docs/TEACHING.md: every command in it runs as written, from a folder holding a copy of the
game's content and three students' saves in period3-saves/ (the guide says so)."""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest
from teach_helpers import ROOT, base_world, play_out

from game import cli
from game.classroom import ClassRules
from game.saves import save_game

GUIDE = ROOT / "docs" / "TEACHING.md"
CLASS = ROOT / "content" / "base" / "classes" / "one_period.toml"
STUDENTS = {
    "ana": [(1, "hope", 2), (1, "us_dmi", 3)],
    "ben": [(1, "us_conventional_enforcement", 4)],
    "chloe": [],
}


def guide_commands() -> list[str]:
    """The commands of the guide's console blocks: lines starting with '$ '."""
    text = GUIDE.read_text(encoding="utf-8")
    blocks = re.findall(r"```console\n(.*?)```", text, flags=re.S)
    return [line[2:].strip() for block in blocks for line in block.splitlines() if line.startswith("$ ")]


def test_the_guide_covers_what_a_teacher_needs() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    for heading in (
        "## Set-up",
        "### One 50-minute period",
        "### Two periods",
        "## Roles",
        "## Discussion questions",
        "## What each lever demonstrates",
        "## What students usually try",
        "## Grading with the report",
    ):
        assert heading in text
    for topic in ("kingpins", "replication", "legalization trade", "interdiction barely touch US use"):
        assert topic in text
    commands = guide_commands()
    verbs = {shlex.split(c)[1] for c in commands}
    assert {"validate", "report", "export", "whatif", "simulate", "--class"} <= verbs


@pytest.fixture
def classroom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder as the guide assumes: content/ copied, and three students' saves in period3-saves/."""
    shutil.copytree(ROOT / "content" / "base", tmp_path / "content" / "base")
    world = base_world()
    rules = ClassRules.from_file(CLASS, world)
    for name, plan in STUDENTS.items():
        game = rules.new_game(world, name.title(), interactive=False)
        for turn, action, level in plan:
            assert turn == 1
            game.set_level(action, level)
        play_out(game)
        record = rules.session(name.title(), {"kingpins": f"{name.title()}'s answer"}).record(world)
        save_game(game, name, folder=tmp_path / "period3-saves", classroom=record)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_command_in_the_guide_runs_as_written(
    classroom: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    started: list[dict[str, Any]] = []
    monkeypatch.setattr(cli, "run_app", lambda *a, **k: started.append(k) or 0)  # the game itself
    commands = guide_commands()
    assert len(commands) >= 8
    for command in commands:
        argv = shlex.split(command)
        assert argv[0] == "borderline"
        code = cli.main(argv[1:])
        out, err = capsys.readouterr()
        assert code == 0, f"{command!r} failed:\n{out}\n{err}"
        assert "Traceback" not in out + err
    classes = [Path(k["class_file"]) for k in started]  # the shipped classes, named by their ids
    assert classes == [CLASS, CLASS.parent / "high_point_projector.toml"]
    rows = list(csv.DictReader(io.StringIO((classroom / "period3-report" / "class.csv").read_text("utf-8"))))
    assert sorted(r["name"] for r in rows) == ["Ana", "Ben", "Chloe"]
    assert "Ana's answer" in (classroom / "period3-report" / "class.md").read_text("utf-8")
    graded = sorted(p.name for p in (classroom / "graded").iterdir())
    assert len(graded) == 3 and graded[0].startswith("Ana - one-period - ")
    simulated = json.loads((classroom / "incentives.json").read_text("utf-8"))
    assert simulated["scenario"] == "one-period", "simulate plays the scenario the plan names"
    assert sum(simulated["grades"].values()) == pytest.approx(1.0) and "p50" in simulated["score"]
    assert (classroom / "schemas" / "class.schema.json").is_file()
