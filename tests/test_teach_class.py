"""Class files: read safely and checked against the world, each student's seed, locks and length,
and the class carried in every save."""

from __future__ import annotations

from pathlib import Path

import pytest
from teach_helpers import BASE, base_world, play_out

from game.classroom import ClassError, ClassRules, student_key, student_name
from game.cli import main
from game.content.errors import ContentErrors
from game.engine import ActionRefused
from game.saves import ClassroomRecord, load_save, save_game

CLASSES = BASE / "classes"
SMALL = """
class_id = "test-class"
title = "Test class"
scenario = "one-period"
turns = 3
seed = 77
seed_per_student = true
[pins.hope_efficacy]
value = 0.1
shown = false
[levers]
locked = ["legalize_all_drugs", "cannabis_legalization"]
reason = "Not in today's lesson."
[visible]
why = false
[[question]]
id = "why"
text = "Why?"
"""


def small_class(tmp_path: Path, text: str = SMALL) -> ClassRules:
    path = tmp_path / "class.toml"
    path.write_text(text, encoding="utf-8")
    return ClassRules.from_file(path, base_world())


def record(rules: ClassRules, student: str) -> ClassroomRecord:
    spec = rules.spec
    return ClassroomRecord(
        class_id=spec.class_id,
        title=spec.title,
        student=student,
        turns=rules.turns(base_world()),
        settings=rules.settings,
        answers={"why": "Because."},
    )


@pytest.mark.parametrize("path", sorted(CLASSES.glob("*.toml")), ids=lambda p: p.name)
def test_the_shipped_class_files_validate(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(path)]) == 0
    assert f"{path}: ok" in capsys.readouterr().out
    ClassRules.from_file(path, base_world())


def test_a_bad_class_file_is_named_line_by_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'class_id = "bad"\ntitle = "Bad"\nscenario = "one-periode"\nseed = 1\n'
        '[pins.hope_eficacy]\nvalue = 0.2\n[levers]\nlocked = ["legalize_everything"]\n',
        encoding="utf-8",
    )
    assert main(["validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:3:12: unknown scenario 'one-periode' (did you mean \"one-period\"?)" in err
    assert f"{bad}:5:1: unknown parameter 'hope_eficacy'" in err
    assert f"{bad}:8:11: unknown lever 'legalize_everything'" in err
    bad.write_text('class_id = "x"\ntitle = "t"\nscenario = "one-period"\nseed = -4\n', encoding="utf-8")
    assert main(["validate", str(bad)]) == 1
    assert f"{bad}:4:8: seed: must be 0 or more, got -4" in capsys.readouterr().err


def test_a_class_file_is_read_through_the_safe_reader(tmp_path: Path) -> None:
    with pytest.raises(ContentErrors, match="cannot read the file"):
        ClassRules.from_file(tmp_path)  # a folder, not a file
    evil = tmp_path / "evil.toml"
    evil.write_text(
        'class_id = "x"\ntitle = "\\u001b[2J"\nscenario = "one-period"\nseed = 1\n', encoding="utf-8"
    )
    with pytest.raises(ContentErrors, match="control character"):
        ClassRules.from_file(evil)


def test_each_student_has_a_seed_of_their_own_that_any_machine_reproduces(tmp_path: Path) -> None:
    rules = small_class(tmp_path)
    ana = rules.seed_for("Ana García")
    assert ana == rules.seed_for("  ana   GARCÍA ") == rules.seed_for("Ana Garci\u0301a")  # NFC, case, spaces
    assert ana != rules.seed_for("Ben Okafor") and 0 <= ana < 1_000_000_000
    # the first 8 bytes of sha256('77\nana garcía'), modulo a billion: the same on every machine and version
    assert ana == 986381430
    shared = small_class(tmp_path, SMALL.replace("seed_per_student = true", "seed_per_student = false"))
    assert shared.seed_for("Ana García") == shared.seed_for("Ben Okafor") == 77


def test_a_class_game_keeps_the_class_length_pins_and_locks(tmp_path: Path) -> None:
    rules = small_class(tmp_path)
    game = rules.new_game(base_world(), "Ana García")
    assert (game.scenario_id, game.turns, game.seed) == ("one-period", 3, rules.seed_for("Ana García"))
    assert float(game.parameter("hope_efficacy")[0, 0]) == 0.1
    with pytest.raises(ActionRefused, match="Not in today's lesson"):
        game.set_level("legalize_all_drugs", 1)
    game.set_level("hope", 1)  # an unlocked lever
    play_out(game)
    assert game.turn == 3
    assert rules.breaches(game, "Ana García") == []
    ben = rules.seed_for("Ben Okafor")
    assert rules.breaches(game, "Ben Okafor") == [f"seed {game.seed}, but 'Ben Okafor''s seed is {ben}"]


def test_breaking_the_rules_is_named(tmp_path: Path) -> None:
    rules = small_class(tmp_path)
    unlocked = SMALL.replace('locked = ["legalize_all_drugs", "cannabis_legalization"]', "")
    loose = small_class(tmp_path, unlocked)
    game = loose.new_game(base_world(), "Ana García")
    game.set_level("cannabis_legalization", 1)
    game.resolve_turn()
    assert rules.breaches(game, "Ana García") == ["changed locked lever cannabis_legalization"]


def test_names_are_kept_printable_and_bounded() -> None:
    assert student_name("  Ana \x1b[2J García\n") == "Ana [2J García"
    assert student_key("Ana  GARCÍA") == "ana garcía"
    with pytest.raises(ClassError, match="type your name"):
        student_name(" \x07 ")
    with pytest.raises(ClassError, match="at most 80"):
        student_name("x" * 81)


def test_a_save_carries_the_class_and_replays_to_its_length(tmp_path: Path) -> None:
    rules = small_class(tmp_path)
    game = play_out(rules.new_game(base_world(), "Ana García"))
    path = save_game(game, "ana", folder=tmp_path, classroom=record(rules, "Ana García"))
    loaded = load_save(path, base_world())
    assert loaded.classroom is not None and loaded.classroom.student == "Ana García"
    assert loaded.classroom.answers == {"why": "Because."}
    assert loaded.game.turns == 3 and loaded.game.is_over and loaded.differences == []
    again = ClassRules.from_settings(loaded.classroom.settings, str(path))
    assert again.fingerprint == rules.fingerprint and again.spec == rules.spec
