"""docs/room.nginx.conf, as written, in front of two `borderline serve` rooms on loopback.

The two rooms have one seat each: the proxy sends the first student to one, the second to
the other (the first answers 503, full), and the third gets the "room is full" page. Skips,
saying why, where nginx is not installed (Debian: apt-get install -y nginx-light).
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_room import free_port, launch_room, stop_room, wait_listening

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "docs" / "room.nginx.conf"
NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)

pytestmark = [
    pytest.mark.skipif(
        NGINX is None, reason="nginx is not installed (Debian: apt-get install -y nginx-light)"
    ),
    # one xdist worker runs the serve tests (--dist loadgroup): aiohttp is imported by them when
    # they run, not by every worker collecting the module
    pytest.mark.xdist_group("serve"),
]


def site_config(rooms: list[int], listen: int) -> str:
    """The documented file with the example's addresses replaced by the loopback rooms'."""
    text = CONFIG.read_text()
    examples = ["server 192.168.1.21:8000 ", "server 192.168.1.22:8000 "]
    for example, port in zip(examples, rooms, strict=True):
        assert example in text, f"docs/room.nginx.conf no longer has {example!r}"
        text = text.replace(example, f"server 127.0.0.1:{port} ")
    assert "listen 80;" in text
    return text.replace("listen 80;", f"listen 127.0.0.1:{listen};")


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[tuple[int, list[int]]]:
    listen = free_port()
    url = f"http://127.0.0.1:{listen}"
    # both rooms start at once (each takes a second or two to listen), nginx once they listen
    started = [launch_room(tmp_path / f"host{i}", "--max-players", "1", "--public-url", url) for i in (1, 2)]
    try:
        for process, port in started:
            wait_listening(process, port)
    except BaseException:
        for process, _ in started:
            stop_room(process)
        raise
    rooms = [port for _, port in started]
    (tmp_path / "room.conf").write_text(site_config(rooms, listen))
    (tmp_path / "nginx.conf").write_text(
        f"""
        pid {tmp_path}/nginx.pid;
        error_log {tmp_path}/error.log;
        events {{}}
        http {{
            access_log off;
            client_body_temp_path {tmp_path}/body;
            proxy_temp_path {tmp_path}/proxy;
            fastcgi_temp_path {tmp_path}/fastcgi;
            uwsgi_temp_path {tmp_path}/uwsgi;
            scgi_temp_path {tmp_path}/scgi;
            include {tmp_path}/room.conf;
        }}
        """
    )
    nginx = subprocess.Popen(
        [str(NGINX), "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"],
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 15
        while not (tmp_path / "nginx.pid").exists():
            assert nginx.poll() is None, nginx.stderr.read().decode() if nginx.stderr else "nginx failed"
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.1)
        yield listen, rooms
    finally:
        nginx.terminate()
        for process, _ in started:  # the rooms shut down together, not one after the other
            process.terminate()
        nginx.wait(timeout=15)
        for process, _ in started:
            stop_room(process)


WEBSOCKET_URL = re.compile(r'data-session-websocket-url="([^"]+)"')


def test_the_documented_nginx_config_spreads_students_over_two_rooms_then_says_full(proxied):
    import aiohttp  # imported when the test runs (see pytestmark)

    listen, rooms = proxied

    async def play() -> None:
        base = f"http://127.0.0.1:{listen}"
        async with aiohttp.ClientSession() as http:
            seats = []
            for _ in rooms:  # one student per room, both through the proxy
                async with http.get(f"{base}/") as page:  # the second: the first room is full, so
                    assert page.status == 200  # the proxy asks the next, and the page holds its seat
                    held = WEBSOCKET_URL.search(await page.text())
                assert held and held.group(1).startswith(f"ws://127.0.0.1:{listen}/ws/")
                seat = await http.ws_connect(f"{held.group(1)}?width=80&height=24")
                frame = await seat.receive(timeout=60)
                assert frame.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT)
                seats.append(seat)
            for port in rooms:  # each room now holds one game: both full
                async with http.get(f"http://127.0.0.1:{port}/") as direct:
                    assert direct.status == 503
            async with http.get(f"{base}/") as full:
                assert full.status == 503
                assert "The room is full" in await full.text()
            for seat in seats:
                await seat.close()

    asyncio.run(play())
