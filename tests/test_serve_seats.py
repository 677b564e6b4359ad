"""The room-full race: the seat is decided when the page loads, and held for its websocket.

The room runs in this process (aiohttp's test server) with a stand-in for the game (a
process that only waits), and a clock the test moves: no sleeps decide who gets a seat.
"""

from __future__ import annotations

import asyncio
import functools
import re
import shlex
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import pytest
from browser_room import free_port

if TYPE_CHECKING:
    import aiohttp

    from game.serve import RoomServer

# One xdist worker runs the serve tests (--dist loadgroup): aiohttp and game.serve (about 0.35 s of
# processor time) are imported by them when they run, not by every worker collecting the module
pytestmark = pytest.mark.xdist_group("serve")

WEBSOCKET_URL = re.compile(r'data-session-websocket-url="(ws://[^"]+)"')
# stands in for a game: it runs until its server's pipe closes, as a served game does (a stand-in
# that slept for two minutes outlived the test run)
A_GAME = shlex.join([sys.executable, "-c", "import sys; sys.stdin.read()"])


def sync(test: Callable[..., object]) -> Callable[..., None]:
    @functools.wraps(test)
    def run(*args: object, **kwargs: object) -> None:
        asyncio.run(test(*args, **kwargs))  # type: ignore[arg-type]

    return run


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@asynccontextmanager
async def room(seats: int) -> AsyncIterator[tuple[RoomServer, Clock, str, aiohttp.ClientSession]]:
    import aiohttp
    from aiohttp.test_utils import TestServer

    from game.serve import RoomOptions, RoomServer

    port = free_port()
    server = RoomServer(RoomOptions(port=port, max_players=seats))
    server.command = A_GAME
    clock = Clock()
    server.clock = clock
    test_server = TestServer(await server._make_app(), host="127.0.0.1", port=port)
    await test_server.start_server()
    try:
        async with aiohttp.ClientSession() as http:
            yield server, clock, f"http://127.0.0.1:{port}", http
    finally:
        await test_server.close()


async def load_page(http: aiohttp.ClientSession, base: str) -> tuple[int, str]:
    """A tab loads the page: (status, its websocket's address, or the page's text when refused)."""
    async with http.get(f"{base}/") as page:
        text = await page.text()
    found = WEBSOCKET_URL.search(text)
    return page.status, found.group(1) if found else text


async def seat_freed(server: RoomServer) -> None:
    """Wait for the room to finish with a closed tab's game (it stops the process, then frees the seat)."""
    for _ in range(400):
        if not server.seated:
            return
        await asyncio.sleep(0.025)
    raise AssertionError("the closed tab's seat was never freed")


async def connect(http: aiohttp.ClientSession, url: str) -> aiohttp.ClientWebSocketResponse:
    return await http.ws_connect(f"{url}?width=80&height=24")


@sync
async def test_a_page_that_got_the_game_keeps_its_seat_until_its_websocket_takes_it():
    import aiohttp

    async with room(seats=1) as (server, _, base, http):
        status, first = await load_page(http, base)
        assert status == 200 and re.search(r"/ws/[\w-]{16,}$", first), first
        # the last seat is held for the first page: a tab loading the page now is told at once
        status, page = await load_page(http, base)
        assert status == 503 and "The room is full" in page
        # ... and the first page's websocket, however late it comes, gets its game
        seat = await connect(http, first)
        assert server.taken == 1 and len(server.seated) == 1 and not server.held
        # a websocket with no held seat (not from a page) is refused while the room is full
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await connect(http, f"{base.replace('http', 'ws')}/ws")
        assert refused.value.status == 503
        await seat.close()
        await seat_freed(server)
        status, _ = await load_page(http, base)
        assert status == 200  # the seat is free again once the game's tab has gone


@sync
async def test_a_lapsed_hold_frees_the_seat_and_its_late_websocket_is_refused():
    import aiohttp

    from game.serve import HOLD_SECONDS

    async with room(seats=1) as (server, clock, base, http):
        _, abandoned = await load_page(http, base)
        clock.now += HOLD_SECONDS  # the page never connected: its hold lapses
        assert server.taken == 0
        status, second = await load_page(http, base)
        assert status == 200
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await connect(http, abandoned)  # too late: the seat went to the second page
        assert refused.value.status == 503
        seat = await connect(http, second)
        assert len(server.seated) == 1
        await seat.close()


@sync
async def test_two_pages_for_two_seats_both_get_their_games_in_either_order():
    import aiohttp

    async with room(seats=2) as (server, _, base, http):
        (_, first), (_, second) = [await load_page(http, base) for _ in range(2)]
        assert first != second and server.full
        late, early = await connect(http, second), await connect(http, first)
        assert len(server.seated) == 2 and not server.held
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await connect(http, first)  # a ticket is used once
        await late.close()
        await early.close()


def test_the_page_asks_again_once_when_its_game_never_started():
    """A page whose websocket was refused (or lapsed) reloads once with ?again=1: it gets its
    game or the room-full page, not a bare "Session ended"."""
    from game.serve import TEMPLATES

    page = (TEMPLATES / "app_index.html").read_text(encoding="utf-8")
    assert 'searchParams.set("again", "1")' in page and 'classList.contains("-loaded")' in page
