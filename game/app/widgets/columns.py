"""Fixed-width columns inside one line of text, for option lists that read like tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from textual.content import Content


@dataclass(frozen=True)
class Cell:
    """One column of a row: its text, a width (0: take what is left) and an alignment."""

    text: Content | str
    width: int = 0
    align: Literal["left", "right"] = "left"


def as_content(text: Content | str) -> Content:
    return text if isinstance(text, Content) else Content(text)


def columns(width: int, cells: Sequence[Cell], gap: int = 1) -> Content:
    """Lay cells out on one line of ``width`` cells; flexible cells share the rest, with ellipsis."""
    fixed = sum(c.width for c in cells if c.width) + gap * (len(cells) - 1)
    flexible = [c for c in cells if not c.width]
    spare = max(0, width - fixed)
    share = spare // len(flexible) if flexible else 0
    parts: list[Content] = []
    for cell in cells:
        size = cell.width or share
        text = as_content(cell.text).truncate(size, ellipsis=True)
        pad = max(0, size - text.cell_length)
        parts.append(text.pad_left(pad) if cell.align == "right" else text.pad_right(pad))
    return Content(" " * gap).join(parts)


def wrap(text: Content | str, width: int, indent: int = 2) -> list[Content]:
    """Text as lines of at most ``width`` cells, broken at spaces; later lines indented."""
    content = as_content(text)
    lines: list[Content] = []
    rest = content
    room = width
    while rest.cell_length > room and len(lines) < 8:
        plain = rest.plain
        cut = plain.rfind(" ", indent + 1, room + 1)
        skip = 1 if cut > 0 else 0
        if cut <= 0:
            cut = room
        lines.append(rest[:cut])
        rest = Content(" " * indent) + rest[cut + skip :]
    lines.append(rest)
    return lines


def wrap_with_tail(
    text: Content | str, width: int, tail: Content | str, tail_width: int, indent: int = 2
) -> list[Content]:
    """Text wrapped whole at ``indent``, with ``tail`` right-aligned on its last line (or a line of
    its own when the last line has no room): a level and its cost, with nothing cut."""
    room = max(8, width - indent - tail_width - 2)  # two gaps: after the indent, before the tail
    lines = wrap(text, room, indent=0)
    last = lines[-1]
    pad = " " * indent
    body = [Content(pad) + line for line in lines[:-1]]
    tail_cell = Cell(tail, tail_width, "right")
    if last.cell_length <= room:
        return [*body, columns(width, [Cell(pad, indent), Cell(last), tail_cell])]
    return [*body, Content(pad) + last, columns(width, [Cell(""), tail_cell])]
