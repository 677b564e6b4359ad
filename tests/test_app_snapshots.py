"""What each screen looks like, pinned at 80x24 and 120x40 (pytest-textual-snapshot).

Deterministic: the small test world, fixed seeds, no cursor blink, every worker (the batch
band, the world loading) finished before the picture is taken. After a deliberate change
of look, refresh with ``pytest tests/test_app_snapshots.py --snapshot-update`` and review
the SVGs in tests/__snapshots__.
"""

from __future__ import annotations

import pytest
from driving import make_app, play_turns, ready, resolve_turns

from game.app.app import BorderlineApp

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


def app_for(world, tmp_path, **kwargs) -> BorderlineApp:
    """The app as the pictures show it: seed 3, no autosave, no cursor blink, 20-run bands."""
    options = dict(autosave=False, seed=3)
    options.update(kwargs)
    return make_app(world, tmp_path, **options)


def then(*keys: str, turns: int = 0):
    """A run_before: wait for the world, play ``turns`` quarters headless, press keys, settle."""

    async def run(pilot) -> None:
        await ready(pilot)
        if turns:
            await play_turns(pilot, turns)
        for key in keys:
            await pilot.press(key)
            await ready(pilot)

    return run


@pytest.mark.parametrize("size", SIZES)
def test_title(snap_compare, mini_world, tmp_path, size):
    assert snap_compare(app_for(mini_world, tmp_path), terminal_size=size, run_before=then())


@pytest.mark.parametrize("size", SIZES)
def test_new_game(snap_compare, mini_world, tmp_path, size):
    assert snap_compare(app_for(mini_world, tmp_path), terminal_size=size, run_before=then("n"))


@pytest.mark.parametrize("size", SIZES)
def test_main_with_a_planned_change(snap_compare, mini_world, tmp_path, size):
    app = app_for(mini_world, tmp_path, scenario="test-run")
    assert snap_compare(app, terminal_size=size, run_before=then("plus"))


@pytest.mark.parametrize("size", SIZES)
def test_main_after_a_turn(snap_compare, mini_world, tmp_path, size):
    app = app_for(mini_world, tmp_path, scenario="test-run")
    assert snap_compare(app, terminal_size=size, run_before=then("plus", "e", "tab"))


@pytest.mark.parametrize("size", SIZES)
def test_why(snap_compare, mini_world, tmp_path, size):
    app = app_for(mini_world, tmp_path, scenario="test-run")
    assert snap_compare(app, terminal_size=size, run_before=then("plus", "e", "w"))


@pytest.mark.parametrize("size", SIZES)
def test_charts(snap_compare, mini_world, tmp_path, size):
    app = app_for(mini_world, tmp_path, scenario="test-run")
    assert snap_compare(app, terminal_size=size, run_before=then("c", turns=6))


@pytest.mark.parametrize("size", SIZES)
def test_cartels(snap_compare, mini_world, tmp_path, size):
    app = app_for(mini_world, tmp_path, scenario="test-run")
    assert snap_compare(app, terminal_size=size, run_before=then("m", "plus"))


@pytest.mark.parametrize("size", SIZES)
def test_dilemma(snap_compare, mini_world, tmp_path, size):
    app = app_for(mini_world, tmp_path, scenario="test-run", seed=2)
    assert snap_compare(app, terminal_size=size, run_before=then("e"))


@pytest.mark.parametrize("size", SIZES)
def test_news(snap_compare, mini_world, tmp_path, size):
    app = app_for(mini_world, tmp_path, scenario="test-run")
    assert snap_compare(app, terminal_size=size, run_before=then("e", "e"))


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, mini_world, tmp_path, size):
    app = app_for(mini_world, tmp_path, scenario="test-run")
    assert snap_compare(app, terminal_size=size, run_before=then("question_mark"))


@pytest.mark.parametrize("size", SIZES)
def test_debrief(snap_compare, mini_world, tmp_path, size):
    app = app_for(mini_world, tmp_path, scenario="test-run")

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

    assert snap_compare(app, terminal_size=size, run_before=run)
