"""`borderline serve` in a real browser: headless Chromium opens the room, a student plays a turn.

See tests/browser_room.py for how the tab is driven and read. Skips, saying why, where no
Chromium and chromedriver are installed (.ci/run installs them when it can).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
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

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None or CHROMEDRIVER is None, reason=NO_BROWSER),
    # one xdist worker runs the module (--dist loadgroup), so its tests share one browser
    pytest.mark.xdist_group("browser"),
]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Future[Any]]:
    """One headless Chromium for the module's tests (3-4 s to open, each time): each test has a
    room of its own and opens a new page in it. It opens in the background, while the first
    test's room starts (each takes a second or two, and neither needs the other until the page
    is asked for)."""
    pool = ThreadPoolExecutor(1)
    opened = pool.submit(open_browser, tmp_path_factory.mktemp("chromium-profile"))
    pool.shutdown(wait=False)
    yield opened
    if opened.exception() is None:
        opened.result().quit()


@contextmanager
def room_in_browser(browser: Future[Any], folder: Path, *args: str) -> Iterator[tuple[Any, str]]:
    """A room (``borderline serve`` with ``args``, its saves in ``folder``/saves) and the
    module's browser, with nothing of an earlier room's in it; the room is stopped at the end,
    once the browser has left its page."""
    process, port = launch_room(folder, *args)
    try:
        driver = browser.result()
        driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
        driver.execute_cdp_cmd("Network.clearBrowserCache", {})
        wait_listening(process, port)
        try:
            yield driver, f"http://127.0.0.1:{port}/"
        finally:
            driver.get("about:blank")  # the page's websocket closes before the room goes
    finally:
        stop_room(process)


@pytest.fixture
def room(browser: Future[Any], tmp_path: Path) -> Iterator[tuple[Any, str, Path]]:
    """A room of two seats on a free localhost port, its saves in a folder of the test's, and a
    browser to visit it."""
    with room_in_browser(browser, tmp_path, "--max-players", "2") as (driver, url):
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
def test_a_class_room_in_chromium_asks_the_name_on_the_class_card_and_plays_the_class(browser, tmp_path):
    from selenium.webdriver.common.keys import Keys

    from game.saves.format import read_save

    class_file = Path(__file__).resolve().parent.parent / "content" / "base" / "classes" / "one_period.toml"
    args = ("--max-players", "1", "--class", str(class_file))
    with room_in_browser(browser, tmp_path, *args) as (driver, url):
        driver.get(url)
        wait_for_text(driver, "one class period")  # the class's card asks the name
        press(driver, "Ana Lopez" + Keys.ENTER)
        wait_for_text(driver, "January 2012")  # the scenario's briefing, as the lesson plan has it read
        press(driver, Keys.ENTER)
        wait_for_text(driver, "End turn")  # the class's game, with no new-game screen between
        press(driver, "e")
        saved = wait_for_autosave(tmp_path / "saves" / "Ana Lopez", 1)
    save, _ = read_save(saved)
    assert save.classroom is not None and save.classroom.class_id == "one-period-demo"
    assert save.classroom.student == "Ana Lopez" and save.scenario == "one-period"
