"""Replaying a log into a game: the one loop behind plans, batches, the charts' bands and saves.

Mesa-style, the game only steps; this function feeds it the levels chosen before each turn
and the answers to its dilemmas, so a plan, a batch of a played game and a restored save
are the same thing: a log played forward.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from game.engine.errors import GameError

if TYPE_CHECKING:  # the game module imports this one
    from game.engine.game import Game


class LevelChoice(Protocol):
    """A level set before a turn resolved (a plan's step, a logged decision)."""

    @property
    def turn(self) -> int: ...
    @property
    def action(self) -> str: ...
    @property
    def level(self) -> int: ...


class Answer(Protocol):
    """A dilemma answered at the end of a turn (a plan's choice, a logged answer)."""

    @property
    def turn(self) -> int: ...
    @property
    def event(self) -> str: ...
    @property
    def choice(self) -> str: ...

    # a logged answer (ChoiceMade) may also say ``by_default``: nobody chose, the default was taken


@dataclass(frozen=True)
class Step:
    """A level set before a turn: the plainest ``LevelChoice``."""

    turn: int
    action: str
    level: int


def decisions_by_turn(decisions: Iterable[LevelChoice]) -> dict[int, list[LevelChoice]]:
    """Each turn's decisions, in the order given (the order they are set in before the turn)."""
    by_turn: dict[int, list[LevelChoice]] = {}
    for decision in decisions:
        by_turn.setdefault(decision.turn, []).append(decision)
    return by_turn


def replay(
    game: Game,
    decisions: Iterable[LevelChoice],
    answers: Iterable[Answer] = (),
    turns: int | None = None,
    *,
    live_last_turn: bool = False,
    hold_ended: bool = False,
) -> Game:
    """Play ``game`` on to turn ``turns`` (default: its last), setting each turn's levels before it.

    Levels are set in the order given, as a what-if plan sets them: nothing is refused, and
    what the game would have refused is kept in ``game.warnings``. Dilemmas are answered as
    they come, from ``answers`` or else with their default choice (the engine answers after
    all of a turn's events are drawn, exactly as a player does, so both give the same
    numbers). With ``live_last_turn`` the last turn is resolved as a player would, unless
    the game is already over: its dilemmas wait, and then receive their logged answers in
    order, so a dilemma left unanswered in the log is still waiting at the end.
    ``hold_ended`` (a plan, not a log): a run that meets an ending takes no more of the plan's
    levels and plays on with no more changes, as a player's game is scored past its ending; in a
    one-run game those steps are not made, each said in ``game.warnings``.
    """
    last = game.turns if turns is None else turns
    by_turn = decisions_by_turn(decisions)
    answered = list(answers)
    # an answer nobody gave (the default, taken as nobody was left to decide) is left to the game,
    # which takes the default again and records it as such, in the words the player read
    given = [
        a
        for a in answered
        if not (getattr(a, "by_default", False) and a.choice == _default_choice(game, a.event))
    ]
    game.planned_choices = {(a.turn, a.event): a.choice for a in given}
    game.hold_ended = hold_ended
    for turn in range(game.turn + 1, last + 1):
        live = live_last_turn and turn == last and not game.is_over
        if live_last_turn:
            game.interactive = live
        for decision in by_turn.get(turn, ()):
            held = game.held_back(turn)
            if held is not None:
                game.warnings.append(f"turn {turn}: {decision.action} -> {decision.level}: {held}")
                continue
            game.set_level(decision.action, decision.level, enforce=False)
        game.resolve_turn()
        if live:
            for answer in answered:
                # an earlier answer may have left a later dilemma nothing to decide: answered already
                if answer.turn == turn and any(d.event == answer.event for d in game.pending_dilemmas):
                    game.choose(answer.event, answer.choice)
    return game


def undo_last_turn(game: Game) -> Game:
    """The game as it stood before its last turn resolved: a new game replayed from the log minus
    that turn, with the turn's decisions planned again (the player may change them) and its
    dilemma answers forgotten (they are asked again if the turn is played again).

    Replaying is deterministic, so playing the turn again with the same plan and answers gives
    the same numbers, to the bit. A scenario with ``undo = false`` refuses (GameError).
    """
    from game.engine.game import Game as Fresh  # the game module imports this one

    if not game.scenario.undo:
        raise GameError(f"scenario {game.scenario_id!r} does not allow undoing a turn")
    last = game.turn
    if last < 1:
        raise GameError("no turn has been played yet: there is nothing to undo")
    fresh = Fresh(
        game.world,
        game.scenario_id,
        game.seed,
        game.runs,
        game.pins,
        status_quo=game.status_quo is not None,
        interactive=True,
        difficulty=game.difficulty,
        allow_out_of_range=game.allow_out_of_range,
    )
    earlier = [d for d in game.log if d.turn < last]
    answers = [c for c in game.choices_made if c.turn < last]
    replay(fresh, earlier, answers, last - 1, live_last_turn=True)
    fresh.interactive = True
    fresh.planned_choices = {}
    fresh.warnings = list(game.warnings)
    for decision in game.log:
        if decision.turn == last:
            fresh.set_level(decision.action, decision.level, enforce=False)
    return fresh


def _default_choice(game: Game, event: str) -> str | None:
    """The id of the choice a dilemma takes when nobody decides (None: no such event in this world)."""
    info = game.world.events.get(event)
    return next((c.id for c in info.spec.choices if c.default), None) if info is not None else None
