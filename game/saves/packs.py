"""Which content a game was played with: pack records with content hashes, and their differences.

A pack's hash covers its manifest and every content file the loader reads (path and
bytes), so a save can tell a pack that merely kept its version number from the same pack.
"""

from __future__ import annotations

import hashlib
import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path

import tomli

from game.content.safe_read import FileRefused, read_limited
from game.content.schema import PACK_ID
from game.content.untrusted import printable
from game.engine.world import World
from game.limits import MAX_CONTENT_FILE_BYTES
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


def locate_packs(saved: Sequence[PackRecord], content_root: Path) -> tuple[list[Path], dict[str, str]]:
    """Folders of the save's packs among the bundled ones (by folder name first, then by id).

    A save is untrusted, so its pack ids are only ever compared, never joined into a path
    unless they are plain ids, and the folder it recorded is never loaded: it is only named
    in the message about a pack that is not installed, with the --pack to load it from there.
    Returns the folders found and, by id, a line about each pack that could not be found.
    """
    found: list[Path] = []
    missing: dict[str, str] = {}
    try:
        bundled = sorted(p for p in content_root.iterdir() if p.is_dir())
    except OSError:
        bundled = []
    for record in saved:
        by_name = [content_root / record.id] if PACK_ID.fullmatch(record.id) else []
        for folder in by_name + [p for p in bundled if p not in by_name]:
            if _manifest_id(folder) == record.id:
                found.append(folder)
                break
        else:
            hint = ""
            if record.folder:
                hint = (
                    f"; the save was made with it at {printable(record.folder, newlines=False)}: "
                    f"if you trust that folder, add --pack {shlex.quote(record.folder)}"
                )
            missing[record.id] = (
                f"pack {record.id!r} {record.version} was used by the save but is not installed "
                f"(looked in {content_root}){hint}"
            )
    return found, missing


def _manifest_id(folder: Path) -> str | None:
    """The id a folder's pack.toml declares, read safely; None if it has none."""
    try:
        raw = read_limited(folder / "pack.toml", MAX_CONTENT_FILE_BYTES, inside=folder, what="pack.toml")
        manifest = tomli.loads(raw.decode("utf-8-sig"))
    except (FileRefused, UnicodeDecodeError, tomli.TOMLDecodeError, RecursionError):
        return None
    pack_id = manifest.get("id")
    return pack_id if isinstance(pack_id, str) else None
