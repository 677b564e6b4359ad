"""Hot-seat: two players at one keyboard, each governing one side and planning in secret.

Driven through Textual's Pilot at 80x24 on the small test world (tests/packs/mini: the US
has enforcement, treatment and legalization; Mexico has designation).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from driving import sync

from game.app.app import BorderlineApp
from game.app.screens.cartels import CartelsScreen
from game.app.screens.debrief import DebriefScreen
from game.app.screens.dialogs import ConfirmDialog, DilemmaDialog, NewsDialog
from game.app.screens.hand_over import HandOverScreen
from game.app.screens.main import MainScreen, StatusLine
from game.app.screens.new_game import NewGameScreen
from game.app.widgets.action_panel import ActionPanel
from game.app.widgets.turn_header import TurnHeader
from game.engine import GameError, load_world
from game.saves import latest_autosave, load_save

MINI = Path(__file__).resolve().parent / "packs" / "mini"
SIZE = (80, 24)
PLAYERS = {"us": "Ana", "mx": "Beto"}


@pytest.fixture(scope="module")
def mini():
    return load_world([MINI])


def make_app(world, tmp_path) -> BorderlineApp:
    return BorderlineApp(
        [MINI],
        world=world,
        saves_folder=tmp_path,
        reports_folder=tmp_path,
        previews=False,
        batch_runs=20,
        cursor_blink=False,
    )


async def settle(pilot) -> None:
    app = pilot.app
    background = [w for w in app.workers if w.group != "turn"]
    if background:
        await app.workers.wait_for_complete(background)
    await pilot.pause()


def panel_rows(app: BorderlineApp) -> dict[str, str]:
    """Each action's row on the action panel as the player reads it, and each group heading."""
    panel = app.screen.query_one(ActionPanel)
    return {str(o.id): " ".join(str(o.prompt).split()) for o in panel.options}


def groups(rows: dict[str, str], side: str) -> list[str]:
    """The headings of one side's groups on the action panel."""
    found = [text for key, text in rows.items() if key.startswith(f"group:{side}:")]
    assert found, f"no group of side {side}"
    return found


def header(app: BorderlineApp) -> list[str]:
    return str(app.screen.query_one(TurnHeader).render()).splitlines()


def status(app: BorderlineApp) -> str:
    return str(app.screen.query_one(StatusLine).render())


def screen_text(app: BorderlineApp) -> str:
    """Everything the hand-over screen shows."""
    return " ".join(str(w.render()) for w in app.screen.query("Static"))


async def highlight(pilot, action: str) -> None:
    panel = pilot.app.screen.query_one(ActionPanel)
    panel.focus()
    panel.highlighted = next(i for i, o in enumerate(panel.options) if o.id == action)
    await pilot.pause()


async def take_seat(pilot, player: str) -> None:
    """The hand-over screen names ``player``; they press enter and get the main screen."""
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, HandOverScreen), type(screen)
    assert screen.player == player
    assert f"Pass the keyboard to {player}" in screen_text(pilot.app)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, MainScreen)


async def through_popups(pilot) -> None:
    """Dismiss the turn's news and answer dilemmas (with the first choice) as they come."""
    for _ in range(8):
        await settle(pilot)
        screen = pilot.app.screen
        if isinstance(screen, NewsDialog | DilemmaDialog):
            await pilot.press("enter")
        elif isinstance(screen, ConfirmDialog):
            await pilot.press("y")
        elif isinstance(screen, HandOverScreen) and pilot.app.game.pending_dilemmas:
            await pilot.press("enter")  # a dilemma's side takes the seat first
        else:
            return


@sync
async def test_two_turns_of_hot_seat_hide_each_players_plan_from_the_other_and_refuse_undo(mini, tmp_path):
    app = make_app(mini, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.start_game("test-run", 5, dict(PLAYERS))
        await take_seat(pilot, "Ana")
        game = app.game
        assert game is not None and game.players == PLAYERS
        for turn in (1, 2):
            us_action = "treatment" if turn == 1 else "enforcement"
            # Ana (US) sees her levers editable and Mexico's read-only
            assert "Ana plans United States" in header(app)[0]
            assert re.search(r"score [+-]\d+\.\d \(", header(app)[0]), header(app)  # short, not left out
            rows = panel_rows(app)
            assert all("Beto's, read-only" in text for text in groups(rows, "mx"))
            assert not any("read-only" in text for text in groups(rows, "us"))
            start_money = header(app)[1]
            before_row = rows[us_action]
            await highlight(pilot, us_action)
            await pilot.press("plus")
            assert us_action in game.pending
            assert "→" in panel_rows(app)[us_action]
            await highlight(pilot, "designation")
            await pilot.press("plus")
            assert "designation" not in game.pending
            assert "Read-only" in status(app) and "Beto" in status(app)
            if turn == 1:  # the Cartels screen's lever list marks the other side's levers too
                await pilot.press("m")
                await settle(pilot)
                assert isinstance(app.screen, CartelsScreen)
                assert all("Beto's, read-only" in text for text in groups(panel_rows(app), "mx"))
                await pilot.press("escape")
                await settle(pilot)
                assert isinstance(app.screen, MainScreen)
            # Ana ends her plan: the hand-over screen shows nothing of the game
            await pilot.press("e")
            await settle(pilot)
            assert isinstance(app.screen, HandOverScreen)
            shown = screen_text(app)
            assert "Beto" in shown and "sealed" in shown
            assert "Treatment" not in shown and "Enforcement" not in shown
            await take_seat(pilot, "Beto")
            # Beto (Mexico) sees none of Ana's plan: no pending change, rows as before, money as before
            assert "Beto plans Mexico" in header(app)[0]
            assert us_action not in game.pending
            assert panel_rows(app)[us_action] == before_row
            assert "→" not in panel_rows(app)[us_action]
            assert header(app)[1] == start_money
            told = [status(app), *(n.message for n in app._notifications)]
            leaks = ("Treatment", "Enforcement", "Read-only")
            assert not any(word in text for text in told for word in leaks)
            assert "Beto plans Mexico" in status(app)
            rows = panel_rows(app)
            assert all("Ana's, read-only" in text for text in groups(rows, "us"))
            assert not any("read-only" in text for text in groups(rows, "mx"))
            await highlight(pilot, us_action)
            await pilot.press("plus")
            assert "Read-only" in status(app) and "Ana" in status(app)
            if turn == 1:
                await highlight(pilot, "designation")
                await pilot.press("plus")
                assert game.pending == {"designation": 1}
            # Beto ends the turn: it resolves once, with both plans
            await pilot.press("e")
            await through_popups(pilot)
            assert game.turn == turn
            decided = {d.action for d in game.log if d.turn == turn}
            assert us_action in decided
            assert ("designation" in decided) == (turn == 1)
            assert game.level(us_action) >= 1
            # back to Ana for the next turn; she never saw Beto's plan: it resolved
            await take_seat(pilot, "Ana")
            assert game.pending == {} or all(game.world.actions[a].spec.side == "us" for a in game.pending)
        # the autosave records both names and replays to the bit
        path = latest_autosave(tmp_path, mini)
        assert path is not None
        loaded = load_save(path, mini)
        assert loaded.game.players == PLAYERS
        assert loaded.game.state_digest() == game.state_digest()
        assert '"players"' in path.read_text()

        # Undo is not done through the hot seat (a turn both played; sealing takes plans out of
        # the game): it refuses, saying why, and the game is left as it was.
        assert isinstance(app.screen, MainScreen) and game.turn == 2
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and app.game is game and game.turn == 2
        assert "two-player game cannot undo" in status(app)

        # nothing Ana reads offers what she cannot do: the guide's last hint leaves out undo, and
        # Beto's lever is said to be his, not "if you raise it"
        screen = app.screen
        app.guide = True  # the hints before the last one taken as read (in memory only)
        app.settings.dismissed_hints.update({"dashboard", "levers", "end_turn", "why"})
        screen._show_hint()
        hint = str(screen.query_one("#news-guide").render())
        assert "Guide 5/5" in hint and "organizations" in hint and "takes back" not in hint
        title = screen._preview_title("designation", game.committed_level("designation") + 1)
        assert title.startswith("Beto's lever (Mexico), not yours: if Beto were to raise it to")
        assert "If you" in screen._preview_title("treatment", game.committed_level("treatment") + 1)


DILEMMAS = {
    "pack.toml": 'id = "asks"\nname = "Asks"\nversion = "1.0"\ndependencies = [{ id = "mini" }]\n',
    "events.toml": """
[event.us_question]
title = "A question for Washington"
text = "Congress wants an answer."
side = "us"
condition = "1"
once = true
[[event.us_question.choices]]
id = "yes"
label = "Yes"
default = true
[[event.us_question.choices]]
id = "no"
label = "No"

[event.mx_question]
title = "A question for Mexico City"
text = "The Senate wants an answer."
side = "mx"
condition = "1"
once = true
[[event.mx_question.choices]]
id = "yes"
label = "Yes"
default = true
[[event.mx_question.choices]]
id = "no"
label = "No"
""",
}


@sync
async def test_each_dilemma_goes_to_the_player_of_the_side_it_concerns(tmp_path):
    folder = tmp_path / "asks"
    folder.mkdir()
    for name, text in DILEMMAS.items():
        (folder / name).write_text(text)
    world = load_world([MINI, folder])
    app = make_app(world, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.start_game("test-run", 5, dict(PLAYERS))
        await take_seat(pilot, "Ana")
        await pilot.press("e")
        await take_seat(pilot, "Beto")
        await pilot.press("e")  # the turn resolves; both events ask their side
        asked: list[tuple[str, str]] = []
        for _ in range(10):
            await settle(pilot)
            screen = app.screen
            if isinstance(screen, HandOverScreen):
                asked.append(("seat", screen.player))
            elif isinstance(screen, DilemmaDialog):
                player = app.hotseat.player(app.at_keyboard)
                asked.append((screen.dilemma.title, player))
                # the dialog and the header under it name who decides, not who plans first
                side = app.hotseat.side_name(app.at_keyboard)
                assert f"· {player} decides for {side}" in str(screen.query_one(".dialog-title").render())
                header = str(app.screen_stack[-2].query_one(TurnHeader).render())
                assert f"{player} decides for {side}" in header and " plans " not in header
            elif isinstance(screen, NewsDialog):
                pass
            else:
                break
            await pilot.press("enter")
        # each question after a hand-over to its side's player, then the next turn starts with Ana
        assert asked[-5:] == [
            ("seat", "Ana"),
            ("A question for Washington", "Ana"),
            ("seat", "Beto"),
            ("A question for Mexico City", "Beto"),
            ("seat", "Ana"),
        ]
        assert {c.event for c in app.game.choices_made} >= {"us_question", "mx_question"}


@sync
async def test_new_game_screen_names_a_player_per_side(mini, tmp_path):
    app = make_app(mini, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(NewGameScreen(mini))
        await settle(pilot)
        screen = app.screen
        screen.query_one("#player-us").value = "Ana"
        await pilot.pause()
        screen.action_start()  # one name only: refused, no game
        await settle(pilot)
        assert app.game is None
        assert any("every side" in n.message for n in app._notifications)
        screen.query_one("#player-mx").value = "ana"
        screen.action_start()  # the same name twice: refused
        await settle(pilot)
        assert app.game is None
        screen.query_one("#player-mx").value = "Beto"
        screen.action_start()
        await settle(pilot)
        assert app.game is not None and app.game.players == PLAYERS
        assert isinstance(app.screen, HandOverScreen) and app.screen.player == "Ana"


@sync
async def test_the_debrief_grades_each_player_and_the_pair(mini, tmp_path):
    from game.engine import Game
    from game.engine.hotseat import HotSeat

    game = Game(mini, "test-run", 3, status_quo=True, interactive=True)
    seats = HotSeat(game, dict(PLAYERS))
    while game.turn < game.turns - 1:  # played through the engine up to the last turn
        seats.seal()
        seats.seal()
        seats.resolve_turn()
        for dilemma in list(game.pending_dilemmas):
            game.choose(dilemma.event, next(c.id for c in dilemma.choices if c.default))
    app = make_app(mini, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_game(game)
        await take_seat(pilot, "Ana")
        await pilot.press("e")
        await take_seat(pilot, "Beto")
        await pilot.press("e")  # the last turn: confirmed, resolved, the debrief
        await through_popups(pilot)
        await settle(pilot)
        assert isinstance(app.screen, DebriefScreen)
        players = " ".join(str(app.screen.query_one("#players").render()).split())
        assert "Ana (United States)" in players and "Beto (Mexico)" in players and "The pair" in players
        sides = game.debrief().sides
        assert [(s.side, s.player) for s in sides] == [("us", "Ana"), ("mx", "Beto")]
        assert all(s.grade for s in sides)


def test_players_need_a_name_each_and_different_names(mini):
    from game.engine import Game
    from game.engine.hotseat import HotSeat

    game = Game(mini, "test-run", 1, interactive=True)
    with pytest.raises(GameError, match="'mx'"):
        HotSeat(game, {"us": "Ana"})
    with pytest.raises(GameError, match="different names"):
        HotSeat(game, {"us": "Ana", "mx": " ana "})
    with pytest.raises(GameError, match="no side 'eu'"):
        HotSeat(game, {"us": "Ana", "mx": "Beto", "eu": "Carla"})
    seats = HotSeat(game, {"us": "Ana\x1b[31m", "mx": "Beto"})
    assert seats.player("us") == "Ana[31m"  # no control characters reach a screen or a save


def test_why_says_what_each_players_levers_did_across_the_border(mini):
    from game.app.screens.why import explanation_text
    from game.engine import Game
    from game.engine.hotseat import HotSeat

    game = Game(mini, "test-run", 2, status_quo=True, interactive=True)
    seats = HotSeat(game, dict(PLAYERS))
    seats.set_level("enforcement", 2)
    seats.seal()
    seats.set_level("designation", 1)
    seats.seal()
    seats.resolve_turn()
    text = " ".join(explanation_text(game, "revenue", 1).plain.split())
    assert "Whose choices moved it:" in text
    assert "Ana's levers (United States):" in text and "Beto's levers (Mexico):" in text
    assert "(action, Ana's)" in text  # the US lever on a Mexican indicator, named as Ana's
    ana = text.split("Ana's levers (United States):")[1].split()[0]
    assert ana not in ("nothing", "±0", "+0", "0")  # US enforcement moved Mexican revenue
    alone = Game(mini, "test-run", 2, status_quo=True, interactive=True)
    alone.set_level("enforcement", 2)
    alone.resolve_turn()
    assert "Whose choices" not in explanation_text(alone, "revenue", 1).plain


def test_the_command_line_starts_a_two_player_game(monkeypatch, capsys):
    import game.cli

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(game.cli, "run_app", lambda packs=None, **kw: calls.append(kw) or 0)
    argv = ["--scenario", "both-sides", "--player", "us=Ana", "--player", "mx= Beto  Diaz"]
    assert game.cli.main(argv) == 0
    assert calls[0]["players"] == {"us": "Ana", "mx": "Beto Diaz"}
    for bad, said in [
        (["--scenario", "both-sides", "--player", "Ana"], "--player expects SIDE=NAME"),
        (["--scenario", "both-sides", "--player", "us=Ana"], "needs a name for every side"),
        (["--scenario", "x", "--player", "us=A", "--player", "us=B"], "--player us: named twice"),
        (["--player", "us=Ana", "--player", "mx=Beto"], "--player needs --scenario"),
    ]:
        assert game.cli.main(bad) == 1
        assert said in capsys.readouterr().err
    assert len(calls) == 1


@sync
async def test_a_player_for_a_side_the_world_lacks_is_said_not_crashed(mini, tmp_path):
    app = BorderlineApp(
        [MINI],
        world=mini,
        saves_folder=tmp_path,
        previews=False,
        cursor_blink=False,
        scenario="test-run",
        players={"us": "Ana", "eu": "Carla"},
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.game is None
    assert app.return_code == 1 and "no side 'eu'" in app.refused  # the command fails, saying why


def test_a_game_saved_mid_turn_keeps_the_later_players_plan_out_of_sight(mini, tmp_path):
    from game.engine import Game
    from game.engine.hotseat import HotSeat
    from game.saves import save_game

    game = Game(mini, "test-run", 8, status_quo=True, interactive=True)
    seats = HotSeat(game, dict(PLAYERS))
    seats.set_level("treatment", 1)
    seats.seal()  # Ana's plan sealed (it is not in the game, so not in a save)
    seats.set_level("designation", 1)
    path = save_game(game, "mid-turn", folder=tmp_path)  # Beto saves before ending his plan
    loaded = load_save(path, mini).game
    assert loaded.players == PLAYERS and loaded.pending == {"designation": 1}
    again = HotSeat(loaded, loaded.players)  # reopened: Ana plans first again
    assert again.seated == "us" and loaded.pending == {}  # Beto's plan is not shown to her
    again.set_level("enforcement", 2)
    again.seal()
    assert loaded.pending == {"designation": 1}  # Beto gets his own plan back
    again.seal()
    again.resolve_turn()
    assert {(d.action, d.level) for d in loaded.log} == {("enforcement", 2), ("designation", 1)}


def test_a_rule_of_a_players_lever_is_credited_to_that_player(base_world):
    """Carla ended the kingpin strategy, and the Why screen listed "Organizations learn they are not
    pursued (rule)" under Mexican killings with "Carla's levers (Mexico): nothing" (a playtester):
    a rule that belongs to a lever is its player's."""
    from game.app.screens.why import explanation_text
    from game.engine import Game
    from game.engine.hotseat import HotSeat

    game = Game(base_world, "both-sides", 1, status_quo=True, interactive=True)
    seats = HotSeat(game, {"us": "Ana", "mx": "Carla"})
    seats.seal()
    seats.set_level("mx_kingpin_strategy", 0)
    seats.seal()
    seats.resolve_turn()
    text = " ".join(explanation_text(game, "mx_drug_homicides", 1).plain.split())
    assert "Organizations learn they are not pursued (Military and kingpin strategy) (rule, Carla's)" in text
    carla = text.split("Carla's levers (Mexico):")[1].split()[0]
    assert carla not in ("nothing", "±0", "+0", "0"), text
    # a rule not tagged with its lever is its player's when its formula reads that side's levers only
    assert "Traffic shifts to new routes (rule, Carla's)" in text
    assert "Turf wars settle (rule)" in text  # the world's own: nobody's
