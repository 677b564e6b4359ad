"""The title screen and the ways in: new game, continue, load, mods, how to play, the command line."""

from __future__ import annotations

import subprocess
import sys

from driving import MINI, ROOT, SIZE, make_app, ready, started, sync

from game.app.app import BorderlineApp
from game.app.screens.main import MainScreen
from game.engine import load_world


@sync
async def test_title_screen_offers_every_way_in(mini_world, tmp_path):
    async with started(None, tmp_path) as pilot:
        app = pilot.app
        assert app.world_status == "ready"
        menu = app.screen.query_one("#menu")
        assert [o.id for o in menu.options] == ["new", "continue", "load", "class", "mods", "how", "quit"]
        for key, screen_name in (("h", "HowToPlayScreen"), ("m", "ModsScreen"), ("l", "LoadScreen")):
            await pilot.press(key)
            await pilot.pause()
            assert type(app.screen).__name__ == screen_name
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert "mini 1.0.0" in str(app.screen.query_one("#mods-text").render())
        await pilot.press("escape", "n")
        await pilot.pause()
        assert "For tests." in str(app.screen.query_one("#briefing-text").render())
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.game is not None and app.game.scenario_id == "test-run"


@sync
async def test_content_errors_are_shown_not_crashed_on(tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "pack.toml").write_text('id = "broken"\nname = "Broken"\nversion = "1.0"\n')
    (broken / "world.toml").write_text('[stock.users]\ninitial = "nonsense +"\n')
    app = BorderlineApp([broken], saves_folder=tmp_path, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.world_status == "failed"
        assert "error" in str(app.screen.query_one("#world-status").render())
        await pilot.press("n")  # refused with a message, not a crash
        await pilot.pause()
        assert type(app.screen).__name__ == "TitleScreen"
        await pilot.press("m")
        await pilot.pause()
        assert "world.toml" in str(app.screen.query_one("#mods-text").render())


def test_borderline_with_a_scenario_skips_to_a_new_game(monkeypatch):
    import game.cli

    calls = []
    monkeypatch.setattr(game.cli, "run_app", lambda packs=None, **kw: calls.append(kw) or 0)
    assert game.cli.main(["--scenario", "both-sides", "--seed", "5"]) == 0
    assert game.cli.main([]) == 0
    assert game.cli.main(["--pack", "mods/extra"]) == 0
    assert calls == [
        {
            "extra_packs": [],
            "scenario": "both-sides",
            "seed": 5,
            "difficulty": None,
            "players": {},
            "served": False,
            "class_file": None,
        },
        {
            "extra_packs": [],
            "scenario": None,
            "seed": None,
            "difficulty": None,
            "players": {},
            "served": False,
            "class_file": None,
        },
        {
            "extra_packs": ["mods/extra"],
            "scenario": None,
            "seed": None,
            "difficulty": None,
            "players": {},
            "served": False,
            "class_file": None,
        },
    ]


def test_a_seed_alone_is_a_clear_error(capsys):
    import game.cli

    assert game.cli.main(["--seed", "5"]) == 1
    assert "--seed needs --scenario" in capsys.readouterr().err


def test_the_title_screen_needs_neither_numpy_nor_the_engine():
    """Start-up stays fast: the engine loads in a worker after the first frame."""
    code = (
        "import sys, game.cli, game.app.app\n"
        "print(sorted(m for m in ('numpy', 'pydantic', 'game.engine') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "[]", out.stderr


def test_the_command_line_and_the_engine_do_not_import_textual():
    code = (
        "import sys, game.cli, game.app, game.engine\n"
        "print(any(m.startswith('textual') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "False", out.stderr


@sync
async def test_the_mods_screen_indents_a_long_description_as_a_block(tmp_path):
    from game.app.screens.mods import ModsScreen

    folder = tmp_path / "described"
    folder.mkdir()
    (folder / "pack.toml").write_text(
        'id = "described"\nname = "Described"\nversion = "1.0"\ndependencies = [{ id = "mini" }]\n'
        'description = "' + "A pack whose description is long enough to wrap over several lines. " * 4 + '"\n'
    )
    world = load_world([MINI, folder])
    async with started(world, tmp_path) as pilot:
        app = pilot.app
        app.push_screen(ModsScreen())
        await pilot.pause()
        text = str(app.screen.query_one("#mods-text").render())
        lines = [line for line in text.splitlines() if "wrap over" in line or "description is long" in line]
        assert len(lines) >= 2 and all(line.startswith("   ") for line in lines)


@sync
async def test_a_difficulty_is_found_by_the_name_the_game_shows_or_listed_with_it(base_world, tmp_path):
    """`--difficulty learning` (the name the new-game screen and README use) starts the base pack's
    easy; a difficulty it does not have lists each id with its name (a playtester was told "no
    difficulty 'learning'; choose one of: easy, standard, hard")."""
    app = make_app(base_world, tmp_path, scenario="both-sides", seed=3, difficulty="Learning")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        assert isinstance(app.screen, MainScreen) and app.game is not None and app.game.difficulty == "easy"
    app = make_app(base_world, tmp_path, scenario="both-sides", seed=3, difficulty="nightmare")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        assert app.game is None
    # the command fails as simulate's does (it opened the title screen with a toast, exit 0)
    assert app.return_code == 1
    assert "unknown difficulty 'nightmare'" in app.refused and "easy (Learning)" in app.refused


@sync
async def test_a_scenario_the_packs_lack_ends_the_command_with_the_one_meant(mini_world, tmp_path):
    app = make_app(mini_world, tmp_path, scenario="test-rn", seed=3)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.game is None
    assert app.return_code == 1
    assert app.refused == "unknown scenario 'test-rn' (did you mean \"test-run\"?); choose one of: test-run"


@sync
async def test_a_choice_made_while_the_world_loads_opens_when_it_is_ready(mini_world, tmp_path):
    """'c' pressed as the title appeared said 'Still loading' and had to be pressed again (a playtester)."""
    from game.app.screens.new_game import NewGameScreen
    from game.app.screens.title import TitleScreen

    app = make_app(mini_world, tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        title = app.screen
        assert isinstance(title, TitleScreen)
        app.world_status = "loading"  # as at start-up, or after r
        title.action_menu("new")
        await pilot.pause()
        said = " ".join(str(n.message) for n in app._notifications)
        assert app.screen is title and "as soon as the world is ready" in said
        app.world_status = "ready"
        await ready(pilot)
        assert isinstance(app.screen, NewGameScreen)
