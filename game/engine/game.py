"""A game in progress: the state of one or many runs of a scenario, turn by turn.

The API reads like a board-game library: make a Game from a World, a scenario and a seed,
set action levels, resolve a turn, read indicators, history and attribution. Every array
has one row per run, so the same code plays one game or ten thousand; a game the player
sees is simply a Game with one run.

This module is the facade. The work is done beside it: ``state`` (what changes, and the
parameter draws), ``stepping`` (the arithmetic of a turn), ``events`` (events, dilemmas,
endings), ``recording`` (history), ``attribution`` (why a number moved), ``scoring`` (the
debrief) and ``replay`` (playing a log forward).

Why one long module: it is the facade, so its length is its public API (a few lines per method,
each documented for modders and the app); the work behind each method lives in the modules named
above.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np

from game.content.errors import unknown
from game.content.schema import Ending, Scenario
from game.engine import finite
from game.engine.attribution import attribute
from game.engine.budget import check_memory
from game.engine.endings import reach_endings
from game.engine.errors import ActionRefused, GameError
from game.engine.events import answer_dilemma, draw_events, make_dilemma
from game.engine.recording import Recorder
from game.engine.records import ChoiceMade, Contribution, Decision, Dilemma, FiredEvent, TurnReport
from game.engine.replay import replay
from game.engine.scoring import Debrief, debrief
from game.engine.state import (
    NEVER,
    Array,
    Overlay,
    Snapshot,
    State,
    check_pins,
    draw_blocks,
    draw_parameters,
)
from game.engine.stepping import Stepper
from game.engine.timescale import TurnScale
from game.engine.world import ActionInfo, World
from game.errors import did_you_mean

NOT_MADE = "not made: "
"""How a warning says a plan's step was not made at all (its run had met an ending), unlike a
step a player would have been refused, which a plan makes anyway."""


class Game:
    """One scenario played from a seed, over ``runs`` parallel runs.

    >>> game = Game(world, "both-sides", seed=1)
    >>> game.set_level("hope", 2)
    >>> report = game.resolve_turn()
    >>> game.value("us_heavy_users")
    """

    def __init__(
        self,
        world: World,
        scenario: str,
        seed: int = 0,
        runs: int = 1,
        pins: Mapping[str, float | Sequence[float] | Array] | None = None,
        *,
        status_quo: bool = False,
        interactive: bool = False,
        record: Iterable[str] = (),
        snapshots: bool | None = None,
        difficulty: str | None = None,
        allow_out_of_range: bool = False,
        blocks: Sequence[Mapping[str, float]] | None = None,
        block_seeds: Sequence[int] | None = None,
    ) -> None:
        """``blocks`` (game.engine.plans.replay_plans): the runs are that many equal blocks, block k
        drawing what a game of its runs with ``blocks[k]`` as pins (and ``block_seeds[k]`` as
        seed, if given; ``seed`` otherwise) would draw."""
        if scenario not in world.scenarios:
            raise GameError(
                f"{unknown('scenario', scenario, world.scenarios, world.pack_ids)}; "
                f"the scenarios are: {', '.join(sorted(world.scenarios))}"
            )
        if runs < 1:
            raise GameError("runs must be at least 1")
        if seed < 0:
            raise GameError("the seed must be zero or a positive whole number")
        if difficulty is not None and difficulty not in world.difficulties:
            known = ", ".join(world.difficulties) or "none: the packs define no difficulties"
            raise GameError(
                f"unknown difficulty {difficulty!r}{did_you_mean(difficulty, world.difficulties)}; "
                f"choose one of: {known}"
            )
        self.world = world
        self.scenario_id = scenario
        self.scenario: Scenario = world.scenarios[scenario]
        self.seed = int(seed)
        self.runs = int(runs)
        self.pins: dict[str, float] = {}  # one value in every run
        self.run_pins: dict[str, Array] = {}  # one value per run, (runs, 1)
        for pid, value in (pins or {}).items():
            if isinstance(value, int | float | np.integer | np.floating):
                self.pins[pid] = float(value)
                continue
            values = np.asarray(value, dtype=np.float64).ravel()
            if values.shape != (self.runs,):
                raise GameError(f"parameter {pid}: {values.size} values given, one per run needs {self.runs}")
            self.run_pins[pid] = values.reshape(self.runs, 1)
        self.allow_out_of_range = allow_out_of_range
        check_pins(world, self.pins, allow_out_of_range=allow_out_of_range)
        for pid, values in self.run_pins.items():
            bad = values[~np.isfinite(values)]
            for value in (bad[:1] if bad.size else (values.min(), values.max())):
                check_pins(world, {pid: float(value)}, allow_out_of_range=allow_out_of_range)
        self._keep_snapshots = self.runs <= 16 if snapshots is None else snapshots
        check_memory(
            world, self.runs, self.scenario.turns, status_quo=status_quo, snapshots=self._keep_snapshots
        )
        self.interactive = interactive
        self.difficulty = difficulty if difficulty is not None else world.default_difficulty
        level = world.difficulties.get(self.difficulty) if self.difficulty is not None else None
        self.turn = 0
        self.turns = self.scenario.turns
        self.log: list[Decision] = []
        self.choices_made: list[ChoiceMade] = []
        self.events_fired: list[FiredEvent] = []
        self._pending: dict[str, int] = {}  # levels chosen for the coming turn
        self.pending_dilemmas: list[Dilemma] = []
        self.planned_choices: dict[tuple[int, str], str] = {}
        self.warnings: list[str] = []
        # Planned changes dropped because a change they rested on went (action, level, reasons);
        # the app tells the player and empties it.
        self.dropped: list[tuple[str, int, list[str]]] = []
        self.locks: dict[str, str] = {}  # action -> why the player may not change it (a class's rules)
        self.undo_allowed = True  # a class can forbid taking back a turn (the app's undo asks)
        self.players: dict[str, str] = {}  # side -> player's name, in a two-player (hot-seat) game
        self.ended_turn = np.full((self.runs, 1), NEVER, dtype=np.int64)
        self.ending_id: list[str | None] = [None] * self.runs
        # a plan's game (run_plan, a sweep, a batch of plans): a run that met an ending plays on
        # with no more changes, as a player's game is scored past its ending (``held_back``)
        self.hold_ended = False
        self._dilemma_mask: dict[str, Array] = {}
        self._snapshots: dict[int, tuple[State, dict[str, Any], dict[Any, Array]]] = {}
        self.blocks = [dict(pins) for pins in blocks] if blocks is not None else None
        if self.blocks is None:
            self._params = draw_parameters(
                world, self.scenario, {**self.pins, **self.run_pins}, self.seed, self.runs, level
            )
        else:
            if not self.blocks or self.runs % len(self.blocks):
                raise GameError(f"{self.runs} runs do not make {len(self.blocks)} equal blocks")
            seeds = [self.seed] * len(self.blocks) if block_seeds is None else [int(s) for s in block_seeds]
            if len(seeds) != len(self.blocks) or min(seeds) < 0:
                raise GameError(f"give {len(self.blocks)} seeds, one per block, each zero or more")
            for own in self.blocks:
                check_pins(world, own, allow_out_of_range=allow_out_of_range)
            each = self.runs // len(self.blocks)
            self._params = draw_blocks(world, self.scenario, self.blocks, seeds, each, level)
        self.block_seeds = seeds if self.blocks is not None else None
        self._stepper = Stepper(world, scenario, self.scenario, self.seed, self.runs, self._params)
        if self.blocks is not None:
            self._stepper.blocks = len(self.blocks)
            self._stepper.block_seeds = tuple(seeds)
        # a batch of plans: each block's answers to its dilemmas, by (turn, event)
        self.block_choices: list[dict[tuple[int, str], str]] | None = None
        self.block_answers: list[tuple[ChoiceMade, tuple[int, ...]]] = []  # and the blocks of each given
        self.block_events: list[tuple[int, FiredEvent]] = []  # the events each block's own game records
        self.turn_years = self._stepper.turn_years
        self.dt = self._stepper.dt
        self._recorder = Recorder(self._stepper, record)
        self._state = self._stepper.initial_state()
        for sid, factor in (level.start.items() if level is not None else ()):
            self._state.stocks[sid] = self._state.stocks[sid] * factor  # more or less capital to start
        self.env: dict[Any, Array] = self._stepper.initial_env(self._state)
        self._recorder.record(self.env, self._state.stocks, self.turn)
        self.status_quo: Game | None = self._twin_at_start() if status_quo else None

    # ------------------------------------------------------------------ reading

    def parameter(self, pid: str) -> Array:
        """The drawn (or pinned) value of a parameter in each run, before any effect."""
        return self._params[pid]

    def date(self, index: int | None = None) -> str:
        """Label of a turn's start: ``2012Q3`` for quarters, ``2014`` for years that start in January,
        ``2012-05`` for months. State t is the world after turn t (0: just before turn 1)."""
        index = self.turn if index is None else index
        sc = self.scenario
        months = (sc.start_quarter - 1) * 3 + (index - 1) * sc.months_per_turn
        year, month = sc.start_year + months // 12, months % 12
        if sc.months_per_turn % 12 == 0 and month == 0:
            return f"{year}"
        if sc.months_per_turn == 3 or sc.months_per_turn % 3 == 0:
            return f"{year}Q{month // 3 + 1}"
        return f"{year}-{month + 1:02d}"

    def year(self, turn: int | None = None) -> float:
        """The formulas' ``year`` at a turn (default: the coming one): the start of the period it
        resolves, so 2012.75 is October-December 2012 in a game of quarters."""
        turn = self.turn + 1 if turn is None else turn
        return float(self._stepper.time(turn)["year"][0, 0])

    @property
    def recorded(self) -> tuple[str, ...]:
        """Names whose history the game keeps (indicators, lagged names, sides' money and capital)."""
        return tuple(self._recorder.names)

    def value(self, name: str) -> Array:
        """Current value of any named quantity, one row per run."""
        if name not in self.env:
            raise GameError(
                f"unknown name {name!r}{did_you_mean(name, [k for k in self.env if isinstance(k, str)])}"
            )
        return np.asarray(self.env[name])

    def history(self, indicator: str) -> Array:
        """History of a recorded quantity: shape (turn + 1, runs) or (turn + 1, runs, rows)."""
        if indicator not in self._recorder.series:
            raise GameError(
                f"unknown indicator {indicator!r}{did_you_mean(indicator, self.world.indicators)}"
            )
        return self._recorder.history(indicator)

    @property
    def pending(self) -> Mapping[str, int]:
        """Levels chosen for the coming turn, by action (read-only: use set_level and unset_level)."""
        return MappingProxyType(self._pending)

    def state_digest(self) -> str:
        """A hash of the whole state, bit for bit: two games with equal digests have the same future."""
        return self._state.digest()

    def snapshot(self) -> Snapshot:
        """A read-only copy of the state now: stocks, committed levels, event counts, pending levels."""
        return Snapshot.of(self._state, self.turn, self._pending)

    def attribution(self, indicator: str, turn: int | None = None, run: int = 0) -> list[Contribution]:
        """Split an indicator's change over a turn into signed contributions that sum to it.

        Drivers are switched on one at a time, in a fixed order (events, then actions, then
        rules), in a batch of copies of the run resolved side by side; each driver's part is
        what switching it on added. What no driver explains (trends in time, lags, decisions
        taken between turns) is reported as "other".
        """
        turn = self.turn if turn is None else turn
        if indicator not in self.world.indicators:
            raise GameError(
                f"unknown indicator {indicator!r}{did_you_mean(indicator, self.world.indicators)}"
            )
        if self.world.indicators[indicator].axis is not None:
            raise GameError(f"{indicator} has one value per row; pick a single-number indicator to explain")
        if self.runs != 1:
            raise GameError("attribution explains a single-run game")
        if turn not in self._snapshots:
            raise GameError(f"no record of turn {turn} to explain")
        state, pending, env_prev = self._snapshots[turn]
        series = self._recorder.series[indicator]
        before, after = float(series[turn - 1][run, 0]), float(series[turn][run, 0])
        lags = self._recorder.lags(turn)
        return attribute(self._stepper, state, pending, env_prev, lags, indicator, turn, run, before, after)

    def debrief(self) -> Debrief:
        """Score the game against its status-quo run on the scenario's objectives."""
        return debrief(self)

    @property
    def is_over(self) -> bool:
        """The last turn is played, or run 0 met one of the scenario's endings.

        An interactive game stops there; headless runs play on to the last turn so every
        run has a full history, and ``ended_turn`` / ``ending_id`` record where each ended.
        """
        return self.turn >= self.turns or bool(self.ended_turn[0, 0] <= self.turn)

    @property
    def ending(self) -> Ending | None:
        eid = self.ending_id[0]
        if eid is None:
            return None
        return next(e for e in self.scenario.endings if e.id == eid)

    # ------------------------------------------------------------------ deciding

    def level(self, aid: str) -> int:
        """The level the player has chosen for the coming turn (run 0)."""
        self._action(aid)
        return self._pending.get(aid, int(self._state.level[aid][0, 0]))

    def committed_level(self, aid: str) -> int:
        return int(self._state.level[aid][0, 0])

    def lock_reason(self, aid: str) -> str | None:
        """Why the player may not change this action in this game, or None if they may.

        A scenario about one idea offers only its own levers; a class can lock more (``locks``).
        """
        if self.scenario.actions and aid not in self.scenario.actions:
            return f"{aid} is not one of this scenario's levers"
        return self.locks.get(aid)

    def played_sides(self) -> set[str]:
        """The sides whose levers the player is offered (every side, when the scenario names no levers)."""
        return {self.world.actions[aid].spec.side for aid in self.playable_actions()}

    def _asks(self, event_id: str) -> bool:
        """Whether the player is asked this event's dilemma: it concerns a side they play, or both."""
        event = self.world.events.get(event_id)
        side = event.spec.side if event is not None else None
        return not self.scenario.actions or side is None or side in self.played_sides()

    def playable_actions(self) -> list[str]:
        """Actions a player sees: the scenario's levers (all when it names none), hidden ones left out."""
        offered = self.scenario.actions or list(self.world.actions)
        return [aid for aid in offered if not self.world.actions[aid].spec.hidden]

    @property
    def turn_scale(self) -> TurnScale:
        """How the content's per-turn numbers (ramps, effect durations) convert to this game's turns."""
        return self._stepper.scale

    def _action(self, aid: str) -> ActionInfo:
        if aid not in self.world.actions:
            raise GameError(unknown("action", aid, self.world.actions, self.world.pack_ids))
        return self.world.actions[aid]

    def action_cost(self, aid: str, level: Array | int, env: Mapping[Any, Array] | None = None) -> Array:
        """Money per turn the action costs at a level, in each run."""
        return self._stepper.action_cost(aid, level, self.env if env is None else env)

    def check_level(self, aid: str, level: int) -> list[str]:
        """Reasons the side cannot set this level now (empty when it can)."""
        info = self._action(aid)
        if not 0 <= level < info.levels:
            return [f"{aid} has levels 0 to {info.levels - 1}"]
        reasons: list[str] = []
        current = self.committed_level(aid)
        locked = self.lock_reason(aid)
        if locked is not None and level != current:
            reasons.append(locked)
        if level > current:
            reasons += [
                message
                for message, from_level, met in self.prerequisites(aid)
                if level > from_level and not met
            ]
        side_id = info.spec.side
        side = self.world.sides.get(side_id)
        if side is not None:
            trial = {**self._pending, aid: level}
            money = self.planned_cost(side_id, trial)
            budget = float(np.mean(self.env[side.budget]))
            if money > budget + 1e-9:
                reasons.append(
                    f"costs {money:.2f} {side.money_unit} a turn in all, above the budget of {budget:.2f}"
                )
            capital = self.capital_needed(side_id, trial)
            available = self.capital(side_id)
            if capital > available + 1e-9:
                own = info.capital_to_change(current, level)
                planned = capital - own  # what the side's other planned changes already take
                need, have = _shortfall(capital, available)
                if planned > 1e-9:
                    reasons.append(
                        f"needs {own:.0f} political capital; with the {planned:.0f} the other planned "
                        f"changes take, that is {need}, and {have} is available"
                    )
                else:
                    reasons.append(f"needs {need} political capital, {have} available")
        return reasons

    def planned_cost(self, side: str, pending: Mapping[str, int] | None = None) -> float:
        """Money per turn the side's actions would cost at the chosen levels."""
        pending = self._pending if pending is None else pending
        total = 0.0
        for aid, info in self.world.actions.items():
            if info.spec.side == side:
                level = pending.get(aid, self.committed_level(aid))
                total += float(np.mean(self.action_cost(aid, level)))
        return total

    def capital(self, side: str) -> float:
        """Political capital the side has now (the mean over runs)."""
        return float(np.mean(self._state.stocks[self.world.sides[side].capital]))

    def capital_needed(self, side: str, pending: Mapping[str, int] | None = None) -> float:
        """Political capital the side's chosen changes will cost when the turn resolves."""
        pending = self._pending if pending is None else pending
        return sum(
            self.world.actions[aid].capital_to_change(self.committed_level(aid), level)
            for aid, level in pending.items()
            if self.world.actions[aid].spec.side == side
        )

    def prerequisites(self, aid: str) -> list[tuple[str, int, bool]]:
        """Each prerequisite of an action: (what the player is told when unmet, the level above
        which it applies, whether it is met now, counting other levers at their chosen levels)."""
        info = self._action(aid)
        scope = Overlay(self.env)
        for other, chosen in self._pending.items():
            if other != aid:
                scope[other] = np.full((1, 1), self.world.actions[other].values[chosen])
        out = []
        for i, (formula, message, from_level) in enumerate(info.prerequisites):
            what = f"prerequisite {i + 1} of action {aid}"
            origin = finite.item_origin(self._stepper, "action", aid, what, "prerequisites", i, "formula")
            value = finite.evaluate(self._stepper, formula, scope, origin, None)
            met = bool(finite.truth(self._stepper, value, origin, None).all())
            out.append((message, from_level, met))
        return out

    def set_level(self, aid: str, level: int, *, enforce: bool = True) -> None:
        """Choose an action's level for the coming turn; raise ActionRefused if not allowed.

        With ``enforce=False`` (headless what-if plans) the level is set anyway and what the
        game would have refused is kept in ``warnings``.
        """
        if self.turn >= self.turns or (self.interactive and self.is_over):
            raise GameError("the game is over")
        info = self._action(aid)
        if not isinstance(level, int | np.integer) or not 0 <= level < info.levels:
            raise ActionRefused(aid, level, [f"{aid} has levels 0 to {info.levels - 1}"])
        reasons = self.check_level(aid, int(level))
        if reasons:
            if enforce:
                raise ActionRefused(aid, level, reasons)
            self.warnings.append(f"turn {self.turn + 1}: {aid} -> {level}: " + "; ".join(reasons))
        self._plan(aid, int(level))
        if enforce:
            self._drop_unsupported()

    def unset_level(self, aid: str) -> None:
        """Drop the change planned for an action this turn (it keeps its current level)."""
        self._action(aid)
        self._pending.pop(aid, None)
        self._drop_unsupported()

    def restore_plan(self, levels: Mapping[str, int]) -> None:
        """Put back planned changes that were checked when they were planned (a two-player game's
        sealed plans, put together when the turn resolves).

        Each side's plan was checked against that side's money, capital and locks, and those
        still hold; a change whose prerequisite another side's plan took away is dropped and
        told in ``dropped``, as when a player's own change takes it away.
        """
        for aid, level in levels.items():
            self._action(aid)
            self._plan(aid, int(level))
        self._drop_unsupported()

    def _plan(self, aid: str, level: int) -> None:
        """Plan a level for the coming turn; the level the action has already is no change."""
        if level == self.committed_level(aid):
            self._pending.pop(aid, None)
        else:
            self._pending[aid] = level

    def unsupported_changes(self) -> list[tuple[str, int, list[str]]]:
        """Planned raises whose prerequisites the levels now planned no longer meet: each as
        (action, planned level, what the player is told for each unmet prerequisite)."""
        out = []
        for aid, level in sorted(self._pending.items()):
            if level <= self.committed_level(aid) or not self.world.actions[aid].prerequisites:
                continue
            unmet = [why for why, above, met in self.prerequisites(aid) if level > above and not met]
            if unmet:
                out.append((aid, level, unmet))
        return out

    def _drop_unsupported(self) -> None:
        """In a played game, a planned raise that rested on another planned change goes when that
        change goes (Mexico's designation cancelled: the US support planned for it is dropped),
        and is told in ``dropped``. Headless games keep their plan and warn when the turn resolves."""
        if not self.interactive:
            return
        while broken := self.unsupported_changes():
            for aid, level, unmet in broken:
                self._pending.pop(aid, None)
                self.dropped.append((aid, level, unmet))

    def choose(self, event_id: str, choice_id: str) -> None:
        """Answer a pending dilemma with one of the choices it offers.

        An answer can move levels, so the dilemmas still waiting are offered anew: a choice
        the answer made pointless is no longer offered, and a dilemma left with nothing to
        decide takes its default at once.
        """
        dilemma = next((d for d in self.pending_dilemmas if d.event == event_id), None)
        if dilemma is None:
            raise GameError(f"no dilemma {event_id!r} is waiting for an answer")
        if choice_id not in {c.id for c in dilemma.choices}:
            offered = [c.id for c in dilemma.choices]
            raise GameError(
                f"dilemma {event_id!r} does not offer {choice_id!r}{did_you_mean(choice_id, offered)}; "
                f"it offers: {', '.join(offered)}"
            )
        self._answer(dilemma, choice_id)
        for waiting in list(self.pending_dilemmas):
            fresh = make_dilemma(
                self._stepper, self._state, self.env, self.turn, waiting.event, waiting.title, waiting.text,
                self._pending, locked=self.locks,
            )
            if len(fresh.choices) > 1:
                self.pending_dilemmas[self.pending_dilemmas.index(waiting)] = fresh
            else:
                self._answer(waiting, next(c.id for c in fresh.choices if c.default), by_default=True)
        self._drop_unsupported()  # an answer can take away what a planned change rested on

    def _answer(self, dilemma: Dilemma, choice_id: str, *, by_default: bool = False) -> None:
        mask = self._dilemma_mask.pop(dilemma.event)
        answer_dilemma(
            self._stepper, self._state, self.turn, dilemma.event, choice_id, mask, self.env, self._pending,
            self.locks,
        )
        label = next((c.label for c in dilemma.choices if c.id == choice_id), "")
        on_offer = tuple(c.id for c in dilemma.choices)
        made = ChoiceMade(dilemma.turn, dilemma.event, choice_id, by_default, label, on_offer)
        self.choices_made.append(made)
        self.pending_dilemmas.remove(dilemma)

    # ------------------------------------------------------------------ playing

    def resolve_turn(self) -> TurnReport:
        """Resolve the coming turn with the chosen levels; return what happened."""
        if self.pending_dilemmas:
            raise GameError(f"answer the dilemma first: {self.pending_dilemmas[0].title}")
        if self.turn >= self.turns or (self.interactive and self.is_over):
            raise GameError("the game is over")
        turn = self.turn + 1
        return self._step(turn, self._commit(turn))

    def _commit(self, turn: int) -> dict[str, int]:
        """The levels chosen for ``turn``, logged (and warned about where a headless plan sets a
        level whose prerequisite is unmet), handed over and no longer pending."""
        self._drop_unsupported()  # a played game drops them as they break: this is a last check
        for aid, level, unmet in self.unsupported_changes():  # a headless plan plays them, warned
            said = f"turn {turn}: {aid} -> {level}: "
            if not any(w.startswith(said) for w in self.warnings):  # not already warned when set
                self.warnings.append(said + "; ".join(unmet))
        for aid, level in sorted(self._pending.items()):
            previous = self.committed_level(aid)
            cost = float(np.mean(self.action_cost(aid, level)))
            capital = self.world.actions[aid].capital_to_change(previous, level)
            self.log.append(Decision(turn, aid, level, previous, cost, capital))
        pending, self._pending = self._pending, {}
        return pending

    def event_title(self, turn: int, eid: str) -> str:
        """An event's title as it was read when it fired in ``turn`` (its variant's: "Another
        massacre shocks Mexico"), else its own title, else its id."""
        for fired in self.events_fired:
            if fired.turn == turn and fired.event == eid:
                return fired.title
        return self.world.events[eid].spec.title or eid

    def held_back(self, turn: int) -> str | None:
        """Why a plan sets no more levels in this one-run game before ``turn``, or None: with
        ``hold_ended``, it met an ending in an earlier turn. Nobody is left in office to set them;
        the run plays on with no more changes, as a player's game that ended is scored."""
        if not self.hold_ended or self.runs != 1 or int(self.ended_turn[0, 0]) >= turn:
            return None
        ending = self.ending
        title = f" ({ending.title})" if ending is not None else ""
        return f"{NOT_MADE}the game ended in {self.date(int(self.ended_turn[0, 0]))}{title}"

    def _step(self, turn: int, pending: Mapping[str, int | Array]) -> TurnReport:
        """Resolve turn ``turn`` with the levels ``pending`` sets (one per run, in a batch of plans)."""
        if self.hold_ended and pending:
            held = self.ended_turn < turn  # the runs that met an ending keep their levels
            if held.any():
                levels = self._state.level
                pending = {aid: np.where(held, levels[aid], level) for aid, level in pending.items()}
        lags = self._recorder.lags(turn)
        if self._keep_snapshots:
            self._snapshots[turn] = (self._state.frozen_copy(), dict(pending), self.env)
        with np.errstate(all="ignore"):
            env = self._stepper.advance(self._state, turn, pending, None, lags, self.env)
        self.turn = turn
        env.update(lags)
        self.env = env
        self._recorder.record(env, self._state.stocks, self.turn)
        drawn = draw_events(
            self._stepper,
            self._state,
            turn,
            env,
            ended_turn=self.ended_turn,
            interactive=self.interactive,
            planned_choices=self.planned_choices,
            pending=self._pending,
            locked=self.locks,
            planned_blocks=self.block_choices,
        )
        self.events_fired.extend(drawn.fired)
        self.choices_made.extend(drawn.answered)
        self.block_answers.extend(zip(drawn.answered, drawn.answered_in, strict=False))
        self.block_events.extend(drawn.fired_in)
        self._dilemma_mask.update(drawn.masks)
        self.pending_dilemmas.extend(drawn.dilemmas)
        ending = self._check_endings(turn, env)
        posed = tuple(drawn.dilemmas)
        if self.interactive and posed:
            # nobody is left to decide (the game is over), or nobody plays the side the dilemma
            # concerns (a scenario that offers one side's levers): as if nobody did
            unasked = posed if self.is_over else tuple(d for d in posed if not self._asks(d.event))
            for dilemma in unasked:
                self._answer(dilemma, next(c.id for c in dilemma.choices if c.default), by_default=True)
            posed = tuple(d for d in posed if d not in unasked)
        if self.status_quo is not None and self.status_quo.turn < self.status_quo.turns:
            self.status_quo.resolve_turn()
        return TurnReport(turn, self.date(turn), tuple(drawn.fired), posed, ending)

    def _check_endings(self, turn: int, env: Mapping[Any, Array]) -> Ending | None:
        self.ended_turn, reached = reach_endings(self._stepper, turn, env, self.ended_turn, self.ending_id)
        return reached

    # ------------------------------------------------------------------ looking ahead

    def batch(self, runs: int) -> Game:
        """A new headless game of ``runs`` runs that replays this game's decisions and answers so far.

        Uncertain parameters are drawn per run, so its spread shows what the same choices
        could have led to.
        """
        if self.run_pins:
            raise GameError("a game with a value per run for a parameter cannot be replayed as a batch")
        if self.blocks is not None:
            raise GameError("a batch of plans cannot be replayed as a batch: replay each plan")
        twin = Game(
            self.world,
            self.scenario_id,
            self.seed,
            runs,
            self.pins,
            snapshots=False,
            difficulty=self.difficulty,
            allow_out_of_range=self.allow_out_of_range,
        )
        return replay(twin, self.log, self.choices_made, self.turn)

    def _twin_at_start(self) -> Game:
        """The status-quo twin of a game just set up: what ``Game(world, scenario, seed, runs, pins,
        difficulty=, blocks=, block_seeds=, snapshots=False)`` would build, copied rather than
        built again. Its parameters would be drawn from the same seeds and pins, and its first
        state and values computed from them, to the same bits: half of a new game's set-up (12 of
        26 ms for the base game) was the twin doing it all a second time. It shares the game's
        parameters (never written into once drawn) and stepper (whose caches are keyed by what
        they hold), as every fork does, and records only what a game records by default."""
        twin = self.fork()
        twin.locks, twin.players, twin.planned_choices = {}, {}, {}
        twin.undo_allowed = True
        twin._recorder = Recorder(self._stepper, ())
        twin._recorder.record(twin.env, twin._state.stocks, twin.turn)
        # a recorder tells its stepper the names it keeps (a big batch's turn copies them out
        # as it runs); the twin's are a part of the game's, which the shared stepper keeps
        self._stepper.kept = frozenset(self._recorder.names)
        return twin

    def fork(self) -> Game:
        """An independent copy of this game (no status-quo twin, dilemmas take their default)."""
        twin = copy.copy(self)
        twin._state = self._state.copy()
        twin._recorder = self._recorder.copy()
        twin.env = dict(self.env)
        twin._pending = dict(self._pending)
        twin.pending_dilemmas = []
        twin.log = list(self.log)
        twin.choices_made = list(self.choices_made)
        twin.block_answers = list(self.block_answers)
        twin.block_events = list(self.block_events)
        twin.events_fired = list(self.events_fired)
        twin.warnings = list(self.warnings)
        twin.dropped = []
        twin.players = dict(self.players)
        twin.ending_id = list(self.ending_id)
        twin.ended_turn = self.ended_turn.copy()
        twin.planned_choices = dict(self.planned_choices)
        twin.interactive = False
        twin.status_quo = None
        twin._dilemma_mask = {}
        twin._keep_snapshots = False
        twin._snapshots = {}
        return twin

    def spread(self, values: Mapping[str, Sequence[float] | Array], run: int = 0) -> Game:
        """A headless copy of one run's present over one run per value of some parameters.

        Run i continues from this game's state (run ``run`` of it) with each parameter given
        at ``values[pid][i]`` from the next turn on; the others keep their values. What the
        runs then do apart is what those parameters do from here, which is how the game
        says what a forecast depends on.
        """
        if self.blocks is not None:
            raise GameError("a batch of plans cannot be spread: spread one plan's own game")
        counts = {len(np.ravel(v)) for v in values.values()}
        if len(counts) != 1:
            raise GameError("give every parameter the same number of values, one per run")
        runs = counts.pop()
        if runs < 1:
            raise GameError("give at least one value per parameter")
        overrides: dict[str, Array] = {}
        for pid, given in values.items():
            param = self.world.parameters.get(pid)
            if param is None:
                raise GameError(f"unknown parameter {pid!r}{did_you_mean(pid, self.world.parameters)}")
            if param.over is not None:
                raise GameError(f"parameter {pid} has one value per row and cannot be varied by run")
            array = np.asarray(given, dtype=np.float64).reshape(runs, 1)
            if not np.isfinite(array).all():
                raise GameError(f"parameter {pid} must be finite in every run")
            for value in (array.min(), array.max()):
                check_pins(self.world, {pid: float(value)}, allow_out_of_range=self.allow_out_of_range)
            overrides[pid] = array

        def one_run(value: Array) -> Array:
            if value.ndim == 2 and value.shape[0] == self.runs:
                return np.repeat(value[run : run + 1], runs, axis=0)
            return value

        twin = self.fork()
        twin.runs = runs
        twin._state = self._state.tile(run, runs)
        twin._params = {pid: one_run(value) for pid, value in self._params.items()} | overrides
        twin.pins = {pid: v for pid, v in self.pins.items() if pid not in overrides}
        twin.run_pins = {pid: one_run(v) for pid, v in self.run_pins.items() if pid not in overrides}
        twin.run_pins |= overrides
        twin._stepper = Stepper(self.world, self.scenario_id, self.scenario, self.seed, runs, twin._params)
        twin._recorder = self._recorder.tile(twin._stepper, run, runs)
        twin.env = {k: one_run(v) if isinstance(v, np.ndarray) else v for k, v in self.env.items()}
        twin.ended_turn = np.repeat(self.ended_turn[run : run + 1], runs, axis=0)
        twin.ending_id = [self.ending_id[run]] * runs
        return twin

    def preview(self, changes: Mapping[str, int], turns: int = 4) -> dict[str, float]:
        """How each indicator would differ after ``turns`` turns if these levels were chosen now.

        Both futures are played from the current state with the same seed, so the difference
        is the model's own expectation of the change's effect, not a guess. Run 0 (or the mean
        over runs). Budgets and capital are not checked.
        """
        if self.is_over:
            return {}
        turns = max(1, min(turns, self.turns - self.turn))
        with_change, without = self.fork(), self.fork()
        for aid, level in changes.items():
            with_change.set_level(aid, level, enforce=False)
        for future in (with_change, without):
            future.warnings = []
            for _ in range(turns):
                if future.turn < future.turns:
                    future.resolve_turn()
        out = {}
        for ind, info in self.world.indicators.items():
            if info.axis is None:
                out[ind] = float(np.mean(with_change.value(ind)) - np.mean(without.value(ind)))
        return out


def _shortfall(needed: float, available: float) -> tuple[str, str]:
    """``needed`` and ``available`` as a refusal shows them: whole points, or as many decimals as
    it takes to tell them apart (2.96 available of 3 needed read "3 available")."""
    if f"{needed:.0f}" != f"{available:.0f}":
        return f"{needed:.0f}", f"{available:.0f}"
    for decimals in range(1, 4):
        if f"{needed:.{decimals}f}" != f"{available:.{decimals}f}":
            whole = float(needed).is_integer()
            return (f"{needed:.0f}" if whole else f"{needed:.{decimals}f}"), f"{available:.{decimals}f}"
    return f"{needed:.0f}", f"{available:.4f}"
