"""The compiled turn writes a result over an operand only where nothing reads that operand again:
formulas that read one sub-expression several times, chains over a table's rows and sums of
them give the reference path's numbers, to the bit, in a batch, a threaded batch and a lone game."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from engine_digests import levers_up_digest

from game.engine import load_world, program

MINI = Path(__file__).parent / "packs" / "mini"

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


@pytest.fixture(scope="module")
def hazards(tmp_path_factory):
    pack = tmp_path_factory.mktemp("packs") / "mini"
    shutil.copytree(MINI, pack)
    with (pack / "world.toml").open("a", encoding="utf-8") as world:
        world.write(HAZARDS)
    return load_world([pack])


@pytest.mark.parametrize("runs", [1, 9, 2 * program.MIN_RUNS_PER_THREAD])
def test_results_written_over_dead_operands_match_the_reference(hazards, runs):
    compiled, game = levers_up_digest(hazards, runs, 6, False)
    assert compiled == levers_up_digest(hazards, runs, 6, True)[0]
    tape = game._stepper.programs[runs]
    writes_over = [
        args
        for phase in (tape.first, tape.substep, tape.end)
        for _, instructions in phase
        for function, args in instructions
        if function in program.IN_PLACE and any(operand is args[2] for operand in args[:2])
    ]
    assert writes_over, "the chains above are written in place"
