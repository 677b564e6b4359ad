"""A vertical scroll whose keys scroll as far as they are pressed.

Textual defers a key's scroll until after the next screen refresh, and each press counts from
where the last finished scroll left it: a burst of ↓ (a held key's autorepeat, or keys sent
faster than the screen refreshes) moved the briefing or the debrief one line, not ten. Here each
press moves from where the last press aimed, at once; a page key moves a page past that.
"""

from __future__ import annotations

from textual.actions import SkipAction
from textual.containers import VerticalScroll


class Reading(VerticalScroll):
    """``VerticalScroll`` for text read with the keyboard (see the module's docstring)."""

    def _by(self, lines: float) -> None:
        if not self.allow_vertical_scroll:
            raise SkipAction()
        self.scroll_to(y=self.scroll_target_y + lines, immediate=True)

    def action_scroll_down(self) -> None:
        self._by(1)

    def action_scroll_up(self) -> None:
        self._by(-1)

    def action_page_down(self) -> None:
        self._by(self.scrollable_content_region.height)

    def action_page_up(self) -> None:
        self._by(-self.scrollable_content_region.height)
