"""The hand-over between two players at one keyboard: a blank screen that shows no game at all.

It covers the whole game (a full screen, not a dialog over it), so the player taking the
seat sees nothing the previous one planned; it says whose turn it is and why, and waits for
the new player to press enter.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Middle, Vertical
from textual.content import Content
from textual.widgets import Static

from game.app.screens.styled import StyledOnce
from game.app.widgets.keys_footer import KeysFooter
from game.app.words import reflow


class HandOverScreen(StyledOnce[None]):
    """"Pass the keyboard to Beto (Mexico)": enter when the next player has the seat."""

    HELP = (
        "Two players share this game. Each plans their own government's levers in secret; the "
        "plans resolve together when both have ended the turn. Press enter when the player "
        "named here has the keyboard."
    )

    BINDINGS = [
        Binding("enter,space", "take_seat", "I'm ready", priority=True),
        Binding("q", "app.quit_game", "Quit"),
    ]

    DEFAULT_CSS = """
    HandOverScreen { align: center middle; }
    HandOverScreen #hand-over-box {
        width: 64; max-width: 100%; height: auto; border: thick $accent; padding: 1 2;
    }
    HandOverScreen #hand-over-title { text-style: bold; width: 100%; content-align: center middle; }
    """

    def __init__(self, player: str, side_name: str, reason: str) -> None:
        super().__init__()
        self.player, self.side_name, self.reason = player, side_name, reason

    def compose(self) -> ComposeResult:
        with Middle(), Center(), Vertical(id="hand-over-box"):
            yield Static(
                Content(f"Pass the keyboard to {self.player} ({self.side_name})"), id="hand-over-title"
            )
            yield Static(Content("\n" + reflow(self.reason)), id="hand-over-reason")
            yield Static(
                Content.styled(f"\n{self.player}: press enter when you are ready.", "bold"),
                id="hand-over-ready",
            )
        yield KeysFooter()

    def action_take_seat(self) -> None:
        self.dismiss(None)
