"""Finding packs: the default set, a pack by its id, and a pack with the packs it depends on.

Manifests are read by ``loader.read_pack``, the one reader of ``pack.toml``; where to look
comes from ``game.locations`` (the bundled packs, then the mods folder).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from game import locations
from game.content.loader import read_pack
from game.content.schema import PackManifest


def default_packs(extra: Iterable[str | Path] = ()) -> list[Path]:
    """The packs a game loads: the base game, then any given on top of it (``--pack``)."""
    return [locations.base_pack(), *(Path(p) for p in extra)]


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
    roots, so a pack is found even when its folder has another name.
    """
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


def with_dependencies(folder: Path, roots: Sequence[Path] | None = None) -> list[Path]:
    """A pack folder plus the folders of the packs it depends on, recursively.

    A dependency is looked for beside the pack first, then where ``find_pack`` looks. A
    folder that is not a readable pack, and dependencies that cannot be found, are left for
    the loader to report.
    """
    roots = locations.pack_roots() if roots is None else list(roots)
    found: dict[str, Path] = {}
    todo = [folder]
    while todo:
        current = todo.pop()
        info = manifest(current)
        if info is None:
            found.setdefault(str(current), current)
            continue
        found.setdefault(info.id, current)
        for dep in info.dependencies:
            if dep.id not in found:
                where = find_pack(dep.id, [current.parent, *roots])
                if where is not None:
                    todo.append(where)
    return list(found.values())
