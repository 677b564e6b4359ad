"""Saving, loading and continuing from the screens: names, overwriting, autosaves, the load list."""

from __future__ import annotations

from driving import new_game, play_turns, ready, resolve_turns, started, status, sync

from game.app.screens.dialogs import ConfirmDialog, SaveDialog
from game.app.screens.main import MainScreen


@sync
async def test_save_names_numbers_overwriting_and_continue_in_one_game(mini_world, tmp_path):
    """One game at test-run seed 3, autosaving, in steps that each start where the last one left it."""
    from textual.widgets import OptionList

    from game.app.screens.load_game import LoadScreen
    from game.app.words import quarter

    async with started(mini_world, tmp_path, scenario="test-run", seed=3, autosave=True) as pilot:
        app = pilot.app

        # Save names say why nothing happened, and which file was used.
        await pilot.press("s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SaveDialog)
        dialog.query_one("#save-name").value = "   "
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog and "Type a name first" in str(dialog.query_one("#save-problem").render())
        dialog.query_one("#save-name").value = "..."
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog and "no letter or digit" in str(
            dialog.query_one("#save-problem").render()
        )
        dialog.query_one("#save-name").value = "../../x"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        saved = list(tmp_path.glob("*x.json"))
        assert len(saved) == 1
        assert f"Saved as {saved[0].stem!r}: '/', which a file name cannot hold, became _" in status(app)

        # Saves number turns as the header does.
        await play_turns(pilot, 1, autosave=True)
        game = app.game
        playing = f"{quarter(game.date(game.turn + 1))}, quarter {game.turn + 1} of"
        assert game.turn == 1
        await pilot.press("s")
        await pilot.pause()
        field = app.screen.query_one("#save-name")
        assert field.value == "test-run turn 2"
        await pilot.press("enter")
        await pilot.pause()
        app.push_screen(LoadScreen())
        await pilot.pause()
        prompts = [str(o.prompt) for o in app.screen.query_one("#saves", OptionList).options]
        quarter_played = playing.split(",")[0]
        mine = next(p for p in prompts if p.startswith("test-run turn 2"))
        assert f"turn 2 ({quarter_played})" in mine
        autosaves = [p for p in prompts if p.startswith("Autosave")]
        assert (
            autosaves
            and autosaves[0].startswith("Autosave, turn 2")
            and f"turn 2 ({quarter_played})" in autosaves[0]
        )
        app.pop_screen()
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)

        # Save asks before overwriting, and continue resumes the autosaved turn.
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SaveDialog)
        app.screen.query_one("#save-name").value = "class one"
        await pilot.press("enter")
        await pilot.pause()
        assert (tmp_path / "class one.json").exists()
        await pilot.press("s")
        await pilot.pause()
        app.screen.query_one("#save-name").value = "class one"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert "Not saved" in status(app)
        await pilot.press("escape", "y")  # to the title screen (it asks); the turn was autosaved
        await pilot.pause()
        assert type(app.screen).__name__ == "TitleScreen"
        await pilot.press("c")
        await ready(pilot)
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.game.turn == 1


@sync
async def test_continue_takes_the_newest_autosave_by_sequence_not_file_time(mini_world, tmp_path):
    import os

    async with started(mini_world, tmp_path, scenario="test-run", seed=3, autosave=True) as pilot:
        app = pilot.app
        await play_turns(pilot, 2, autosave=True)
    autosaves = sorted((tmp_path / "autosaves").glob("autosave-*.json"))
    assert len(autosaves) >= 2
    newest = autosaves[-1]
    for old in autosaves[:-1]:  # copied folders: older autosaves with newer file times
        os.utime(old, (newest.stat().st_mtime + 100, newest.stat().st_mtime + 100))
    async with started(mini_world, tmp_path, autosave=False) as pilot:
        app = pilot.app
        await pilot.press("c")
        await ready(pilot)
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and app.game.turn == 2


@sync
async def test_continue_without_autosaves_says_only_that(mini_world, tmp_path):
    async with started(mini_world, tmp_path, autosave=False) as pilot:
        app = pilot.app
        await pilot.press("c")
        await ready(pilot)
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("No autosave yet" in m for m in messages)
        assert not any("Loading" in m for m in messages)


@sync
async def test_the_load_screen_highlights_the_newest_save(mini_world, tmp_path):
    from textual.widgets import OptionList

    from game.app import saving
    from game.app.screens.load_game import LoadScreen

    async with started(mini_world, tmp_path, autosave=True) as pilot:
        app = pilot.app
        game = new_game(mini_world)
        app.autosave(game)  # as a new game is autosaved, and again after its first quarter
        resolve_turns(game, 1, after=app.autosave)
        for i in range(20):  # more saves than an 80x24 screen shows
            saving.save_game(game, f"save {i}", folder=app.saves_folder)
        app.push_screen(LoadScreen())
        await pilot.pause()
        saves = app.screen.query_one("#saves", OptionList)
        assert saves.option_count >= 22 and saves.highlighted == 0
        await pilot.press("down")
        assert saves.highlighted == 1
        # only the list scrolls: its title and the note under it stay on screen at the last save
        await pilot.press("end")
        await pilot.pause()
        screen = app.screen
        assert saves.highlighted == saves.option_count - 1 and saves.max_scroll_y > 0
        assert screen.max_scroll_y == 0 and not screen.show_vertical_scrollbar
        title, note = screen.query_one(".screen-title"), screen.query_one("#saves-note")
        assert title.region.y == 0 and "Load a saved game" in str(title.render())
        assert 0 < note.region.y < screen.size.height - 1 and "enter to load" in str(note.render())


@sync
async def test_an_empty_load_screen_names_the_saves_folder_in_full(mini_world, tmp_path, monkeypatch):
    from game.app.screens.load_game import LoadScreen

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BORDERLINE_SAVES", "relative/saves")
    async with started(mini_world, tmp_path, saves_folder=None) as pilot:
        app = pilot.app
        app.push_screen(LoadScreen())
        await pilot.pause()
        note = str(app.screen.query_one("#saves-note").render())
        assert f"No saves yet in {tmp_path / 'relative' / 'saves'}" in note


@sync
async def test_a_save_of_other_content_loads_only_when_the_player_says_so(mini_world, tmp_path):
    import shutil

    from driving import MINI

    from game.app import saving
    from game.app.screens.load_game import load_in_background
    from game.engine import load_world

    patched = tmp_path / "packs" / "mini"  # the same pack, one number changed since the save
    shutil.copytree(MINI, patched)
    world_file = patched / "world.toml"
    world_file.write_text(world_file.read_text().replace("value = 0.05", "value = 0.08"))
    game = new_game(load_world([patched]))
    resolve_turns(game, 2)
    path = saving.save_game(game, "made on a patched pack", folder=tmp_path / "saves")
    async with started(mini_world, tmp_path, autosave=False) as pilot:
        app = pilot.app
        for answer in ("n", "y"):
            load_in_background(app, path)
            await ready(pilot)
            dialog = app.screen
            assert isinstance(dialog, ConfirmDialog) and dialog.question == "Load this save anyway?"
            assert "other content" in dialog.detail and "content differs" in dialog.detail
            assert "changed: world.toml" in dialog.detail
            assert "will not be the ones it was saved with" in dialog.detail
            await pilot.press(answer)
            await ready(pilot)
            await pilot.pause()
            if answer == "n":  # nothing loaded, nothing said: the title screen as it was
                assert app.game is None and not isinstance(app.screen, ConfirmDialog | MainScreen)
        # y loaded the game on the content loaded now, and said what differs
        assert isinstance(app.screen, MainScreen) and app.game.turn == 2
        assert app.game.world is mini_world
        messages = [n.message for n in app._notifications]
        assert any("different content" in m for m in messages)
        assert not any("Cannot load" in (n.title or "") for n in app._notifications)


@sync
async def test_a_copied_save_is_listed_with_its_file_name_beside_the_name_inside_it(mini_world, tmp_path):
    """Two students' copies of one save both read "kleiman" on the Load screen (a playtester)."""
    import shutil

    from textual.widgets import OptionList

    from game.app import saving
    from game.app.screens.load_game import LoadScreen

    async with started(mini_world, tmp_path) as pilot:
        app = pilot.app
        original = saving.save_game(new_game(mini_world), "kleiman", folder=app.saves_folder)
        shutil.copy(original, original.with_name("ana_kleiman.json"))
        app.push_screen(LoadScreen())
        await pilot.pause()
        saves = app.screen.query_one("#saves", OptionList)
        prompts = [str(saves.get_option_at_index(i).prompt) for i in range(saves.option_count)]
        names = sorted(prompt.splitlines()[0] for prompt in prompts)
        assert names == ["kleiman", "kleiman  (file ana_kleiman.json)"]
