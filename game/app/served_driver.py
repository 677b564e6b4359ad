"""The web driver of a game served in a browser, which also goes when its server goes.

``borderline serve`` (textual-serve) runs each tab's game as a process talking through its
standard input and output. When the server stops (a teacher's Ctrl+C in another terminal, a
``kill``, a service stop), that pipe closes; Textual's web driver then ends its input loop
without a word, and a game waiting for a key (a student's name card, a dialog) lived on,
one orphan process per tab. This driver ends the game when its input ends.
"""

from __future__ import annotations

from textual.drivers.web_driver import WebDriver


class ServedDriver(WebDriver):
    """Textual's web driver; when the server's pipe closes, the game exits (it autosaves each turn)."""

    def run_input_thread(self) -> None:
        super().run_input_thread()
        if self.exit_event.is_set():  # the game is stopping by itself: nothing to do
            return
        try:
            self._app.call_from_thread(self._app.exit)
        except RuntimeError:  # the game's loop is already gone
            pass
