"""Autosaves a player can trust (issue 12, defects 2 and 3): said only when true, labelled as the
header numbers turns, one per turn, and kept per game so one game never pushes out another's."""

from __future__ import annotations

import pytest
from driving import play_turns, started
from play_helpers import play
from test_app import MINI, SIZE, end_turn, make_app, ready, sync

from game.app.screens.debrief import DebriefScreen
from game.app.screens.dialogs import ConfirmDialog
from game.app.screens.load_game import LoadScreen, load_in_background
from game.app.screens.main import MainScreen
from game.engine import Game, load_world
from game.saves import autosave, list_saves, load_save, save_game
from game.saves.files import KEEP_AUTOSAVES, KEEP_GAMES, autosave_paths


@pytest.fixture(scope="module")
def mini():
    return load_world([MINI])


def test_each_game_keeps_its_own_autosaves(mini, tmp_path):
    first = Game(mini, "test-run", seed=1, interactive=True, status_quo=True)
    second = Game(mini, "test-run", seed=2, interactive=True, status_quo=True)
    for _ in range(KEEP_AUTOSAVES + 2):
        for game, gid in ((first, "aaaa1111"), (second, "bbbb2222")):
            play(game, 1)
            autosave(game, tmp_path, game_id=gid)
    names = [p.name for p in autosave_paths(tmp_path)]
    assert sum("-aaaa1111-" in n for n in names) == KEEP_AUTOSAVES
    assert sum("-bbbb2222-" in n for n in names) == KEEP_AUTOSAVES
    # a third game's history does not push the first two out
    third = Game(mini, "test-run", seed=3, interactive=True, status_quo=True)
    for _ in range(KEEP_AUTOSAVES + 2):
        autosave(play(third, 1), tmp_path, game_id="cccc3333")
    names = [p.name for p in autosave_paths(tmp_path)]
    assert sum("-aaaa1111-" in n for n in names) == KEEP_AUTOSAVES


def test_only_the_newest_games_keep_autosaves(mini, tmp_path):
    game = Game(mini, "test-run", seed=1, interactive=True, status_quo=True)
    for n in range(KEEP_GAMES + 2):
        autosave(game, tmp_path, game_id=f"game{n:04d}")
    games = {p.name.split("-")[2] for p in autosave_paths(tmp_path)}
    assert games == {f"game{n:04d}" for n in range(2, KEEP_GAMES + 2)}


def test_a_turn_is_autosaved_once_and_labelled_as_the_header_numbers_it(mini, tmp_path):
    game = play(Game(mini, "test-run", seed=1, interactive=True, status_quo=True), 2)
    autosave(game, tmp_path, game_id="abcd1234")  # after the turn resolved
    path = autosave(game, tmp_path, game_id="abcd1234")  # after its dilemmas were answered
    assert [p.name for p in autosave_paths(tmp_path)] == [path.name]
    assert path.name.endswith("-abcd1234-turn03.json")  # the header reads "turn 3 of 12"
    info = next(i for i in list_saves(tmp_path) if i.autosave)
    assert info.name == "Autosave, turn 3 of 12" and info.game_id == "abcd1234" and not info.over


def test_a_finished_game_is_not_labelled_with_a_turn_past_its_last(mini, tmp_path):
    game = play(Game(mini, "test-run", seed=1, interactive=True, status_quo=True), 12)
    assert game.is_over
    path = autosave(game, tmp_path, game_id="abcd1234")
    assert path.name.endswith("-over.json")
    info = next(i for i in list_saves(tmp_path) if i.autosave)
    assert info.over and info.name == "Autosave, game over after turn 12 of 12"
    assert "13" not in info.name


def test_an_old_autosave_without_a_game_still_lists_and_loads(mini, tmp_path):
    game = play(Game(mini, "test-run", seed=1, interactive=True, status_quo=True), 1)
    folder = tmp_path / "autosaves"
    folder.mkdir()
    old = folder / "autosave-000007-turn01.json"
    old.write_bytes(save_game(game, "x", folder=tmp_path).read_bytes())
    assert autosave_paths(tmp_path) == [old]
    assert load_save(old, mini).game_id is None


def load_list(app) -> list[str]:
    from textual.widgets import OptionList

    return [str(o.prompt) for o in app.screen.query_one("#saves", OptionList).options]


@sync
async def test_quitting_after_a_failed_autosave_does_not_claim_it_was_saved(mini, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the saves folder should be")
    async with started(mini, blocked, scenario="test-run", seed=3, autosave=True) as pilot:
        app = pilot.app
        await pilot.press("q")
        await ready(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        detail = app.screen.detail
        assert "was autosaved" not in detail and "failed" in detail and "press s" in detail


@sync
async def test_the_load_list_numbers_autosaves_as_their_files_do_and_quitting_says_the_turn_was_autosaved(
    mini, tmp_path
):
    async with started(mini, tmp_path, scenario="test-run", seed=3, autosave=True) as pilot:
        app = pilot.app

        # The load list numbers autosaves as their file names do.
        await play_turns(pilot, 2, autosave=True)  # autosaved after each turn, as e does
        app.push_screen(LoadScreen())
        await ready(pilot)
        autosaves = [p for p in load_list(app) if p.startswith("Autosave")]
        files = [p.name for p in autosave_paths(tmp_path)]
        assert len(autosaves) == len(files) == 3  # turns 1, 2 and 3: one each
        assert autosaves[0].startswith("Autosave, turn 3 of 12") and files[0].endswith("turn03.json")
        assert all(autosaves.count(a) == 1 for a in autosaves)
        app.pop_screen()
        await ready(pilot)

        # Quitting after a turn's autosave says so.
        await end_turn(pilot)
        await pilot.press("q")
        await ready(pilot)
        assert "autosaved at the start of this quarter" in app.screen.detail


@sync
async def test_continue_never_reopens_a_finished_game_and_resumes_a_loaded_named_save(mini, tmp_path):
    earlier = play(Game(mini, "test-run", seed=5, interactive=True, status_quo=True), 2)
    named = save_game(earlier, "kept", folder=tmp_path)
    app = make_app(mini, tmp_path, scenario="test-run", seed=3, autosave=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        play(app.game, 12)  # a whole game, then its final autosave, as the app makes it
        app.autosave(app.game)
        assert app.game.is_over

        # Continue never reopens a finished game.
        app.back_to_title()
        await ready(pilot)
        await pilot.press("c")
        await ready(pilot)
        assert type(app.screen).__name__ == "TitleScreen"
        assert any("No game in progress" in str(n.message) for n in app._notifications)

        # Defect 2: after loading a named save, Continue opened the previous, finished game's debrief.
        load_in_background(app, named)
        await ready(pilot)
        assert isinstance(app.screen, MainScreen) and app.game.seed == 5 and app.game.turn == 2
        app.back_to_title()
        await ready(pilot)
        await pilot.press("c")  # Continue
        await ready(pilot)
        assert isinstance(app.screen, MainScreen) and not isinstance(app.screen, DebriefScreen)
        assert app.game.seed == 5 and app.game.turn == 2
