"""A lone game's turn (one run, on the scalar runner): its shortcuts decide as the long way would."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from engine_digests import game_digest

from game.engine import Game, SimulationError, World, load_world, lone_events, program, scalar_formulas
from game.engine.scalar import ScalarRunner
from game.engine.stepping import Stepper
from game.formula import CompiledFormula, NotANumber


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


MINI = Path(__file__).parent / "packs" / "mini"


def mini_ending(tmp_path: Path, condition: str) -> World:
    """The mini pack with its one ending's condition replaced."""
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    world_toml = folder / "world.toml"
    text = world_toml.read_text(encoding="utf-8")
    assert 'condition = "us_approval < 0"' in text
    world_toml.write_text(text.replace('condition = "us_approval < 0"', f'condition = "{condition}"'))
    return load_world([folder])


ENDS_AT = {"turn >= 3": 3, "turn >= 2 and us_approval > -1": 2, "turn < 0": None, "turn == 1": 1}


@pytest.mark.parametrize("condition", list(ENDS_AT))
def test_a_lone_game_ends_where_each_run_of_a_batch_ends(tmp_path, condition):
    """An ending tested on a lone game's single number (no numpy calls) ends it at the turn a
    batch's runs end, and names the same ending; one never met lets it play on."""
    world = mini_ending(tmp_path, condition)
    alone, batch = Game(world, "test-run", seed=5), Game(world, "test-run", seed=5, runs=3)
    endings = []
    for _ in range(4):
        endings.append((alone.resolve_turn().ending, batch.resolve_turn().ending))
    assert [a for a, _ in endings] == [b for _, b in endings]
    assert alone.ended_turn.tolist() == batch.ended_turn[:1].tolist()
    assert alone.ending_id == batch.ending_id[:1]
    ended = [turn for turn, (ending, _) in enumerate(endings, 1) if ending is not None]
    assert ended[:1] == ([ENDS_AT[condition]] if ENDS_AT[condition] else [])


def test_a_nan_ending_condition_stops_a_lone_game_as_it_stops_a_batch(tmp_path):
    """A nan where an ending's condition is decided is refused with the same words alone and in
    a batch (numpy would take it as true)."""
    world = mini_ending(tmp_path, "heavy_users * 0 / (heavy_users * 0) + turn")
    messages = []
    for runs in (1, 3):
        with pytest.raises(SimulationError) as caught:
            Game(world, "test-run", seed=1, runs=runs).resolve_turn()
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert "the ending collapse" in messages[0] and "is nan (not a number)" in messages[0]


def test_a_lone_games_side_costs_on_numbers_are_the_arrays_bits(base_world, monkeypatch):
    """Each side's cost of its levers, summed on Python floats for one run, is to the bit the
    sum of (1, 1) arrays, for levels drawn at random on every lever (and a cost that is a
    formula of the turn's values among them)."""
    game = Game(base_world, "both-sides", seed=3, runs=1)
    game.resolve_turn()
    stepper, env = game._stepper, game.env
    rng = np.random.default_rng(0)
    checked = 0
    for _ in range(40):
        actions = base_world.actions.items()
        levels = {aid: np.array([[int(rng.integers(len(info.spec.levels)))]]) for aid, info in actions}
        alone = stepper.side_costs(levels, None, env)
        with monkeypatch.context() as patched:
            patched.setattr(type(stepper), "_side_costs_alone", lambda self, levels, env: None)
            arrays = stepper.side_costs(levels, None, env)
        assert alone.keys() == arrays.keys()
        for key, value in arrays.items():
            assert alone[key].shape == value.shape and alone[key].tobytes() == value.tobytes(), key
            checked += value.item() != 0.0
    assert checked > 40, "some levels cost money"


@pytest.mark.parametrize("plan", ["quiet", "busy"])
def test_stocks_that_come_back_unchanged_are_not_loaded_again_and_change_nothing(
    base_world, monkeypatch, plan
):
    """A lone turn does not load again the stocks it handed out last turn when they come back
    as they left (their numbers are still in place); the game is to the bit the one that loads
    every stock every turn, with levers moved (capital paid from a stock) and events jumping
    stocks on the way, and with another game and a fork taking turns on the same program."""

    def played() -> list[str]:
        program._SHARED.clear()
        games = [Game(base_world, "both-sides", seed=seed, runs=1) for seed in (2, 7)]
        for turn in range(12):
            if plan == "busy" and turn in (1, 5):
                games[0].set_level("hope", 2 if turn == 1 else 0)
                games[1].set_level("mx_violence_targeting", 1)
            for game in games:
                game.resolve_turn()
            if turn == 6:
                games[1].fork().resolve_turn()
        return [game_digest(game) for game in games]

    kept = played()
    monkeypatch.setattr(ScalarRunner, "kept", lambda self, stocks: None)
    assert played() == kept


def every_formula(world: World) -> list[CompiledFormula]:
    """Every compiled formula a world holds (its items' conditions, probabilities, effects,
    endings, costs, bounds, variables and flows), found by walking its fields."""
    found: dict[int, CompiledFormula] = {}
    seen: set[int] = set()

    def walk(value: object, depth: int) -> None:
        if depth > 6 or id(value) in seen or isinstance(value, str | bytes | int | float | np.ndarray):
            return
        seen.add(id(value))
        if isinstance(value, CompiledFormula):
            found[id(value)] = value
        elif isinstance(value, dict):
            for item in value.values():
                walk(item, depth + 1)
        elif isinstance(value, list | tuple | set | frozenset):
            for item in value:
                walk(item, depth + 1)
        elif dataclasses.is_dataclass(value):
            for field in dataclasses.fields(value):
                walk(getattr(value, field.name, None), depth + 1)

    walk(world, 0)
    return list(found.values())


def outcome(evaluate, env):  # type: ignore[no-untyped-def]
    """A formula's value as (dtype, shape, bits), or the words of the nan it met (a nan left in
    a value always stops the game with words that do not show its sign)."""
    try:
        with np.errstate(all="ignore"):
            value = np.asarray(evaluate(env))
    except NotANumber as exc:
        return ("nan", str(exc), exc.offset)
    if value.dtype.kind == "f":  # a nan as one value, whatever its sign bit (as tests/test_scalar_ops.py)
        value = np.where(np.isnan(value), np.nan, value)
    return (value.dtype.str, value.shape, value.tobytes())


SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, 1e-300, 1e300, -1e300, np.inf, -np.inf, np.nan]


def test_every_formula_on_numbers_gives_the_closures_bits_or_their_error(base_world):
    """Each of the base world's formulas that translates to Python numbers gives, on a lone
    game's values at several turns and with each name it reads set to special numbers (signed
    zeros, tiny, huge, infinities, nan), the very value of its closure (type, shape, bits), or
    the same nan error at the same place."""
    formulas = every_formula(base_world)
    translated = [f for f in formulas if scalar_formulas.translate(f) is not None]
    assert len(formulas) > 300 and len(translated) > 0.6 * len(formulas)
    game = Game(base_world, "both-sides", seed=6, runs=1)
    envs = []
    for _ in range(8):
        game.resolve_turn()
        envs.append(dict(game.env))
    rng = np.random.default_rng(1)
    compared = 0
    for formula in translated:

        def mine(env, formula=formula):  # type: ignore[no-untyped-def]
            value = scalar_formulas.evaluate(base_world, formula, env)
            return value if value is not None else formula.evaluate(env)  # left to numpy: the same

        for env in envs[::3]:
            assert outcome(mine, env) == outcome(formula.evaluate, env), formula.text
            compared += scalar_formulas.evaluate(base_world, formula, env) is not None
        names = [n for n in formula.names if np.asarray(envs[-1].get(n)).shape == (1, 1)]
        for _ in range(6):
            env = dict(envs[-1])
            for name in names:
                env[name] = np.full((1, 1), SPECIAL[rng.integers(len(SPECIAL))])
            assert outcome(mine, env) == outcome(formula.evaluate, env), formula.text
            compared += 1
    assert compared > 1000


def test_a_value_recorded_as_it_came_last_turn_is_still_made_a_float_when_it_comes_otherwise(base_world):
    """The recorder keeps a turn's values as they come when each is a float64 of its record's
    shape, as last turn; one that comes as another type (or shape) is still made one."""
    game = Game(base_world, "both-sides", seed=2, runs=1)
    game.resolve_turn()
    game.resolve_turn()  # the values came as floats of their shapes: kept as they came
    recorder = game._recorder
    name = next(n for n in recorder.names if n in base_world.indicators and recorder._axes[n] is None)
    env = dict(game.env)
    env[name] = np.array([[3]], dtype=np.int64)
    recorder.record(env, game._state.stocks, 3)
    kept = recorder.series[name][-1]
    assert kept.dtype == np.float64 and kept.shape == (1, 1) and kept[0, 0] == 3.0
    env[name] = np.array([[2.5]])
    recorder.record(env, game._state.stocks, 4)
    assert recorder.series[name][-1] is env[name]


NAN_MOD = 'id = "late_mod"\nname = "Late trouble"\nversion = "1.0"\ndependencies = [{ id = "mini" }]\n'
LATE_TROUBLE = {
    # 0/0 from turn 2 on (not a constant the loader could fold), then compared: the nan check
    # of a formula in the middle of a lone turn's phase, blocks of other formulas around it
    "nan": '[variable.late]\nformula = "where(turn >= 2, heavy_users * 0 / (heavy_users * 0), 1)"\n'
    '[variable.steer]\nformula = "where(late > 1, 1, 2)"\n',
    # a stock drained below its floor at turn 2: the error names the rates of its flows, as
    # computed in the very sub-step that broke it (numbers the phase had not written back yet)
    # an event's condition meets a nan at its comparison from turn 2 on: passed over by the
    # lone game's quick test of conditions, it must still stop the game with its own words
    "condition": '[event.odd]\ntitle = "t"\ntext = "t"\n'
    'condition = "where(turn >= 2, heavy_users * 0 / (heavy_users * 0), 0) > 1"\n',
    "range": '[stock.reserve]\ninitial = 10.0\nminimum = 0.0\n'
    '[flow.drain]\nformula = "where(turn >= 2, 1000 + heavy_users, 0)"\nout_of = "reserve"\n'
    '[flow.refill]\nformula = "light_users * 2"\ninto = "reserve"\n',
}


@pytest.mark.parametrize("trouble", list(LATE_TROUBLE))
def test_trouble_in_the_middle_of_a_lone_turn_is_told_as_the_long_way_tells_it(
    tmp_path, monkeypatch, trouble
):
    """A nan met by a formula's check, or a stock pushed out of its range, part-way through a
    lone turn (its numbers held in the phase's local variables), or a nan met by an event's
    condition after it (conditions plainly false are passed over quickly) stops the game with
    the words the reference path (each formula's closure on arrays) gives: the same formula
    named, the same value, the same flows' rates."""
    folder = tmp_path / "late_mod"
    folder.mkdir()
    (folder / "pack.toml").write_text(NAN_MOD)
    (folder / "mod.toml").write_text(LATE_TROUBLE[trouble])
    world = load_world([MINI, folder])
    messages = []
    for reference in (False, True):
        monkeypatch.setattr(Stepper, "reference", reference)
        game = Game(world, "test-run", seed=1, runs=1)
        game.resolve_turn()  # turn 1 plays: the trouble starts at turn 2
        with pytest.raises(SimulationError) as caught:
            game.resolve_turn()
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    if trouble == "nan":
        assert messages[0].startswith("variable steer (") and "nan (not a number)" in messages[0]
    elif trouble == "condition":
        assert messages[0].startswith("the condition of event odd (") and "comparison >" in messages[0]
    else:
        assert "reserve" in messages[0] and "drain" in messages[0] and "refill" in messages[0]


def test_a_lone_games_event_chances_and_conditions_on_numbers_are_the_long_ways(base_world):
    """Each event's chance that a lone game compares its draw with, taken on Python numbers, is
    to the bit the probability its formula gives on (1, 1) arrays; and each condition decided on
    numbers (``lone_events.verdict``) is what the formula gives the long way, turn after turn of
    a game whose values move (events firing, a lever raised)."""
    game = Game(base_world, "both-sides", seed=5, runs=1)
    stepper, events = game._stepper, base_world.events
    formulas = [eid for eid, info in events.items() if not isinstance(info.probability, float)]
    on_numbers = [eid for eid in formulas if scalar_formulas.on_numbers(base_world, events[eid].probability)]
    assert on_numbers, "some event's probability is a formula worked out on numbers"
    chances = decided = 0
    lever = next(iter(base_world.actions))
    while game.turn < 16:
        if game.turn == 4:
            game.set_level(lever, len(base_world.actions[lever].spec.levels) - 1)
        game.resolve_turn()
        env = game.env
        for eid in formulas:
            with np.errstate(all="ignore"):
                long_way = np.asarray(events[eid].probability.evaluate(env), dtype=np.float64)
            if long_way.shape == (1, 1) and np.isfinite(long_way).all():
                chance = lone_events.chance(stepper, eid, env, game.turn)
                assert type(chance) is float and chance.hex() == float(long_way.item()).hex(), eid
                chances += chance != 0.0
        for eid, info in events.items():
            holds = lone_events.verdict(scalar_formulas.on_numbers(base_world, info.condition), env)
            if holds is not None:
                with np.errstate(all="ignore"):
                    assert holds == bool(np.asarray(info.condition.evaluate(env)).item()), eid
                decided += 1
    assert chances >= 16 and decided > 16 * len(events) // 2


def test_a_true_or_false_copied_into_a_number_is_a_float_on_the_lone_turn(tmp_path, monkeypatch):
    """A comparison copied into a number's place becomes 1.0 or 0.0 there, as numpy's cast makes
    it (a copy between places of the same type is taken as it is): negated, the false one is
    -0.0, not Python's integer 0; the lone turn leaves the reference path's bits."""
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    with (folder / "world.toml").open("a", encoding="utf-8") as toml:
        toml.write('\n[variable.signed_zero]\nformula = "-(turn > 100) * 1"\n')
    world = load_world([folder])
    values = []
    for reference in (False, True):
        monkeypatch.setattr(Stepper, "reference", reference)
        game = Game(world, "test-run", seed=1)
        game.resolve_turn()
        values.append(game.env["signed_zero"])
    assert values[1].tobytes() == np.array([[-0.0]]).tobytes()
    assert values[0].dtype == values[1].dtype and values[0].tobytes() == values[1].tobytes()
