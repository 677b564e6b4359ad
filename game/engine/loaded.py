"""Worlds loaded before, kept by the bytes of their packs: the same packs load once a process.

Loading a world reads, parses and checks every TOML file of its packs and compiles every
formula (a third of a second for the base game). A process often loads the same packs
again: ``borderline report`` replays each student's save on the world it was made with,
the Load screen and Continue replay saves, a served room starts one game after another.
Each such load now costs a read of the packs' files: the world is taken from here when
every file that load would read has the very bytes it had then.

The key is what a load's result depends on: the game's version, the working folder (error
messages name files relative to it), each pack folder as given and the SHA-256 of every
file read from it. The files are read through the same safe reader as a load; anything
odd (a refused file, a folder problem, a file changed while it was loaded) simply loads
afresh, where the load reports it. Worlds are read-only once built (every dict, list, set
and array in one refuses a change: engine/frozen.py), so one object can serve every caller;
programs compiled for a world are shared through it too (program.program_for). What a
caller could still change (an attribute of the content set or of a pack, plain dataclasses)
is checked when a kept world is asked for (``state_of``, a few microseconds), and a world
that differs is dropped and loaded afresh.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from game.content.errors import ContentError
from game.content.loader import ContentSet, pack_files
from game.content.safe_read import FileRefused, ReadBudget, read_limited
from game.limits import MAX_CONTENT_FILE_BYTES, MAX_PACKS

if TYPE_CHECKING:
    from game.engine.world import World

KEPT = 8
"""Worlds kept, the least recently loaded dropped first (a class's packs, a mod or two)."""

Key = tuple[str, str, tuple[tuple[str, tuple[tuple[str, str], ...]], ...]]

_loaded: OrderedDict[Key, tuple[World, tuple[int, ...]]] = OrderedDict()  # each world with its state
_lock = threading.Lock()


def _digests(folder: Path) -> tuple[tuple[str, str], ...] | None:
    """The SHA-256 of pack.toml and every topic file a load of ``folder`` reads, or None if a
    file would be refused or the folder has a problem (the load then reports it)."""
    problems: list[ContentError] = []
    files = [folder / "pack.toml", *pack_files(folder, problems)]
    if problems:
        return None
    budget = ReadBudget()
    digests = []
    for file in files:
        try:
            raw = read_limited(file, MAX_CONTENT_FILE_BYTES, inside=folder, budget=budget)
        except (FileRefused, OSError):
            return None
        digests.append((file.relative_to(folder).as_posix(), "sha256:" + hashlib.sha256(raw).hexdigest()))
    return tuple(sorted(digests))


def content_key(folders: Sequence[str | Path], game_version: str) -> Key | None:
    """What a load of ``folders`` depends on, read from disk now; None if it cannot be kept."""
    if len(folders) > MAX_PACKS:
        return None
    try:
        cwd = os.getcwd()
    except OSError:
        return None
    packs = []
    for given in folders:
        digests = _digests(Path(given))
        if digests is None:
            return None
        packs.append((str(Path(given)), digests))
    return game_version, cwd, tuple(packs)


def state_of(world: World) -> tuple[int, ...]:
    """What a caller could still change in a built world: which objects the attributes of its
    content set and of each of its packs hold (plain dataclasses, whose attributes can be set
    again). Everything else in it refuses a change (engine/frozen.py)."""
    content = world.content
    held = [id(world.content), *map(id, vars(content).values())]
    for pack in content.packs:
        held += map(id, vars(pack).values())
    return tuple(held)


def _key_of(content: ContentSet, key: Key) -> Key:
    """The key of what the load actually read (the packs' own digests), in the order given."""
    read = {str(p.folder): tuple(sorted(p.digests.items())) for p in content.packs}
    return key[0], key[1], tuple((given, read.get(given, ())) for given, _ in key[2])


def load_once(
    folders: Sequence[str | Path],
    game_version: str,
    load: Callable[[], tuple[ContentSet, World]],
) -> World:
    """The world ``load()`` gives for ``folders``, or the one it gave before for the same bytes."""
    key = content_key(folders, game_version)
    if key is not None:
        with _lock:
            kept = _loaded.pop(key, None)
        if kept is not None and state_of(kept[0]) == kept[1]:  # a world someone changed is dropped
            with _lock:
                _loaded[key] = kept
            return kept[0]
    content, world = load()
    # kept only if the load read exactly what the key was made of (no file changed in between)
    if key is not None and _key_of(content, key) == key:
        state = state_of(world)
        with _lock:
            _loaded[key] = (world, state)
            while len(_loaded) > KEPT:
                _loaded.popitem(last=False)
    return world


def forget() -> None:
    """Drop every kept world (the next load of any packs reads and compiles them again)."""
    with _lock:
        _loaded.clear()
