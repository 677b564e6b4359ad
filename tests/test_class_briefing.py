"""A class game's way in at 80x24: the class card (scrolling when long) with the name, then the
scenario's briefing that docs/TEACHING.md's lesson plan has students read, then the game."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from play_helpers import screen_lines
from teach_helpers import ROOT, base_world
from test_app import ready as settle
from test_teach_app import class_app

from game.app.app import BorderlineApp
from game.app.screens.classroom import ClassBriefingDialog, StudentNameDialog
from game.app.screens.main import MainScreen
from game.engine import Game

LONG = " ".join(["A teacher who writes a long card, to be read whole."] * 12)
PAIRS = f"""
class_id = "long-card"
title = "A long card"
description = "{LONG} The last line of the card."
scenario = "one-period"
seed = 5
hot_seat = true
"""


def app_of(class_file: Path, folder: Path) -> BorderlineApp:
    return class_app(class_file, folder, folder, batch_runs=0)


def test_a_long_class_card_scrolls_and_leaves_the_name_boxes_on_an_80x24_screen(tmp_path: Path) -> None:
    class_file = tmp_path / "pairs.toml"
    class_file.write_text(PAIRS, encoding="utf-8")
    app = app_of(class_file, tmp_path)

    async def join() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, StudentNameDialog)
            shown = "\n".join(screen_lines(app))
            for said in ("Who plays United States?", "Who plays Mexico?", "enter to start"):
                assert said in shown  # not pushed off the screen by the card
            assert "The last line of the card." not in shown
            for _ in range(20):  # ↑↓ scroll the card while a name box has the focus
                await pilot.press("down")
            await settle(pilot)
            assert "The last line of the card." in "\n".join(screen_lines(app))
            assert app.screen.query_one("#player-us").has_focus

    asyncio.run(join())


def test_a_class_game_starts_after_its_briefing_which_scrolls_at_80x24(tmp_path: Path) -> None:
    class_file = ROOT / "content" / "base" / "classes" / "one_period.toml"
    app = app_of(class_file, tmp_path)

    async def join() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            for key in "Ana":
                await pilot.press(key)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ClassBriefingDialog) and app.game is None
            shown = "\n".join(screen_lines(app))
            assert "January 2012. You govern drug policy" in shown and "10 years" in shown
            assert "enter to start · escape to go back" in shown
            assert "merely distasteful" not in shown  # the grades are further down: scrolled to
            await pilot.press("end")
            await settle(pilot)
            assert "merely distasteful" in "\n".join(screen_lines(app))
            await pilot.press("escape")  # back to the name, as typed
            await settle(pilot)
            assert isinstance(app.screen, StudentNameDialog)
            assert app.screen.query_one("#student-name").value == "Ana"
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, MainScreen) and app.game is not None

    asyncio.run(join())


NUMBERS = "zero one two three four five six seven eight nine ten eleven twelve".split()
ORDINALS = "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split()


def test_the_briefings_count_of_organizations_is_the_dashboards() -> None:
    """The briefing's organizations add up to the dashboard's count: "N large organizations", or
    the sources' "six or seven" and "an eighth on the rise" (content/base/organizations.toml)."""
    world = base_world()
    indicator = "mx_dto_count"
    shown = round(float(Game(world, "both-sides").value(indicator)[0, 0]))
    briefing = " ".join(world.scenarios["both-sides"].briefing.split()).lower()
    said = re.findall(r"(\w+)(?: or (\w+))? large organizations(?:, and an? (\w+) on the rise)?", briefing)
    assert len(said) == 1, (said, briefing)
    few, many, rising = said[0]
    counted = ORDINALS.index(rising) if rising else NUMBERS.index(many or few)
    assert counted == shown, (said, shown, world.indicators[indicator].name)
