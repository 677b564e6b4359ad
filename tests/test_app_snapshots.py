"""What each screen looks like, pinned at 80x24 and 120x40 (pytest-textual-snapshot).

Deterministic: the small test world, fixed seeds, no cursor blink, every worker (the batch
band, the world loading) finished before the picture is taken. After a deliberate change
of look, refresh with ``pytest tests/test_app_snapshots.py --snapshot-update`` and review
the SVGs in tests/__snapshots__.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from game.app.app import BorderlineApp
from game.engine import load_world

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "packs" / "mini"
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.fixture(scope="module")
def mini():
    return load_world([MINI])


def app_for(world, tmp_path, **kwargs) -> BorderlineApp:
    options = dict(
        world=world,
        saves_folder=tmp_path,
        previews=False,
        autosave=False,
        batch_runs=20,
        cursor_blink=False,
        seed=3,
    )
    options.update(kwargs)
    return BorderlineApp([MINI], **options)


async def settle(pilot) -> None:
    """Wait for background work, but not for a turn waiting on a dialog's answer."""
    app = pilot.app
    background = [w for w in app.workers if w.group != "turn"]
    if background:  # an empty list would mean "every worker"
        await app.workers.wait_for_complete(background)
    await pilot.pause()


def then(*keys: str, turns: int = 0):
    """A run_before: wait for the world, play ``turns`` quarters headless, press keys, settle."""

    async def run(pilot) -> None:
        await settle(pilot)
        game = pilot.app.game
        for _ in range(turns):
            game.resolve_turn()
            for dilemma in list(game.pending_dilemmas):
                game.choose(dilemma.event, next(c.id for c in dilemma.choices if c.default))
        if turns:
            pilot.app.screen.version += 1
            await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run


@pytest.mark.parametrize("size", SIZES)
def test_title(snap_compare, mini, tmp_path, size):
    assert snap_compare(app_for(mini, tmp_path), terminal_size=size, run_before=then())


@pytest.mark.parametrize("size", SIZES)
def test_new_game(snap_compare, mini, tmp_path, size):
    assert snap_compare(app_for(mini, tmp_path), terminal_size=size, run_before=then("n"))


@pytest.mark.parametrize("size", SIZES)
def test_main_with_a_planned_change(snap_compare, mini, tmp_path, size):
    app = app_for(mini, tmp_path, scenario="test-run")
    assert snap_compare(app, terminal_size=size, run_before=then("plus"))


@pytest.mark.parametrize("size", SIZES)
def test_main_after_a_turn(snap_compare, mini, tmp_path, size):
    app = app_for(mini, tmp_path, scenario="test-run")
    assert snap_compare(app, terminal_size=size, run_before=then("plus", "e", "tab"))


@pytest.mark.parametrize("size", SIZES)
def test_why(snap_compare, mini, tmp_path, size):
    app = app_for(mini, tmp_path, scenario="test-run")
    assert snap_compare(app, terminal_size=size, run_before=then("plus", "e", "w"))


@pytest.mark.parametrize("size", SIZES)
def test_charts(snap_compare, mini, tmp_path, size):
    app = app_for(mini, tmp_path, scenario="test-run")
    assert snap_compare(app, terminal_size=size, run_before=then("c", turns=6))


@pytest.mark.parametrize("size", SIZES)
def test_cartels(snap_compare, mini, tmp_path, size):
    app = app_for(mini, tmp_path, scenario="test-run")
    assert snap_compare(app, terminal_size=size, run_before=then("m", "plus"))


@pytest.mark.parametrize("size", SIZES)
def test_dilemma(snap_compare, mini, tmp_path, size):
    app = app_for(mini, tmp_path, scenario="test-run", seed=2)
    assert snap_compare(app, terminal_size=size, run_before=then("e"))


@pytest.mark.parametrize("size", SIZES)
def test_news(snap_compare, mini, tmp_path, size):
    app = app_for(mini, tmp_path, scenario="test-run")
    assert snap_compare(app, terminal_size=size, run_before=then("e", "e"))


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, mini, tmp_path, size):
    app = app_for(mini, tmp_path, scenario="test-run")
    assert snap_compare(app, terminal_size=size, run_before=then("question_mark"))


@pytest.mark.parametrize("size", SIZES)
def test_debrief(snap_compare, mini, tmp_path, size):
    app = app_for(mini, tmp_path, scenario="test-run")

    async def run(pilot) -> None:
        await settle(pilot)
        await pilot.press("minus")
        game = pilot.app.game
        await pilot.press("e")
        await settle(pilot)
        while game.turn < game.turns - 1:
            game.resolve_turn()
            for dilemma in list(game.pending_dilemmas):
                game.choose(dilemma.event, dilemma.choices[0].id)
        for key in ("e", "y"):
            await pilot.press(key)
            await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run)
