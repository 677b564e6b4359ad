"""`borderline serve` in a real browser: headless Chromium opens the room, a student plays a turn.

See tests/browser_room.py for how the tab is driven and read. Skips, saying why, where no
Chromium and chromedriver are installed (.ci/run installs them when it can).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from browser_room import (
    CHROMEDRIVER,
    CHROMIUM,
    NO_BROWSER,
    launch_room,
    open_browser,
    press,
    stop_room,
    wait_for_text,
    wait_listening,
)

pytestmark = pytest.mark.skipif(CHROMIUM is None or CHROMEDRIVER is None, reason=NO_BROWSER)


@contextmanager
def room_in_browser(folder: Path, *args: str) -> Iterator[tuple[Any, str]]:
    """A room (``borderline serve`` with ``args``, its saves in ``folder``/saves) and a headless
    Chromium, the browser opening while the room starts (each takes a second or two, and neither
    needs the other until the page is asked for); both stopped together at the end."""
    process, port = launch_room(folder, *args)
    try:
        driver = open_browser(folder / "chromium-profile")
        try:
            wait_listening(process, port)
            yield driver, f"http://127.0.0.1:{port}/"
        finally:
            process.terminate()  # the room shuts down while the browser quits
            driver.quit()
    finally:
        stop_room(process)


@pytest.fixture
def room(tmp_path: Path) -> Iterator[tuple[Any, str, Path]]:
    """A room of two seats on a free localhost port, its saves in a folder of the test's, and a
    browser to visit it."""
    with room_in_browser(tmp_path, "--max-players", "2") as (driver, url):
        yield driver, url, tmp_path / "saves"


def test_a_student_plays_a_turn_in_headless_chromium_and_the_save_is_in_their_folder(room):
    from selenium.webdriver.common.keys import Keys

    browser, url, saves = room
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
def test_a_class_room_in_chromium_asks_the_name_on_the_class_card_and_plays_the_class(tmp_path):
    from selenium.webdriver.common.keys import Keys

    from game.saves.format import read_save

    class_file = Path(__file__).resolve().parent.parent / "content" / "base" / "classes" / "one_period.toml"
    with room_in_browser(tmp_path, "--max-players", "1", "--class", str(class_file)) as (browser, url):
        browser.get(url)
        wait_for_text(browser, "one class period")  # the class's card asks the name
        press(browser, "Ana Lopez" + Keys.ENTER)
        wait_for_text(browser, "End turn")  # the class's game, with no new-game screen between
        press(browser, "e")
        saved = wait_for_autosave(tmp_path / "saves" / "Ana Lopez", 1)
    save, _ = read_save(saved)
    assert save.classroom is not None and save.classroom.class_id == "one-period-demo"
    assert save.classroom.student == "Ana Lopez" and save.scenario == "one-period"
