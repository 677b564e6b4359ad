"""``borderline serve``: the game for a room of browsers, one game process per tab (textual-serve).

Imported only by the ``serve`` verb: textual-serve brings aiohttp, which a player in a
terminal never needs. What it adds to textual-serve's server:

- a page of our own (templates/app_index.html) that loads Roboto Mono from the files
  textual-serve ships, not from an outside font host, so it works on a network with no
  internet;
- a cap on the game processes (``max_players``): a tab past it gets a page saying the room
  is full (HTTP 503). The seat is decided when the page loads: a page that gets the game
  holds a seat (its ticket is in the page's websocket address) for ``HOLD_SECONDS``, until
  its websocket takes it, so a tab that loads the page just before the last seat goes still
  gets its game. A websocket without a held seat (its hold lapsed, or it came through a
  proxy from another room's page) gets a seat if one is free, else HTTP 503 (a reverse
  proxy then tries its next room); the page, whose game never started, then asks for
  itself again once and shows the room-full page;
- the address the page gives browsers (``public_url``): on a LAN the teacher's address,
  worked out, or given (behind a reverse proxy, the proxy's address);
- each game started with ``--served``, so it asks the student's name and keeps their files
  in a folder of their own under the saves folder;
- a room of a class (``class_file``): every game is a game of that class (``--class``),
  the file checked against the games' world before the room listens.
"""

from __future__ import annotations

import ipaddress
import secrets
import shlex
import socket
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
import textual_serve
from aiohttp import web
from textual_serve.server import Server, to_int

from game.errors import BorderlineError
from game.locations import saves_folder

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(textual_serve.__file__).parent / "static"
LOOPBACK = "127.0.0.1"
MAX_PLAYERS_LIMIT = 1000
HOLD_SECONDS = 60.0
"""How long a page that got the game holds its seat for its websocket (a page connects within
a second or two; a page prefetched or abandoned frees its seat after this)."""


class ServeError(BorderlineError):
    """A ``serve`` option that cannot work; the message says which and what is expected."""


@dataclass
class RoomOptions:
    host: str = LOOPBACK
    port: int = 8000
    max_players: int = 30
    public_url: str | None = None
    packs: Sequence[str] = ()
    title: str = "Borderline"
    class_file: Path | None = None  # checked (check_room_class) before the room is made
    extra_args: Sequence[str] = field(default_factory=list)


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach ``host`` ("localhost", 127.x, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_every_interface(host: str) -> bool:
    return host in ("0.0.0.0", "::", "")


def lan_address() -> str:
    """This machine's address on its network, as other machines see it.

    A UDP socket "connected" to a documentation-only address (RFC 5737; no packet is sent)
    tells which local address the system would route from; without a network, loopback.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
            return str(probe.getsockname()[0])
        except OSError:
            return LOOPBACK


def url_host(host: str) -> str:
    """A host as it goes in a URL (an IPv6 address in brackets)."""
    try:
        return f"[{host}]" if ipaddress.ip_address(host).version == 6 else host
    except ValueError:
        return host


def check_public_url(url: str) -> str:
    """``--public-url``: an http(s) address with a host and nothing after the path; no trailing /."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ServeError(
            f"--public-url {url!r}: expected the address students type, e.g. http://192.168.1.20:8000 "
            "or https://room.school.example"
        )
    if parts.query or parts.fragment:
        raise ServeError(f"--public-url {url!r}: expected no ?query or #fragment")
    return url.strip().rstrip("/")


def public_url_for(options: RoomOptions) -> str:
    """The address the page tells browsers to connect back to."""
    if options.public_url:
        return check_public_url(options.public_url)
    host = lan_address() if is_every_interface(options.host) else options.host
    return f"http://{url_host(host)}:{options.port}"


def check_options(options: RoomOptions) -> None:
    if not 1 <= options.port <= 65535:
        raise ServeError(f"--port {options.port}: expected a port from 1 to 65535")
    if not 1 <= options.max_players <= MAX_PLAYERS_LIMIT:
        raise ServeError(f"--max-players {options.max_players}: expected 1 to {MAX_PLAYERS_LIMIT}")
    if not options.host or any(ch.isspace() for ch in options.host):
        raise ServeError(f"--host {options.host!r}: expected an address such as 127.0.0.1 or 0.0.0.0")


def game_command(options: RoomOptions) -> str:
    """The shell command textual-serve runs for each tab: this Python, the game, served mode."""
    parts = [sys.executable, "-m", "game"]
    for pack in options.packs:
        parts += ["--pack", str(Path(pack).absolute())]
    parts += ["--served", *options.extra_args]
    if options.class_file is not None:
        parts += ["--class", str(Path(options.class_file).absolute())]
    return " ".join(shlex.quote(p) for p in parts)


def check_room_class(raw: str, packs: Sequence[str]) -> Path:
    """The class file a room plays, checked before the room listens: read safely, its schema,
    and what it names against the world every game of the room loads (the base game, the
    class's ``packs``, the ``--pack`` folders: never the mods enabled on the Mods screen).
    Raise ServeError naming every problem at file:line:col."""
    from game.classroom import ClassRules
    from game.content.errors import ContentErrors
    from game.engine import load_world
    from game.locations import default_packs

    path = Path(raw).expanduser()
    if not path.is_file():
        raise ServeError(
            f"--class {raw!r}: no such file (expected a class file, e.g. "
            "content/base/classes/one_period.toml)"
        )
    try:
        folders = ClassRules.from_file(path).pack_folders(default_packs(), [Path(p) for p in packs])
    except ContentErrors as exc:
        raise ServeError(_listed("the class file has", exc.errors)) from None
    try:
        world = load_world(folders)
    except ContentErrors as exc:
        raise ServeError(_listed("the class's packs have", exc.errors)) from None
    try:
        ClassRules.from_file(path, world)
    except ContentErrors as exc:
        raise ServeError(_listed("the class file has", exc.errors)) from None
    return path.absolute()


def _listed(what: str, errors: Sequence[object]) -> str:
    if len(errors) == 1:
        return str(errors[0])
    return f"{what} {len(errors)} errors:\n" + "\n".join(f"  {e}" for e in errors)


class RoomServer(Server):
    """textual-serve's server with a seat limit, a room-full page and an offline page."""

    def __init__(self, options: RoomOptions) -> None:
        check_options(options)
        super().__init__(
            game_command(options),
            host=options.host,
            port=options.port,
            title=options.title,
            public_url=public_url_for(options),
            statics_path=STATIC,
            templates_path=TEMPLATES,
        )
        self.options = options
        self.max_players = options.max_players
        self.seated: set[int] = set()  # one token per live game process
        self._next_seat = 0
        self.held: dict[str, float] = {}  # a page's ticket -> when its held seat lapses (clock())
        self.clock: Callable[[], float] = time.monotonic

    @property
    def taken(self) -> int:
        """Seats in use: live games, and pages holding a seat for their websocket."""
        now = self.clock()
        for ticket in [t for t, until in self.held.items() if until <= now]:
            del self.held[ticket]
        return len(self.seated) + len(self.held)

    @property
    def full(self) -> bool:
        return self.taken >= self.max_players

    async def _make_app(self) -> web.Application:
        app: web.Application = await super()._make_app()
        app.router.add_get("/ws/{ticket}", self.handle_websocket, name="seat")
        return app

    def _page_context(self, request: web.Request) -> dict[str, Any]:
        static = request.app.router["static"].url_for(filename="/")
        return {
            "config": {"static": {"url": f"{self.public_url}{static}".rstrip("/") + "/"}},
            "application": {"name": self.title},
            "players": self.taken,
            "max_players": self.max_players,
        }

    def hold_seat(self) -> str:
        """Hold a seat for a page's websocket; return the ticket its address carries."""
        ticket = secrets.token_urlsafe(16)
        self.held[ticket] = self.clock() + HOLD_SECONDS
        return ticket

    async def handle_index(self, request: web.Request) -> web.StreamResponse:  # type: ignore[override]
        if self.full:
            return aiohttp_jinja2.render_template(
                "room_full.html", request, self._page_context(request), status=503
            )
        path = str(request.app.router["seat"].url_for(ticket=self.hold_seat()))
        scheme = "wss" if self.public_url.startswith("https") else "ws"
        context = {
            **self._page_context(request),
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": f"{scheme}:{self.public_url.split(':', 1)[1]}{path}",
        }
        response = aiohttp_jinja2.render_template("app_index.html", request, context)
        response.headers["Cache-Control"] = "no-store"  # a reload asks again whether there is room
        return response

    def take_seat(self, ticket: str | None) -> int | None:
        """A websocket's seat: the one its page holds, else a free one; None when the room is full."""
        until = self.held.pop(ticket, None) if ticket is not None else None
        if (until is None or until <= self.clock()) and self.full:
            return None
        self._next_seat += 1
        self.seated.add(self._next_seat)
        return self._next_seat

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        seat = self.take_seat(request.match_info.get("ticket"))
        if seat is None:  # no held seat (it lapsed, or another room's page) and none free
            raise web.HTTPServiceUnavailable(text="The room is full: try again when a seat is free.")
        try:
            return await super().handle_websocket(request)
        finally:
            self.seated.discard(seat)

    async def on_startup(self, app: web.Application) -> None:
        where = self.public_url
        self.console.print(f"[bold]Borderline room[/] on {where}  (up to {self.max_players} players)")
        self.console.print("Students open that address in a browser; each tab is its own game.")
        # a path on a line of its own, as written: a long one was wrapped onto the next line mid-
        # sentence, and one with [brackets] would have been read as markup
        if self.options.class_file is not None:
            self.console.print("Every game is a game of the class in")
            self.console.print(f"  {self.options.class_file}", markup=False, soft_wrap=True)
        self.console.print("Each student's saves and exports go to a folder of their name in")
        self.console.print(f"  {saves_folder()}", markup=False, soft_wrap=True)
        self.console.print("\n[cyan]Press Ctrl+C to stop the room.")


def lan_warning(options: RoomOptions) -> str | None:
    """What the teacher must know before a room is open to more than this machine."""
    if is_loopback(options.host):
        return None
    return (
        f"WARNING: serving on {options.host}: anyone who can reach this machine on the network can "
        "open a game, with no password, and the games write to this machine's saves folder. "
        "Serve a classroom network you trust, and stop the room (Ctrl+C) when the lesson ends."
    )


def serve_room(options: RoomOptions) -> None:
    """Run the room until Ctrl+C. Raise ServeError when the options or the address cannot work."""
    server = RoomServer(options)
    warning = lan_warning(options)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    try:
        server.serve()
    except OSError as exc:
        raise ServeError(
            f"cannot listen on {options.host}:{options.port}: {exc.strerror or exc} "
            "(another program may use that port: try --port with another number)"
        ) from None
