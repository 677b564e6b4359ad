"""Events: drawing the events of a turn, applying their effects and dilemma answers (the
scenario's endings are checked in ``endings``).

Functions here work on a ``State`` and the bookkeeping they are handed; the ``Game`` keeps
the log of what fired and what was answered.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Collection, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from game.content.schema import Choice
from game.engine import finite, lone_events
from game.engine.blocks import block_draws, fired_in_blocks
from game.engine.errors import GameError
from game.engine.records import ChoiceMade, Dilemma, FiredEvent
from game.engine.state import NEVER, Array, State, event_draw, event_draws
from game.engine.stepping import Stepper
from game.errors import did_you_mean
from game.formula import CompiledFormula


@dataclass
class Draw:
    """What the events of one turn did: those that fired, dilemmas for the player, answers given."""

    fired: list[FiredEvent] = field(default_factory=list)
    dilemmas: list[Dilemma] = field(default_factory=list)
    masks: dict[str, Array] = field(default_factory=dict)  # dilemma's event id -> runs where it fired
    answered: list[ChoiceMade] = field(default_factory=list)
    answered_in: list[tuple[int, ...]] = field(default_factory=list)  # a batch of plans: blocks of each
    fired_in: list[tuple[int, FiredEvent]] = field(default_factory=list)  # and each block's own record


def draw_events(
    stepper: Stepper,
    state: State,
    turn: int,
    env: dict[Any, Array],
    *,
    ended_turn: Array,
    interactive: bool,
    planned_choices: Mapping[tuple[int, str], str],
    pending: MutableMapping[str, int],
    locked: Collection[str] = frozenset(),
    planned_blocks: Sequence[Mapping[tuple[int, str], str]] | None = None,
) -> Draw:
    """Draw every event of the turn just resolved; apply what fired and the answers known now.

    An interactive game leaves its dilemmas to the player; a headless one answers them from
    ``planned_choices`` or with each dilemma's default choice; a batch of plans from each block's
    own ``planned_blocks`` (``answered_in`` then names the blocks of each answer given).
    """
    world = stepper.world
    out = Draw()
    # event, choice, where it fired, by default, label, and in a batch of plans the blocks answering
    answers: list[tuple[str, str, Array, bool, str, tuple[int, ...] | None]] = []
    # cheap checks first, all events at once (a clock is read before its event fires: the same)
    clocks = eligibility(stepper, state, turn, ended_turn)
    candidates: list[bool] = np.logical_or.reduce(clocks, axis=0).tolist()
    # a lone game: an event whose condition is plainly false on its numbers is passed over
    verdicts = lone_events.event_verdicts(stepper, env, candidates)
    with np.errstate(all="ignore"):
        for column, eid in enumerate(world.events):
            if candidates[column] and verdicts[column] is not False:
                eligible = clocks[:, column : column + 1]
                _draw_event(
                    stepper,
                    state,
                    turn,
                    env,
                    eid,
                    eligible,
                    out,
                    answers,
                    interactive,
                    planned_choices,
                    pending,
                    locked,
                    planned_blocks,
                    verdicts[column],
                )
    # answered after every event is drawn, as a player answers, so both give the same numbers
    for eid, choice, fired, by_default, label, blocks in answers:
        on_offer: tuple[str, ...] = ()
        if stepper.runs == 1 and blocks is None:  # a lone game: what its player could have answered
            choices = stepper.world.events[eid].spec.choices
            on_offer = tuple(
                c.id for c in choices if offered(stepper, state, env, eid, c, pending, turn, locked)[0, 0]
            )
        given = answer_dilemma(stepper, state, turn, eid, choice, fired, env, pending, locked)
        asked = ChoiceMade(turn, eid, choice, by_default, label, on_offer)
        _record_answer(stepper, env, out, asked, given, blocks)
    return out


def _record_answer(
    stepper: Stepper,
    env: Mapping[Any, Array],
    out: Draw,
    asked: ChoiceMade,
    given: Array,
    blocks: tuple[int, ...] | None,
) -> None:
    """Record the answer each game got: the one asked for where it was on offer in any of its runs
    (``given``), else the default ``answer_dilemma`` applied instead (a plan or a what-if naming an
    answer whose levers were already there). A game: the batch, or each of a batch of plans' ``blocks``."""
    if blocks is None and given.any():
        out.answered.append(asked)
        return
    default = next(c for c in stepper.world.events[asked.event].spec.choices if c.default)
    if blocks is None:  # a lone game records the words its player would have read (the default's variant)
        lone = stepper.runs == 1
        label = choice_words(stepper, env, asked.event, default, asked.turn, 0).label if lone else ""
        out.answered.append(ChoiceMade(asked.turn, asked.event, default.id, True, label, asked.offered))
        return
    instead = ChoiceMade(asked.turn, asked.event, default.id, True)
    runs = stepper.runs // stepper.blocks
    for made, these in (
        (asked, tuple(b for b in blocks if given[b * runs : (b + 1) * runs].any())),
        (instead, tuple(b for b in blocks if not given[b * runs : (b + 1) * runs].any())),
    ):
        if these:
            out.answered.append(made)
            out.answered_in.append(these)


def _draw_event(
    stepper: Stepper,
    state: State,
    turn: int,
    env: dict[Any, Array],
    eid: str,
    eligible: Array,
    out: Draw,
    answers: list[tuple[str, str, Array, bool, str, tuple[int, ...] | None]],
    interactive: bool,
    planned_choices: Mapping[tuple[int, str], str],
    pending: MutableMapping[str, int],
    locked: Collection[str],
    planned_blocks: Sequence[Mapping[tuple[int, str], str]] | None = None,
    holds: bool | None = None,
) -> None:
    """One event of ``draw_events`` whose clocks let it fire in the runs of ``eligible`` (called
    under numpy's floating-point warnings ignored, as each formula's evaluation is); ``holds``: a
    lone game's ``lone_events.verdict`` of its condition."""
    info, R = stepper.world.events[eid], stepper.runs
    spec = info.spec
    origin = finite.cached_origin(stepper, "event", eid, f"the condition of event {eid}", "condition")
    if not holds:  # else one run's condition already found true
        met = finite.evaluate(stepper, info.condition, env, origin, turn, quiet=True)
    alone = holds or (finite.holds(stepper, met, origin, turn) if R == 1 else None)
    if alone is not None:  # one run, eligible by its clocks: the condition decides
        if not alone:
            return
    else:
        eligible = eligible & finite.truth(stepper, met, origin, turn)
        if not eligible.any():
            return
    if alone and stepper.scale.identity:  # one run, its chance as written: numbers, no arrays
        chance = lone_events.chance(stepper, eid, env, turn)
        if not (event_draw(stepper.seed, eid, turn) < chance if 0.0 < chance < 1.0 else chance >= 1.0):
            return  # as ``fired`` below would be false (a certainty either way draws no number)
        fired = eligible.copy()
    else:
        fired = _fired(stepper, eid, env, turn, eligible)
    if not fired.any():
        return
    state.ev_count[eid] = state.ev_count[eid] + fired
    state.ev_last[eid] = np.where(fired, turn, state.ev_last[eid])
    apply_effects(stepper, state, turn, eid, "", fired, env)
    for side_id, amount in spec.capital.items():
        add_capital(stepper, state, side_id, amount, fired)
    title, text = event_words(stepper, state, env, eid, turn, int(np.argmax(fired[:, 0])))
    out.fired.append(FiredEvent(turn, eid, title, text, float(fired.mean())))
    if planned_blocks is not None:  # a batch of plans: what each block's own game records
        out.fired_in.extend(fired_in_blocks(stepper, state, env, eid, turn, fired))
    if spec.choices:
        default = next(c.id for c in spec.choices if c.default)
        if interactive:
            dilemma = make_dilemma(stepper, state, env, turn, eid, title, text, pending, locked=locked)
            if len(dilemma.choices) > 1:
                out.dilemmas.append(dilemma)
                out.masks[eid] = fired
            else:  # nothing to decide: what happens when nobody decides, as in a headless run
                shown = dilemma.choices[0].label if dilemma.choices else ""  # the words the player would read
                answers.append((eid, default, fired, True, shown, None))
        elif planned_blocks is not None:  # a batch of plans: each block answers as its plan says
            runs = R // len(planned_blocks)
            by_choice: dict[str | None, list[int]] = {}
            for block, planned_here in enumerate(planned_blocks):
                if fired[block * runs : (block + 1) * runs].any():
                    by_choice.setdefault(planned_here.get((turn, eid)), []).append(block)
            for planned, blocks in sorted(by_choice.items(), key=lambda item: item[0] or ""):
                where = np.zeros((len(planned_blocks), 1), dtype=bool)
                where[blocks] = True
                mask = fired & np.repeat(where, runs, axis=0)
                answers.append((eid, planned or default, mask, not planned, "", tuple(blocks)))
        else:
            answer = planned_choices.get((turn, eid)) or default  # a lone game keeps the words read:
            taken = next((c for c in spec.choices if c.id == answer), None) if R == 1 else None
            shown = choice_words(stepper, env, eid, taken, turn, 0).label if taken is not None else ""
            answers.append((eid, answer, fired, not planned_choices.get((turn, eid)), shown, None))


def _fired(stepper: Stepper, eid: str, env: dict[Any, Array], turn: int, eligible: Array) -> Array:
    """Where an event fires among the runs of ``eligible`` (its condition holds there): its
    chance this turn, and each run's draw below it."""
    info, R = stepper.world.events[eid], stepper.runs
    if isinstance(info.probability, float):
        prob: Array | float = info.probability
    else:
        what = f"the probability of event {eid}"
        origin = finite.cached_origin(stepper, "event", eid, what, "probability")
        value = finite.evaluate(stepper, info.probability, env, origin, turn, quiet=True)
        prob = np.broadcast_to(finite.finite(stepper, value, origin, turn), (R, 1))
    prob = stepper.scale.chance(prob)  # written for the content's turn
    if isinstance(prob, float) and not 0.0 < prob < 1.0:
        # a certainty either way: a draw (in [0, 1), from a stream of this event and turn only,
        # so no other draw moves) could not change whether it fires, and costs tens of us
        fired = eligible.copy() if prob >= 1.0 else np.zeros_like(eligible)
    else:
        if stepper.blocks == 1:
            draw = event_draws(stepper.seed, eid, turn, R)
        else:  # a batch of plans: each block draws what its own game would
            draw = block_draws(stepper, eid, turn)
        fired = eligible & (draw < prob)
    return fired


def eligibility(stepper: Stepper, state: State, turn: int, ended_turn: Array) -> Array:
    """Where each event may fire this turn by its clocks alone: the run has not ended, the event
    has cooled down since it last fired, and a once-only event has not fired. (runs, events)
    booleans, a column per event in the world's order."""
    ids = stepper.event_ids
    if not ids:
        return np.zeros((stepper.runs, 0), dtype=bool)
    if ended_turn.shape[0] == 1:  # one run: the same tests on Python's integers
        return lone_events.clocks(stepper, state, turn, ended_turn)
    # worked out as (events, runs), a run's clocks along each row, and handed back transposed:
    # gathering (runs, 1) columns side by side into (runs, events) writes one element in every
    # few, gathering them as rows copies each whole (twice as fast on 10,000 runs)
    # into scratch arrays of this thread's (never handed out, so never seen by anyone): a batch's
    # clocks are megabytes a turn, fresh memory the system would map page by page each turn
    last = _gathered(stepper, [state.ev_last[eid].T for eid in ids], "last")
    cooldowns = stepper.event_cooldowns.T
    if np.result_type(last, cooldowns) == last.dtype:  # the same sum, written over the clocks
        eligible = (ended_turn.T > turn - 1) & (np.add(last, cooldowns, out=last) < turn)
    else:
        eligible = (ended_turn.T > turn - 1) & (last + cooldowns < turn)
    if stepper.event_once.any():
        count = _gathered(stepper, [state.ev_count[eid].T for eid in ids], "count")
        eligible &= ~stepper.event_once.T | (count == 0)
    return eligible.T


_scratch = threading.local()  # .arrays: each stepper's scratch arrays, in this thread


def _gathered(stepper: Stepper, rows: list[Array], use: str) -> Array:
    """``np.concatenate(rows, axis=0)`` into a scratch array of this thread's for ``stepper``
    and ``use``: good until the thread's next call for them; it goes with the stepper (a game's
    forks share their stepper, and may be played in threads of their own)."""
    steppers: weakref.WeakKeyDictionary[Stepper, dict[str, Array]] | None = getattr(_scratch, "arrays", None)
    if steppers is None:
        steppers = _scratch.arrays = weakref.WeakKeyDictionary()
    kept = steppers.get(stepper)
    if kept is None:
        kept = steppers[stepper] = {}
    shape = (sum(row.shape[0] for row in rows), rows[0].shape[1])
    dtype = np.result_type(*rows)
    out = kept.get(use)
    if out is None or out.shape != shape or out.dtype != dtype:
        out = kept[use] = np.empty(shape, dtype=dtype)
    return np.concatenate(rows, axis=0, out=out)


def holds(
    stepper: Stepper, formula: CompiledFormula, env: Mapping[Any, Array], origin: finite.Origin, turn: int
) -> Array:
    """Where a condition holds: a (runs, 1) array of booleans."""
    value = finite.truth(stepper, finite.evaluate(stepper, formula, env, origin, turn), origin, turn)
    return np.broadcast_to(value, (stepper.runs, 1))


def event_words(
    stepper: Stepper, state: State, env: Mapping[Any, Array], eid: str, turn: int, run: int
) -> tuple[str, str]:
    """The title and text of an event as it fired in a run: its first variant that holds, else its own."""
    info = stepper.world.events[eid]
    spec = info.spec
    fired = int(state.ev_count[eid][run, 0])
    for i, (variant, formula) in enumerate(zip(spec.variants, info.variant_conditions, strict=True)):
        if fired < variant.repeat:
            continue
        what = f"the condition of variant {i + 1} of event {eid}"
        origin = finite.item_origin(stepper, "event", eid, what, "variants", i, "condition")
        if holds(stepper, formula, env, origin, turn)[run, 0]:
            return variant.title or spec.title, variant.text or spec.text
    return spec.title, spec.text


def level_moves(choice: Choice) -> list[tuple[str, int, bool]]:
    """(action, level, raises) for every level a choice moves: raised to at least, or lowered to at most."""
    return [(aid, level, True) for aid, level in choice.set_action.items()] + [
        (aid, level, False) for aid, level in choice.lower_action.items()
    ]


def offered(
    stepper: Stepper,
    state: State,
    env: Mapping[Any, Array],
    eid: str,
    choice: Choice,
    pending: Mapping[str, int],
    turn: int,
    locked: Collection[str] = frozenset(),
) -> Array:
    """The runs where a choice is offered: its condition holds, and it would move a level if it moves any.

    The default choice is offered everywhere. A level already where the choice would take
    it, at the level now or at the level the player planned, is not moved: a choice all
    of whose moves are like that would change nothing, so it is not offered. Nor is a
    choice that would move a lever the game holds still (``locked``: a class's locks), so
    no answer reaches a lever the player may not touch.
    """
    if choice.default:
        return np.ones((stepper.runs, 1), dtype=bool)
    if any(aid in locked for aid, _, _ in level_moves(choice)):
        return np.zeros((stepper.runs, 1), dtype=bool)
    info = stepper.world.events[eid]
    index = next(i for i, c in enumerate(info.spec.choices) if c.id == choice.id)
    what = f"the condition of choice {choice.id} of event {eid}"
    origin = finite.item_origin(stepper, "event", eid, what, "choices", index, "condition")
    mask = holds(stepper, info.choice_conditions[choice.id], env, origin, turn).copy()
    moves = level_moves(choice)
    if moves:
        moving = np.zeros((stepper.runs, 1), dtype=bool)
        for aid, level, raises in moves:
            now = state.level[aid]
            chosen = np.full_like(now, pending[aid]) if aid in pending else now
            moving |= (now < level) & (chosen < level) if raises else (now > level) & (chosen > level)
        mask &= moving
    return mask


def choice_words(
    stepper: Stepper, env: Mapping[Any, Array], eid: str, choice: Choice, turn: int, run: int
) -> Choice:
    """The choice as a player reads it in a run: the label and description of its first variant that holds."""
    info = stepper.world.events[eid]
    index = next(i for i, c in enumerate(info.spec.choices) if c.id == choice.id)
    for i, (variant, formula) in enumerate(
        zip(choice.variants, info.choice_variant_conditions.get(choice.id, ()), strict=True)
    ):
        what = f"the condition of variant {i + 1} of choice {choice.id} of event {eid}"
        origin = finite.item_origin(stepper, "event", eid, what, "choices", index, "variants", i, "condition")
        if holds(stepper, formula, env, origin, turn)[run, 0]:
            return choice.model_copy(
                update={
                    "label": variant.label or choice.label,
                    "description": variant.description or choice.description,
                }
            )
    return choice


def make_dilemma(
    stepper: Stepper,
    state: State,
    env: Mapping[Any, Array],
    turn: int,
    eid: str,
    title: str,
    text: str,
    pending: Mapping[str, int],
    run: int = 0,
    locked: Collection[str] = frozenset(),
) -> Dilemma:
    """A dilemma as the player meets it in a run: only the choices offered there, in their words."""
    choices = tuple(
        choice_words(stepper, env, eid, choice, turn, run)
        for choice in stepper.world.events[eid].spec.choices
        if offered(stepper, state, env, eid, choice, pending, turn, locked)[run, 0]
    )
    return Dilemma(turn, eid, title, text, choices)


def apply_effects(
    stepper: Stepper, state: State, now: int, eid: str, choice: str, mask: Array, env: Mapping[Any, Array]
) -> None:
    """Switch on an event's (or a choice's) effects in the runs of ``mask`` from turn ``now + 1``."""
    world = stepper.world
    spec = world.events[eid].spec
    effects = spec.effects if not choice else next(c for c in spec.choices if c.id == choice).effects
    info = world.events[eid]
    for i, eff in enumerate(effects):
        key = (f"{eid}:{choice}", i)
        if eff.target in world.stock_jumps:
            mod = next(m for m in world.stock_jumps[eff.target] if m.effect_key == key)
            raw = info.effect_formulas[(choice, i)]
            if isinstance(raw, float):
                value = np.asarray(raw, dtype=np.float64)
            else:
                origin = stepper.modifier_origin(mod)
                value = finite.finite(stepper, finite.evaluate(stepper, raw, env, origin, now), origin, now)
            state.jumps.append(
                (
                    mod,
                    eid,
                    mask.astype(np.float64),
                    np.broadcast_to(value, (stepper.runs, value.shape[-1] if value.ndim == 2 else 1)).copy(),
                )
            )
            continue
        until = NEVER if eff.turns == 0 else now + stepper.scale.duration(eff.turns)
        state.armed.add(key)
        state.ev_start[key] = np.where(mask, now + 1, state.ev_start[key])
        state.ev_until[key] = np.where(mask, until, state.ev_until[key])


def add_capital(stepper: Stepper, state: State, side_id: str, amount: float, mask: Array) -> None:
    side = stepper.world.sides[side_id]
    stock = stepper.world.stocks[side.capital]
    value = state.stocks[side.capital] + amount * mask
    state.stocks[side.capital] = np.clip(value, stock.minimum, stock.maximum)


def answer_dilemma(
    stepper: Stepper,
    state: State,
    now: int,
    eid: str,
    choice_id: str,
    mask: Array,
    env: Mapping[Any, Array],
    pending: MutableMapping[str, int],
    locked: Collection[str] = frozenset(),
) -> Array:
    """Answer a dilemma in the runs of ``mask``: the choice where it is offered, the default elsewhere.

    Return the runs where the choice itself was given (``mask`` for the default), so the answer
    recorded is the one applied."""
    spec = stepper.world.events[eid].spec
    choice = next((c for c in spec.choices if c.id == choice_id), None)
    if choice is None:
        raise GameError(
            f"event {eid} has no choice {choice_id!r}{did_you_mean(choice_id, [c.id for c in spec.choices])}"
        )
    where = mask & offered(stepper, state, env, eid, choice, pending, now, locked)
    elsewhere = mask & ~where
    apply_choice(stepper, state, now, eid, choice, where, env, pending)
    if elsewhere.any():
        default = next(c for c in spec.choices if c.default)
        apply_choice(stepper, state, now, eid, default, elsewhere, env, pending)
    return where


def apply_choice(
    stepper: Stepper,
    state: State,
    now: int,
    eid: str,
    choice: Choice,
    mask: Array,
    env: Mapping[Any, Array],
    pending: MutableMapping[str, int],
) -> None:
    """Apply a dilemma's answer in the runs of ``mask``: its effects, capital and the levels it moves.

    Levels move one way only: ``set_action`` raises (an action already higher keeps its
    level), ``lower_action`` lowers. A change the player had planned for that action in the
    other direction gives way to the answer; one that goes further the same way stays.
    """
    if not mask.any():
        return
    world = stepper.world
    apply_effects(stepper, state, now, eid, choice.id, mask, env)
    for side_id, amount in choice.capital.items():
        add_capital(stepper, state, side_id, amount, mask)
    for aid, level, raises in level_moves(choice):
        info = world.actions[aid]
        changed = mask & ((state.level[aid] < level) if raises else (state.level[aid] > level))
        if aid in pending and (pending[aid] < level if raises else pending[aid] > level):
            pending.pop(aid)
        if not changed.any():
            continue
        current = stepper.channels(aid, state, state.elapsed[aid])
        state.ch_start[aid] = np.where(changed, current, state.ch_start[aid])
        state.ch_target[aid] = np.where(changed, info.channels[level][None, :], state.ch_target[aid])
        state.elapsed[aid] = np.where(changed, 0.0, state.elapsed[aid])
        state.level[aid] = np.where(changed, level, state.level[aid])
        state.start_ramp(aid, changed)
