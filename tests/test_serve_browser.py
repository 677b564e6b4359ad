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
    wait_for_autosave(folder, 1)
    assert not [p for p in saves.iterdir() if p.name != "Ana Lopez"], "a save outside the student's folder"


def wait_for_autosave(folder: Path, turn: int, timeout: float = 60.0) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = sorted(folder.glob(f"autosaves/autosave-*-turn{turn:02d}.json"))
        if found:
            return found[-1]
        time.sleep(0.25)
    raise AssertionError(
        f"no autosave of turn {turn} in {folder}: {sorted(p.name for p in folder.rglob('*'))}"
    )


@pytest.mark.slow
def test_a_class_room_in_chromium_asks_the_name_on_the_class_card_and_plays_the_class(tmp_path, browser):
    from selenium.webdriver.common.keys import Keys

    from game.saves.format import read_save

    class_file = Path(__file__).resolve().parent.parent / "content" / "base" / "classes" / "one_period.toml"
    process, port = start_room(tmp_path, "--max-players", "1", "--class", str(class_file))
    try:
        browser.get(f"http://127.0.0.1:{port}/")
        wait_for_text(browser, "one class period")  # the class's card asks the name
        press(browser, "Ana Lopez" + Keys.ENTER)
        wait_for_text(browser, "End turn")  # the class's game, with no new-game screen between
        press(browser, "e")
        saved = wait_for_autosave(tmp_path / "saves" / "Ana Lopez", 1)
    finally:
        stop_room(process)
    save, _ = read_save(saved)
    assert save.classroom is not None and save.classroom.class_id == "one-period-demo"
    assert save.classroom.student == "Ana Lopez" and save.scenario == "one-period"
