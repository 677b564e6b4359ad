"""What a game reports and logs: decisions, answers, events, dilemmas, contributions, turn reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from game.content.schema import Choice, Ending


@dataclass(frozen=True)
class Decision:
    """One entry of the action log: a level chosen before a turn resolved.

    ``cost`` is the money a turn the action costs at its new level and ``capital`` the
    political capital the change took, as the game counted them when the turn resolved
    (for the record: they are worked out again when a log is replayed).
    """

    turn: int
    action: str
    level: int
    previous: int
    cost: float = field(default=0.0, compare=False)
    capital: float = field(default=0.0, compare=False)


@dataclass(frozen=True)
class ChoiceMade:
    turn: int
    event: str
    choice: str
    # nobody chose: the dilemma left one choice, the game was over, or a plan named none; the
    # default was taken, and the debrief and exports say so rather than "chose"
    by_default: bool = field(default=False, compare=False)
    # the choice's words as the player read them (a variant's label); "" where none was shown
    label: str = field(default="", compare=False)
    # the choices on offer when it was answered (a lone game's; () where not known): What if? offers
    # no other answer that was not on offer, as the replay would give the default instead
    offered: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class FiredEvent:
    turn: int
    event: str
    title: str
    text: str
    share: float  # fraction of runs where it fired (1.0 in a game)


@dataclass(frozen=True)
class Dilemma:
    turn: int
    event: str
    title: str
    text: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class Contribution:
    """A signed part of an indicator's change over one turn."""

    kind: Literal["action", "event", "rule", "other"]
    id: str
    label: str
    value: float
    via: str = ""  # a rule moving no stock the indicator counts: the name of the stock it moves


@dataclass(frozen=True)
class TurnReport:
    turn: int
    date: str
    events: tuple[FiredEvent, ...]
    dilemmas: tuple[Dilemma, ...]
    ending: Ending | None
