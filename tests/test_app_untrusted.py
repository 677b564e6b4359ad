"""The game's screens never hand a terminal the control characters of a file name or a save."""

from __future__ import annotations

import json

import pytest
from driving import MINI, SIZE, end_turn, make_app, ready, started, sync

from game.engine import load_world

ESC = "\x1b"


@pytest.fixture(scope="module")
def mini():
    return load_world([MINI])


@sync
async def test_the_load_screen_shows_hostile_file_names_and_saves_escaped(mini, tmp_path):
    from textual.widgets import OptionList

    from game.app.screens.load_game import LoadScreen

    (tmp_path / f"clear{ESC}[2J.json").write_text("{ not json")
    hand_edited = {"format": "borderline-save", "version": 1, "name": f"retitle{ESC}]0;pwned\x07"}
    (tmp_path / "edited.json").write_text(json.dumps(hand_edited))
    async with started(mini, tmp_path) as pilot:
        app = pilot.app
        app.push_screen(LoadScreen())
        await pilot.pause()
        saves = app.screen.query_one("#saves", OptionList)
        shown = "\n".join(str(saves.get_option_at_index(i).prompt) for i in range(saves.option_count))
        assert "clear\\x1b[2J" in shown  # the file's name, escaped
        assert "control character U+001B (ESCAPE)" in shown  # the edited save is refused, and why
        assert ESC not in shown and "\x07" not in shown
        assert ESC not in app.export_screenshot()  # nor anything drawn on the screen


@sync
async def test_a_pack_whose_arithmetic_breaks_mid_game_ends_the_game_with_a_message_not_a_crash(tmp_path):
    from game.app.screens.title import TitleScreen

    mod = tmp_path / "nan_mod"
    mod.mkdir()
    (mod / "pack.toml").write_text(
        'id = "nan_mod"\nname = "N"\nversion = "1.0"\ndependencies = [{ id = "mini" }]\n'
    )
    # 0/0 from the first turn on (escalating flows once the turn starts), never a constant
    (mod / "mod.toml").write_text(
        '[variable.broken]\nformula = "where(turn > 0, turn * 0 / (turn * 0), 1)"\n'
    )
    world = load_world([MINI, mod])
    app = make_app(world, tmp_path / "saves", scenario="test-run", seed=3, autosave=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await end_turn(pilot)
        assert isinstance(app.screen, TitleScreen) and app.is_running
        [shown] = [str(n.message) for n in app._notifications if "stopped this game" in str(n.message)]
        assert "variable broken (" in shown and "mod.toml:2:11" in shown  # its formula
