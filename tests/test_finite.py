"""A nan or an infinity anywhere in a turn stops the game with its item, file, line and column.

numpy would let nan steer the game quietly (``nan > 1`` is false, a draw is never below a
nan probability); the engine refuses instead, naming where the formula is written.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from game.engine import Game, SimulationError, load_world

MINI = Path(__file__).parent / "packs" / "mini"
MOD = 'id = "nan_mod"\nname = "NaN mod"\nversion = "1.0"\ndependencies = [{ id = "mini" }]\n'
# heavy_users * 0 / (heavy_users * 0) is 0/0 at run time, but not a constant the loader can fold
NAN = "heavy_users * 0 / (heavy_users * 0)"


def mod(tmp_path: Path, text: str) -> list[Path]:
    folder = tmp_path / "nan_mod"
    folder.mkdir()
    (folder / "pack.toml").write_text(MOD)
    (folder / "mod.toml").write_text(text)
    return [MINI, folder]


def failure(tmp_path: Path, text: str, turns: int = 3, runs: int = 1) -> str:
    world = load_world(mod(tmp_path, text))
    with pytest.raises(SimulationError) as caught:
        game = Game(world, "test-run", seed=1, runs=runs)
        for _ in range(turns):
            game.resolve_turn()
    return str(caught.value)


def test_a_variable_nobody_records_is_still_checked_every_turn(tmp_path: Path) -> None:
    message = failure(tmp_path, f'[variable.hidden_ratio]\nformula = "{NAN}"\n')
    assert message.startswith("variable hidden_ratio (")
    assert "mod.toml:2:11" in message and "is not a finite number at turn 0" in message  # its formula


def test_nan_reaching_a_comparison_names_the_spot_in_the_formula(tmp_path: Path) -> None:
    text = f'[variable.ratio]\nformula = "{NAN}"\n[variable.steer]\nformula = "where(ratio > 1, 1, 2)"\n'
    message = failure(tmp_path, text)
    assert message.startswith("variable steer (") and "mod.toml:4:18" in message
    assert "nan (not a number) reached the comparison >" in message


@pytest.mark.parametrize("runs", [1, 3])  # a lone game's numbers, a batch's arrays
def test_nan_reaching_a_comparison_mid_game_names_the_spot_and_the_turn(tmp_path: Path, runs: int) -> None:
    # finite until turn 2, when it is 0/0: met by the compiled turn, not the game's set-up
    late = "heavy_users * 0 / (heavy_users * max(2 - turn, 0))"
    text = f'[variable.ratio]\nformula = "{late}"\n[variable.steer]\nformula = "where(ratio > 1, 1, 2)"\n'
    message = failure(tmp_path, text, runs=runs)
    assert message.startswith("variable steer (") and "mod.toml:4:18" in message
    assert "nan (not a number) reached the comparison >" in message and "at turn 2 " in message


def test_a_nan_probability_never_silently_means_never(tmp_path: Path) -> None:
    text = f'[event.odd]\ntitle = "t"\ntext = "t"\nprobability = "{NAN}"\n'
    message = failure(tmp_path, text)
    assert message.startswith("the probability of event odd (") and "mod.toml:4:15" in message
    assert "nan instead of a finite number at turn 1" in message


def test_a_nan_condition_never_silently_means_true(tmp_path: Path) -> None:
    text = f'[event.odd]\ntitle = "t"\ntext = "t"\ncondition = "{NAN}"\n'
    message = failure(tmp_path, text)
    assert message.startswith("the condition of event odd (") and "is nan (not a number)" in message


def test_a_nan_in_an_events_effect_names_the_effect(tmp_path: Path) -> None:
    text = (
        '[event.odd]\ntitle = "t"\ntext = "t"\n'
        f'[[event.odd.effects]]\ntarget = "heavy_users"\nadd = "{NAN}"\n'
    )
    message = failure(tmp_path, text)
    assert message.startswith("the effect of event odd on heavy_users (") and "mod.toml:6:7" in message


def test_an_infinite_cost_is_named_with_its_action(tmp_path: Path) -> None:
    text = (
        '[action.splurge]\nside = "us"\ncategory = "Money"\nlevels = ["off", "on"]\n'
        'cost = "(1 + splurge) / (heavy_users * 0)"\n'
    )
    world = load_world(mod(tmp_path, text))
    expected = r"the cost of action splurge \(.*mod\.toml:5:8\): the value is inf"
    with pytest.raises(SimulationError, match=expected):
        Game(world, "test-run", seed=1)


def test_a_world_without_nan_plays_to_the_end(tmp_path: Path) -> None:
    text = '[variable.fine]\nformula = "where(heavy_users > 0, 1 / heavy_users, 0)"\n'
    world = load_world(mod(tmp_path, text))
    game = Game(world, "test-run", seed=1)
    while not game.is_over:
        game.resolve_turn()
    assert game.turn == game.turns
