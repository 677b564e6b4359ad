"""`borderline serve` in a real browser: headless Chromium opens the room, a student plays a turn.

The browser is the system's (Debian: ``apt-get install -y chromium chromium-driver``; .ci/run
installs it when missing), driven by Selenium through chromedriver. The page draws the game
on a canvas, so the test reads what the game sent: a script added before the page loads keeps
a copy of every frame the page's websocket receives, and the test looks for the game's words
in it with the terminal's escape codes taken out.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
NO_BROWSER = (
    "no headless browser here: the browser test needs Chromium and chromedriver "
    "(Debian: apt-get install -y chromium chromium-driver; .ci/run installs them when it can)"
)

pytestmark = pytest.mark.skipif(CHROMIUM is None or CHROMEDRIVER is None, reason=NO_BROWSER)

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1100,800",
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


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"borderline serve exited with {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"borderline serve did not listen on port {port} in {timeout:.0f} s")


@pytest.fixture
def room(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A room on a free localhost port, its saves in a folder of the test's."""
    port = free_port()
    env = dict(os.environ)
    env.update(
        BORDERLINE_SAVES=str(tmp_path / "saves"),
        BORDERLINE_REPORTS=str(tmp_path / "reports"),
        BORDERLINE_MODS=str(tmp_path / "mods"),
        BORDERLINE_SETTINGS=str(tmp_path / "settings.toml"),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "game", "serve", "--port", str(port), "--max-players", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}/", tmp_path / "saves"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_FRAMES})
        yield driver
    finally:
        driver.quit()


def screen_stream(driver: object) -> str:
    """Everything the game has drawn so far, as text, escape codes taken out."""
    frames = driver.execute_script("return window.__frames || [];")  # type: ignore[attr-defined]
    return ESCAPES.sub("", "".join(frames))


def wait_for_text(driver: object, text: str, timeout: float = 40.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in screen_stream(driver):
            return
        time.sleep(0.25)
    tail = screen_stream(driver)[-600:]
    raise AssertionError(f"the browser never showed {text!r} in {timeout:.0f} s; last drawn: {tail!r}")


def press(driver: object, keys: str) -> None:
    """Type into the terminal on the page (xterm's input is a hidden text area)."""
    from selenium.webdriver.common.by import By

    area = driver.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea")  # type: ignore[attr-defined]
    area.send_keys(keys)


def test_a_student_plays_a_turn_in_headless_chromium_and_the_save_is_in_their_folder(room, browser):
    from selenium.webdriver.common.keys import Keys

    url, saves = room
    browser.get(url)  # type: ignore[attr-defined]
    assert "fonts.googleapis" not in browser.page_source  # type: ignore[attr-defined]
    wait_for_text(browser, "your name")
    press(browser, "Ana Lopez" + Keys.ENTER)
    wait_for_text(browser, "New game")  # the title screen
    wait_for_text(browser, "Ready:")  # the world has loaded
    folder = saves / "Ana Lopez"
    assert folder.is_dir(), f"no folder for the student in {saves}: {list(saves.iterdir())}"
    press(browser, "n")
    wait_for_text(browser, "choose a scenario")
    press(browser, Keys.ENTER)
    wait_for_text(browser, "End turn")  # the main screen's footer
    press(browser, "e")
    deadline = time.monotonic() + 40
    turn_one: list[Path] = []
    while time.monotonic() < deadline and not turn_one:
        turn_one = sorted(folder.glob("autosaves/autosave-*-turn01.json"))
        time.sleep(0.25)
    assert turn_one, f"no autosave of turn 1 in {folder}: {sorted(p.name for p in folder.rglob('*'))}"
    assert not [p for p in saves.iterdir() if p.name != "Ana Lopez"], "a save outside the student's folder"
