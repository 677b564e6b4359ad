"""`borderline serve --class FILE`: a room where every game is a game of that class.

The class file is checked before the room listens (one clear error at file:line:col); each
tab's game is started with the class; the student names themselves in the class's dialog,
which also picks their folder; they play under the class's rules, and a student who comes
back continues their own class game.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from driving import MINI, default_choice, ready, sync
from play_helpers import eventually
from room_helpers import class_app, read_the_briefing, type_into

from game.app.screens.classroom import StudentNameDialog
from game.app.screens.dialogs import ConfirmDialog
from game.app.screens.main import MainScreen
from game.app.screens.title import TitleScreen
from game.classroom import ClassRules
from game.cli import build_parser, main
from game.engine import Game
from game.saves import autosave, latest_autosave, load_save

# One xdist worker runs the serve tests (--dist loadgroup): aiohttp and game.serve (about 0.35 s of
# processor time) are imported by them when they run, not by every worker collecting the module
pytestmark = pytest.mark.xdist_group("serve")

CLASS = """
class_id = "room-7"
title = "Room 7: the border"
scenario = "test-run"
seed = 40
seed_per_student = true
undo = false
[visible]
status_quo = false
bands = false
"""


def class_file(folder: Path, text: str = CLASS) -> Path:
    path = folder / "room7.toml"
    path.write_text(text, encoding="utf-8")
    return path


def refuse_to_listen(*_: object, **__: object) -> None:
    raise AssertionError("the room was made although its class file is bad")


@pytest.mark.parametrize(
    ("text", "where", "expected"),
    [
        ('class_id = "x"\ntitle = "t"\nscenario = "one-periodd"\nseed = 1\n', ":3:12", "unknown scenario"),
        (
            'class_id = "x"\ntitle = "t"\nscenario = "one-period"\nseed = 1\nhot_seat = "yes"\n',
            ":5:12",
            "true or false",
        ),
        ('class_id = "x"\ntitle = "t"\nscenario = "one-period"\n', ":1:", "seed"),
    ],
)
def test_a_bad_class_file_stops_serve_with_one_clear_error_before_it_listens(
    tmp_path, monkeypatch, capsys, text, where, expected
):
    from game import serve  # imported when the test runs (see pytestmark)

    bad = class_file(tmp_path, text)
    monkeypatch.setattr(serve, "RoomServer", refuse_to_listen)
    assert main(["serve", "--class", str(bad), "--port", "8799"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"borderline: error: {bad}{where}"), err
    assert expected in err and "Traceback" not in err


def test_a_class_file_that_is_not_there_is_named(tmp_path, monkeypatch, capsys):
    from game import serve  # imported when the test runs (see pytestmark)

    monkeypatch.setattr(serve, "RoomServer", refuse_to_listen)
    assert main(["serve", "--class", str(tmp_path / "nope.toml")]) == 1
    assert "nope.toml" in capsys.readouterr().err


def test_each_tab_of_a_class_room_starts_the_game_of_that_class(tmp_path):
    from game import serve  # imported when the test runs (see pytestmark)

    path = class_file(tmp_path)
    command = serve.game_command(serve.RoomOptions(class_file=path))
    args = build_parser().parse_args(shlex.split(command)[3:])  # after: python -m game
    assert args.served and Path(args.play_class) == path.absolute()


@sync
async def test_a_student_of_a_class_room_names_themselves_once_and_plays_under_its_rules(
    mini_world, tmp_path
):
    path = class_file(tmp_path)
    rules = ClassRules.from_file(path)
    saves = tmp_path / "saves"
    app = class_app(mini_world, saves, path, served=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        # the class's own dialog asks the name (not the plain one), and it cannot be escaped
        assert isinstance(app.screen, StudentNameDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StudentNameDialog)
        await type_into(pilot, "Ana Ruiz")
        await read_the_briefing(pilot)
        game = app.game
        assert isinstance(app.screen, MainScreen) and game is not None
        assert (game.scenario_id, game.seed) == ("test-run", rules.seed_for("Ana Ruiz"))
        assert app.classroom is not None and app.classroom.student == "Ana Ruiz"
        assert not game.undo_allowed and not app.shows("status_quo") and not app.shows("bands")
        assert Path(app.saves_folder) == (saves / "Ana Ruiz").absolute()
        # a new game from the title screen is the class's again, for the same student
        await pilot.press("escape")
        await ready(pilot)
        if isinstance(app.screen, ConfirmDialog):
            await pilot.press("y")
            await ready(pilot)
        assert isinstance(app.screen, TitleScreen)
        await pilot.press("n")
        await ready(pilot)
        await read_the_briefing(pilot)
        assert isinstance(app.screen, MainScreen) and app.game is not game
        assert app.game.seed == rules.seed_for("Ana Ruiz") and app.classroom is not None
        app.game.resolve_turn()
        app.autosave(app.game)
    saved = latest_autosave(saves / "Ana Ruiz", [MINI])
    assert saved is not None and not list(saves.glob("autosaves/*"))  # nothing outside her folder

    # she comes back: her own class game, under the class's rules again
    again = class_app(mini_world, saves, path, served=True)
    async with again.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await type_into(pilot, "Ana Ruiz")
        assert isinstance(again.screen, ConfirmDialog) and "Welcome back, Ana Ruiz" in again.screen.question
        await pilot.press("y")
        await ready(pilot)
        assert await eventually(pilot, lambda: again.game is not None)  # the autosave replayed
        await ready(pilot)
        assert again.game is not None and again.game.turn == 1
        assert again.game.seed == rules.seed_for("Ana Ruiz")
        assert again.classroom is not None and again.classroom.student == "Ana Ruiz"
        assert not again.game.undo_allowed
    saved = latest_autosave(saves / "Ana Ruiz", [MINI])
    assert saved is not None and load_save(saved, [MINI]).classroom.class_id == "room-7"


@sync
async def test_a_class_room_continues_only_a_game_of_its_class(mini_world, tmp_path):
    saves = tmp_path / "saves"
    outside = Game(mini_world, "test-run", 5, interactive=True)  # Ana's game from another room
    outside.resolve_turn()
    autosave(outside, saves / "Ana")
    path = class_file(tmp_path)
    app = class_app(mini_world, saves, path, served=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await type_into(pilot, "Ana")
        assert not isinstance(app.screen, ConfirmDialog), "nothing of this class to continue"
        await read_the_briefing(pilot)
        assert isinstance(app.screen, MainScreen) and app.game is not None and app.game.turn == 0
        seed = ClassRules.from_file(path).seed_for("Ana")
        assert app.game.seed == seed and app.classroom is not None
        app.game.resolve_turn()
        app.autosave(app.game)
        for dilemma in list(outside.pending_dilemmas):
            outside.choose(dilemma.event, default_choice(dilemma))
        outside.resolve_turn()
        autosave(outside, saves / "Ana")  # the other room's game is now her newest autosave
        await pilot.press("escape")  # to the title screen, then Continue: the class's game, not the other
        await ready(pilot)
        if isinstance(app.screen, ConfirmDialog):
            await pilot.press("y")
            await ready(pilot)
        assert isinstance(app.screen, TitleScreen)
        await pilot.press("c")
        await ready(pilot)
        assert await eventually(pilot, lambda: app.game is not None)  # the autosave replayed
        await ready(pilot)
        assert app.game is not None and (app.game.seed, app.game.turn) == (seed, 1)  # (its dilemma asked)
        assert app.classroom is not None and app.classroom.student == "Ana"
