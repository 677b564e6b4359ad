"""A stock at its bound in a batch: round-off past it is set to the bound, a real breach stops the
turn, on the compiled tape (whose sub-steps test each stock's range first with one reduction a
bound) exactly as on the reference path."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from game.engine import Game, load_world
from game.engine.errors import SimulationError
from game.engine.stepping import Stepper

MINI = Path(__file__).parent / "packs" / "mini"

# flows that take a stock to its bound in exactly one sub-step, and then a share of the way past it
EMPTIED = """
[parameter.empty_more]
value = 0.0
range = [0.0, 1.0]
source = "illustrative"

[parameter.fill_more]
value = 0.0
range = [0.0, 1.0]
source = "illustrative"

[stock.tank]
initial = 7.3

[stock.capped]
initial = 3.1
maximum = 5.0

[flow.emptying]
formula = "tank / dt * (1 + empty_more)"
out_of = "tank"

[flow.filling]
formula = "(5.0 - capped) / dt * (1 + fill_more)"
into = "capped"
"""


@pytest.fixture(scope="module")
def emptied(tmp_path_factory: pytest.TempPathFactory):
    pack = tmp_path_factory.mktemp("settle") / "mini"
    shutil.copytree(MINI, pack)
    (pack / "world.toml").write_text((MINI / "world.toml").read_text() + EMPTIED)
    return load_world([pack])


def played(world, reference: bool, **pins: np.ndarray) -> Game:
    runs = next(iter(pins.values())).size
    Stepper.reference = reference
    try:
        game = Game(world, "test-run", seed=1, runs=runs, pins=pins)
        game.resolve_turn()
    finally:
        Stepper.reference = False
    return game


def test_round_off_past_a_bound_is_set_to_the_bound_as_on_the_reference_path(emptied):
    # from none to a hundred-billionth of the way: far inside the round-off tolerance
    more = np.array([0.0, 1e-15, 3e-13, 2e-12, 7e-12, 1e-11])
    compiled = played(emptied, False, empty_more=more, fill_more=more)
    reference = played(emptied, True, empty_more=more, fill_more=more)
    assert compiled.state_digest() == reference.state_digest()
    tank, capped = compiled.value("tank"), compiled.value("capped")
    assert np.all(tank == 0.0) and not np.signbit(tank).any()  # at the bound, not a hair past it
    assert np.all(capped == 5.0)


@pytest.mark.parametrize("stock, pin", [("tank", "empty_more"), ("capped", "fill_more")])
def test_a_real_breach_stops_the_turn_as_on_the_reference_path(emptied, stock, pin):
    # one run of six goes a millionth of the way past the bound: the game's error, naming the stock
    more = np.zeros(6)
    more[4] = 1e-6
    pins = {"empty_more": np.zeros(6), "fill_more": np.zeros(6), pin: more}
    messages = []
    for reference in (False, True):
        with pytest.raises(SimulationError) as error:
            played(emptied, reference, **pins)
        messages.append(str(error.value))
    assert stock in messages[0]
    assert messages[0] == messages[1]
