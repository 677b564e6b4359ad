"""Finding packs: the default set, a pack by its id, and a pack with the packs it depends on.

Manifests are read by ``loader.read_pack``, the one reader of ``pack.toml``; where to look
comes from ``game.locations`` (the bundled packs, then the mods folder).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from game import locations
from game.content.loader import read_pack
from game.content.schema import PACK_ID, PackManifest
from game.limits import MAX_PACKS

default_packs = locations.default_packs  # where the packs are is the locations module's to say


def manifest(folder: Path) -> PackManifest | None:
    """The pack's manifest, or None when the folder holds no readable, valid ``pack.toml``."""
    try:
        pack = read_pack(folder, [])
    except OSError:
        return None
    return pack.manifest if pack is not None else None


def find_pack(pack_id: str, roots: Sequence[Path] | None = None, also: Iterable[Path] = ()) -> Path | None:
    """The folder of the pack whose manifest says ``pack_id``, or None.

    Looked for, in order: a folder named after the id in each root (default: the bundled
    packs, then the mods folder), the folders in ``also``, then every other folder in the
    roots, so a pack is found even when its folder has another name. An id that is not a
    plain pack id (``../../elsewhere``, from a save or a manifest) is never looked up.
    """
    if not PACK_ID.fullmatch(pack_id):
        return None
    roots = locations.pack_roots() if roots is None else list(roots)
    seen: set[Path] = set()

    def candidates() -> Iterable[Path]:
        yield from (root / pack_id for root in roots)
        yield from also
        for root in roots:
            try:
                yield from sorted(p for p in root.iterdir() if p.is_dir())
            except OSError:
                continue

    for folder in candidates():
        key = folder.absolute()
        if key in seen:
            continue
        seen.add(key)
        found = manifest(folder)
        if found is not None and found.id == pack_id:
            return folder
    return None


def with_dependencies(folder: Path | Sequence[Path], roots: Sequence[Path] | None = None) -> list[Path]:
    """Pack folders (one, or several in the order given), then the folders of the packs they
    depend on that were not given, recursively: a stack the loader can load as a whole.

    A dependency is looked for as a plain id only: a folder of that name beside the pack
    that needs it (not a link: a link next to a downloaded pack could lead anywhere), then
    where ``find_pack`` looks (the bundled packs, then the mods folder). Other folders beside
    the pack are never read. A folder that is not a readable pack, and dependencies that
    cannot be found, are left for the loader to report; at most ``MAX_PACKS`` are followed.
    """
    roots = locations.pack_roots() if roots is None else list(roots)
    given = [folder] if isinstance(folder, Path) else list(folder)
    found: dict[str, Path] = {}
    todo: list[tuple[Path, PackManifest]] = []
    for current in given:
        info = manifest(current)
        key = info.id if info is not None else str(current)
        if key not in found:
            found[key] = current
            if info is not None:
                todo.append((current, info))
    while todo and len(found) <= MAX_PACKS:
        current, info = todo.pop(0)
        for dep in info.dependencies:
            if dep.id in found or not PACK_ID.fullmatch(dep.id):
                continue
            beside = current.parent / dep.id
            usable = not beside.is_symlink() and _is_pack(beside, dep.id)
            where = beside if usable else find_pack(dep.id, roots)
            dep_info = manifest(where) if where is not None else None
            if where is not None and dep_info is not None:
                found[dep.id] = where
                todo.append((where, dep_info))
    return list(found.values())


def _is_pack(folder: Path, pack_id: str) -> bool:
    found = manifest(folder)
    return found is not None and found.id == pack_id
