"""The turn report and news feed: what happened each turn, the latest first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

if TYPE_CHECKING:
    from game.engine import Game


def news_text(game: Game, limit_turns: int = 12) -> Content:
    """Events, dilemma answers and decisions per turn, newest first."""
    from game.app.readouts import timeline
    from game.app.words import quarter, reflow

    if game.turn == 0:
        word = game.scenario.turn_name
        return Content(f"No news yet. Set your policies on the right, then press e to end the {word}.")
    by_turn: dict[int, list[str]] = {}
    for entry in timeline(game):
        mark = {"decision": "•", "event": "!", "choice": "?"}[entry.kind]
        by_turn.setdefault(entry.turn, []).append(f" {mark} {entry.text}")
    for event in game.events_fired:
        if event.text:
            lines = by_turn.setdefault(event.turn, [])
            for i, line in enumerate(lines):
                if line == f" ! {event.title}":
                    lines[i] = f" ! {event.title}: {reflow(event.text)}"
    parts: list[Content] = []
    if game.ending is not None:
        parts.append(Content.styled(f"{game.ending.title}. {game.ending.text}\n", "bold $text-error"))
    for turn in range(game.turn, max(0, game.turn - limit_turns), -1):
        lines = by_turn.get(turn) or [f" A quiet {game.scenario.turn_name}: no events, no changes."]
        parts.append(Content.styled(f"{quarter(game.date(turn))}\n", "bold"))
        parts.append(Content("\n".join(lines) + "\n"))
    return Content("").join(parts).rstrip()


class NewsFeed(VerticalScroll):
    """Scrollable report of the latest turns."""

    DEFAULT_CSS = """
    NewsFeed { height: 1fr; padding: 0 1; }
    """

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static("", id="news-text")

    def show(self, game: Game) -> None:
        self.query_one("#news-text", Static).update(news_text(game))
        self.scroll_home(animate=False)
