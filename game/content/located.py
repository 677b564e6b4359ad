"""Where each part of an item was written: its definition, and the patches that changed it.

An item read from one file knows its document and key path there. Once patches from
other packs change it, different parts of it come from different files; ``Located`` keeps
a map from key paths inside the item to the place that wrote them (its *origins*), so an
error about any part of it points at the right file, line and column.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from game.content.errors import ContentError
from game.content.tomlpos import KeyPath, TomlDocument

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Written:
    """Where something was written: a document, the key path in it, and the pack it is in."""

    doc: TomlDocument
    path: KeyPath
    pack: str

    def where(self) -> str:
        """``file:line:col`` of the key."""
        pos = self.doc.key_position(self.path)
        return f"{self.doc.path}:{pos.line}:{pos.column}"

    def error(self, message: str, *, at_value: bool = False) -> ContentError:
        return self.doc.error(self.path, message, at_value=at_value)


Origins = Mapping[KeyPath, Written]


def resolve(origins: Origins, path: KeyPath) -> tuple[Written, KeyPath]:
    """The place that wrote ``path`` of an item: the deepest recorded origin above it, and
    the key path in that place's document that ``path`` corresponds to."""
    for end in range(len(path), -1, -1):
        written = origins.get(path[:end])
        if written is not None:
            return written, written.path + path[end:]
    raise KeyError(path)  # pragma: no cover - every item has an origin at ()


def dotted(path: KeyPath) -> str:
    return ".".join(str(p) for p in path)


@dataclass(frozen=True)
class Located(Generic[M]):
    """An item with the document and key path it was defined at, and where patches wrote
    the parts of it they changed."""

    item: M
    doc: TomlDocument
    path: KeyPath
    pack: str = ""
    origins: Origins | None = None  # set once a patch changed the item
    patched_by: tuple[Written, ...] = ()  # the patches that changed it, in the order they applied

    def where(self, *sub: str | int) -> tuple[TomlDocument, KeyPath]:
        """The document that wrote the part ``sub`` of the item, and its key path there."""
        if self.origins is None:
            return self.doc, self.path + sub
        written, doc_path = resolve(self.origins, sub)
        return written.doc, doc_path

    def error(self, message: str, *sub: str | int, at_value: bool = False) -> ContentError:
        doc, path = self.where(*sub)
        return doc.error(path, message, at_value=at_value)

    @property
    def id(self) -> str:
        return str(self.path[-1])

    @property
    def home(self) -> Written:
        """Where the item is defined."""
        return Written(self.doc, self.path, self.pack)

    @property
    def raw(self) -> Any:
        """The item's table as written at its definition (before any patch)."""
        node: Any = self.doc.data
        for part in self.path:
            node = node[part]
        return node
