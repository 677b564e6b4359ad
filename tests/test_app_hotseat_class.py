"""A hot-seat class: a class file whose games two students share, one for each government.

The class's dialog asks a name for each side's player and assigns the sides, as the new-game
screen's two-player option does; the game is recorded under the pair's name, with its seed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from driving import ready, sync
from room_helpers import class_app, read_the_briefing, type_into

from game.app.app import BorderlineApp
from game.app.screens.classroom import StudentNameDialog
from game.app.screens.hand_over import HandOverScreen
from game.classroom import ClassError, ClassRules
from game.content.errors import ContentErrors
from game.engine import Game

PAIRS = """
class_id = "pairs"
title = "Two governments, one keyboard"
scenario = "test-run"
seed = 9
seed_per_student = true
hot_seat = true
"""


def pairs_file(folder: Path, text: str = PAIRS) -> Path:
    path = folder / "pairs.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problem(app: BorderlineApp) -> str:
    return str(app.screen.query_one("#name-problem").render())


@sync
async def test_a_hot_seat_class_asks_both_names_and_gives_each_player_a_side(mini_world, tmp_path):
    path = pairs_file(tmp_path)
    app = class_app(mini_world, tmp_path, path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        dialog = app.screen
        assert isinstance(dialog, StudentNameDialog)
        assert [box.id for box in dialog.query("Input")] == ["player-us", "player-mx"]
        await type_into(pilot, "Ana")  # enter goes on to Mexico's player
        assert dialog.query_one("#player-mx").has_focus
        await type_into(pilot, "ana")
        assert isinstance(app.screen, StudentNameDialog) and "different names" in problem(app)
        box = dialog.query_one("#player-mx")
        box.value = ""
        await type_into(pilot, "Beto")
        await read_the_briefing(pilot)
        game = app.game
        assert game is not None and game.players == {"us": "Ana", "mx": "Beto"}
        assert app.hotseat is not None and isinstance(app.screen, HandOverScreen)
        assert "Ana" in str(app.screen.query_one("#hand-over-title").render())
        assert app.classroom is not None and app.classroom.student == "Ana + Beto"
        assert game.seed == ClassRules.from_file(path).seed_for("Ana + Beto")


@sync
async def test_a_served_hot_seat_class_keeps_the_pairs_files_in_their_folder(mini_world, tmp_path):
    app = class_app(mini_world, tmp_path, pairs_file(tmp_path), served=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await type_into(pilot, "Ana")
        await type_into(pilot, "Beto")
        await read_the_briefing(pilot)
        assert app.game is not None and app.game.players == {"us": "Ana", "mx": "Beto"}
        assert Path(app.saves_folder) == (tmp_path / "Ana + Beto").absolute()
    assert list((tmp_path / "Ana + Beto" / "autosaves").glob("autosave-*.json"))


def test_hot_seat_must_be_true_or_false_at_its_place_in_the_file(tmp_path):
    with pytest.raises(ContentErrors) as caught:
        ClassRules.from_file(pairs_file(tmp_path, PAIRS.replace("hot_seat = true", "hot_seat = 2")))
    (error,) = caught.value.errors
    assert (error.line, error.column) == (7, 12) and "true or false" in error.message


def test_a_hot_seat_class_game_needs_its_pair_and_a_solo_game_breaks_its_rules(mini_world, tmp_path):
    rules = ClassRules.from_file(pairs_file(tmp_path), mini_world)
    with pytest.raises(ClassError, match="in pairs"):
        rules.new_game(mini_world, "Ana")
    solo = Game(mini_world, "test-run", rules.seed_for("Ana + Beto"), interactive=False)
    assert "played alone, the class plays in pairs (hot-seat)" in rules.breaches(solo, "Ana + Beto")
    pair = rules.new_game(mini_world, "Ana + Beto", players={"us": "Ana", "mx": "Beto"})
    assert pair.players == {"us": "Ana", "mx": "Beto"} and rules.breaches(pair, "Ana + Beto") == []


LONG = PAIRS + f'description = "{"Words. " * 90}"\n'  # a card longer than a pair's dialog has room for


@sync
@pytest.mark.parametrize(("size", "whole"), [((80, 24), False), ((160, 45), True)])
async def test_a_pairs_name_boxes_show_and_its_card_uses_the_screens_room(mini_world, tmp_path, size, whole):
    """The name boxes had no background and no box, so which one took the typing did not show,
    and the card was cut at five lines even at 160x45 (a playtester)."""
    app = class_app(mini_world, tmp_path, pairs_file(tmp_path, LONG))
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        dialog = app.screen
        assert isinstance(dialog, StudentNameDialog)
        card = dialog.query_one("#class-card")
        us, mx = dialog.query_one("#player-us"), dialog.query_one("#player-mx")
        assert us.styles.background != dialog.query_one(".dialog-box").styles.background  # a box to see
        assert us.styles.background != mx.styles.background  # and the one with focus shows it
        assert dialog.query_one(".dialog-hint").region.bottom <= size[1] - 1  # all above the footer
        assert card.region.height >= 5 and (card.max_scroll_y == 0) == whole  # whole where there is room


def test_the_class_report_gives_each_player_of_a_pair_their_own_grade(mini_world, tmp_path, mini_as_base):
    """class.md and class.csv listed only "Ana + Beto" and the pair's grade; their debrief splits
    the score by the objectives each side answers for, and so does the report now (a playtester)."""
    import csv
    import io

    from teach_helpers import play_out

    from game.cli import main
    from game.saves import ClassroomRecord, save_game

    path = pairs_file(tmp_path, PAIRS + "turns = 2\n")
    rules = ClassRules.from_file(path, mini_world)
    game = rules.new_game(mini_world, "Ana + Beto", players={"us": "Ana", "mx": "Beto"})
    game.set_level("enforcement", 2)
    play_out(game)
    pair, turns, settings = "Ana + Beto", rules.turns(mini_world), rules.settings
    record = ClassroomRecord(class_id="pairs", title="T", student=pair, turns=turns, settings=settings)
    save_game(game, "Ana + Beto - pairs", folder=tmp_path / "saves", classroom=record)
    out = tmp_path / "out"
    assert main(["report", str(tmp_path / "saves"), "--class", str(path), "--out", str(out)]) == 0
    (row,) = csv.DictReader(io.StringIO((tmp_path / "out" / "class.csv").read_text(encoding="utf-8")))
    sides = {side.side: side for side in game.debrief().sides}
    for sid, player in (("us", "Ana"), ("mx", "Beto")):
        assert row[f"{sid} player"] == player and row[f"{sid} grade"] == sides[sid].grade
        assert float(row[f"{sid} score"]) == pytest.approx(sides[sid].score, abs=0.005)
    md = (tmp_path / "out" / "class.md").read_text(encoding="utf-8")
    assert f"Ana (United States): {sides['us'].grade}, {sides['us'].score:+.1f}" in md
