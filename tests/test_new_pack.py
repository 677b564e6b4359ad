"""`borderline new-pack`: a pack that validates and plays as written, whose every example (the
commented ones too) is right, whose editor schema lines resolve, and that never overwrites."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from game import locations
from game.app.mod_list import ModList
from game.cli import main
from game.engine import load_world

NEXT_STEPS: list[str] = []  # what `new-pack` printed when it made the module's pack


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The pack `borderline new-pack fentanyl_era` writes, once for the tests that read or play it
    (a test that edits it edits a copy)."""
    folder = tmp_path_factory.mktemp("made")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert main(["new-pack", "fentanyl_era", "--dir", str(folder)]) == 0, err.getvalue()
    assert f"wrote {folder / 'fentanyl_era'}" in out.getvalue() and "it validates" in out.getvalue()
    NEXT_STEPS[:] = out.getvalue().splitlines()
    return folder / "fentanyl_era"


def test_the_next_step_it_prints_is_the_table_to_read_not_every_turn_as_json(made, tmp_path, capsys):
    # it printed `simulate ... --status-quo`: 416 KB of JSON to the terminal
    (command,) = [line.strip() for line in NEXT_STEPS if "borderline simulate" in line]
    assert command.endswith("--format table") and "--status-quo" not in command
    words = command.split()[1:]
    assert main(words) == 0
    out = capsys.readouterr().out
    assert "Example index" in out  # the pack's own indicator, a headline, is in the table
    plan_comment = (made / "plans" / "try_the_lever.toml").read_text()
    assert "--status-quo" not in plan_comment and "--format table" in plan_comment


def test_its_scenario_starts_every_base_lever_where_both_sides_does(made, base_world, capsys):
    """The trial set only its own lever's level, so every base lever started at 0 (security
    spending $0, arrests half of both-sides'), and a status-quo game graded 'catastrophic'."""
    world = load_world([locations.base_pack(), made])
    trial = world.scenarios["fentanyl-era-trial"]
    both_sides = base_world.scenarios["both-sides"].action_levels
    assert trial.action_levels == {**both_sides, "fentanyl_era_lever": 0}
    assert world.indicators["fentanyl_era_index"].headline
    args = ["simulate", "--pack", str(made), "--scenario", "fentanyl-era-trial", "--turns", "1", "--no-score"]
    assert main([*args, "--format", "table"]) == 0
    trial_turn_1 = capsys.readouterr().out
    assert main(["simulate", "--scenario", "both-sides", *args[5:], "--format", "table"]) == 0
    both_sides_turn_1 = capsys.readouterr().out
    spending = ("Mexican security-programme spending", "US drug-policy spending with prisons")
    for name in ("Drug arrests", *spending):
        (mine,) = [line for line in trial_turn_1.splitlines() if line.startswith(name)]
        (theirs,) = [line for line in both_sides_turn_1.splitlines() if line.startswith(name)]
        assert mine == theirs
    assert main([*args[:5], "--format", "table"]) == 0
    assert "grade: bad 100%" in capsys.readouterr().out  # changing nothing grades as in the base game


def test_the_new_pack_validates_and_its_plan_and_scenario_play(made, tmp_path, capsys):
    pack = made
    plan = pack / "plans" / "try_the_lever.toml"
    assert main(["validate", str(pack), str(plan)]) == 0
    out, err = capsys.readouterr()
    assert "base 0.1.0, fentanyl_era 0.1.0" in out and err == ""
    run = tmp_path / "run.json"
    assert (
        main(["simulate", "--pack", str(pack), "--plan", str(plan), "--turns", "8", "--out", str(run)]) == 0
    )
    assert "fentanyl_era_index" in json.loads(run.read_text())["indicators"]
    assert main(["simulate", "--pack", str(pack), "--scenario", "fentanyl-era-trial", "--out", str(run)]) == 0
    assert json.loads(run.read_text())["turns"] == 8


def test_it_adds_to_the_base_game_and_changes_nothing_of_it(made, base_world):
    pack = made
    base = base_world  # the base pack alone, compiled once per process (content/base, as here)
    world = load_world([locations.base_pack(), pack])
    assert world.tables["organizations"].rows == base.tables["organizations"].rows
    before = base.scenarios["both-sides"].action_levels
    after = world.scenarios["both-sides"].action_levels
    assert after == {**before, "fentanyl_era_lever": 0}
    assert world.content.conflicts == [] and world.content.warnings == []


def test_the_example_dilemma_offers_its_other_choice(made):
    # it once scaled the lever back with set_action, which only raises: never offered
    from game.engine import Game

    game = Game(load_world([locations.base_pack(), made]), "fentanyl-era-trial", seed=2, runs=1)
    game.interactive = True
    game.set_level("fentanyl_era_lever", 2)
    while not game.is_over and not game.pending_dilemmas:
        game.resolve_turn()
    offered = {d.event: [c.id for c in d.choices] for d in game.pending_dilemmas}  # seed 2: at turn 3
    assert offered.get("fentanyl_era_backlash") == ["stay_the_course", "scale_back"]
    game.choose("fentanyl_era_backlash", "scale_back")
    assert game.level("fentanyl_era_lever") == 1


def test_every_schema_line_resolves_to_a_schema_inside_the_pack(made):
    pack = made
    files = sorted(pack.rglob("*.toml"))
    assert len(files) >= 7
    for file in files:
        first = file.read_text().splitlines()[0]
        match = re.fullmatch(r"#:schema (\S+)", first)
        assert match, f"{file} has no #:schema line"
        schema = (file.parent / match.group(1)).resolve()
        assert schema.is_file() and schema.is_relative_to(pack.resolve()), (file, schema)
        assert json.loads(schema.read_text())["$schema"].startswith("https://json-schema.org/")


def test_the_commented_patch_examples_are_right_once_uncommented(made, tmp_path):
    pack = Path(shutil.copytree(made, tmp_path / made.name))
    patches = pack / "patches.toml"
    live = [
        line[2:] if re.match(r"# (\[|[a-z][a-z0-9_]* = )", line) else line
        for line in patches.read_text().splitlines()
    ]
    patches.write_text("\n".join(live) + "\n")
    world = load_world([locations.base_pack(), pack])
    assert "fentanyl_era_new_organization" in world.tables["organizations"].rows
    assert "fentanyl_era_new_drug" in world.tables["drugs"].rows
    assert world.scenarios["both-sides"].objectives[-1].indicator == "fentanyl_era_index"


def test_by_default_it_goes_in_the_mods_folder_where_the_game_finds_it_enabled(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BORDERLINE_MODS", str(tmp_path / "mods"))
    monkeypatch.setenv("BORDERLINE_SETTINGS", str(tmp_path / "settings.toml"))
    assert main(["new-pack", "rival_cartels", "--title", "Rival cartels"]) == 0
    assert "it is in the mods folder and enabled" in capsys.readouterr().out
    (entry,) = ModList.read().entries
    assert (
        entry.folder == tmp_path / "mods" / "rival_cartels" and entry.loads and entry.title == "Rival cartels"
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "Fentanyl-Era",
            "'Fentanyl-Era' is not a pack id: use lower-case letters, digits and _, starting "
            "with a letter (for example 'fentanyl_era')",
        ),
        ("2fast", "(for example 'my_2fast')"),
        ("base", "a pack with the id 'base' already exists"),
    ],
)
def test_a_bad_or_taken_name_is_refused_and_nothing_is_written(tmp_path, capsys, name, message):
    assert main(["new-pack", name, "--dir", str(tmp_path)]) == 1
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_never_overwritten(tmp_path, capsys):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    assert main(["new-pack", "mine", "--dir", str(tmp_path)]) == 1
    assert "already exists; nothing was written" in capsys.readouterr().err
    assert [p.name for p in (tmp_path / "mine").iterdir()] == ["notes.txt"]
