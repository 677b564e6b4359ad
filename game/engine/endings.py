"""The scenario's endings: which runs meet one at a turn (a lost election, a collapse)."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

import numpy as np

from game.content.schema import Ending
from game.engine import finite, lone_events
from game.engine.state import NEVER, Array
from game.engine.stepping import Stepper


def reach_endings(
    stepper: Stepper, turn: int, env: Mapping[Any, Array], ended_turn: Array, ending_id: list[str | None]
) -> tuple[Array, Ending | None]:
    """Mark the runs that meet one of the scenario's endings at this turn (the first one met wins).

    Returns the updated turn each run ended, and the ending run 0 reached at this turn, if any.
    ``ending_id`` is updated in place.
    """
    scenario, runs = stepper.scenario, (stepper.runs, 1)
    going = ended_turn == NEVER
    formulas, sid = stepper.world.ending_formulas, stepper.scenario_id
    decided = lone_events.ending_verdicts(stepper, env)  # a lone game's, on its numbers: False is unmet
    with contextlib.nullcontext() if all(d is False for d in decided) else np.errstate(all="ignore"):
        for i, end in enumerate(scenario.endings):  # the errstate: as each evaluation's own when not quiet
            if decided[i] is False:
                continue  # plainly not met: evaluated the long way, it would be passed over
            origin = finite.cached_origin(
                stepper, "scenario", sid, f"the ending {end.id}", "endings", i, "condition"
            )
            value = finite.evaluate(stepper, formulas[(sid, i)], env, origin, turn, quiet=True)
            if runs == (1, 1):  # a lone game: its one run ends here or goes on, tested as numbers
                alone = finite.holds(stepper, value, origin, turn)
                if alone is not None and not (alone and going.item()):
                    continue
            met = finite.truth(stepper, value, origin, turn)
            hit = met if met.shape in (runs, (1, 1)) else np.broadcast_to(met, runs)  # & broadcasts those
            new = hit & going
            if new.any():
                ended_turn = np.where(new, turn, ended_turn)
                going = ended_turn == NEVER
                for r in np.flatnonzero(new[:, 0]):
                    ending_id[r] = end.id
    reached = None
    if ended_turn[0, 0] == turn and ending_id[0] is not None:
        reached = next(e for e in scenario.endings if e.id == ending_id[0])
    return ended_turn, reached
