"""The teacher's headless verbs: export a save for grading, report on a class's saves (edited
ones flagged, not counted), and what-if replays."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from teach_helpers import base_world, play_out

from game.classroom import ClassRules
from game.classroom.exports import headline_indicators, write_exports
from game.classroom.whatif import Change, WhatIfError, what_if
from game.cli import main
from game.engine import Game, World
from game.saves import ClassroomRecord, load_save, save_game

CLASS = """
class_id = "hp-test"
title = "High Point, tested"
scenario = "high-point"
turns = 3
seed = 11
seed_per_student = true
[levers]
locked = ["us_enforcement_metrics_reform"]
[[question]]
id = "focal"
text = "Why so few arrests?"
"""

# One xdist worker runs this whole module (--dist loadgroup):
# its class of finished saves is built once per module.
pytestmark = pytest.mark.xdist_group("teach_headless")

PLANS = [
    [(1, "us_dmi", 3)],
    [(1, "us_dmi", 2), (2, "us_violence_focus", 2)],
    [(1, "us_conventional_enforcement", 4)],
    [(2, "us_conventional_enforcement", 1), (2, "us_dmi", 1)],
    [],
]


def class_save(rules: ClassRules, student: str, plan: list[tuple[int, str, int]], folder: Path) -> Path:
    world = base_world()
    game = rules.new_game(world, student)
    for turn in range(1, game.turns + 1):
        for when, action, level in plan:
            if when == turn:
                game.set_level(action, level)
        play_out(game, 1)
    record = ClassroomRecord(
        class_id=rules.spec.class_id,
        title=rules.spec.title,
        student=student,
        turns=rules.turns(world),
        settings=rules.settings,
        answers={"focal": f"{student} says: the market is a focal point."},
    )
    return save_game(game, f"{student} - {rules.spec.class_id}", folder=folder, classroom=record)


STUDENTS = 8
"""A class big enough for every plan above to be played by more than one student, a tampered save
among them (Student 07) and best and worst games that differ; each save costs a game and the
report a replay of each, so the class is no bigger than that."""


@pytest.fixture(scope="module")
def classroom(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[Path]]:
    """A class file and its students' finished saves."""
    home = tmp_path_factory.mktemp("class")
    class_file = home / "hp.toml"
    class_file.write_text(CLASS, encoding="utf-8")
    rules = ClassRules.from_file(class_file, base_world())
    saves = home / "collected"
    paths = [class_save(rules, f"Student {i:02d}", PLANS[i % len(PLANS)], saves) for i in range(STUDENTS)]
    return class_file, saves, paths


def test_the_report_counts_every_save_but_the_edited_one_and_flags_it(
    classroom: tuple[Path, Path, list[Path]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    class_file, saves, paths = classroom
    folder = tmp_path / "collected"
    shutil.copytree(saves, folder)
    edited = folder / paths[7].name
    doc = json.loads(edited.read_text(encoding="utf-8"))
    doc["state"]["history"]["us_retail_violence"][-1] = 12.0  # a better number typed in
    edited.write_text(json.dumps(doc, indent=2), encoding="utf-8")

    assert main(["report", str(folder), "--out", str(tmp_path / "out"), "--class", str(class_file)]) == 0
    out, err = capsys.readouterr()
    assert f"{STUDENTS - 1} game(s) counted, 1 not counted" in out
    assert f"tampered: {edited}" in err and "us_retail_violence" in err
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "class.csv").read_text(encoding="utf-8"))))
    assert len(rows) == STUDENTS - 1 and "Student 07" not in {r["name"] for r in rows}
    rules = ClassRules.from_file(class_file)
    for row in rows:
        assert row["scenario"] == "high-point" and int(row["seed"]) == rules.seed_for(row["name"])
        assert row["grade"] in {"merely distasteful", "unpleasant", "bad", "dreadful", "catastrophic"}
        assert {"us_retail_violence points", "us_prisoners_drug_related points"} <= set(row)
    first = next(r for r in rows if r["name"] == "Student 00")
    assert first["levers used"] == "us_dmi" and first["decisions"] == "1"
    md = (tmp_path / "out" / "class.md").read_text(encoding="utf-8")
    assert "**1 tampered**: `Student 07 - hp-test.json`" in md
    assert "## Grades" in md and "## Median outcome per objective" in md
    assert "raised Drug Market Interventions" in md and "## Best games" in md and "## Worst games" in md
    assert "Student 03 says: the market is a focal point." in md
    # a lever some raised and others lowered is two rows, not one "moved" (a playtester)
    table = md.split("Each lever, by how many students left it raised or lowered:")[1]
    assert "| Conventional drug enforcement, raised |" in table
    assert "| Conventional drug enforcement, lowered |" in table


def test_an_unfinished_game_is_listed_but_not_graded_beside_finished_ones(
    classroom: tuple[Path, Path, list[Path]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A student who played one year of three was counted in the grades, the scores and the
    worst games as if graded on it (a playtester): the class's statistics are the finished
    games', and the unfinished one stays in class.csv and in the list of unfinished games."""
    class_file, saves, _ = classroom
    folder = tmp_path / "collected"
    shutil.copytree(saves, folder)
    rules = ClassRules.from_file(class_file, base_world())
    late = rules.new_game(base_world(), "Late Student")
    play_out(late, 1)
    record = ClassroomRecord(
        class_id=rules.spec.class_id,
        title=rules.spec.title,
        student="Late Student",
        turns=rules.turns(base_world()),
        settings=rules.settings,
    )
    save_game(late, "Late Student - hp-test", folder=folder, classroom=record)

    assert main(["report", str(folder), "--out", str(tmp_path / "out"), "--class", str(class_file)]) == 0
    capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "class.csv").read_text(encoding="utf-8"))))
    assert "Late Student" in {r["name"] for r in rows} and len(rows) == STUDENTS + 1
    md = (tmp_path / "out" / "class.md").read_text(encoding="utf-8")
    assert "- Unfinished: Late Student (unfinished: 1 of 3" in md
    assert f"the {STUDENTS} finished games'" in md and f"({STUDENTS} games)." in md
    graded = md[md.index("## Grades") : md.index("## Answers")]
    assert "Late Student" not in graded


def test_a_shipped_class_is_named_by_its_id_from_any_folder(
    classroom: tuple[Path, Path, list[Path]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """TEACHING's commands named content/base/classes/one_period.toml, which exists only in a
    source checkout (a playtester, from another folder): a class the game ships is also named
    by its class_id or its file's name, and a name that is neither lists what it ships."""
    from game import locations
    from game.classroom import class_file

    monkeypatch.chdir(tmp_path)
    shipped = locations.base_pack() / "classes" / "one_period.toml"
    assert class_file("one-period-demo") == class_file("one_period") == shipped
    _, saves, _ = classroom
    out = tmp_path / "out"
    assert main(["report", str(saves), "--out", str(out), "--class", "one-period-demo"]) == 0
    assert f"0 game(s) counted, {STUDENTS} not counted" in capsys.readouterr().out  # another class's
    assert main(["report", str(saves), "--out", str(out), "--class", "one-perod-demo"]) != 0
    err = capsys.readouterr().err
    assert "class 'one-perod-demo': no such file" in err and "one-period-demo (one_period.toml)" in err
    assert "Traceback" not in err


def test_a_report_catches_rule_breaking_that_replays_cleanly(
    classroom: tuple[Path, Path, list[Path]], tmp_path: Path
) -> None:
    """A save copied under another name replays to itself, but not to that student's seed."""
    from game.classroom.class_files import class_csv
    from game.classroom.report import collect

    class_file, _, paths = classroom
    doc = json.loads(paths[0].read_text(encoding="utf-8"))
    doc["classroom"]["student"] = "Someone Else"
    (tmp_path / "copied.json").write_text(json.dumps(doc), encoding="utf-8")
    other = json.loads(paths[1].read_text(encoding="utf-8"))
    other["classroom"]["settings"]["levers"]["locked"] = []
    (tmp_path / "unlocked.json").write_text(json.dumps(other), encoding="utf-8")
    (tmp_path / "notes.json").write_text("{}", encoding="utf-8")
    report = collect([tmp_path, paths[2]], ClassRules.from_file(class_file), base_world())
    reasons = {r.path.name: (r.status, r.reason) for r in report.not_counted}
    assert reasons["copied.json"][0] == "tampered" and "'Someone Else''s seed is" in reasons["copied.json"][1]
    assert reasons["unlocked.json"] == (
        "tampered",
        "the class rules it carries differ from the class file (levers)",
    )
    assert reasons["notes.json"][0] == "unreadable"
    assert [e.student for e in report.counted] == ["Student 02"]
    assert class_csv(report).count("\n") == 2


def test_export_writes_markdown_and_both_csvs_named_by_student(
    classroom: tuple[Path, Path, list[Path]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, paths = classroom
    assert main(["export", str(paths[1]), "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    files = {p.name.rsplit(" - ", 1)[-1]: p for p in tmp_path.iterdir()}
    turns, decisions = files["turns.csv"], files["decisions.csv"]
    md = next(p for p in tmp_path.iterdir() if p.suffix == ".md")
    assert md.name.startswith("Student 01 - high-point - ") and str(md) in printed
    text = md.read_text(encoding="utf-8")
    assert "- Student: **Student 01**" in text and "(`hp-test`)" in text and "- Grade: **" in text
    assert "| Violence in US drug markets" in text
    assert "| Drug Market Interventions | none | many cities |" in text
    assert "> Student 01 says: the market is a focal point." in text
    game = load_save(paths[1], base_world()).game
    rows = list(csv.reader(io.StringIO(turns.read_text(encoding="utf-8"))))
    assert len(rows) == game.turn + 2  # a header, the start and each turn
    assert len(rows[0]) == 2 + 2 * len(headline_indicators(game))
    assert rows[0][2:4] == [rows[0][2], f"{rows[0][2]} (status quo)"]
    unit = base_world().indicators["us_retail_violence"].unit
    assert unit and f"us_retail_violence [{unit}]" in rows[0]  # each column says its unit
    last = float(rows[-1][rows[0].index(f"us_retail_violence [{unit}]")])
    assert last == float(game.history("us_retail_violence")[-1, 0])
    logged = list(csv.DictReader(io.StringIO(decisions.read_text(encoding="utf-8"))))
    assert [(r["turn"], r["action"], r["from"], r["to"]) for r in logged] == [
        ("1", "us_dmi", "0", "2"),
        ("2", "us_violence_focus", "0", "2"),
    ]
    assert float(logged[0]["cost"]) == float(game.action_cost("us_dmi", 2)[0, 0])
    assert logged[0]["capital"] == "4.0"
    assert main(["export", str(paths[1]), "--format", "md", "--out", str(tmp_path)]) == 0
    assert (tmp_path / md.name.replace(".md", " (2).md")).is_file()  # nothing is replaced


def test_export_refuses_an_edited_save(
    classroom: tuple[Path, Path, list[Path]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, paths = classroom
    doc = json.loads(paths[2].read_text(encoding="utf-8"))
    doc["log"][0]["decisions"][0]["level"] = 0
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["export", str(edited), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "does not give the state it recorded" in err and "an edited save cannot be exported" in err
    assert not (tmp_path / "out").exists()


def test_whatif_with_no_change_is_the_game_to_the_bit(classroom: tuple[Path, Path, list[Path]]) -> None:
    _, _, paths = classroom
    game = load_save(paths[1], base_world()).game
    same = what_if(game, [])
    assert same.identical and same.changed.state_digest() == game.state_digest()
    for name in game.recorded:
        assert same.changed.history(name).tobytes() == game.history(name).tobytes()
    assert same.after.score == same.before.score


@pytest.mark.parametrize("difficulty", ["easy", "hard"])
def test_whatif_replays_a_game_at_its_own_difficulty(difficulty: str) -> None:
    """A Learning game's what-if was replayed on Standard's budgets and draws: its status quo
    differed from the game's, and the table showed '—' for every difference (a playtester)."""
    game = Game(base_world(), "high-point", seed=5, status_quo=True, difficulty=difficulty)
    game.set_level("us_dmi", 1)
    play_out(game, 2)
    same = what_if(game, [])
    assert same.identical and same.changed.difficulty == difficulty
    assert all(o.status_quo_after is None for o in same.objectives)  # one status quo for both
    dropped = what_if(game, [Change.parse("1:us_dmi", drop=True)])
    assert all(o.status_quo_after is None for o in dropped.objectives)


def test_whatif_dropping_or_changing_a_decision_changes_the_outcome(
    classroom: tuple[Path, Path, list[Path]], capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, paths = classroom
    game = load_save(paths[1], base_world()).game
    dropped = what_if(game, [Change.parse("2:us_violence_focus", drop=True)])
    assert not dropped.identical and [d.action for d in dropped.changed.log] == ["us_dmi"]
    violence = next(o for o in dropped.objectives if o.indicator == "us_retail_violence")
    assert violence.after > violence.before  # less focus on violence: more violence
    assert dropped.after.score < dropped.before.score
    assert main(["whatif", str(paths[1]), "--set", "1:us_dmi=3", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["identical"] is False and "set to 'national programme'" in shown["changes"][0]
    assert main(["whatif", str(paths[1])]) == 0
    assert "the replay reaches the very same state as the game, to the bit" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--drop", "2:us_dmi"], "no decision on us_dmi before turn 2 to drop"),
        (["--drop", "9:us_dmi"], "choose a turn from 1 to 3"),
        (["--drop", "1:us_dmy"], "no lever 'us_dmy'"),
        (["--set", "1:us_dmi=7"], "us_dmi has levels 0 to 3, not 7"),
        (["--set", "1:us_dmi"], "is not TURN:ACTION=LEVEL"),
        (
            ["--set", "1:us_enforcement_metrics_reform=1"],
            "cannot be changed in this game: locked by the class",
        ),
        (["--set", "1:hope=1"], "not one of this scenario's levers"),
    ],
)
def test_whatif_mistakes_are_one_clear_message(
    classroom: tuple[Path, Path, list[Path]],
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    _, _, paths = classroom
    assert main(["whatif", str(paths[1]), *args]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_report_and_export_mistakes_are_one_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(tmp_path / "nowhere"), "--out", str(tmp_path)]) == 1
    assert "no such file or folder" in capsys.readouterr().err
    assert main(["report", str(tmp_path), "--out", str(tmp_path)]) == 1
    assert "no saves found" in capsys.readouterr().err
    assert main(["export", str(tmp_path / "missing.json")]) == 1
    assert "no such save" in capsys.readouterr().err


def test_a_free_game_exports_under_its_seed(tmp_path: Path) -> None:
    game = play_out(Game(base_world(), "high-point", 5, status_quo=True), 2)
    md, turns, decisions = write_exports(game, None, folder=tmp_path)
    assert md.name.startswith("seed 5 - high-point - ") and "Student" not in md.read_text(encoding="utf-8")
    assert turns.name.endswith(" - turns.csv") and decisions.name.endswith(" - decisions.csv")
    with pytest.raises(WhatIfError, match="no decision"):
        what_if(game, [Change(1, "us_dmi")])


def test_decisions_csv_lists_the_levers_an_answer_moved_and_costs_as_a_spreadsheet_shows_them(
    mini_world: World, massacre_seed: int
) -> None:
    """A playtester's "Pull the army back" answer ended the kingpin strategy, and decisions.csv
    said nothing of it (only the panel's moves), with a cost of 0.8999999999999999."""
    from game.classroom.exports import _number, decisions_csv

    game = Game(mini_world, "test-run", seed=massacre_seed, status_quo=True, interactive=True)
    game.set_level("treatment", 1)
    while not game.pending_dilemmas:
        game.resolve_turn()
    game.choose("massacre", "crack_down")
    rows = list(csv.DictReader(io.StringIO(decisions_csv(game))))
    assert [(r["action"], r["by"]) for r in rows][0] == ("treatment", "the player")
    (moved,) = [r for r in rows if r["by"] != "the player"]
    assert moved["action"] == "enforcement" and moved["to"] == "2" and moved["by"].endswith(": Crack down")
    assert moved["by"].startswith("answer to '") and moved["from"] == "" and moved["turn"] == str(game.turn)
    assert _number(0.8999999999999999) == "0.9" and _number(1e-12) == "0.0"
