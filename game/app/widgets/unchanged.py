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
    """``widget.update(content)`` unless it shows that already; True if it changed."""
    if looks(widget.content) == looks(content):
        return False
    widget.update(content)
    return True
