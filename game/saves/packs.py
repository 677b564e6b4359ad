"""Which content a game was played with: pack records with content hashes, and their differences.

A pack's hash covers its manifest and every content file the loader reads (path and
bytes), so a save can tell a pack that merely kept its version number from the same pack.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path

from game.content.packs import find_pack
from game.engine.world import World
from game.locations import pack_roots
from game.saves.errors import SaveError
from game.saves.format import PackRecord

_file_hashes: dict[tuple[str, int, int], str] = {}


def _file_hash(path: Path) -> str:
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    cached = _file_hashes.get(key)
    if cached is None:
        cached = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
        _file_hashes[key] = cached
    return cached


def pack_records(world: World) -> list[PackRecord]:
    """Id, version and content hashes of each pack of the world, in load order."""
    records = []
    for pack in world.content.packs:
        folder = Path(pack.folder)
        files = [folder / "pack.toml", *sorted(pack.files)]
        try:
            hashes = {f.relative_to(folder).as_posix(): _file_hash(f) for f in files}
        except OSError as exc:
            raise SaveError(
                f"cannot read pack {pack.manifest.id!r} to record it in the save: {exc.strerror or exc}"
            ) from None
        whole = hashlib.sha256()
        for name, digest in sorted(hashes.items()):
            whole.update(f"{name}\0{digest}\n".encode())
        records.append(
            PackRecord(
                id=pack.manifest.id,
                version=pack.manifest.version,
                hash="sha256:" + whole.hexdigest(),
                files=hashes,
                folder=str(folder.resolve()),
            )
        )
    return records


def pack_differences(
    saved: Sequence[PackRecord], loaded: Sequence[PackRecord], not_found: Mapping[str, str] | None = None
) -> list[str]:
    """One line per difference between the save's packs and the loaded ones (empty: the same).

    ``not_found`` gives, by pack id, what to say about a pack that could not be located.
    """
    now = {p.id: p for p in loaded}
    then = {p.id: p for p in saved}
    out = []
    for pid, old in then.items():
        new = now.get(pid)
        if new is None:
            out.append(
                (not_found or {}).get(
                    pid, f"pack {pid!r} {old.version} was used by the save but is not loaded"
                )
            )
        elif new.version != old.version:
            out.append(f"pack {pid!r}: version {old.version} in the save, {new.version} loaded now")
        elif old.hash is not None and new.hash != old.hash:
            changed = sorted(n for n in old.files.keys() & new.files.keys() if old.files[n] != new.files[n])
            added = sorted(new.files.keys() - old.files.keys())
            removed = sorted(old.files.keys() - new.files.keys())
            parts = [
                f"{label}: {', '.join(names)}"
                for label, names in (("changed", changed), ("added", added), ("removed", removed))
                if names
            ]
            detail = f" ({'; '.join(parts)})" if parts else ""
            out.append(
                f"pack {pid!r} {old.version}: its content differs from the save's "
                f"(hash {old.hash[7:19]} in the save, {new.hash[7:19] if new.hash else '?'} now){detail}"
            )
    for pid, new in now.items():
        if pid not in then:
            out.append(f"pack {pid!r} {new.version} is loaded now but was not used by the save")
    if not out and [p.id for p in saved] != [p.id for p in loaded]:
        out.append("the packs load in a different order than when the save was made")
    return out


def locate_packs(saved: Sequence[PackRecord]) -> tuple[list[Path], dict[str, str]]:
    """Folders of the save's packs on this machine: where packs are installed (the bundled
    packs, then the mods folder), then the folder the save found each one in.

    Returns the folders found and, by id, a line about each pack that could not be found.
    """
    found: list[Path] = []
    missing: dict[str, str] = {}
    for record in saved:
        where = find_pack(record.id, also=[Path(record.folder)] if record.folder else [])
        if where is not None:
            found.append(where)
            continue
        looked = [*(str(root) for root in pack_roots()), *([record.folder] if record.folder else [])]
        missing[record.id] = (
            f"pack {record.id!r} {record.version} was used by the save but is not installed "
            f"(looked in {', '.join(looked)})"
        )
    return found, missing
