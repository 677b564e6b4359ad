"""Replaying a log into a game: the one loop behind plans, batches, the charts' bands and saves.

Mesa-style, the game only steps; this function feeds it the levels chosen before each turn
and the answers to its dilemmas, so a plan, a batch of a played game and a restored save
are the same thing: a log played forward.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

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


@dataclass(frozen=True)
class Step:
    """A level set before a turn: the plainest ``LevelChoice``."""

    turn: int
    action: str
    level: int


def replay(
    game: Game,
    decisions: Iterable[LevelChoice],
    answers: Iterable[Answer] = (),
    turns: int | None = None,
    *,
    live_last_turn: bool = False,
) -> Game:
    """Play ``game`` on to turn ``turns`` (default: its last), setting each turn's levels before it.

    Levels are set in the order given, as a what-if plan sets them: nothing is refused, and
    what the game would have refused is kept in ``game.warnings``. Dilemmas are answered as
    they come, from ``answers`` or else with their default choice (the engine answers after
    all of a turn's events are drawn, exactly as a player does, so both give the same
    numbers). With ``live_last_turn`` the last turn is resolved as a player would, unless
    the game is already over: its dilemmas wait, and then receive their logged answers in
    order, so a dilemma left unanswered in the log is still waiting at the end.
    """
    last = game.turns if turns is None else turns
    by_turn: dict[int, list[LevelChoice]] = {}
    for decision in decisions:
        by_turn.setdefault(decision.turn, []).append(decision)
    answered = list(answers)
    game.planned_choices = {(a.turn, a.event): a.choice for a in answered}
    for turn in range(game.turn + 1, last + 1):
        live = live_last_turn and turn == last and not game.is_over
        if live_last_turn:
            game.interactive = live
        for decision in by_turn.get(turn, ()):
            game.set_level(decision.action, decision.level, enforce=False)
        game.resolve_turn()
        if live:
            for answer in answered:
                if answer.turn == turn:
                    game.choose(answer.event, answer.choice)
    return game
