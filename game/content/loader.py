"""Reading packs from disk: TOML syntax, schema validation, dependencies and duplicate ids.

The loader turns folders of TOML into validated pydantic items, each remembering the file
and key path it came from so that later checks (formulas, references, cycles) can point at
the right line. It collects every error of every file before giving up, so a modder sees
them all at once; a pack with any error yields nothing.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from game.content.errors import ContentError, ContentErrors
from game.content.located import Located
from game.content.patching import Conflict, PendingPatch, apply_patches
from game.content.safe_read import FileRefused, ReadBudget, read_limited, walk_pack
from game.content.schema import FILE_KINDS, ContentFile, PackManifest, Plan
from game.content.tomlpos import TomlDocument, read_toml_bytes
from game.content.untrusted import check_data
from game.content.validation import validate_document
from game.errors import did_you_mean
from game.limits import MAX_CONTENT_FILE_BYTES, MAX_ITEMS_PER_PACK, MAX_PACKS

ITEM_KINDS = (
    "parameter", "table", "stock", "variable", "flow", "action", "event", "side", "scenario", "history",
    "difficulty",
)
PLANS_FOLDER = "plans"
CLASSES_FOLDER = "classes"
"""Class files a pack ships for teachers (not topic files: a class is not part of the world)."""
M = TypeVar("M", bound=BaseModel)


@dataclass
class Pack:
    """A pack's manifest, folder and topic files, and the SHA-256 of every file read from it."""

    manifest: PackManifest
    folder: Path
    files: list[Path] = field(default_factory=list)
    digests: dict[str, str] = field(default_factory=dict)  # "topic.toml" -> "sha256:..."
    budget: ReadBudget = field(default_factory=ReadBudget, repr=False)
    manifest_doc: TomlDocument | None = field(default=None, repr=False)

    def manifest_error(self, message: str, *path: str | int) -> ContentError:
        """An error about the manifest, at ``path`` in pack.toml when it was read from one."""
        if self.manifest_doc is None:
            return ContentError(_display(self.folder / "pack.toml"), 1, 1, message)
        return self.manifest_doc.error(path, message)

    def read(self, file: Path, errors: list[ContentError]) -> TomlDocument | None:
        """One of the pack's files, read safely, parsed and checked, its digest kept."""
        doc = read_document(file, errors, inside=self.folder, budget=self.budget)
        if doc is not None:
            self.digests[file.relative_to(self.folder).as_posix()] = str(doc.digest)
        return doc


@dataclass
class ContentSet:
    """Everything the packs define, merged, by kind and id, with what patching found.

    ``packs`` is in load order. ``warnings`` are problems that do not stop a load (a patch
    that drops another pack's levels without saying so); ``conflicts`` are keys two packs
    set differently, the later pack winning.
    """

    packs: list[Pack]
    items: dict[str, dict[str, Located[Any]]]
    warnings: list[ContentError] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)

    def of(self, kind: str) -> dict[str, Located[Any]]:
        """The items of one kind, by id."""
        return self.items[kind]


# --------------------------------------------------------------------------- packs


def pack_files(folder: Path, errors: list[ContentError] | None = None) -> list[Path]:
    """Topic files of a pack: every .toml below it but pack.toml, plans and classes folders.

    Linked folders are not followed and deep or crowded folders are cut short; each such
    problem is added to ``errors`` when given.
    """
    files, problems = walk_pack(folder, ".toml", frozenset({PLANS_FOLDER, CLASSES_FOLDER}))
    if errors is not None:
        errors.extend(ContentError(_display(p.path), 1, 1, p.reason) for p in problems)
    return [p for p in files if p.parent != folder or p.name != "pack.toml"]


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):
        return str(path)


def read_document(
    file: Path,
    errors: list[ContentError],
    *,
    inside: Path | None = None,
    budget: ReadBudget | None = None,
) -> TomlDocument | None:
    """A TOML file read through the safe reader, parsed and checked for what no file may
    hold (nan, inf, control characters, deep nesting); None with ``errors`` extended if not.

    ``inside``: the pack folder the file must stay in, links included.
    """
    display = _display(file)
    try:
        raw = read_limited(file, MAX_CONTENT_FILE_BYTES, inside=inside, budget=budget, what="TOML file")
        doc = read_toml_bytes(raw, display)
    except FileRefused as exc:
        errors.append(ContentError(display, 1, 1, f"cannot read the file: {exc.reason}"))
        return None
    except ContentErrors as exc:
        errors.extend(exc.errors)
        return None
    problems = check_data(doc)
    if problems:
        errors.extend(problems)
        return None
    doc.digest = "sha256:" + hashlib.sha256(raw).hexdigest()
    return doc


def read_pack(folder: Path, errors: list[ContentError]) -> Pack | None:
    manifest_path = folder / "pack.toml"
    if not os.path.lexists(manifest_path):  # anything else there is read (and refused) safely
        errors.append(ContentError(_display(folder), 1, 1, "not a content pack: no pack.toml in it"))
        return None
    budget = ReadBudget(what=f"the pack {folder.name!r}")
    doc = read_document(manifest_path, errors, inside=folder, budget=budget)
    if doc is None:
        return None
    manifest, errs = validate_document(doc, PackManifest)
    errors.extend(errs)
    if manifest is None:
        return None
    pack = Pack(manifest, folder, pack_files(folder, errors), budget=budget, manifest_doc=doc)
    pack.digests["pack.toml"] = str(doc.digest)
    return pack


def _order_packs(packs: list[Pack], errors: list[ContentError]) -> list[Pack]:
    """Packs in load order (see ``_dependency_order``); reports repeated ids and missing,
    mismatched and circular dependencies."""
    by_id: dict[str, Pack] = {}
    for pack in packs:
        if pack.manifest.id in by_id:
            errors.append(
                ContentError(
                    _display(pack.folder / "pack.toml"),
                    1,
                    1,
                    f"pack id {pack.manifest.id!r} is also used by "
                    f"{_display(by_id[pack.manifest.id].folder)}",
                )
            )
            continue
        by_id[pack.manifest.id] = pack
    for pack in by_id.values():
        for i, dep in enumerate(pack.manifest.dependencies):
            if dep.id not in by_id:
                errors.append(
                    pack.manifest_error(
                        f"pack {pack.manifest.id!r} needs pack {dep.id!r}, which is not loaded"
                        f"{did_you_mean(dep.id, by_id)}: put its folder in the mods folder or "
                        "next to this pack, or name it too (`borderline validate DEP THIS`, `--pack DEP`)",
                        "dependencies",
                        i,
                    )
                )
            elif not version_matches(by_id[dep.id].manifest.version, dep.version):
                errors.append(
                    pack.manifest_error(
                        f"pack {pack.manifest.id!r} needs {dep.id} {dep.version}, "
                        f"but version {by_id[dep.id].manifest.version} is loaded",
                        "dependencies",
                        i,
                        "version",
                    )
                )
    return _dependency_order(by_id, errors)


def _dependency_order(by_id: dict[str, Pack], errors: list[ContentError]) -> list[Pack]:
    """Each pack after the packs it depends on; otherwise by ``load_order``, then in the
    order the packs were given (the command line's ``--pack`` order, the Mods screen's order).

    A depth-first walk with an explicit stack, so a long chain of dependencies cannot
    exhaust Python's recursion limit; a circle is reported once, with its members.
    """
    ordered: list[Pack] = []
    done: set[str] = set()
    given = {pid: i for i, pid in enumerate(by_id)}
    for root in sorted(by_id.values(), key=lambda p: (p.manifest.load_order, given[p.manifest.id])):
        if root.manifest.id in done:
            continue
        trail: list[str] = [root.manifest.id]
        pending: list[list[str]] = [_deps_of(by_id, root.manifest.id)]
        while trail:
            if not pending[-1]:
                pid = trail.pop()
                pending.pop()
                done.add(pid)
                ordered.append(by_id[pid])
                continue
            dep = pending[-1].pop(0)
            if dep in done:
                continue
            if dep in trail:
                cycle = " -> ".join(trail[trail.index(dep) :] + [dep])
                errors.append(
                    ContentError(
                        _display(by_id[dep].folder / "pack.toml"),
                        1,
                        1,
                        f"packs depend on each other in a circle: {cycle}",
                    )
                )
                continue
            trail.append(dep)
            pending.append(_deps_of(by_id, dep))
    return ordered


def _deps_of(by_id: dict[str, Pack], pid: str) -> list[str]:
    given = list(by_id)
    wanted = {d.id for d in by_id[pid].manifest.dependencies if d.id in by_id}
    return sorted(wanted, key=lambda d: (by_id[d].manifest.load_order, given.index(d)))


def version_matches(version: str, spec: str) -> bool:
    """Whether a version satisfies a PEP 440 range: ``>=0.1``, ``>=1.0,<2``, ``~=1.2``, ``==1.*``.

    ``*`` or nothing matches any version; a bare version (``1.0``) means exactly it. A
    range that cannot be read matches nothing (the schema refuses one in a pack.toml).
    """
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version

    text = spec.strip()
    if text in ("", "*"):
        return True
    if text[0].isdigit():
        text = "==" + text
    try:
        return SpecifierSet(text).contains(Version(version), prereleases=True)
    except (InvalidSpecifier, InvalidVersion):
        return False


def load_content(folders: Iterable[Path | str], game_version: str) -> ContentSet:
    """Read, validate and merge packs; raise ContentErrors listing every problem."""
    errors: list[ContentError] = []
    folders = _each_folder_once(folders)
    if len(folders) > MAX_PACKS:
        raise ContentErrors(
            [ContentError(_display(Path(folders[MAX_PACKS])), 1, 1, f"more than {MAX_PACKS} packs at once")]
        )
    packs = [p for f in folders if (p := read_pack(Path(f), errors)) is not None]
    packs = _order_packs(packs, errors)
    for pack in packs:
        if not version_matches(game_version, pack.manifest.game_version):
            errors.append(
                pack.manifest_error(
                    f"pack {pack.manifest.id!r} needs game version {pack.manifest.game_version}, "
                    f"this is {game_version}",
                    "game_version",
                )
            )
    items: dict[str, dict[str, Located[Any]]] = {kind: {} for kind in ITEM_KINDS}
    patches: list[PendingPatch] = []
    for pack in packs:
        count = 0
        for file in pack.files:
            doc = pack.read(file, errors)
            if doc is None:
                continue
            content, errs = validate_document(doc, ContentFile)
            errors.extend(errs)
            if content is None:
                continue
            count += sum(len(getattr(content, kind)) for kind in ITEM_KINDS)
            count += sum(len(by_id) for by_id in content.patch.values())
            if count > MAX_ITEMS_PER_PACK:
                errors.append(
                    ContentError(
                        doc.path,
                        1,
                        1,
                        f"pack {pack.manifest.id!r} defines more than {MAX_ITEMS_PER_PACK:,} items "
                        "and patches in all, the most one pack may hold; split it into packs",
                    )
                )
                break
            _add_items(content, doc, pack.manifest.id, items, errors)
            patches.extend(
                PendingPatch(pack.manifest.id, doc, kind, item_id, body)
                for kind, by_id in content.patch.items()
                for item_id, body in by_id.items()
            )
    report = apply_patches(patches, items, _dependency_test(packs))
    errors.extend(report.errors)
    if errors:  # a formula or reference is checked against every item: not while some did not read
        raise ContentErrors(errors, "the formulas, effects and references between items")
    return ContentSet(packs, items, sorted(report.warnings), report.conflicts)


def _each_folder_once(folders: Iterable[Path | str]) -> list[Path]:
    """The folders in the order given, a folder named twice (the mods folder's copy of a pack
    that is also given with ``--pack``, a relative and an absolute path) kept at its first place:
    it is one pack, not two packs with the same id."""
    kept: dict[Path, Path] = {}
    for folder in map(Path, folders):
        try:
            key = folder.resolve()
        except (OSError, RuntimeError):  # a link loop: left for the reader to report
            key = folder.absolute()
        kept.setdefault(key, folder)
    return list(kept.values())


def _dependency_test(packs: list[Pack]) -> Callable[[str, str], bool]:
    """``depends(a, b)``: pack a needs pack b, directly or through packs it needs."""
    direct = {p.manifest.id: {d.id for d in p.manifest.dependencies} for p in packs}
    closure: dict[str, set[str]] = {}
    for pack in packs:  # in load order, so every dependency's closure is already known
        pid = pack.manifest.id
        closure[pid] = set(direct[pid])
        for dep in direct[pid]:
            closure[pid] |= closure.get(dep, set())
    return lambda a, b: b in closure.get(a, set())


def _add_items(
    content: ContentFile,
    doc: TomlDocument,
    pack: str,
    items: dict[str, dict[str, Located[Any]]],
    errors: list[ContentError],
) -> None:
    """Add a file's items; an id already taken is an error (with the way to change it instead)."""
    all_ids = {i: k for k in ITEM_KINDS for i in items[k]}
    for kind in ITEM_KINDS:
        for item_id, item in getattr(content, kind).items():
            path: tuple[str | int, ...] = (kind, item_id)
            if item_id in all_ids:
                other_kind = all_ids[item_id]
                other = items[other_kind][item_id]
                hint = ""
                if other.pack != pack and other_kind == kind:
                    hint = (
                        f"; to change it from pack {pack!r}, write [patch.{kind}.{item_id}] with only "
                        "the keys to change (it merges into the original)"
                    )
                elif other.pack != pack:
                    hint = "; every id is shared by all kinds and packs: choose another id"
                errors.append(
                    doc.error(
                        path,
                        f"duplicate id {item_id!r}: already defined as a {other_kind} at "
                        f"{other.home.where()} (pack {other.pack!r}){hint}",
                    )
                )
                continue
            items[kind][item_id] = Located(item, doc, path, pack)
            all_ids[item_id] = kind


def load_file(path: Path | str, model: type[M]) -> tuple[M, TomlDocument]:
    """Read one file safely and validate it as ``model``; raise ContentErrors on any problem."""
    errors: list[ContentError] = []
    doc = read_document(Path(path), errors)
    if doc is None:
        raise ContentErrors(errors)
    item, errs = validate_document(doc, model)
    if errs or item is None:
        raise ContentErrors(errs)
    return item, doc


def load_plan_file(path: Path | str) -> tuple[Plan, TomlDocument]:
    """Read and validate a plan; raise ContentErrors on any problem."""
    return load_file(path, Plan)


def file_kind(path: Path, data: dict[str, Any]) -> str:
    """'pack', 'plan', 'class' or 'content', from a file's name, its folder and its keys."""
    if path.name == "pack.toml":
        return "pack"
    if CLASSES_FOLDER in path.parts[:-1] or "class_id" in data:
        return "class"
    if PLANS_FOLDER in path.parts[:-1] or "step" in data or "choice" in data:
        return "plan"
    return "content"


def validate_single_file(path: Path) -> tuple[str, list[ContentError]]:
    """Check one file on its own against the schema of its kind; return the kind and errors."""
    errors: list[ContentError] = []
    doc = read_document(path, errors)
    if doc is None:
        return "unknown", errors
    kind = file_kind(path, doc.data)
    return kind, validate_document(doc, FILE_KINDS[kind])[1]
