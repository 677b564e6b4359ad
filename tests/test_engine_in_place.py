"""The compiled turn writes a result over an operand only where nothing reads that operand again:
formulas that read one sub-expression several times, chains over a table's rows and sums of
them give the reference path's numbers, to the bit, in a batch, a threaded batch and a lone game.
So does a turn's minimum or maximum of a value per run against a number fixed for the game (a
literal, a table's field, a parameter drawn once), which reads that number spread over the runs
once a game (``_Builder.spread``)."""

from __future__ import annotations

import numpy as np
import pytest
from engine_digests import compiled_as_reference, instructions, mini_with

from game.engine import program

# each read of a sub-expression after a chain that could have been written over it; and names
# (computed once a turn, so later names may reuse what they computed) whose value is written over
# their last intermediate, which later names compute again or read
HAZARDS = '''
[variable.reused_product]
formula = "(light_users * heavy_users + 1) * (light_users * heavy_users) / (light_users * heavy_users - 2)"

[variable.reused_by_row]
over = "drug"
formula = "(consumption * 2 + price) * (consumption * 2 + price) - consumption * 2"

[variable.sum_of_a_chain]
formula = "sum((consumption * 2 + price) * mx_share) / (sum(consumption * 2 + price) + 1)"

[variable.once_a_turn]
formula = "(lag(revenue) * 2 + 1) * lag(revenue) - (lag(revenue) * 2 + 1)"

[variable.mixed_tiers]
formula = "(lag(revenue) * 2 + 1) * light_users + (lag(revenue) * 2 + 1) / heavy_users"

[variable.chained_value]
formula = "lag(revenue) * 3 + 1"

[variable.same_chain_again]
formula = "(lag(revenue) * 3 + 1) * 2 + lag(revenue) * 3"

[variable.its_value_plus_one]
formula = "(chained_value + 1) * chained_value"
'''


# stocks (a sub-step's values) and a turn's value against literals, a table's field, a
# parameter, in either place, with signed zeros, and one already spread in a formula before
BOUNDED = '''
[variable.bounded_users]
formula = "max(light_users, 2.5) + min(-0.0, heavy_users) + max(0.0, light_users - 9)"

[variable.bounded_by_row]
over = "drug"
formula = "min(consumption, elasticity) + max(base_price, consumption * 2)"

[variable.bounded_by_parameter]
formula = "max(initiation, light_users * 0.001) + min(light_users, 2.5) + clip(lag(revenue), 1, 50)"
'''


@pytest.fixture(scope="module")
def hazards(tmp_path_factory):
    return mini_with(tmp_path_factory.mktemp("packs"), HAZARDS + BOUNDED)


@pytest.mark.parametrize("runs", [1, 9, 2 * program.MIN_RUNS_PER_THREAD])
def test_results_written_over_dead_operands_match_the_reference(hazards, runs):
    game = compiled_as_reference(hazards, runs, 6)
    writes_over = [
        args
        for function, args in instructions(game)
        if function in program.IN_PLACE and any(operand is args[2] for operand in args[:2])
    ]
    assert writes_over, "the chains above are written in place"


@pytest.mark.parametrize("runs", [1, 9, 2 * program.MIN_RUNS_PER_THREAD])
def test_minimum_and_maximum_read_numbers_spread_once_a_game_and_match_the_reference(hazards, runs):
    game = compiled_as_reference(hazards, runs, 4)
    spread = {id(buffer) for buffer in game._stepper.programs[runs].builder.spreads.values()}
    reads = [
        function
        for function, args in instructions(game)
        if any(id(arg) in spread or id(getattr(arg, "base", None)) in spread for arg in args)
    ]
    if runs == 1:  # one run: nothing to spread
        assert not spread
    else:
        assert reads and {getattr(f, "func", f) for f in reads} <= {np.minimum, np.maximum}
