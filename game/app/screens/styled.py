"""The base of every screen of the game: its widgets are styled once when it opens, not three times.

Textual styles each widget as it is mounted. A screen just pushed is then restyled whole twice
more before its first frame: once when it resumes (Textual restyles every screen that comes to
the top, in case something changed while it was covered, though a new screen was never
covered), and once when its first resize gives it the app's breakpoint classes (``-wide-enough``
and ``-tall-enough``, or the ``-too-*`` ones that show SizeNotice), which change what the
app's stylesheet selects under it. Styling is most of what opening a screen or a dialog costs,
so this base gives a screen its breakpoint classes when it is made (the resize then finds them
set and restyles nothing) and skips the restyle of its first resume, when every widget on it
was styled a moment before. Later resumes (a dialog closed over it) restyle as Textual does.
"""

from __future__ import annotations

from typing import TypeVar

from textual import events
from textual.geometry import Size
from textual.screen import Screen

from game.app.widgets.size_notice import HORIZONTAL_BREAKPOINTS, VERTICAL_BREAKPOINTS

ResultType = TypeVar("ResultType")


def size_classes(size: Size) -> dict[str, bool]:
    """The breakpoint classes Textual gives a screen of ``size`` (Screen._on_resize), each on or off."""
    classes = {name: False for _, name in [*HORIZONTAL_BREAKPOINTS, *VERTICAL_BREAKPOINTS]}
    for dimension, breakpoints in ((size.width, HORIZONTAL_BREAKPOINTS), (size.height, VERTICAL_BREAKPOINTS)):
        reached = [(at, name) for at, name in breakpoints if dimension >= at]
        if reached:
            classes[max(reached)[1]] = True
    return classes


class StyledOnce(Screen[ResultType]):
    """A screen styled once when it opens (see the module's docstring); every screen of the game is one."""

    def __init__(self, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._resumed = False  # whether it has come to the top before
        try:
            size = self.app.size
        except RuntimeError:  # made outside a running app (NoActiveAppError): its resize sets them
            return
        self.update_classes(size_classes(size), update=False)  # nothing mounted yet: nothing to restyle

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Textual calls each class's handler in turn, Screen's after this one: this only says
        # whether Screen's restyles the screen
        if not self._resumed:  # just composed: each widget was styled as it was mounted
            self._resumed = True
            event.refresh_styles = False
