"""Served to a browser (``borderline serve``): the student's name first, which picks their folder.

Every save, autosave and export of a served game goes to a folder of its own under the saves
folder, named after the student; Continue and Load read only that folder, so a student who
reconnects after a closed tab gets their own newest autosave and never someone else's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Middle, Vertical
from textual.widgets import Input, Static

from game.app.screens.styled import StyledOnce
from game.app.widgets.keys_footer import KeysFooter

if TYPE_CHECKING:
    from game.app.app import BorderlineApp

MAX_STUDENT_NAME = 40


class StudentNameScreen(StyledOnce[str]):
    """Ask the student's name; dismiss with it once it makes a usable folder name."""

    HELP = (
        "This game is served by your teacher. Type your name and press enter: your saves and "
        "exports are kept under it, and typing the same name again later continues your game."
    )

    BINDINGS = [Binding("escape", "nothing", "", show=False)]

    DEFAULT_CSS = """
    StudentNameScreen { align: center middle; }
    StudentNameScreen #student-box {
        width: 60; max-width: 100%; height: auto; border: thick $accent; padding: 1 2;
    }
    StudentNameScreen #student-title { text-style: bold; }
    StudentNameScreen #student-name { margin-top: 1; }
    """

    def compose(self) -> ComposeResult:
        with Middle(), Center(), Vertical(id="student-box"):
            yield Static("Borderline · your name", id="student-title")
            yield Static(
                "Your saves and exports are kept under your name on the teacher's machine; "
                "type the same name when you come back to continue your game.",
                id="student-help",
            )
            field = Input(placeholder="your name", id="student-name", max_length=MAX_STUDENT_NAME)
            field.cursor_blink = self.borderline.cursor_blink
            yield field
            yield Static("", id="student-error")
        yield KeysFooter()

    @property
    def borderline(self) -> BorderlineApp:
        return self.app  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.query_one("#student-name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        from game.app.saving import SaveError, safe_name

        event.stop()
        name = " ".join(event.value.split())
        try:
            safe_name(name)
        except SaveError:
            self.query_one("#student-error", Static).update(
                "✗ Type a name with at least one letter or digit."
            )
            return
        self.dismiss(name)

    def action_nothing(self) -> None:
        """Escape does nothing here: the game needs a name to know where to keep it."""
