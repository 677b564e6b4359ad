"""An option list whose highlighted row carries a marker (▸), not only a background shade.

Terminals without colour (``NO_COLOR``, a monochrome screen, a projector washing colours
out) drop the highlight's background; the marker in a one-cell gutter on the left stays.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from game.app.widgets.unchanged import looks

MARKER = "▸"


class MarkedOptionList(OptionList):
    """``OptionList`` with ``▸`` in front of the highlighted option's first line."""

    def _get_left_gutter_width(self) -> int:
        return 1  # Textual's own hook for a gutter (SelectionList uses it for its boxes)

    @property
    def row_width(self) -> int:
        """Cells an option's text may take on a line: the content width less the marker's gutter."""
        return self.scrollable_content_region.width - self._get_left_gutter_width()

    _laid_out_for = -1  # the row width the options were last laid out for

    def relayout(self) -> None:
        """Lay the options out again for ``row_width``; lists whose rows are laid out in columns
        override it (it runs on resize and when the vertical scrollbar comes or goes)."""

    def _relayout(self) -> None:
        self._laid_out_for = self.row_width
        self.relayout()

    _resume_at: str | None = None  # the option to highlight when the list is first filled

    def resume_on(self, option: str | None) -> Self:
        """Highlight ``option`` when the list is first filled, if it is there: the row the player
        was on before the screen was built anew (an undo, a load), rather than the first."""
        self._resume_at = option
        return self

    def show_options(self, options: Sequence[Option], keep: str | None) -> None:
        """Show ``options`` with the one whose id is ``keep`` highlighted (else the first enabled one).

        The same options as shown (ids, text, styles, disabled) are kept, not set again: after
        ``set_options`` Textual renders every option anew and scrolls back to the top, which a
        pane redrawn with nothing changed in it (a dialog closing, a turn that moved no level)
        paid each time. Either way the highlight is announced, as a list set anew announces it.
        """
        if [_same(o) for o in options] == [_same(o) for o in self.options] and self.highlighted is not None:
            index = self.highlighted
            self.post_message(self.OptionHighlighted(self, self.options[index], index))
            return
        self.set_options(options)
        if keep is None:
            keep, self._resume_at = self._resume_at, None
        ids = [o.id for o in options]
        if keep in ids:
            self.highlighted = ids.index(keep)
        elif options:
            self.highlighted = next((i for i, o in enumerate(options) if not o.disabled), None)

    def rebuild_when_sized(self) -> None:
        """``relayout`` now if the list has its size; before its first layout, the resize that
        gives it one lays it out (laying rows out for a width of zero was thrown away)."""
        if self.size.width:
            self._relayout()

    def on_resize(self) -> None:
        if self.row_width != self._laid_out_for:  # a change of height alone moves no row
            self._relayout()
            if self.styles.auto_dimensions:
                # A list as tall as its rows was sized, in the layout that resized it, by its old
                # rows wrapped at the new width; asking for a layout now is lost (Textual keeps a
                # layout asked for while one is pending under the old size's key), so ask again
                # once this one is done, or the list keeps the wrapped height until the next turn.
                self.call_after_refresh(self.refresh, layout=True)

    def watch_show_vertical_scrollbar(self) -> None:
        self.call_after_refresh(self._relayout)  # the scrollbar took (or gave back) columns

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        line = self.scroll_offset.y + y
        try:
            index, offset = self._lines[line]
        except IndexError:
            # a line below the last option: its marker cell styled as OptionList styles the rest
            # of the line (NO_COLOR's filter fails on a segment without a style)
            blank = Strip.blank(1, self.get_visual_style("option-list--option").rich_style)
            return Strip.join([blank, strip])
        option = self.options[index]
        highlighted = index == self.highlighted and not option.disabled
        mark = MARKER if highlighted and offset == 0 else " "
        component = "option-list--option-highlighted" if highlighted else ""
        style = (
            self.get_visual_style("option-list--option", component)
            if component
            else self.get_visual_style("option-list--option")
        )
        return Strip.join([Strip([Segment(mark, style.rich_style)], 1), strip])


def _same(option: Option) -> tuple[object, ...]:
    """What makes two options show alike: id, disabled, and how the prompt looks."""
    return (option.id, option.disabled, looks(option.prompt))
