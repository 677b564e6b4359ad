"""A batch of plans (game.engine.plans) seen from the events: each block of runs draws, and
records what fired, as its own game would."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from game.engine import finite
from game.engine.records import FiredEvent
from game.engine.state import Array, State, event_draws
from game.engine.stepping import Stepper


def block_draws(stepper: Stepper, eid: str, turn: int) -> Array:
    """An event's draws in a batch of plans: each block's runs draw what its own game's would
    (from [its seed, event, turn]); blocks of the same seed draw the same numbers."""
    seeds, runs = stepper.block_seeds, stepper.runs // stepper.blocks
    by_seed: dict[int, Array] = {}
    for seed in seeds:
        if seed not in by_seed:
            by_seed[seed] = event_draws(seed, eid, turn, runs)
    if len(by_seed) == 1:
        return np.tile(by_seed[seeds[0]], (len(seeds), 1))
    return np.concatenate([by_seed[seed] for seed in seeds])


def fired_in_blocks(
    stepper: Stepper, state: State, env: Mapping[Any, Array], eid: str, turn: int, fired: Array
) -> list[tuple[int, FiredEvent]]:
    """An event that fired in a batch of plans as each block's own game records it: in the words
    of the block's first run where it fired, with the share of the block's runs. Each variant's
    condition is evaluated once for every run (``events.event_words`` reads one run)."""
    info = stepper.world.events[eid]
    spec, runs = info.spec, stepper.runs // stepper.blocks
    by_block = fired[:, 0].reshape(stepper.blocks, runs)
    conditions: dict[int, Array] = {}
    out = []
    for block in np.flatnonzero(by_block.any(axis=1)).tolist():
        run = block * runs + int(np.argmax(by_block[block]))
        count = int(state.ev_count[eid][run, 0])
        title, text = spec.title, spec.text
        for i, (variant, formula) in enumerate(zip(spec.variants, info.variant_conditions, strict=True)):
            if count < variant.repeat:
                continue
            if i not in conditions:
                what = f"the condition of variant {i + 1} of event {eid}"
                origin = finite.item_origin(stepper, "event", eid, what, "variants", i, "condition")
                value = finite.evaluate(stepper, formula, env, origin, turn)
                conditions[i] = np.broadcast_to(finite.truth(stepper, value, origin, turn), (stepper.runs, 1))
            if conditions[i][run, 0]:
                title, text = variant.title or spec.title, variant.text or spec.text
                break
        share = float(by_block[block].mean())
        out.append((block, FiredEvent(turn, eid, title, text, share)))
    return out
