"""Which content a game was played with: pack records with content hashes, and their differences.

A pack's hash covers its manifest and every content file the loader reads (path and
bytes), so a save can tell a pack that merely kept its version number from the same pack.
"""

from __future__ import annotations

import hashlib
import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path

from game.content.packs import find_pack
from game.content.printable import printable
from game.engine.world import World
from game.locations import pack_roots
from game.saves.errors import SaveError
from game.saves.format import PackRecord


def pack_records(world: World) -> list[PackRecord]:
    """Id, version and content hashes of each pack of the world, in load order.

    The hashes are those of the bytes the loader read (through the safe reader), so the
    record describes exactly the content the game was played with; nothing is read again.
    """
    records = []
    for pack in world.content.packs:
        folder = Path(pack.folder)
        names = ["pack.toml", *(f.relative_to(folder).as_posix() for f in sorted(pack.files))]
        missing = [name for name in names if name not in pack.digests]
        if missing:
            raise SaveError(
                f"cannot record pack {pack.manifest.id!r} in the save: "
                f"{missing[0]} was not read when the pack loaded"
            )
        hashes = {name: pack.digests[name] for name in names}
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
    saved: Sequence[PackRecord],
    loaded: Sequence[PackRecord],
    not_found: Mapping[str, str] | None = None,
    *,
    short: bool = False,
) -> list[str]:
    """One line per difference between the save's packs and the loaded ones (empty: the same);
    ``short``: in a few words, for a line of a report ('base changed: hope.toml').

    ``not_found`` gives, by pack id, what to say about a pack that could not be located.
    """
    now = {p.id: p for p in loaded}
    then = {p.id: p for p in saved}
    out = []
    for pid, old in then.items():
        new = now.get(pid)
        if new is None:
            gone = f"pack {pid!r} {old.version} was used by the save but is not loaded"
            out.append(f"{pid} not loaded" if short else (not_found or {}).get(pid, gone))
        elif new.version != old.version:
            long = f"pack {pid!r}: version {old.version} in the save, {new.version} loaded now"
            out.append(f"{pid} {new.version}, was {old.version}" if short else long)
        elif old.hash is not None and new.hash != old.hash:
            files = file_changes(old, new)
            out.append(
                f"{pid} {files or 'changed'}"
                if short
                else f"pack {pid!r} {old.version}: its content differs from the save's "
                f"(hash {old.hash[7:19]} in the save, {new.hash[7:19] if new.hash else '?'} now)"
                + (f" ({files})" if files else "")
            )
    for pid, new in now.items():
        if pid not in then:
            extra = f"pack {pid!r} {new.version} is loaded now but was not used by the save"
            out.append(f"{pid} added" if short else extra)
    if not out and [p.id for p in saved] != [p.id for p in loaded]:
        out.append("the packs load in a different order than when the save was made")
    return out


def content_changes(saved: Sequence[PackRecord], loaded: Sequence[PackRecord]) -> str:
    """In a few words, how the content loaded now differs from a save's: 'changed: hope.toml' when
    the save used one pack, else by pack ('base changed: hope.toml; meth_p2p 0.2.0, was 0.1.0')."""
    parts = pack_differences(saved, loaded, short=True)
    if len(saved) == 1 and len(parts) == 1 and parts[0].startswith(f"{saved[0].id} changed"):
        return parts[0].split(" ", 1)[1]
    return "; ".join(parts)


def file_changes(old: PackRecord, new: PackRecord) -> str:
    """Which of a pack's files differ between two records of it: 'changed: hope.toml; added: x.toml'
    (empty when the records name no files, or the same files with the same bytes)."""
    changed = sorted(n for n in old.files.keys() & new.files.keys() if old.files[n] != new.files[n])
    added = sorted(new.files.keys() - old.files.keys())
    removed = sorted(old.files.keys() - new.files.keys())
    return "; ".join(
        f"{label}: {', '.join(names)}"
        for label, names in (("changed", changed), ("added", added), ("removed", removed))
        if names
    )


def locate_packs(saved: Sequence[PackRecord]) -> tuple[list[Path], dict[str, str]]:
    """Folders of the save's packs on this machine: where packs are installed (the bundled
    packs, then the mods folder).

    A save is untrusted, so its pack ids are only ever compared, never joined into a path
    unless they are plain ids, and the folder it recorded is never loaded: it is only named
    in the message about a pack that is not installed, with the --pack to load it from there.
    Returns the folders found and, by id, a line about each pack that could not be found.
    """
    found: list[Path] = []
    missing: dict[str, str] = {}
    for record in saved:
        where = find_pack(record.id)
        if where is not None:
            found.append(where)
            continue
        hint = ""
        if record.folder:
            hint = (
                f"; the save was made with it at {printable(record.folder, newlines=False)}: "
                f"if you trust that folder, add --pack {shlex.quote(record.folder)}"
            )
        looked = ", ".join(str(root) for root in pack_roots())
        missing[record.id] = (
            f"pack {printable(record.id, newlines=False)!r} {printable(record.version, newlines=False)} "
            f"was used by the save but is not installed (looked in {looked}){hint}"
        )
    return found, missing

