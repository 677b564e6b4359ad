"""The turn's cheap all-at-once checks decide exactly as the value-by-value ones they stand for."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from game.engine import Game, SimulationError, load_world, program
from game.engine.bounds import ROUND_OFF
from game.engine.events import eligibility
from game.engine.world import World

MINI = Path(__file__).parent / "packs" / "mini"


def play_three_turns(world, runs):
    game = Game(world, "both-sides", seed=2, runs=runs)
    for _ in range(3):
        game.resolve_turn()
    return game


@pytest.fixture(scope="module")
def played(base_world):
    return play_three_turns(base_world, 3)


@pytest.fixture(scope="module")
def played_alone(base_world):
    return play_three_turns(base_world, 1)


@pytest.mark.parametrize("game", ["played", "played_alone"])
@pytest.mark.parametrize("step", [-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 3.0, float("nan")])
def test_indicator_ranges_at_once_find_what_the_search_finds(request, game, step):
    """Each indicator in turn moved to one of its bounds, then past or short of it by a multiple
    of the round-off tolerance (or made a nan): the all-at-once test (on Python numbers for one
    run) and the search agree on whether, where and by how much an indicator left its range."""
    played = request.getfixturevalue(game)
    ranges = played._recorder.ranges
    env = dict(played.env)
    assert ranges.first_breach(env, few=True) is None
    moved = 0
    for info in ranges.checked:
        for bound_def, sign in ((info.low, -1.0), (info.high, 1.0)):
            if bound_def is None:
                continue
            bound = np.asarray(bound_def if isinstance(bound_def, float) else bound_def.evaluate(env))
            tolerance = ROUND_OFF * np.maximum(1.0, np.abs(bound))
            shape = np.broadcast_shapes(env[info.id].shape, bound.shape)
            value = np.array(np.broadcast_to(env[info.id], shape))
            value[-1, -1] = (bound + sign * step * tolerance).flat[-1] if step == step else np.nan
            trial = {**env, info.id: value}
            fast, slow = ranges.first_breach(trial, few=True), ranges.first_breach(trial, few=False)
            assert fast == slow, f"{info.id} moved {step} tolerances past its bound"
            moved += fast is not None
    if step > 1.0:
        assert moved > 0, "well past a bound is a breach"
    if step != step:
        assert moved == 0, "a nan is the finite check's to report, not the range's"


@pytest.mark.parametrize("game", ["played", "played_alone"])
def test_event_clocks_at_once_are_each_events_own(request, game):
    """Cooldowns, once-only events and ended runs, for every event at once (on Python's integers
    for one run), as event by event."""
    played = request.getfixturevalue(game)
    state, stepper = played._state, played._stepper
    runs = stepper.runs
    rng = np.random.default_rng(0)
    seen = []
    for trial in range(12 if runs == 1 else 2):
        ended = np.roll(np.array([[played.turn + 5], [played.turn - 1], [played.turn]]), trial)[:runs]
        turn = played.turn + 1
        for eid, info in stepper.world.events.items():  # never fired, just fired, long ago, cooled just now
            cooldown = stepper.scale.cooldown(info.spec.cooldown)
            when = [-(1 << 30), played.turn, played.turn - 3, 0, turn - cooldown, turn - cooldown - 1]
            state.ev_last[eid] = rng.choice(when, size=(runs, 1))
            state.ev_count[eid] = rng.integers(0, 2, size=(runs, 1))
        clocks = eligibility(stepper, state, turn, ended)
        assert clocks.shape == (runs, len(stepper.event_ids))
        for column, (eid, info) in enumerate(stepper.world.events.items()):
            cooldown = stepper.scale.cooldown(info.spec.cooldown)
            alone = (ended > turn - 1) & (state.ev_last[eid] + cooldown < turn)
            if info.spec.once:
                alone &= state.ev_count[eid] == 0
            assert np.array_equal(clocks[:, column : column + 1], alone), eid
        seen.append(clocks)
    every = np.concatenate(seen)
    assert every.any() and not every.all()


BLOWN_UP = r"^variable blowup \(.*mod.toml:2:11\) is not a finite number at turn 2"  # its formula
"""The error of a ``blowup_world`` whose variable stops being finite at turn 2."""


def blowup_world(tmp_path: Path, formula: str) -> World:
    """The mini world and a mod whose one variable, ``blowup``, nobody records, is ``formula``."""
    folder = tmp_path / "blowup"
    folder.mkdir()
    (folder / "pack.toml").write_text(
        'id = "blowup"\nname = "Blow-up"\nversion = "1.0"\ndependencies = [{ id = "mini" }]\n'
    )
    (folder / "mod.toml").write_text(f'[variable.blowup]\nformula = "{formula}"\n')
    return load_world([MINI, folder])


@pytest.mark.parametrize("runs", [1, 3, 80, program.SMALL_BATCH_RUNS + 1])
def test_a_name_going_infinite_mid_game_is_named_whatever_the_runs(tmp_path, runs):
    """The end of a turn's finiteness test, at once over a lone game's numbers or name by name
    (a big batch's summed inside its turn, as each value is final), stops the game at the turn a
    variable nobody records stops being finite, and names it."""
    world = blowup_world(tmp_path, "1 / (turn - 2) + heavy_users")
    game = Game(world, "test-run", seed=1, runs=runs)
    game.resolve_turn()
    with pytest.raises(SimulationError, match=BLOWN_UP):
        game.resolve_turn()


def test_a_turns_snapshot_keeps_its_numbers_while_the_game_plays_on(base_world):
    """Snapshots share the state's arrays (the engine replaces them, never writes into them):
    each stays bit for bit what the state was, through level changes, ramps, events and
    answered dilemmas, and the why-screen's split reads the same as when it was fresh."""
    game = Game(base_world, "both-sides", seed=5, runs=1)
    actions = [aid for aid in game.playable_actions() if base_world.actions[aid].levels > 1][:6]
    digests, splits = {}, {}
    for turn in range(1, 10):
        if turn % 3 == 1:
            aid = actions[(turn // 3) % len(actions)]
            game.set_level(aid, (game.level(aid) + 1) % base_world.actions[aid].levels, enforce=False)
        game.resolve_turn()
        digests[turn] = game._snapshots[turn][0].digest()
        if turn in (2, 5):
            splits[turn] = game.attribution("us_heavy_users", turn)
    for _ in range(8):
        game.resolve_turn()
    assert game.events_fired, "events fired meanwhile"
    for turn, digest in digests.items():
        assert game._snapshots[turn][0].digest() == digest, f"the snapshot of turn {turn} changed"
    for turn, split in splits.items():
        assert game.attribution("us_heavy_users", turn) == split


RANGES_MOD = (
    'id = "ranges_mod"\nname = "Ranges"\nversion = "1.0"\ndependencies = [{ id = "mini" }]\n',
    # two indicators bounded by formulas of different texts, the looser one checked first
    '[variable.loose]\nformula = "light_users * 3"\n'
    'indicator = { side = "us", good = "down", range = [0, "light_users * 1000"] }\n'
    '[variable.tight]\nformula = "light_users * 3"\n'
    'indicator = { side = "us", good = "down", range = [0, "light_users * 2"] }\n',
)


def test_each_bound_formula_of_a_lone_game_is_its_own(tmp_path):
    """A lone game's range test works each bound formula out once a turn, by its text: a
    tighter bound written differently is its own, and its breach is found (as the search finds
    it) even after a looser bound passed."""
    folder = tmp_path / "ranges_mod"
    folder.mkdir()
    (folder / "pack.toml").write_text(RANGES_MOD[0])
    (folder / "mod.toml").write_text(RANGES_MOD[1])
    world = load_world([MINI, folder])
    with pytest.raises(SimulationError) as caught:
        Game(world, "test-run", seed=1, runs=1).resolve_turn()
    assert str(caught.value).startswith("tight = ") and "above its maximum" in str(caught.value)
