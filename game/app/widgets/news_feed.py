"""The turn report and news feed: what happened each turn, the latest first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

from game.app.widgets import unchanged
from game.app.widgets.reading import Reading

if TYPE_CHECKING:
    from game.engine import Game


def coming_up(game: Game) -> Content:
    """Each side's next election, one short line each: when, the approval needed and what it is now.

    "◷ US votes 2012 Q4: needs 38%, has 45%", with "(next quarter)" when it is close; in the
    error colour, with a ✗, when approval is below what is needed.
    """
    from game.app.readouts import side_short
    from game.app.words import quarter
    from game.engine.elections import next_election

    lines = []
    word = game.scenario.turn_name
    for side in game.world.sides:
        vote = next_election(game, side)
        if vote is None:
            continue
        away = vote.turns_away(game.turn)
        when = f" (this {word})" if away == 0 else f" (next {word})" if away == 1 else ""
        short = side_short(game.world, side)
        short_of = vote.approval < vote.needed
        lines.append(
            Content.assemble(
                (f"◷ {short} votes {quarter(vote.date)}", "bold"),
                f"{when}: ",
                (
                    f"needs {vote.needed:.0f}%, has {vote.approval:.0f}%{' ✗' if short_of else ''}",
                    "$text-error" if short_of else "",
                ),
            )
        )
    return Content("\n").join(lines) + Content("\n") if lines else Content("")


def news_text(game: Game, limit_turns: int = 12) -> Content:
    """What is coming (elections), then events, dilemma answers and decisions per turn, newest first."""
    from game.app.readouts import timeline
    from game.app.words import quarter, reflow

    ahead = coming_up(game)
    if game.turn == 0:
        word = game.scenario.turn_name
        start = f"No news yet. Set your policies on the right, then press e to end the {word}."
        return ahead + Content(start)
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
    parts: list[Content] = [ahead] if ahead else []
    if game.ending is not None:
        parts.append(Content.styled(f"{game.ending.title}. {game.ending.text}\n", "bold $text-error"))
    for turn in range(game.turn, max(0, game.turn - limit_turns), -1):
        lines = by_turn.get(turn) or [f" A quiet {game.scenario.turn_name}: no events, no changes."]
        parts.append(Content.styled(f"{quarter(game.date(turn))}\n", "bold"))
        parts.append(Content("\n".join(lines) + "\n"))
    return Content("").join(parts).rstrip()


class NewsFeed(Reading):
    """Scrollable report of the latest turns."""

    DEFAULT_CSS = """
    NewsFeed { height: 1fr; padding: 0 1; }
    NewsFeed #news-guide { background: $boost; border-left: outer $accent; padding: 0 1; margin-bottom: 1; }
    """

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static("", id="news-guide")
        yield Static("", id="news-text")

    def show_hint(self, hint: Content | None) -> None:
        """The first-game guide's current hint above the news (None: no hint)."""
        guide = self.query_one("#news-guide", Static)
        guide.display = hint is not None
        unchanged.update(guide, hint or "")

    def show(self, game: Game) -> None:
        """The game's news, from the top; the same news again keeps the place the player scrolled to."""
        if unchanged.update(self.query_one("#news-text", Static), news_text(game)):
            self.scroll_home(animate=False)
