"""The memory a game will need is estimated before allocating, generously, and refused past the limit."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from game.engine import Game, GameError, MemoryBudgetExceeded, load_world
from game.engine.budget import _FIXED_OVERHEAD, estimate_bytes
from game.limits import DEFAULT_MEMORY_BYTES, MEMORY_ENV, memory_limit

MINI = Path(__file__).parent / "packs" / "mini"


@pytest.fixture(scope="module")
def world():
    return load_world([MINI])


@pytest.mark.parametrize(
    ("runs", "status_quo"), [(1, False), (1, True), (16, True), (300, False), (300, True)]
)
def test_the_estimate_is_above_what_a_game_really_allocates_but_not_absurdly(world, runs, status_quo) -> None:
    tracemalloc.start()
    try:
        game = Game(world, "test-run", seed=1, runs=runs, status_quo=status_quo)
        while game.turn < game.turns:
            game.resolve_turn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    estimate = estimate_bytes(world, runs, game.turns, status_quo=status_quo, snapshots=runs <= 16)
    assert peak < estimate and estimate - _FIXED_OVERHEAD < 10 * peak
    if runs >= 300:  # where runs dominate, the part that grows with them covers the game alone
        assert peak < estimate - _FIXED_OVERHEAD


def test_a_request_past_the_limit_is_refused_with_how_many_runs_fit(world, monkeypatch) -> None:
    monkeypatch.setenv(MEMORY_ENV, "100M")
    with pytest.raises(MemoryBudgetExceeded) as caught:
        Game(world, "test-run", runs=10_000_000)
    refused = caught.value
    assert refused.limit == 100 * 1024**2 and refused.needed > refused.limit and refused.runs == 10_000_000
    assert estimate_bytes(world, refused.fit, 12, status_quo=False, snapshots=False) <= refused.limit
    assert estimate_bytes(world, refused.fit + 1, 12, status_quo=False, snapshots=False) > refused.limit
    Game(world, "test-run", runs=refused.fit)  # as many as fit are fine


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", DEFAULT_MEMORY_BYTES),
        ("512M", 512 * 1024**2),
        ("8g", 8 * 1024**3),
        ("4GB", 4 * 1024**3),
        ("1000", 1000),
    ],
)
def test_the_limit_reads_sizes_as_people_write_them(monkeypatch, value: str, expected: int) -> None:
    monkeypatch.setenv(MEMORY_ENV, value)
    assert memory_limit() == expected


@pytest.mark.parametrize("value", ["lots", "-5G", "0", "1.5G", "9" * 20])
def test_a_limit_that_is_not_a_size_is_one_clear_error(world, monkeypatch, value: str) -> None:
    monkeypatch.setenv(MEMORY_ENV, value)
    with pytest.raises(GameError, match=f"{MEMORY_ENV}=.* is not a size: write one such as 512M"):
        Game(world, "test-run")
