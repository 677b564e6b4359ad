"""A built world made read-only: every dict, list, set and array it holds refuses a change.

A World is shared by every game played on it, by every caller that loads the same packs
(engine/loaded.py keeps worlds by their packs' bytes) and by the programs compiled for it
(program.program_for). Once built, ``freeze`` replaces each dict it holds by a ``FrozenDict``,
each list by a ``FrozenList`` and each set by a frozenset (the same types to every reader:
``isinstance(world.fields, dict)`` holds), and marks every array read-only, all the way down
through its dataclasses. A change then fails where it is made, with a TypeError or numpy's
ValueError, instead of changing every other game's world behind its back; a private, editable
world is ``dataclasses.replace(world, parameters={...})``.

Content models (pydantic, frozen) and parsed files (TomlDocument) are left as they are.
"""

from __future__ import annotations

import dataclasses
from typing import Any, NoReturn, TypeVar

import numpy as np
from pydantic import BaseModel

from game.content.tomlpos import TomlDocument

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")

READ_ONLY = (
    "a loaded world is read-only (every game and caller of the same packs shares it): "
    "make a changed copy instead, e.g. dataclasses.replace(world, parameters={...})"
)


def _refuse(*_: Any, **__: Any) -> NoReturn:
    raise TypeError(READ_ONLY)


class FrozenDict(dict[K, V]):
    """A dict that refuses every change after it is made."""

    __slots__ = ()
    __setitem__ = __delitem__ = __ior__ = _refuse  # type: ignore[assignment]
    clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:  # pickling and copying rebuild it whole
        return type(self), (dict(self),)


class FrozenList(list[T]):
    """A list that refuses every change after it is made."""

    __slots__ = ()
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse  # type: ignore[assignment]
    append = extend = insert = pop = remove = clear = sort = reverse = _refuse  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (list(self),)


_LEAVES = (str, bytes, int, float, complex, bool, type(None), BaseModel, TomlDocument)
LEAF, ARRAY, DICT, LIST, SET, TUPLE, DATACLASS = range(7)
_KINDS: dict[type, tuple[int, tuple[str, ...]]] = {}  # each type met: what it is (and its fields)


def _kind(cls: type) -> tuple[int, tuple[str, ...]]:
    """What values of a type are to ``freeze`` (worked out once a type: a world holds ~12,000)."""
    found = _KINDS.get(cls)
    if found is not None:
        return found
    names: tuple[str, ...] = ()
    if issubclass(cls, _LEAVES) or issubclass(cls, FrozenDict | FrozenList | frozenset):
        kind = LEAF
    elif issubclass(cls, np.ndarray):
        kind = ARRAY
    elif issubclass(cls, dict):
        kind = DICT
    elif issubclass(cls, list):
        kind = LIST
    elif issubclass(cls, set):
        kind = SET
    elif cls is tuple:
        kind = TUPLE
    elif dataclasses.is_dataclass(cls):
        kind, names = DATACLASS, tuple(f.name for f in dataclasses.fields(cls))
    else:
        kind = LEAF  # an object of its own (a function, a path): kept as it is
    found = _KINDS[cls] = (kind, names)
    return found


def freeze(value: T) -> T:
    """``value`` with every container it holds read-only (dataclasses changed in place)."""
    return _freeze(value, {})  # type: ignore[no-any-return]


def _freeze(value: Any, done: dict[int, Any]) -> Any:
    kind, names = _KINDS.get(type(value)) or _kind(type(value))
    if kind == LEAF:
        return value
    found = done.get(id(value))
    if found is not None:
        return found
    done[id(value)] = value  # a cycle back to it meets the object itself
    frozen: Any = value
    if kind == ARRAY:
        value.flags.writeable = False
    elif kind == DICT:
        frozen = FrozenDict({key: _freeze(item, done) for key, item in value.items()})
    elif kind == LIST:
        frozen = FrozenList([_freeze(item, done) for item in value])
    elif kind == SET:
        frozen = frozenset([_freeze(item, done) for item in value])
    elif kind == TUPLE:
        frozen = tuple([_freeze(item, done) for item in value])
    else:
        for name in names:
            old = getattr(value, name)
            new = _freeze(old, done)
            if new is not old:
                object.__setattr__(value, name, new)  # a frozen dataclass is written once, here
    done[id(value)] = frozen
    return frozen
