"""What each screen looks like, pinned at 80x24 and 120x40 (pytest-textual-snapshot's SVGs).

Deterministic: the small test world, fixed seeds, no cursor blink, every worker (the batch
band, the world loading) finished before the picture is taken. After a deliberate change
of look, refresh with ``pytest tests/test_app_snapshots.py --snapshot-update`` and review
the SVGs in tests/__snapshots__.

Each screen is reached once: its 80x24 picture is taken, the terminal grows to 120x40 and the
second picture is taken of the same screen, which must look just as if the game had started
at that size (the same file, byte for byte; Cartels' table once kept its rows' 80-column
background after growing, and its pictures now test that fix too).
"""

from __future__ import annotations

import pickle
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from driving import make_app, play_turns, ready, resolve_turns, sync
from pytest_textual_snapshot import (
    PseudoApp,
    PseudoConsole,
    SVGImageExtension,
    node_to_report_path,
)
from rich.console import Console
from textual.pilot import Pilot

from game.app.app import BorderlineApp

SMALL, LARGE = (80, 24), (120, 40)
Steps = Callable[[Pilot[Any]], Awaitable[None]]


def app_for(world, tmp_path, **kwargs) -> BorderlineApp:
    """The app as the pictures show it: seed 3, no autosave, no cursor blink, 20-run bands."""
    options = dict(autosave=False, seed=3)
    options.update(kwargs)
    return make_app(world, tmp_path, **options)


def then(*keys: str, turns: int = 0) -> Steps:
    """Wait for the world, play ``turns`` quarters headless, press keys, settle."""

    async def run(pilot) -> None:
        await ready(pilot)
        if turns:
            await play_turns(pilot, turns)
        for key in keys:
            await pilot.press(key)
            await ready(pilot)

    return run


async def picture(pilot: Pilot[Any]) -> str:
    """The screen as an SVG, after the waits textual._doc.take_svg_screenshot makes."""
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    app = pilot.app
    return app.export_screenshot(title=app.title, simplify=True)


@pytest.fixture
def pictures(snapshot, request):
    """``await pictures(make, steps)``: the app ``make()`` gives, started at 80x24 and brought to
    its screen by ``steps``, compared with its stored 80x24 picture, then grown to 120x40 and
    compared with that one. Both pictures are compared before the test fails on either, and the
    first that differs goes to pytest-textual-snapshot's report."""
    svgs = snapshot.use_extension(SVGImageExtension)

    async def compare(make: Callable[[], BorderlineApp], steps: Steps) -> None:
        taken: list[tuple[str, str]] = []
        async with make().run_test(size=SMALL) as pilot:
            await steps(pilot)
            for size in (SMALL, LARGE):
                if size != SMALL:
                    await pilot.resize_terminal(*size)
                    await ready(pilot)
                taken.append((f"{size[0]}x{size[1]}", await picture(pilot)))
        results = [(name, svgs(name=name) == svg, svg) for name, svg in taken]
        _report(request.node, svgs, results)
        assert all(same for _, same, _ in results), [name for name, same, _ in results if not same]

    return compare


def _report(node, svgs, results: list[tuple[str, bool, str]]) -> None:
    """What pytest-textual-snapshot's own snap_compare writes for its HTML report of differences
    (one entry a test: the first picture that differs, else the last)."""
    index = next((i for i, (_, same, _) in enumerate(results) if not same), len(results) - 1)
    name, same, actual = results[index]
    expected = svgs.executions.get(index)
    console = Console(legacy_windows=False, force_terminal=True)
    exists = expected is not None and expected.final_data is not None
    full_path, line_number, test_name = node.reportinfo()
    data = (
        same,
        str(expected.recalled_data if exists else ""),
        actual,
        PseudoApp(PseudoConsole(console.legacy_windows, console.size)),
        full_path,
        line_number,
        f"{test_name}[{name}]",
        "",
        "",
        exists,
    )
    node_to_report_path(node).write_bytes(pickle.dumps(data))


@sync
async def test_title(pictures, mini_world, tmp_path):
    await pictures(lambda: app_for(mini_world, tmp_path), then())


@sync
async def test_new_game(pictures, mini_world, tmp_path):
    await pictures(lambda: app_for(mini_world, tmp_path), then("n"))


@sync
async def test_main_with_a_planned_change(pictures, mini_world, tmp_path):
    await pictures(lambda: app_for(mini_world, tmp_path, scenario="test-run"), then("plus"))


@sync
async def test_main_after_a_turn(pictures, mini_world, tmp_path):
    await pictures(lambda: app_for(mini_world, tmp_path, scenario="test-run"), then("plus", "e", "tab"))


@sync
async def test_why(pictures, mini_world, tmp_path):
    await pictures(lambda: app_for(mini_world, tmp_path, scenario="test-run"), then("plus", "e", "w"))


@sync
async def test_charts(pictures, mini_world, tmp_path):
    await pictures(lambda: app_for(mini_world, tmp_path, scenario="test-run"), then("c", turns=6))


@sync
async def test_cartels(pictures, mini_world, tmp_path):
    await pictures(lambda: app_for(mini_world, tmp_path, scenario="test-run"), then("m", "plus"))


@sync
async def test_dilemma(pictures, mini_world, tmp_path):
    await pictures(lambda: app_for(mini_world, tmp_path, scenario="test-run", seed=2), then("e"))


@sync
async def test_news(pictures, mini_world, tmp_path):
    await pictures(lambda: app_for(mini_world, tmp_path, scenario="test-run"), then("e", "e"))


@sync
async def test_help(pictures, mini_world, tmp_path):
    await pictures(lambda: app_for(mini_world, tmp_path, scenario="test-run"), then("question_mark"))


@sync
async def test_debrief(pictures, mini_world, tmp_path):
    async def run(pilot) -> None:
        await ready(pilot)
        await pilot.press("minus")
        game = pilot.app.game
        await pilot.press("e")
        await ready(pilot)
        resolve_turns(game, game.turns - 1 - game.turn, choose=lambda dilemma: dilemma.choices[0].id)
        for key in ("e", "y"):
            await pilot.press(key)
            await ready(pilot)

    await pictures(lambda: app_for(mini_world, tmp_path, scenario="test-run"), run)
