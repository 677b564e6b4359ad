"""Games of one world, scenario and shape share one compiled turn, whatever their seeds or pins:
the parameters are the program's inputs, set when a game takes it. A new game starts without
compiling again, and each game still gets its own numbers, to the bit, even when games of other
numbers take turns on the same program."""

from __future__ import annotations

import pytest
from engine_digests import game_digest, play_at_once

from game.engine import Game, program
from game.engine.stepping import Stepper

# a drawn parameter pinned, and one that events change (read through its own input)
PINS = {"hope_efficacy": 0.6, "us_approval_shock": 0.05}


def _played(world, turns: int = 5, **options) -> Game:
    game = Game(world, "both-sides", **options)
    for _ in range(turns):
        game.resolve_turn()
    return game


def _alone(world, turns: int, **options) -> str:
    """The digest of a game that compiled its own program and never shared it."""
    program._SHARED.clear()
    game = _played(world, turns, **options)
    program._SHARED.clear()
    return game_digest(game)


def test_a_game_like_one_played_before_reuses_its_program_and_its_numbers(base_world):
    world = base_world
    first = _played(world, seed=3)
    again = _played(world, seed=3)
    assert again._stepper.programs[1] is first._stepper.programs[1]
    program._SHARED.clear()
    alone = _played(world, seed=3)
    assert alone._stepper.programs[1] is not first._stepper.programs[1]
    assert game_digest(again) == game_digest(alone) == game_digest(first)


def test_games_of_other_seeds_and_pins_share_a_program_of_their_shape(base_world):
    world = base_world
    plain = _played(world, 1, seed=3, runs=4)
    other_seed = _played(world, 1, seed=4, runs=4)
    per_run = _played(world, 1, seed=5, runs=4, pins={"hope_efficacy": [0.1, 0.2, 0.3, 0.4]})
    pinned = _played(world, 1, seed=3, runs=4, pins=PINS)  # one value in every run
    big = _played(world, 1, seed=3, runs=program.SHARED_UP_TO_RUNS + 1)
    programs = [game._stepper.programs[game.runs] for game in (plain, other_seed, per_run, pinned)]
    assert programs[0] is programs[1] is programs[2] is programs[3]
    assert _played(world, 1, seed=3, runs=5)._stepper.programs[5] is not programs[0]
    assert not any(big._stepper.programs[big.runs] in shared.values() for shared in program._SHARED.values())
    lone = [_played(world, 1, seed=3), _played(world, 1, seed=9, pins=PINS)]
    assert lone[0]._stepper.programs[1] is lone[1]._stepper.programs[1]


@pytest.mark.parametrize("runs", [1, 4], ids=["lone", "batch"])
def test_games_taking_turns_on_one_program_each_get_their_own_numbers(base_world, runs):
    """Three games of other seeds and pins, played a turn each in turn on the one program they
    share (and a fork of one, a forecast of another), end exactly as each does played alone."""
    world, turns = base_world, 6
    options = [
        {"seed": 3},
        {"seed": 4, "pins": PINS},
        {"seed": 11, "pins": {"hope_efficacy": 0.2}},
    ]
    alone = [_alone(world, turns, runs=runs, **o) for o in options]
    games = [Game(world, "both-sides", runs=runs, **o) for o in options]
    for turn in range(turns):
        for game in games:
            game.resolve_turn()
        if turn == 2:  # a fork and a forecast step on the same program in between
            games[0].fork().resolve_turn()
            games[1].preview({"hope": 1}, turns=2)
    assert len({id(game._stepper.programs[runs]) for game in games}) == 1
    assert [game_digest(game) for game in games] == alone


def test_games_of_other_seeds_in_threads_on_one_program_get_their_own_numbers(base_world):
    """Turns of games sharing a program, played at once in threads (a served room's players)."""
    world, turns = base_world, 4
    seeds = [21, 22, 23]
    alone = [_alone(world, turns, seed=seed) for seed in seeds]
    games = [Game(world, "both-sides", seed=seed) for seed in seeds]
    assert play_at_once(games, turns) == []
    assert [game_digest(game) for game in games] == alone


def test_a_game_and_its_status_quo_twin_set_up_their_shared_program_once(base_world, monkeypatch):
    """The twin has the very same parameters (other arrays, the same bits): taking turns with it
    does not run the once-a-game tier again each turn."""
    program._SHARED.clear()
    setups = []
    run = program.Program._run

    def counted(self, blocks, turn):
        if blocks is self.builder.setup:
            setups.append(turn)
        return run(self, blocks, turn)

    monkeypatch.setattr(program.Program, "_run", counted)
    game = Game(base_world, "both-sides", seed=31, status_quo=True)
    for _ in range(4):
        game.resolve_turn()
    assert game.status_quo is not None and game.status_quo.turn == 4
    assert setups == [1]
    program._SHARED.clear()


def test_a_batch_with_parameters_pinned_in_every_run_computes_what_the_reference_path_does(base_world):
    """Its program is the one of any batch of as many runs (every parameter per run): the numbers
    are still the reference path's, to the bit, whichever parameters are pinned."""
    world = base_world
    digests = []
    for reference in (False, True):
        Stepper.reference = reference
        try:
            game = Game(world, "both-sides", seed=8, runs=6, pins={**PINS, "staged_killing_share": 0.45})
            for aid in ("hope", "us_violence_focus", "legalize_all_drugs"):
                game.set_level(aid, world.actions[aid].levels - 1, enforce=False)
            for _ in range(6):
                game.resolve_turn()
            digests.append(game_digest(game))
        finally:
            Stepper.reference = False
    assert digests[0] == digests[1]
