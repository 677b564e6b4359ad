"""The first-game guide: short hints that point at the parts of the main screen, one at a time.

Each hint shows from the turn it is useful (the dashboard, the levers and ending a turn
before the first turn; Why and the charts after it), points at its pane, and once dismissed
(g) never comes back; G dismisses the whole guide. Dismissed hints are kept in the player's
settings file, so a second game starts without them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Hint:
    id: str
    after_turn: int  # shown once this many turns have been played
    target: str  # the selector of the pane it points at
    text: str  # {turn}: the scenario's word for a turn; {undo}: the undo key, where the scenario allows it


HINTS = (
    Hint(
        "dashboard",
        0,
        "#dashboard",
        "The dashboard: each indicator now, its trend, its change this {turn} and its gap from the "
        "status quo (the same world without your changes).",
    ),
    Hint(
        "levers",
        0,
        "#actions",
        "The levers, right: ↑↓ pick one, + and - (or → and ←) change its level; the pane below "
        "shows its costs and the evidence for and against.",
    ),
    Hint(
        "end_turn",
        0,
        "#status",
        "What you plan happens when you press e to end the {turn}; then come the news and the "
        "dilemmas that need your answer.",
    ),
    Hint(
        "why",
        1,
        "#dashboard",
        "Something moved? Press w, or enter on a dashboard row: Why splits the change into the "
        "part of each rule, action and event.",
    ),
    Hint(
        "charts",
        2,
        "#dashboard",
        "c charts an indicator against the status quo; m shows Mexico's trafficking "
        "organizations{undo}.",
    ),
)


def next_hint(turn: int, dismissed: set[str]) -> Hint | None:
    """The first hint not yet dismissed whose turn has come."""
    return next((h for h in HINTS if h.id not in dismissed and turn >= h.after_turn), None)


def hint_text(hint: Hint, turn_word: str, undo: bool) -> str:
    """A hint's words in the scenario's terms."""
    return hint.text.format(turn=turn_word, undo=f"; u takes back the last {turn_word}" if undo else "")
