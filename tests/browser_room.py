"""A room served by `borderline serve` and headless Chromium tabs in it: for the serve tests,
the browser test and benchmarks/room_sizing.py (which puts this folder on its path).

The browser is the system's (Debian: ``apt-get install -y chromium chromium-driver``), driven
by Selenium through chromedriver. The page draws the game on a canvas, so what a tab shows is
read from what the game sent it: a script added before the page loads keeps a copy of every
frame its websocket receives, and the game's words are looked for in it with the terminal's
escape codes taken out.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
NO_BROWSER = (
    "no headless browser here: the browser test needs Chromium and chromedriver "
    "(Debian: apt-get install -y chromium chromium-driver; .ci/run installs them when it can)"
)

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1100,800",
    # no WebGL: with no GPU the terminal's WebGL renderer runs in software (about a quarter of the
    # browser's processor time here) and xterm.js draws with its canvas instead; what a tab shows
    # is read from the frames the game sends, whichever renderer paints them
    "--disable-3d-apis",
)

# Kept in the page before its own scripts run: every frame the game sends, as text.
RECORD_FRAMES = """
window.__frames = [];
const Native = window.WebSocket;
window.WebSocket = function (url, protocols) {
  const socket = protocols === undefined ? new Native(url) : new Native(url, protocols);
  socket.addEventListener("message", (event) => {
    if (typeof event.data === "string") { window.__frames.push(event.data); return; }
    const decode = (buffer) => window.__frames.push(new TextDecoder().decode(new Uint8Array(buffer)));
    if (event.data instanceof ArrayBuffer) { decode(event.data); }
    else { event.data.arrayBuffer().then(decode); }
  });
  return socket;
};
window.WebSocket.prototype = Native.prototype;
Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
"""

ESCAPES = re.compile(
    r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]"  # CSI: cursor moves, colours
    r"|\x1b\][^\x07\x1b]*(\x07|\x1b\\)"  # OSC: titles
    r"|\x1b[()][0-9A-Za-z]|\x1b."
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def room_env(folder: Path) -> dict[str, str]:
    """The environment of a room whose saves, reports, mods and settings live in ``folder``."""
    env = dict(os.environ)
    env.update(
        BORDERLINE_SAVES=str(folder / "saves"),
        BORDERLINE_REPORTS=str(folder / "reports"),
        BORDERLINE_MODS=str(folder / "mods"),
        BORDERLINE_SETTINGS=str(folder / "settings.toml"),
    )
    return env


def launch_room(
    folder: Path, *args: str, env: Mapping[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], int]:
    """``borderline serve`` started on a free localhost port (more options in ``args``), not yet
    listening: start what else the test needs (a browser) while it starts, then wait_listening."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "game", "serve", "--port", str(port), *args],
        env=dict(env) if env is not None else room_env(folder),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    return process, port


def wait_listening(process: subprocess.Popen[bytes], port: int, timeout: float = 30.0) -> None:
    """Wait until a launched room listens; stop it and fail, saying why, if it exits or never does."""
    deadline, pause = time.monotonic() + timeout, 0.01
    while time.monotonic() < deadline:
        if process.poll() is not None:
            err = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise AssertionError(f"borderline serve exited with {process.returncode}: {err}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(pause)  # short at first, then every 0.2 s: a room listens within a second or two
        pause = min(2 * pause, 0.2)
    stop_room(process)
    raise AssertionError(f"borderline serve did not listen on port {port} in {timeout:.0f} s")


def start_room(
    folder: Path, *args: str, env: Mapping[str, str] | None = None, timeout: float = 30.0
) -> tuple[subprocess.Popen[bytes], int]:
    """``borderline serve`` on a free localhost port (more options in ``args``), once it listens."""
    process, port = launch_room(folder, *args, env=env)
    wait_listening(process, port, timeout)
    return process, port


def stop_room(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def open_browser(profile: Path) -> Any:
    """A headless Chromium with a fresh profile, recording what its pages' websockets receive."""
    from selenium import webdriver  # a test-only dependency: imported when a browser is wanted
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_FRAMES})
    return driver


def screen_stream(driver: Any) -> str:
    """Everything the game has drawn in the tab so far, as text, escape codes taken out."""
    frames = driver.execute_script("return window.__frames || [];")
    return ESCAPES.sub("", "".join(frames))


def wait_for_text(driver: Any, text: str, timeout: float = 40.0) -> float:
    """Wait until the tab has shown ``text``; return when (time.monotonic())."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in screen_stream(driver):
            return time.monotonic()
        time.sleep(0.1)
    tail = screen_stream(driver)[-600:]
    raise AssertionError(f"the browser never showed {text!r} in {timeout:.0f} s; last drawn: {tail!r}")


def press(driver: Any, keys: str) -> None:
    """Type into the terminal on the page (xterm's input is a hidden text area)."""
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea").send_keys(keys)
