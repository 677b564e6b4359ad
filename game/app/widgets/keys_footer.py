"""The footer of every screen: its keys, redrawn only when they change.

Textual's Footer builds all its key widgets again whenever the screen's bindings may have
changed: each time focus moves, and each time a dialog opens or closes over the screen. Most
of those times the keys shown are the same, and rebuilding them (a widget per key, each
styled twice) was about a tenth of the processor time of opening a game and ending a turn.
This footer remembers the keys it last showed and rebuilds only when they differ.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ScreenStackError
from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.screen import Screen


class KeysFooter(Footer):
    """A compact Footer that rebuilds its keys only when the keys shown would change."""

    def __init__(self, *, compact: bool = True) -> None:
        super().__init__(compact=compact)
        self._shown: tuple[object, ...] | None = None  # the keys as last composed

    def _keys(self, screen: Screen[object]) -> tuple[object, ...]:
        """What the footer shows: each shown binding with whether it is enabled, and its tooltip."""
        return tuple(
            (key, active.binding, active.enabled, active.tooltip)
            for key, active in screen.active_bindings.items()
            if active.binding.show
        )

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._shown = self._keys(self.screen)
        yield from super().compose()

    def bindings_changed(self, screen: Screen[object]) -> None:
        # Footer's own rule (the keys are ready; redraw only on the screen in view, when the
        # app has focus), but the keys are compared after the refresh: while a dialog closes,
        # focus comes back to the screen a moment after the screen itself, and a comparison
        # made in between would see keys that are never shown
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        try:
            in_view = self.is_attached and self.screen is self.app.screen
        except ScreenStackError:  # the app is closing: no screen left to show keys on
            return
        if not in_view:
            return  # covered by a dialog: the keys are compared again when the screen is back
        if self._keys(self.screen) != self._shown:
            await self.recompose()
