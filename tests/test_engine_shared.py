"""Games computing the very same numbers share one compiled turn: a new game starts without
compiling again, and each still gets its own numbers, to the bit."""

from __future__ import annotations

from engine_digests import game_digest

from game.engine import Game, program


def _played(world, turns: int = 5, **options) -> Game:
    game = Game(world, "both-sides", **options)
    for _ in range(turns):
        game.resolve_turn()
    return game


def test_a_game_like_one_played_before_reuses_its_program_and_its_numbers(base_world):
    world = base_world
    first = _played(world, seed=3)
    again = _played(world, seed=3)
    assert again._stepper.programs[1] is first._stepper.programs[1]
    program._SHARED.clear()
    alone = _played(world, seed=3)
    assert alone._stepper.programs[1] is not first._stepper.programs[1]
    assert game_digest(again) == game_digest(alone) == game_digest(first)


def test_games_with_other_numbers_get_programs_of_their_own(base_world):
    world = base_world
    plain = _played(world, 1, seed=3, runs=4)
    pinned = _played(world, 1, seed=3, runs=4, pins={"hope_efficacy": 0.6})
    other_seed = _played(world, 1, seed=4, runs=4)
    big = _played(world, 1, seed=3, runs=program.SHARED_UP_TO_RUNS + 1)
    programs = [game._stepper.programs[game.runs] for game in (plain, pinned, other_seed)]
    assert len({id(p) for p in programs}) == 3
    assert not any(big._stepper.programs[big.runs] in shared.values() for shared in program._SHARED.values())
