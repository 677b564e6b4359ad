"""`borderline serve` without a browser: its limits, its page, its options and the served game.

The room runs as a real server on a free localhost port; an aiohttp client takes the seats
a browser tab would (the websocket that starts a game process).
"""

from __future__ import annotations

import asyncio
import functools
import re
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_room import start_room, stop_room
from play_helpers import eventually

from game.app.app import BorderlineApp
from game.app.screens.dialogs import ConfirmDialog
from game.app.screens.student import StudentNameScreen
from game.cli import build_parser, main
from game.engine import Game, load_world
from game.saves import autosave

# One xdist worker runs this whole module (--dist loadgroup):
# its served room is started once per module.
pytestmark = pytest.mark.xdist_group("serve")
# aiohttp and game.serve (about 0.35 s of processor time) are imported by the serve tests when
# they run, not when each xdist worker collects this module: one worker runs the 'serve' group

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "packs" / "mini"


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A room of one seat."""
    process, port = start_room(tmp_path_factory.mktemp("room"), "--max-players", "1")
    try:
        yield port
    finally:
        stop_room(process)


def sync(test):
    @functools.wraps(test)
    def run(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return run


async def wait_until(check, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.2)
    raise AssertionError("timed out")


@sync
async def test_the_page_is_offline_and_a_tab_past_the_cap_is_told_the_room_is_full(room):
    import aiohttp  # imported when the test runs (see pytestmark)

    base = f"http://127.0.0.1:{room}"
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/") as page:
            assert page.status == 200
            html = await page.text()
        assert "fonts.googleapis" not in html and "https://" not in html
        assert f"{base}/static/fonts/RobotoMono-VariableFont_wght.ttf" in html
        held = re.search(rf'data-session-websocket-url="(ws://127\.0\.0\.1:{room}/ws/[\w-]+)"', html)
        assert held, "the page's websocket carries the ticket of the seat it holds"
        async with http.get(f"{base}/static/fonts/RobotoMono-VariableFont_wght.ttf") as font:
            assert font.status == 200 and len(await font.read()) > 10_000
        # the page holds the only seat; its websocket takes it and starts a game process
        seat = await http.ws_connect(f"{held.group(1)}?width=80&height=24")
        first = await seat.receive(timeout=30)  # the game's first frame: it is running
        assert first.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT)
        async with http.get(f"{base}/") as full:
            assert full.status == 503
            text = await full.text()
        assert "The room is full" in text and "--max-players 1" in text
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(f"{base}/ws?width=80&height=24")
        assert refused.value.status == 503
        await seat.close()  # the tab closes: its seat frees

        async def open_again() -> bool:
            async with http.get(f"{base}/") as again:
                return again.status == 200

        await wait_until(open_again)


def test_serve_listens_on_localhost_unless_told_and_warns_for_a_network():
    from game import serve

    args = build_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1" and args.port == 8000
    assert serve.lan_warning(serve.RoomOptions()) is None
    warning = serve.lan_warning(serve.RoomOptions(host="0.0.0.0"))
    assert warning is not None and "anyone" in warning and warning.startswith("WARNING")


def test_a_network_room_gives_browsers_the_teachers_address(monkeypatch):
    from game import serve

    monkeypatch.setattr(serve, "lan_address", lambda: "192.168.1.20")
    assert serve.public_url_for(serve.RoomOptions(host="0.0.0.0", port=8123)) == "http://192.168.1.20:8123"
    assert serve.public_url_for(serve.RoomOptions(port=8123)) == "http://127.0.0.1:8123"
    given = serve.RoomOptions(host="0.0.0.0", public_url="https://room.school.example/")
    assert serve.public_url_for(given) == "https://room.school.example"
    assert serve.public_url_for(serve.RoomOptions(host="::1", port=9000)) == "http://[::1]:9000"


def test_a_network_room_warns_first_and_a_taken_port_is_one_clear_error(capfd):
    with socket.socket() as taken:  # the port is in use: the room warns, then cannot listen
        taken.bind(("0.0.0.0", 0))
        taken.listen(0)
        port = taken.getsockname()[1]
        code = main(["serve", "--host", "0.0.0.0", "--port", str(port)])
    err = capfd.readouterr().err
    assert code == 1
    assert "WARNING: serving on 0.0.0.0: anyone who can reach this machine" in err
    assert f"cannot listen on 0.0.0.0:{port}" in err and "--port" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--port", "70000"], "--port 70000: expected a port from 1 to 65535"),
        (["--public-url", "room.school"], "--public-url 'room.school': expected the address"),
        (["--public-url", "ftp://x"], "expected the address students type"),
        (["--host", "bad host"], "--host 'bad host': expected an address"),
    ],
)
def test_bad_serve_options_are_one_clear_error(args, expected, capsys):
    assert main(["serve", *args]) == 1
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err


def test_max_players_must_be_a_positive_number(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["serve", "--max-players", "0"])
    assert exit_.value.code == 2
    assert "--max-players" in capsys.readouterr().err


def test_each_tab_runs_the_game_in_served_mode():
    from game import serve

    command = serve.game_command(serve.RoomOptions(packs=["mods/x"]))
    assert command.startswith(sys.executable.replace("'", "")) or sys.executable in command
    assert "-m game" in command and command.endswith("--served")
    assert "--pack" in command and str(Path("mods/x").absolute()) in command


# --------------------------------------------------------------------------- the served game


@pytest.fixture(scope="module")
def mini():
    return load_world([MINI])


def served_app(world, folder: Path) -> BorderlineApp:
    options = dict(world=world, saves_folder=folder, previews=False, batch_runs=20, cursor_blink=False)
    return BorderlineApp([MINI], served=True, **options)


async def settle(pilot) -> None:
    background = [w for w in pilot.app.workers if w.group != "turn"]
    if background:
        await pilot.app.workers.wait_for_complete(background)
    await pilot.pause()


async def type_name(pilot, name: str) -> None:
    assert isinstance(pilot.app.screen, StudentNameScreen)
    for ch in name:
        await pilot.press("space" if ch == " " else ch)
    await pilot.press("enter")
    await settle(pilot)


@sync
async def test_a_served_student_names_themselves_and_gets_their_own_folder(mini, tmp_path):
    app = served_app(mini, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_name(pilot, "Ana")
        assert app.student == "Ana"
        assert Path(app.saves_folder) == (tmp_path / "Ana").absolute()
        assert Path(app.reports_folder) == (tmp_path / "Ana").absolute()
        assert (tmp_path / "Ana").is_dir()
        assert not isinstance(app.screen, ConfirmDialog)  # nothing to continue yet
        app.start_game("test-run", 4)
        await settle(pilot)
    assert list((tmp_path / "Ana" / "autosaves").glob("autosave-*.json"))
    assert not list(tmp_path.glob("autosaves/*"))  # nothing in the room's own folder


@sync
async def test_reconnecting_offers_the_students_own_newest_autosave_and_never_anothers(mini, tmp_path):
    ana, beto = Game(mini, "test-run", 11, interactive=True), Game(mini, "test-run", 22, interactive=True)
    ana.resolve_turn()
    autosave(ana, tmp_path / "Ana")
    autosave(beto, tmp_path / "Beto")
    beto.resolve_turn()
    beto.resolve_turn()
    autosave(beto, tmp_path / "Beto")  # Beto's is the newest in the room
    app = served_app(mini, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_name(pilot, "Ana")
        assert isinstance(app.screen, ConfirmDialog) and "Welcome back, Ana" in app.screen.question
        await pilot.press("y")
        await settle(pilot)
        assert await eventually(pilot, lambda: app.game is not None)  # the autosave replayed
        await settle(pilot)
        assert (app.game.seed, app.game.turn) == (11, 1)


@sync
async def test_a_served_debrief_export_downloads_to_the_browser_and_stays_in_the_folder(mini, tmp_path):
    from game.app.screens.debrief import DebriefScreen

    game = Game(mini, "test-run", 5, status_quo=True, interactive=True)
    while not game.is_over:
        game.resolve_turn()
        for dilemma in list(game.pending_dilemmas):
            game.choose(dilemma.event, next(c.id for c in dilemma.choices if c.default))
    app = served_app(mini, tmp_path)
    delivered: list[tuple[Path, str | None]] = []
    app.deliver_text = lambda path, **kw: delivered.append((Path(path), kw.get("mime_type")))  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_name(pilot, "Ana")
        app.show_debrief(game)
        await settle(pilot)
        assert isinstance(app.screen, DebriefScreen)
        await pilot.press("x")
        await settle(pilot)
    folder = (tmp_path / "Ana").absolute()
    kinds = {p.name.split(" - ", 2)[-1][10:]: kind for p, kind in delivered}  # after the date
    assert kinds == {".md": "text/markdown", " - turns.csv": "text/csv", " - decisions.csv": "text/csv"}
    assert all(p.parent == folder and p.is_file() for p, _ in delivered)
    assert all(p.name.startswith("Ana - test-run - ") for p, _ in delivered), "the served student names them"
    csv = next(p for p, _ in delivered if p.name.endswith(" - turns.csv")).read_text().splitlines()
    assert csv[0].startswith("turn,date,")
    assert len(csv) == game.turns + 2  # the header, the start and a row per turn
