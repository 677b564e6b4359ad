"""A lone game's turn (one run, on the scalar runner): its shortcuts decide as the long way would."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from game.engine import Game, program


@pytest.fixture
def garbage_buffers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every fresh buffer the program allocates starts as garbage memory at its worst: a nan in
    every float (``np.empty`` promises nothing; a nan there is what a reused page may hold)."""
    empty = np.empty

    def poisoned(shape, dtype=float, *args, **kwargs):  # type: ignore[no-untyped-def]
        array = empty(shape, dtype, *args, **kwargs)
        if array.dtype.kind == "f":
            array.fill(np.nan)
        return array

    monkeypatch.setattr(np, "empty", poisoned)
    program._SHARED.clear()  # a program of this test's own, built on the poisoned buffers
    yield
    program._SHARED.clear()


def test_a_lone_turn_vouches_for_its_values_whatever_its_scratch_holds(
    base_world, garbage_buffers, monkeypatch
):
    """A buffer no turn writes may hold a nan: the turn's own test of its values (which spares
    the recorder testing each of them again, a third of a lone turn) looks at the values that
    leave the program only, and still vouches for them; the numbers are those of a clean game."""
    game = Game(base_world, "both-sides", seed=4, runs=1)
    for _ in range(3):
        game.resolve_turn()
    vouched = getattr(game.env, "finite", frozenset())
    assert set(base_world.stocks) <= vouched
    assert set(base_world.indicators) & vouched
    program._SHARED.clear()
    monkeypatch.setattr(np, "empty", np.zeros)  # clean memory
    clean = Game(base_world, "both-sides", seed=4, runs=1)
    for _ in range(3):
        clean.resolve_turn()
    for name in base_world.indicators:
        assert game.value(name).tobytes() == clean.value(name).tobytes(), name
