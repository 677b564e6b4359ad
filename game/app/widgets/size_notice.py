"""The notice that takes over a screen when the terminal is smaller than the game is laid out for.

Below 80x24 names shrink to stubs and whole rows vanish, so rather than a broken screen the
player reads one clear sentence: how big the terminal is and how big it must be. The app's
breakpoints put ``-too-narrow`` or ``-too-short`` on every screen, and the app's stylesheet
then hides the screen's widgets and shows this one (the app mounts one on the screen in view
when the terminal is too small, and on each screen that comes into view while it is).
"""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

MIN_WIDTH, MIN_HEIGHT = 80, 24
HORIZONTAL_BREAKPOINTS = [(0, "-too-narrow"), (MIN_WIDTH, "-wide-enough")]
VERTICAL_BREAKPOINTS = [(0, "-too-short"), (MIN_HEIGHT, "-tall-enough")]


class SizeNotice(Static):
    """What a screen shows instead of itself while the terminal is too small."""

    DEFAULT_CSS = """
    SizeNotice {
        width: 100%;
        height: 100%;
        background: $background;
        content-align: center middle;
        text-align: center;
        padding: 0 1;
        display: none;
    }
    """

    def __init__(self, *, id: str | None = None, last_focus: Widget | None = None) -> None:
        """``last_focus``: the widget focused on the screen as the terminal became too small."""
        super().__init__(id=id)
        self.last_focus = last_focus

    def on_mount(self) -> None:
        self.watch(self.screen, "focused", self._remember, init=True)

    def _remember(self, focused: Widget | None) -> None:
        if focused is not None:
            self.last_focus = focused

    def on_hide(self) -> None:
        """The terminal is big enough again: focus goes back where the player left it."""
        widget = self.last_focus
        if widget is not None and widget.is_attached and self.screen.focused is None:
            self.screen.set_focus(widget)

    def render(self) -> Content:
        width, height = self.app.size
        return Content.assemble(
            (f"Make the terminal at least {MIN_WIDTH}×{MIN_HEIGHT}", "bold"),
            f"\n\nIt is {width}×{height} now. Borderline needs {MIN_WIDTH} columns and "
            f"{MIN_HEIGHT} lines to show every name and row: enlarge the window or make the "
            "font smaller, and the game comes back as you left it.",
        )
