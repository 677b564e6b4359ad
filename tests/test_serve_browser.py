"""`borderline serve` in a real browser: headless Chromium opens the room, a student plays a turn.

See tests/browser_room.py for how the tab is driven and read. Skips, saying why, where no
Chromium and chromedriver are installed (.ci/run installs them when it can).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_room import (
    CHROMEDRIVER,
    CHROMIUM,
    NO_BROWSER,
    open_browser,
    press,
    start_room,
    stop_room,
    wait_for_text,
)

pytestmark = pytest.mark.skipif(CHROMIUM is None or CHROMEDRIVER is None, reason=NO_BROWSER)


@pytest.fixture
def room(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A room of two seats on a free localhost port, its saves in a folder of the test's."""
    process, port = start_room(tmp_path, "--max-players", "2")
    try:
        yield f"http://127.0.0.1:{port}/", tmp_path / "saves"
    finally:
        stop_room(process)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    driver = open_browser(tmp_path / "chromium-profile")
    try:
        yield driver
    finally:
        driver.quit()


def test_a_student_plays_a_turn_in_headless_chromium_and_the_save_is_in_their_folder(room, browser):
    from selenium.webdriver.common.keys import Keys

    url, saves = room
    browser.get(url)
    assert "fonts.googleapis" not in browser.page_source
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
