"""The footer of every screen: its keys, rebuilt only when they change, and then in place.

Textual's Footer builds all its key widgets again whenever the screen's bindings may have
changed: each time focus moves, and each time a dialog opens or closes over the screen. Most
of those times the keys shown are the same, and rebuilding them (a widget per key, each
styled twice) was about a tenth of the processor time of opening a game and ending a turn.
This footer remembers the keys it last showed and does nothing while they stay. When they
change (the lever list gains focus: its -/+ group appears), the widgets that would be built
alike stay mounted and only the others are removed or mounted, so a focus move styles a
group of keys instead of the whole footer. Each key is styled
once when it is mounted: it starts with the compact class its compact watcher would add.
"""

from __future__ import annotations

from collections.abc import Hashable
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from textual.app import ScreenStackError
from textual.compose import compose
from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.screen import Screen
    from textual.widget import Widget


def _spec(widget: Widget) -> Hashable:
    """Everything ``Footer.compose`` sets on one of its widgets: equal specs draw alike."""
    if isinstance(widget, FooterKey):
        what: tuple[object, ...] = (widget.key, widget.key_display, widget.description, widget.action)
        what += (widget._disabled, str(widget.tooltip))
    elif isinstance(widget, Static):  # a group's label
        what = (str(widget.content),)
    else:  # a group: its keys, mounted or still waiting to be
        what = tuple(_spec(child) for child in [*widget.children, *widget._pending_children])
    return (type(widget), frozenset(widget.classes), what)


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
        for widget in super().compose():
            if self.compact and isinstance(widget, FooterKey):
                # the class its compact watcher adds once mounted: styled once, not twice
                widget.add_class("-compact", update=False)
            yield widget

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
            await self._show(compose(self))

    async def _show(self, fresh: list[Widget]) -> None:
        """Show the widgets ``Footer.compose`` made: those already shown stay, the rest come and go."""
        old = list(self.children)
        same = SequenceMatcher(None, [_spec(w) for w in old], [_spec(w) for w in fresh], autojunk=False)
        kept = {b + k: old[a + k] for a, b, size in same.get_matching_blocks() for k in range(size)}
        async with self.batch():
            gone = [widget for widget in old if widget not in kept.values()]
            if gone:
                await self.remove_children(gone)
            run: list[Widget] = []  # new widgets waiting to be mounted before the next kept one
            for index, widget in enumerate(fresh):
                if index not in kept:
                    run.append(widget)
                elif run:
                    await self.mount_all(run, before=kept[index])
                    run = []
            if run:
                await self.mount_all(run)
