"""A big batch's values leave the program in arrays that later turns write again once nobody holds
them (game/engine/program.py: the names a turn computes as views of a ``_Generation``'s buffers,
the stocks in a ``_Recycler``'s arrays), a small one's in new copies each turn: whatever a
caller kept of a turn (its values, the state before it, a snapshot, a fork, a view or a
memoryview of one array) keeps its bits while the game plays on, and the numbers are the same as
a game nobody held anything of."""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np
import pytest
from engine_digests import game_digest

from game.engine import Game, program

SCENARIO = "test-run"


def _bits(values: Any) -> Any:
    """Every array's bytes in ``values`` (a dict, a list or an array), as plain data."""
    if isinstance(values, np.ndarray):
        return values.tobytes()
    if isinstance(values, memoryview):
        return values.tobytes()
    if isinstance(values, dict):
        return {key: _bits(value) for key, value in values.items() if isinstance(value, np.ndarray)}
    return [_bits(value) for value in values]


def _played(world: Any, runs: int, turns: int) -> Game:
    game = Game(world, SCENARIO, seed=5, runs=runs, snapshots=False)
    for _ in range(turns):
        game.resolve_turn()
    return game


def _recycled_names(game: Game) -> list[str]:
    """Names of the game's values the program hands out in arrays it may write again: the names
    it computes (the game records copies of those it records) and the stocks it recycles."""
    compiled = game._stepper.programs[game.runs]
    turned = [name for name, _ in compiled._turned]
    return turned + [key for key in compiled.recycler.kept if isinstance(key, str) and key in game.env]


def test_a_big_batchs_values_leave_uncopied_in_two_generations_but_what_it_records(mini_world):
    """Turn after turn the names a big batch computes and its stocks leave as read-only views of
    one of two sets of buffers, the one the last turn's values do not hold (no copy of them a
    turn); what the game records leaves as a C-ordered copy of its own, the very array its
    history keeps, which later turns leave alone."""
    runs = program.SMALL_BATCH_RUNS + 1
    game = _played(mini_world, runs, 1)
    compiled = game._stepper.programs[runs]
    name = next(n for n, _ in compiled._turned if n not in game.recorded)
    kept = next(n for n, _ in compiled._turned if n in game.recorded)
    stocks = [sid for sid in mini_world.stocks if sid not in game.recorded]
    assert stocks, "the mini world has a stock nobody records"
    buffers = []  # which buffers each turn's value views (their ids: holding one would keep it)
    for _ in range(4):
        game.resolve_turn()
        value = game.env[name]
        assert not value.flags.writeable and value.base is not None
        buffers.append(id(value.base))
        recorded = game.env[kept]
        assert recorded.flags.c_contiguous and recorded.base is None
        assert recorded is game._recorder.series[kept][-1]
        # the stocks too (but one an event's effect jumped after the turn: a new array)
        views = [game._state.stocks[sid] for sid in stocks if game._state.stocks[sid].base is not None]
        assert len(views) >= len(stocks) - 1 and not any(view.flags.writeable for view in views)
        del value, recorded, views
    assert buffers[0] == buffers[2] and buffers[1] == buffers[3] and buffers[0] != buffers[1]
    history = game.history(kept).copy()
    game.resolve_turn()
    assert np.array_equal(game.history(kept)[:-1], history)


@pytest.mark.parametrize("runs", [program.SMALL_BATCH_RUNS + 1, 2 * program.MIN_RUNS_PER_THREAD])
def test_what_a_caller_kept_of_a_turn_keeps_its_bits(mini_world, runs):
    game = _played(mini_world, runs, 3)
    names = _recycled_names(game)
    assert names, "the program recycles some values' arrays"
    name = names[0]
    kept = {
        "values": dict(game.env),
        "state": game._state.frozen_copy().stocks,
        "snapshot": dict(game.snapshot().stocks),
        "view": game.env[name][1:3],
        "view of a view": game.env[name][1:][:1, :1],
        "memoryview": memoryview(game.env[names[-1]]),
    }
    fork = game.fork()
    kept["fork"] = dict(fork.env)
    before = {what: _bits(value) for what, value in kept.items()}
    while game.turn < game.turns:
        game.resolve_turn()
    assert {what: _bits(value) for what, value in kept.items()} == before
    # the fork, played on from what it held, ends as the game itself did
    while fork.turn < fork.turns:
        fork.resolve_turn()
    assert game_digest(fork) == game_digest(game)


@pytest.mark.parametrize("runs", [program.SMALL_BATCH_RUNS + 1, 2 * program.MIN_RUNS_PER_THREAD])
def test_an_array_nobody_holds_is_written_again_and_the_numbers_stay(mini_world, runs):
    game = _played(mini_world, runs, 3)
    names = _recycled_names(game)
    name = names[0]
    probe = weakref.ref(game.env[name])  # a weak reference: it holds nothing
    reused_at = None
    while game.turn < game.turns:
        game.resolve_turn()
        if any(value is probe() for value in game.env.values()):
            reused_at = game.turn
    assert probe() is not None and reused_at is not None, f"{name}'s array of turn 3 is handed out again"
    assert game_digest(game) == game_digest(_held_every_turn(mini_world, runs, names))


def _held_every_turn(world: Any, runs: int, names: list[str]) -> Game:
    """The same game, with every turn's values held to its end: nothing is ever written again."""
    game = Game(world, SCENARIO, seed=5, runs=runs, snapshots=False)
    held = []
    while game.turn < game.turns:
        game.resolve_turn()
        held.append(game.env)
    # no array a turn handed out is handed out again while an earlier turn's values hold it
    handed = [id(values[name]) for values in held for name in names]
    assert len(set(handed)) == len(handed)
    return game


@pytest.mark.parametrize("runs", [2, 9, program.SMALL_BATCH_RUNS])
def test_a_small_batchs_values_are_its_own_each_turn(mini_world, runs):
    """A small batch's values leave as new copies each turn, never written again: what a caller
    kept of a turn keeps its bits, and no array is handed out twice (every turn's held to the end)."""
    game = _played(mini_world, runs, 3)
    kept = dict(game.env)
    before = _bits(kept)
    turned, _ = game._stepper.programs[runs]._small  # the names the program computes each turn
    names = [name for name, _ in turned] + list(mini_world.stocks)
    while game.turn < game.turns:
        game.resolve_turn()
    assert _bits(kept) == before
    assert game_digest(game) == game_digest(_held_every_turn(mini_world, runs, names))
