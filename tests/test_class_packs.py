"""A class plays on the class's packs, never on the mods a student has enabled.

A playtester enabled two mods of their own (one replaced the eight cartels with three), joined
a class with `borderline --class FILE`, and played it on their mods without a word; the
teacher's report then counted that game beside everyone else's. Now a class game loads the base
game and the class's own `packs` only, and the report does not count a game played on others.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from driving import MINI, ready, sync
from room_helpers import read_the_briefing

from game.app.app import BorderlineApp
from game.app.screens.classroom import StudentNameDialog
from game.app.screens.main import MainScreen
from game.classroom import ClassRules
from game.classroom.report import class_pack_ids, collect
from game.content.errors import ContentErrors
from game.engine import load_world
from game.saves import ClassroomRecord, save_game

CLASS = """
class_id = "mini-class"
title = "Mini class"
scenario = "test-run"
turns = 1
seed = 5
"""


def a_mod(mods: Path, depends_on: str = "mini") -> Path:
    """A student's own mod: a pack of their own that changes the world a little."""
    folder = mods / "my_mod"
    folder.mkdir(parents=True)
    (folder / "pack.toml").write_text(
        f'id = "my_mod"\nname = "My mod"\nversion = "0.1.0"\n'
        f'dependencies = [{{ id = "{depends_on}", version = ">=0.1" }}]\n',
        encoding="utf-8",
    )
    (folder / "world.toml").write_text(
        '[parameter.my_number]\nvalue = 1.0\nunit = "index"\nsource = "illustrative: a test mod"\n',
        encoding="utf-8",
    )
    return folder


@sync
async def test_a_student_with_mods_enabled_plays_the_class_on_the_class_packs(mods, tmp_path):
    a_mod(mods)  # dropped in the mods folder: enabled
    class_file = tmp_path / "mini.toml"
    class_file.write_text(CLASS, encoding="utf-8")
    app = BorderlineApp(
        [MINI], class_file=class_file, saves_folder=tmp_path, previews=False, cursor_blink=False
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        for _ in range(50):  # the class's packs load in a worker
            if isinstance(app.screen, StudentNameDialog):
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, StudentNameDialog)
        assert app.world is not None and "my_mod" in dict(app.world.packs)  # the student's world has it
        for key in "Ana":
            await pilot.press(key)
        await pilot.press("enter")
        await ready(pilot)
        await read_the_briefing(pilot)
        assert isinstance(app.screen, MainScreen) and app.game is not None
        assert [pid for pid, _ in app.game.world.packs] == ["mini"]
        assert "my_number" not in app.game.world.parameters


def test_the_report_does_not_count_a_class_game_played_on_other_packs(mods, tmp_path):
    class_file = tmp_path / "mini.toml"
    class_file.write_text(CLASS, encoding="utf-8")
    plain, modded = load_world([MINI]), load_world([MINI, a_mod(mods)])
    saves = tmp_path / "collected"
    for student, world in (("Ana", plain), ("Beto", modded)):
        rules = ClassRules.from_file(class_file, world)
        game = rules.new_game(world, student)
        game.resolve_turn()
        record = ClassroomRecord(
            class_id="mini-class", title="Mini class", student=student, turns=1, settings=rules.settings
        )
        save_game(game, student, folder=saves, classroom=record)

    rules = ClassRules.from_file(class_file, plain)
    report = collect([saves], rules, plain, core=[MINI])
    assert [e.student for e in report.counted] == ["Ana"]
    [beto] = report.not_counted
    assert beto.student == "Beto" and beto.status == "other content"
    assert "played with packs the class does not use: my_mod" in beto.reason


def test_a_class_names_its_own_packs_and_says_where_a_missing_one_goes(mods, tmp_path):
    class_file = tmp_path / "with-mod.toml"
    class_file.write_text(CLASS + 'packs = ["my_mod"]\n', encoding="utf-8")
    rules = ClassRules.from_file(class_file)
    assert rules.pack_folders([MINI]) == [MINI]  # not installed: left out, and the check names it
    with pytest.raises(ContentErrors) as caught:
        ClassRules.from_file(class_file, load_world(rules.pack_folders([MINI])))
    [error] = caught.value.errors
    assert (error.line, error.column) == (7, 10)
    assert "'my_mod', which is not installed: put its folder in the mods folder" in error.message
    mod = a_mod(mods)
    assert rules.pack_folders([MINI]) == [MINI, mod]
    assert class_pack_ids(rules, [MINI]) == ["mini", "my_mod"]
    ClassRules.from_file(class_file, load_world(rules.pack_folders([MINI])))  # installed: it checks
