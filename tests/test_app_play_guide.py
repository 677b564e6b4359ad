"""The first-game guide (issue 12): short hints pointing at the dashboard, the levers, ending a turn
and Why, dismissed one by one (or all at once) and never shown again, as the settings file says."""

from __future__ import annotations

import tomllib

import pytest
from driving import started
from test_app import MINI, SIZE, end_turn, make_app, ready, sync

from game import locations
from game.app.guide import HINTS
from game.app.settings import Settings
from game.app.widgets.dashboard import Dashboard
from game.engine import load_world


@pytest.fixture(scope="module")
def mini():
    return load_world([MINI])


def hint_shown(app) -> str:
    guide = app.screen.query_one("#news-guide")
    return str(guide.render()) if guide.display else ""


@sync
async def test_a_first_game_walks_through_the_hints_and_they_do_not_come_back(mini, tmp_path):
    settings = tmp_path / "settings.toml"
    async with started(mini, tmp_path, scenario="test-run", seed=3, settings_file=settings) as pilot:
        app = pilot.app
        assert "Guide 1/5" in hint_shown(app) and "dashboard" in hint_shown(app)
        assert app.screen.query_one(Dashboard).has_class("-guided")  # it points at the pane
        await pilot.press("g")
        await ready(pilot)
        assert "Guide 2/5" in hint_shown(app) and "levers" in hint_shown(app)
        assert not app.screen.query_one(Dashboard).has_class("-guided")
        assert app.screen.query_one("#actions").has_class("-guided")
        await pilot.press("g", "g")
        await ready(pilot)
        assert hint_shown(app) == ""  # the hints for the first turn are read; Why's waits for a turn
        said = str(app.screen.query_one("#status").render())  # and the guide says so, not just vanishing
        assert "The guide's next hint comes after you end the quarter" in said
        await end_turn(pilot)
        assert "Guide 4/5" in hint_shown(app) and "Why" in hint_shown(app)
        await pilot.press("g")
        await ready(pilot)
        assert tomllib.loads(settings.read_text())["guide"]["dismissed"] == sorted(
            ["dashboard", "levers", "end_turn", "why"]
        )
    again = make_app(mini, tmp_path, scenario="test-run", seed=4, settings_file=settings)
    async with again.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert hint_shown(again) == ""  # a second game: the hints read in the first do not come back
        for _ in range(2):
            await end_turn(pilot)
        assert "Guide 5/5" in hint_shown(again)  # the one not yet read still comes when its time comes


@sync
async def test_shift_g_turns_the_whole_guide_off_for_good(mini, tmp_path):
    settings = tmp_path / "settings.toml"
    async with started(mini, tmp_path, scenario="test-run", seed=3, settings_file=settings) as pilot:
        app = pilot.app
        await pilot.press("G")
        await ready(pilot)
        assert hint_shown(app) == ""
        await end_turn(pilot)
        assert hint_shown(app) == ""
    assert set(Settings(settings).dismissed_hints) == {h.id for h in HINTS}


def test_a_damaged_settings_file_is_read_as_a_first_game_and_left_for_the_player(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('[guide]\ndismissed = ["dash')  # cut short
    settings = Settings(path)
    assert settings.dismissed_hints == set() and "could not be read" in settings.problem
    assert "settings.toml:2" in settings.problem  # where the file is damaged
    settings.dismiss("dashboard")
    assert settings.dismissed_hints == {"dashboard"}  # for this session
    # not written over: a file holding the guide alone would load every mod, the ones turned off
    # too, where a damaged one loads none (test_app_mods); the Mods screen's change replaces it
    assert path.read_text() == '[guide]\ndismissed = ["dash' and not (tmp_path / "settings.toml.bad").exists()
    assert "remembers only until the game closes" in settings.problem
    path.write_text('[guide]\ndismissed = [3, "levers", {x = 1}, ""]\n')
    assert Settings(path).dismissed_hints == {"levers"}


def test_the_guide_and_the_mods_screen_share_the_settings_file_without_losing_each_other(tmp_path):
    from game.app.mod_list import ModList

    mods, path = tmp_path / "mods", tmp_path / "settings.toml"
    mods.mkdir()
    path.write_text('[mods]\norder = ["alpha"]\ndisabled = ["alpha"]\n')
    Settings(path).dismiss("levers")
    doc = tomllib.loads(path.read_text())
    assert doc["mods"]["disabled"] == ["alpha"] and doc["guide"]["dismissed"] == ["levers"]
    ModList.read(mods, path).save()  # the Mods screen rewrites its table and keeps the guide's
    assert tomllib.loads(path.read_text())["guide"]["dismissed"] == ["levers"]
    assert Settings(path).dismissed_hints == {"levers"}


@sync
async def test_a_settings_file_that_cannot_be_written_is_said_and_the_game_goes_on(mini, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("a file where a folder should be")
    app = make_app(mini, tmp_path, scenario="test-run", seed=3, settings_file=blocked / "settings.toml")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("g")
        await ready(pilot)
        assert "Guide 2/5" in hint_shown(app)  # dismissed for this game even if not remembered
        assert any("cannot write" in str(n.message) for n in app._notifications)


def test_the_settings_file_lives_in_the_users_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv(locations.SETTINGS_ENV, raising=False)
    monkeypatch.setattr(locations, "user_data", lambda: tmp_path / "data")
    monkeypatch.setattr(locations, "checkout", lambda: None)  # an installed game
    assert locations.settings_file() == tmp_path / "data" / "settings.toml"
    monkeypatch.setenv(locations.SETTINGS_ENV, str(tmp_path / "mine.toml"))
    assert locations.settings_file() == tmp_path / "mine.toml"
