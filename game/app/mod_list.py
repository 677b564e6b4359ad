"""The mods a player has: the packs in the mods folder, which are enabled, and their order.

One folder per pack sits in the mods folder (``game.locations.mods_folder``). Which of them
load, and in what order, is the player's choice, kept in the settings file
(``game.locations.settings_file``) under ``[mods]``::

    [mods]
    order = ["meth_p2p", "rival_cartels"]   # folders of the mods folder, in load order
    disabled = ["rival_cartels"]            # folders found but not loaded

A folder the settings do not name yet (a mod just dropped in) is enabled and placed by its
``load_order``, then by name. The list is always kept in the order the loader will use:
``load_order`` first, then the player's order, each pack after the packs it depends on; a
move that the loader would undo is refused with the reason. No Textual here: the Mods
screen and the command line (``--mods``) both use it.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from game import locations
from game.content.errors import ContentError, ContentErrors
from game.content.loader import read_pack
from game.content.printable import printable
from game.content.schema import PackManifest
from game.content.tomlpos import read_toml
from game.content.validation import validate_document
from game.errors import BorderlineError
from game.limits import MAX_PACKS

SETTINGS_CAP = 64 * 1024
"""The most bytes of settings read: a list of folder names, never more than a few kilobytes."""
DAMAGED_SETTINGS = (
    "the settings file could not be read, so no mod loads, since which were turned off is not "
    "known: fix it, or change the mods on the Mods screen to write a new one (the old one is kept "
    "as settings.toml.bad)"
)
"""What each problem with the settings file is followed by (and how a note of one is known)."""


class SettingsError(BorderlineError):
    """The settings file cannot be written; the message says where and why."""


class _ModSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    order: list[str] = Field(
        default_factory=list, max_length=4 * MAX_PACKS, description="mod folders in load order"
    )
    disabled: list[str] = Field(
        default_factory=list, max_length=4 * MAX_PACKS, description="mod folders not loaded"
    )


class _Settings(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)  # other sections belong to others

    mods: _ModSettings = Field(default_factory=lambda: _ModSettings.model_validate({}))


@dataclass
class ModEntry:
    """One folder of the mods folder: its pack (or why it is not one) and whether it loads."""

    folder: Path
    manifest: PackManifest | None
    problem: str = ""  # why the folder is not a usable pack (no pack.toml, a bad one)
    enabled: bool = True

    @property
    def name(self) -> str:
        """The folder's name: how the settings file names the mod."""
        return self.folder.name

    @property
    def pack_id(self) -> str:
        return self.manifest.id if self.manifest is not None else self.name

    @property
    def title(self) -> str:
        """The name to show: the manifest's (checked for control characters when read), or the
        folder's with any control character escaped."""
        return self.manifest.name if self.manifest is not None else printable(self.name, newlines=False)

    @property
    def loads(self) -> bool:
        return self.enabled and self.manifest is not None


@dataclass
class ModList:
    """The mods folder's packs in load order, each enabled or not, and how to save that."""

    folder: Path
    settings: Path
    entries: list[ModEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # problems met reading the folder or the settings
    settings_damaged: bool = False  # the settings file is there and could not be read: no mod loads

    # ------------------------------------------------------------------ reading

    @classmethod
    def read(cls, folder: Path | None = None, settings: Path | None = None) -> ModList:
        """The mods in ``folder`` (default: the mods folder) with the player's choices."""
        mods = cls(folder or locations.mods_folder(), settings or locations.settings_file())
        chosen = mods._read_settings()
        found = mods._scan()
        position = {name: i for i, name in enumerate(chosen.order)}
        disabled = set(chosen.disabled)
        for entry in found:
            # which mods the player turned off is unknown: none loads rather than one turned off
            entry.enabled = entry.name not in disabled and not mods.settings_damaged
        found.sort(key=lambda e: (position.get(e.name, len(position)), e.name))
        mods.entries = _load_order(found)
        return mods

    def _scan(self) -> list[ModEntry]:
        try:
            folders = sorted(p for p in self.folder.iterdir() if p.is_dir() and not p.name.startswith("."))
        except FileNotFoundError:
            return []
        except OSError as exc:
            self.notes.append(f"cannot read the mods folder {self.folder}: {exc.strerror or exc}")
            return []
        if len(folders) > MAX_PACKS:
            self.notes.append(f"the mods folder holds more than {MAX_PACKS} folders; only the first are read")
            folders = folders[:MAX_PACKS]
        entries = []
        for folder in folders:
            errors: list[ContentError] = []
            pack = read_pack(folder, errors)
            problem = "; ".join(str(e) for e in errors) if pack is None else ""
            entries.append(ModEntry(folder, pack.manifest if pack is not None else None, problem))
        return entries

    def _read_settings(self) -> _ModSettings:
        if not self.settings.is_file():
            return _ModSettings.model_validate({})
        try:
            doc = read_toml(self.settings, cap=SETTINGS_CAP)
        except ContentErrors as exc:
            return self._damaged(exc.errors)
        parsed, errors = validate_document(doc, _Settings)
        if parsed is None:
            return self._damaged(errors)
        return parsed.mods

    def _damaged(self, errors: list[ContentError]) -> _ModSettings:
        self.settings_damaged = True
        self.notes.extend(f"{e}; {DAMAGED_SETTINGS}" for e in errors)
        return _ModSettings.model_validate({})

    # ------------------------------------------------------------------ what loads

    def enabled_folders(self) -> list[Path]:
        """The folders to load after the base game, in order."""
        return [e.folder for e in self.entries if e.loads]

    def entry(self, name: str) -> ModEntry:
        return next(e for e in self.entries if e.name == name)

    # ------------------------------------------------------------------ changing

    def toggle(self, name: str) -> str | None:
        """Enable or disable a mod, and with it what must follow; what else changed (or why
        nothing did) in a sentence, or None.

        Disabling a mod disables the mods that depend on it; enabling one enables the mods
        it depends on, when the mods folder has them.
        """
        entry = self.entry(name)
        if entry.manifest is None:
            return f"{name} is not a pack that can load: {entry.problem}"
        if entry.enabled:
            gone = self._dependents(entry)
            for other in [entry, *gone]:
                other.enabled = False
            titles = ", ".join(e.title for e in gone)
            return f"also disabled, as they need {entry.title}: {titles}" if gone else None
        needed, missing = self._dependencies(entry)
        for other in [entry, *needed]:
            other.enabled = True
        said = []
        if needed:
            said.append(f"also enabled, as {entry.title} needs them: {', '.join(e.title for e in needed)}")
        if missing:
            said.append(
                f"{entry.title} needs {', '.join(missing)}, which the mods folder does not have "
                "(the game has only what it bundles)"
            )
        return "; ".join(said) or None

    def _dependents(self, entry: ModEntry) -> list[ModEntry]:
        out: list[ModEntry] = []
        wanted = {entry.pack_id}
        for other in self.entries:  # in load order, so a dependent's dependents come after it
            if other is not entry and other.enabled and any(_depends(other, pid) for pid in wanted):
                out.append(other)
                wanted.add(other.pack_id)
        return out

    def _dependencies(self, entry: ModEntry) -> tuple[list[ModEntry], list[str]]:
        by_id = {e.pack_id: e for e in self.entries if e.manifest is not None}
        bundled = _bundled_ids()
        needed: list[ModEntry] = []
        missing: list[str] = []
        todo = [entry]
        while todo:
            current = todo.pop()
            for dep in current.manifest.dependencies if current.manifest is not None else []:
                found = by_id.get(dep.id)
                if found is None:
                    if dep.id not in bundled and dep.id not in missing:
                        missing.append(dep.id)
                elif not found.enabled and found not in needed and found is not entry:
                    needed.append(found)
                    todo.append(found)
        return needed, missing

    def move(self, name: str, step: int) -> str | None:
        """Move a mod up (step -1) or down (+1) the load order; the reason it cannot, or None."""
        index = next(i for i, e in enumerate(self.entries) if e.name == name)
        other_index = index + step
        entry = self.entries[index]
        if not 0 <= other_index < len(self.entries):
            return f"{entry.title} is already {'first' if step < 0 else 'last'}"
        other = self.entries[other_index]
        earlier, later = (entry, other) if step < 0 else (other, entry)  # after the move
        if _depends(earlier, later.pack_id):
            return f"{earlier.title} depends on {later.title}, so it loads after it"
        if _load_order_of(earlier) != _load_order_of(later):
            low, high = sorted((earlier, later), key=_load_order_of)
            return (
                f"{high.title} has load_order {_load_order_of(high)} in its pack.toml and {low.title} "
                f"{_load_order_of(low)}: a lower load_order always loads first"
            )
        self.entries[index], self.entries[other_index] = other, entry
        return None

    # ------------------------------------------------------------------ saving

    def save(self) -> None:
        """Write ``[mods]`` to the settings file (atomically), keeping its other sections."""
        others = self._other_sections()
        order = [e.name for e in self.entries]
        disabled = [e.name for e in self.entries if not e.enabled]
        text = (
            "# Borderline's settings. The Mods screen rewrites [mods]; you may edit it by hand.\n"
            + others
            + "[mods]\n"
            + "# folders of the mods folder, in load order\n"
            + f"order = [{', '.join(json.dumps(n) for n in order)}]\n"
            + "# folders found but not loaded\n"
            + f"disabled = [{', '.join(json.dumps(n) for n in disabled)}]\n"
        )
        write_settings_file(self.settings, text.encode("utf-8"))
        if self.settings_damaged:  # a new file now holds the list as it stands
            self.settings_damaged = False
            self.notes = [n for n in self.notes if not n.endswith(DAMAGED_SETTINGS)]

    def _other_sections(self) -> str:
        """Whatever else the settings file holds, kept as written (only [mods] is ours)."""
        return other_tables(self.settings, "mods")


def other_tables(path: Path, section: str) -> str:
    """A settings file's text without its ``[section]`` table (which the caller rewrites)."""
    if not path.is_file():
        return ""
    try:
        doc = read_toml(path, cap=SETTINGS_CAP)
    except ContentErrors:
        return ""  # unreadable: the old file is kept beside the new one (see write_settings_file)
    text = "".join(without_section(doc.text, section)).strip("\n")
    return text + "\n\n" if text else ""


def without_section(text: str, section: str) -> list[str]:
    """The lines of a settings file without its ``[section]`` table and the file's header line:
    every part of the game that keeps settings rewrites its own table and keeps the others."""
    out: list[str] = []
    skipping = False
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith("[") and not stripped.startswith("[["):
            skipping = stripped.split("#")[0].strip() == f"[{section}]"
        if line.startswith("# Borderline's settings."):
            continue
        if not skipping:
            out.append(line)
    return out


def _bundled_ids() -> set[str]:
    """The ids of the packs the game bundles (base and any others), by their folder names."""
    try:
        return {p.name for p in locations.content_root().iterdir() if (p / "pack.toml").is_file()}
    except OSError:
        return set()


def _load_order_of(entry: ModEntry) -> int:
    return entry.manifest.load_order if entry.manifest is not None else 0


def _depends(entry: ModEntry, pack_id: str) -> bool:
    return entry.manifest is not None and any(d.id == pack_id for d in entry.manifest.dependencies)


def _load_order(entries: list[ModEntry]) -> list[ModEntry]:
    """The loader's order: by load_order, then as listed, each after what it depends on."""
    listed = sorted(enumerate(entries), key=lambda ie: (_load_order_of(ie[1]), ie[0]))
    by_id = {e.pack_id: e for _, e in listed}
    placed: list[ModEntry] = []
    done: set[str] = set()
    pending = [e for _, e in listed]

    def ready(entry: ModEntry) -> bool:
        needs = {d.id for d in entry.manifest.dependencies} if entry.manifest is not None else set()
        return all(dep in done or dep not in by_id for dep in needs)

    while pending:
        entry = next((e for e in pending if ready(e)), pending[0])  # none ready: a circle, the loader says so
        pending.remove(entry)
        placed.append(entry)
        done.add(entry.pack_id)
    return placed


def write_settings_file(path: Path, data: bytes) -> None:
    """Write the file so an interruption leaves the old one or the new one, whole; a file
    the game could not read is kept beside it as ``settings.toml.bad``, never lost."""
    folder = path.parent
    tmp = folder / f".{path.name}.{secrets.token_hex(6)}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if path.is_file() and _unreadable(path):
            os.replace(path, path.with_name(path.name + ".bad"))
        with open(tmp, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise SettingsError(f"cannot write the settings file {path}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _unreadable(path: Path) -> bool:
    try:
        doc = read_toml(path, cap=SETTINGS_CAP)
    except ContentErrors:
        return True
    return validate_document(doc, _Settings)[0] is None
