"""Redraw only what changed: a widget given what it already shows is left alone.

Textual lays the screen out again and renders the widget anew on every ``Static.update``
and ``OptionList.set_options``, even when the text is the one already shown; and its
``Content`` compares text alone, not styles. Panes are redrawn from the game after every
change, dialog and turn, most of them showing what they showed before.
"""

from __future__ import annotations

from textual.content import Content
from textual.visual import VisualType
from textual.widgets import Static


def looks(visual: VisualType) -> object:
    """What makes two things shown look alike: the text with its styles (any other renderable
    only as the same object)."""
    if isinstance(visual, Content):
        return (visual.plain, tuple(visual.spans))
    if isinstance(visual, str):
        return visual
    return id(visual)


def update(widget: Static, content: VisualType) -> bool:
    """``widget.update(content)`` unless it shows that already; True if it changed.

    The screen is laid out again only if the widget's size may change: Textual's ``update``
    lays the whole screen out on every change of text, though a pane whose width and height
    the stylesheet sets (the turn header, the status line), or whose new text takes as many
    lines at its width as the old, keeps its size and only needs redrawing."""
    if looks(widget.content) == looks(content):
        return False
    lines = _lines(widget)
    widget.update(content, layout=lines is None)
    if lines is not None and _lines(widget) != lines:
        widget.refresh(layout=True)
    return True


def _lines(widget: Static) -> int | None:
    """The lines the widget's content takes at its width (0 where the stylesheet sets its height),
    or None where its size may follow its content in a way not worked out here: not laid out
    yet (or hidden), or as wide as its content."""
    styles = widget.styles
    if not widget.content_size.area or (styles.width is not None and styles.width.is_auto):
        return None
    if styles.height is None or not styles.height.is_auto:
        return 0
    # Textual measures a widget's height with its styles as the rules, as here
    return widget.visual.get_height(styles, widget.content_size.width)  # type: ignore[arg-type]
