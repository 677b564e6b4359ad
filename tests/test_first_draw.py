"""A lone game's event luck worked out on Python's integers is numpy's number, to the bit."""

from __future__ import annotations

import numpy as np
import pytest

from game.engine.first_draw import first_uniform
from game.engine.state import event_draw, event_draws


def numpys(entropy: list[int]) -> float:
    """The number a fresh stream of that entropy gives first, as ``state.event_draws`` draws it."""
    return float(np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy))).random((1, 1)).item())


EDGES = [
    [0, 0, 0],
    [1, 2, 3],
    [2**32 - 1, 2**32 - 1, 2**32 - 1],
    [2**32, 5, 9],  # two words for the seed
    [2**64 + 3, 2**31, 40],
    [12345678901234567890123456789, 99, 0],  # four words: entropy past the pool of four
    [7, 0],
    [7],
    [],
    [2**40, 2**40, 2**40, 2**40, 2**40],  # ten words
    [1] * 60,
]


@pytest.mark.parametrize("entropy", EDGES, ids=str)
def test_the_first_number_of_a_stream_is_numpys_at_the_edges(entropy):
    assert first_uniform(entropy) == numpys(entropy)


def test_the_first_number_of_a_stream_is_numpys_for_thousands_of_events_and_turns():
    """Seeds as games take them, events' hashes (32 bits) and turns: every number the same."""
    rng = np.random.default_rng(16)
    seeds = rng.integers(0, 2**63, 1500).tolist() + rng.integers(0, 1000, 1500).tolist()
    hashes = rng.integers(0, 2**32, 3000).tolist()
    turns = rng.integers(0, 400, 3000).tolist()
    for entropy in zip(seeds, hashes, turns, strict=True):
        assert first_uniform(list(entropy)) == numpys(list(entropy)), entropy


@pytest.mark.parametrize("entropy", [[-1, 2, 3], [1.5, 2, 3], [np.int64(3), 2, 1], [True, 1, 1]], ids=str)
def test_what_numpy_reads_otherwise_or_refuses_is_left_to_numpy(entropy):
    assert first_uniform(entropy) is None


def test_an_events_draw_in_a_lone_game_is_the_draw_of_its_stream():
    for seed, eid, turn in [(1, "massacre", 5), (2**40, "covid_pandemic", 33), (0, "x", 0), (-3, "odd", 2)]:
        if seed < 0:  # numpy refuses a negative seed: so does the lone game's draw
            with pytest.raises(ValueError):
                event_draw(seed, eid, turn)
            continue
        assert event_draw(seed, eid, turn) == event_draws(seed, eid, turn, 1).item()
