"""A class game played in the app: the name asked first, the locked lever refused, the years
worded as years, the debrief's answers, exports and what-if."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from pathlib import Path

from driving import play_turns
from play_helpers import screen_lines
from teach_helpers import BASE, base_world
from test_app import answer_whatever_pops_up as answer_popups
from test_app import highlight_action as highlight
from test_app import ready as settle
from textual.widgets import OptionList

from game.app.app import BorderlineApp
from game.app.screens.classroom import (
    AnswersDialog,
    ClassBriefingDialog,
    JoinClassDialog,
    StudentNameDialog,
    class_files,
)
from game.app.screens.debrief import DebriefScreen
from game.app.screens.main import MainScreen, StatusLine
from game.app.screens.what_if import WhatIfDialog
from game.app.widgets.action_panel import ActionPanel
from game.classroom import ClassRules
from game.saves import read_save

SIZE = (100, 30)
LOCKED = "us_conventional_enforcement"
CLASS = f"""
class_id = "period-3"
title = "Drug policy, period 3"
scenario = "one-period"
seed = 77
seed_per_student = true
undo = false
[pins.hope_efficacy]
value = 0.5
shown = false
[levers]
locked = ["{LOCKED}"]
reason = "kept where it is for today's lesson"
[visible]
why = false
bands = false
[[question]]
id = "kingpins"
text = "What happened to the killings when kingpins were removed?"
"""


def class_app(class_file: Path, saves: Path, reports: Path, *, batch_runs: int) -> BorderlineApp:
    """The app started as ``borderline --class FILE`` on the base world, writing into test folders."""
    return BorderlineApp(
        [BASE],
        world=base_world(),
        class_file=class_file,
        saves_folder=saves,
        reports_folder=reports,
        previews=False,
        batch_runs=batch_runs,
        cursor_blink=False,
    )


def screen_text(app: BorderlineApp) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query("Static, Label"))


def test_a_class_game_from_name_to_exports(tmp_path: Path) -> None:
    class_file = tmp_path / "period3.toml"
    class_file.write_text(CLASS, encoding="utf-8")
    saves, reports = tmp_path / "saves", tmp_path / "reports"
    app = class_app(class_file, saves, reports, batch_runs=0)

    async def play() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, StudentNameDialog)
            assert "Drug policy, period 3" in screen_text(app)
            await pilot.press("enter")  # no name: refused, still asking
            await pilot.pause()
            assert isinstance(app.screen, StudentNameDialog) and "type your name" in screen_text(app)
            for key in "Ana García":
                await pilot.press("space" if key == " " else key)
            await pilot.press("enter")
            await settle(pilot)
            # the scenario's briefing next, as the lesson plan has students read it (docs/TEACHING.md)
            assert isinstance(app.screen, ClassBriefingDialog) and app.game is None
            briefing = screen_text(app)
            assert "January 2012. You govern drug policy" in briefing and "10 years" in briefing
            assert "merely distasteful" in briefing  # the grade scale
            await pilot.press("enter")
            await settle(pilot)
            game = app.game
            assert isinstance(app.screen, MainScreen) and game is not None
            assert game.seed == ClassRules.from_file(class_file).seed_for("Ana García")
            assert game.pins == {"hope_efficacy": 0.5} and game.turns == 10
            assert "2012, year 1 of 10" in str(app.screen.query_one("#turn-header").render())

            await highlight(pilot, LOCKED)
            before = game.level(LOCKED)
            await pilot.press("plus")
            await pilot.pause()
            assert game.level(LOCKED) == before, "a locked lever does not move"
            assert "kept where it is for today's lesson" in str(app.screen.query_one(StatusLine).render())
            await highlight(pilot, "us_dmi")
            await pilot.press("plus")
            await pilot.pause()
            assert game.level("us_dmi") == game.committed_level("us_dmi") + 1
            await pilot.press("w")  # the class hides Why
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)

            # The years before the last are played through the engine, autosaving after each as
            # pressing e does (keys there would only redraw); the last year is played by keys, so
            # the class game's own end (the confirmation, the debrief) is reached as a student would.
            await play_turns(pilot, game.turns - 1, autosave=True)
            await pilot.press("e")
            await pilot.pause()
            await answer_popups(pilot)
            await settle(pilot)
            assert game.is_over and isinstance(app.screen, DebriefScreen)

            await pilot.press("a")
            await pilot.pause()
            assert isinstance(app.screen, AnswersDialog)
            for key in "More":
                await pilot.press(key)
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, DebriefScreen)

            await pilot.press("x")
            await pilot.pause()
            assert str(reports) in str(app.screen.query_one(StatusLine).render())

            await pilot.press("w")
            await pilot.pause()
            assert isinstance(app.screen, WhatIfDialog)
            await pilot.press("enter")  # the first decision
            await pilot.pause()
            await pilot.press("enter")  # drop it
            await settle(pilot)
            result = str(app.screen.query_one("#whatif-result").render())
            assert "without the decision on" in result and "score:" in result
            # the outcome fills the dialog at 80x24, the list out of the way (it once sat below
            # the list, off the screen)
            shown = "\n".join(screen_lines(app))
            assert "without the decision on" in shown and "score:" in shown, shown
            await pilot.press("enter")  # back to the decisions
            await pilot.pause()
            # the decision just tried stays highlighted, so enter offers its changes again
            picker = app.screen.query_one("#whatif-list", OptionList)
            assert picker.highlighted == 0 and picker.has_focus
            assert any("▸" in line and "Drug Market" in line for line in screen_lines(app))
            await pilot.press("enter")
            await pilot.pause()
            assert "drop this decision" in str(picker.get_option_at_index(0).prompt)
            await pilot.press("escape")  # back to the decisions, then to the debrief
            await pilot.pause()
            assert picker.highlighted == 0 and "Drug Market" in str(picker.get_option_at_index(0).prompt)
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, DebriefScreen)

    asyncio.run(play())

    game = app.game
    assert game is not None
    md = next(reports.glob("Ana García - one-period - *.md"))
    text = md.read_text(encoding="utf-8")
    assert "- Student: **Ana García**" in text and "(`period-3`)" in text
    assert "> More" in text and "| Drug Market Interventions |" in text
    assert "## Assumptions the class fixed" in text and "= 0.5" in text and "hidden until the debrief" in text
    turns = next(reports.glob("Ana García - one-period - * - turns.csv"))
    rows = list(csv.reader(io.StringIO(turns.read_text(encoding="utf-8"))))
    assert len(rows) == 12 and [r[1] for r in rows[1:3]] == ["start", "2012"] and rows[-1][1] == "2021"
    decisions = next(reports.glob("Ana García - one-period - * - decisions.csv"))
    logged = list(csv.DictReader(io.StringIO(decisions.read_text(encoding="utf-8"))))
    assert [(r["turn"], r["action"]) for r in logged] == [("1", "us_dmi")]
    assert all(r["action"] != LOCKED for r in logged)

    autosaves = sorted(saves.rglob("*.json"), key=lambda p: p.stat().st_mtime)
    save, _ = read_save(autosaves[-1])
    assert save.classroom is not None and save.classroom.student == "Ana García"
    assert save.classroom.class_id == "period-3" and save.classroom.answers == {"kingpins": "More"}
    assert json.loads(autosaves[-1].read_text(encoding="utf-8"))["classroom"]["settings"]["levers"][
        "locked"
    ] == [LOCKED]


def test_join_a_class_from_the_title_screen(tmp_path: Path) -> None:
    app = BorderlineApp(
        [BASE], world=base_world(), saves_folder=tmp_path, reports_folder=tmp_path, cursor_blink=False
    )

    async def join() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("j")
            await pilot.pause()
            assert isinstance(app.screen, JoinClassDialog)
            for key in "nowhere.toml":
                await pilot.press("full_stop" if key == "." else key)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, JoinClassDialog)
            assert "No class or file 'nowhere.toml'" in screen_text(app)
            listed = [str(o.prompt) for o in app.screen.query_one(OptionList).options]
            rules = [ClassRules.from_file(p).spec for p in class_files(app.world)]
            # the classes by their titles, each with the id to type beneath (not their file names)
            assert listed == [f"{spec.title}\n  {spec.class_id}" for spec in rules]
            await pilot.press("tab")
            await pilot.press("enter")  # the first class the base game ships
            await settle(pilot)
            assert isinstance(app.screen, StudentNameDialog)

    asyncio.run(join())


def test_join_a_class_by_the_id_the_command_line_and_the_guide_name_it_by(tmp_path: Path) -> None:
    """A playtest typed `one-period-demo` (TEACHING.md's `borderline --class one-period-demo`)
    into the dialog and was told "No file 'one-period-demo'"."""
    app = BorderlineApp(
        [BASE], world=base_world(), saves_folder=tmp_path, reports_folder=tmp_path, cursor_blink=False
    )
    joined: list[Path] = []
    app.join_class = joined.append  # type: ignore[method-assign]  # what the dialog hands on

    async def join() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            for typed in ("one-period-demo", "one_period.toml"):
                await pilot.press("j")
                await pilot.pause()
                assert "one-period-demo" in "\n".join(screen_lines(app))  # the list shows the ids
                for key in typed:
                    await pilot.press({".": "full_stop", "-": "minus", "_": "underscore"}.get(key, key))
                await pilot.press("enter")
                await settle(pilot)
                assert not isinstance(app.screen, JoinClassDialog), screen_text(app)

    asyncio.run(join())
    assert [p.name for p in joined] == ["one_period.toml", "one_period.toml"]


def test_a_class_can_hide_the_status_quo_and_the_bands_while_playing(tmp_path: Path) -> None:
    class_file = tmp_path / "hidden.toml"
    class_file.write_text(
        'class_id = "blind"\ntitle = "Blind"\nscenario = "high-point"\nturns = 2\nseed = 3\n'
        "[visible]\nstatus_quo = false\nbands = false\n",
        encoding="utf-8",
    )
    app = class_app(class_file, tmp_path, tmp_path, batch_runs=5)

    async def play() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            for key in "Zoe":
                await pilot.press(key)
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("enter")  # past the briefing
            await settle(pilot)
            # High Point offers four US levers: the list shows those, not every lever refused
            levers = [o.id for o in app.screen.query_one(ActionPanel).options if not o.disabled]
            assert app.game is not None and sorted(levers) == sorted(app.game.scenario.actions)
            await pilot.press("e")
            await pilot.pause()
            await answer_popups(pilot)
            await settle(pilot)
            dashboard = app.screen.query_one("Dashboard")
            rows = [str(o.prompt) for o in dashboard.options]
            # (a "%" may now be a value's unit, so the gap column is checked through the dashboard)
            assert not dashboard._quo and not any("vs sq" in row for row in rows), "no gap to the status quo"
            await pilot.press("c")
            await settle(pilot)
            summary = str(app.screen.query_one("#chart-summary").render())
            assert "status quo" not in summary and "band" not in summary
            assert "no uncertainty band in this class" in str(app.screen.query_one("#chart-legend").render())

    asyncio.run(play())
