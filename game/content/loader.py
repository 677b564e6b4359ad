"""Reading packs from disk: TOML syntax, schema validation, dependencies and duplicate ids.

The loader turns folders of TOML into validated pydantic items, each remembering the file
and key path it came from so that later checks (formulas, references, cycles) can point at
the right line. It collects every error of every file before giving up, so a modder sees
them all at once; a pack with any error yields nothing.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from game.content.errors import ContentError, ContentErrors
from game.content.safe_read import FileRefused, ReadBudget, read_limited, walk_pack
from game.content.schema import FILE_KINDS, ContentFile, PackManifest, Plan
from game.content.tomlpos import TomlDocument, read_toml_bytes
from game.content.untrusted import check_data
from game.errors import did_you_mean
from game.limits import MAX_CONTENT_FILE_BYTES, MAX_ITEMS_PER_PACK, MAX_PACKS

ITEM_KINDS = (
    "parameter", "table", "stock", "variable", "flow", "action", "event", "side", "scenario", "history"
)
PLANS_FOLDER = "plans"
CLASSES_FOLDER = "classes"
"""Class files a pack ships for teachers (not topic files: a class is not part of the world)."""
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Located(Generic[M]):
    """An item with the document and key path it was read from."""

    item: M
    doc: TomlDocument
    path: tuple[str | int, ...]

    def error(self, message: str, *sub: str | int, at_value: bool = False) -> ContentError:
        return self.doc.error(self.path + sub, message, at_value=at_value)

    @property
    def id(self) -> str:
        return str(self.path[-1])


@dataclass
class Pack:
    """A pack's manifest, folder and topic files, and the SHA-256 of every file read from it."""

    manifest: PackManifest
    folder: Path
    files: list[Path] = field(default_factory=list)
    digests: dict[str, str] = field(default_factory=dict)  # "topic.toml" -> "sha256:..."
    budget: ReadBudget = field(default_factory=ReadBudget, repr=False)

    def read(self, file: Path, errors: list[ContentError]) -> TomlDocument | None:
        """One of the pack's files, read safely, parsed and checked, its digest kept."""
        doc = read_document(file, errors, inside=self.folder, budget=self.budget)
        if doc is not None:
            self.digests[file.relative_to(self.folder).as_posix()] = str(doc.digest)
        return doc


@dataclass
class ContentSet:
    """Everything the packs define, merged, by kind and id."""

    packs: list[Pack]
    items: dict[str, dict[str, Located[Any]]]


# --------------------------------------------------------------------------- validation


def _kind_words(error_type: str) -> str | None:
    return {
        "float_type": "a number",
        "float_parsing": "a number",
        "int_type": "a whole number",
        "int_parsing": "a whole number",
        "int_from_float": "a whole number",
        "string_type": "a string",
        "bool_type": "true or false",
        "list_type": "a list",
        "tuple_type": "a list",
        "dict_type": "a table",
        "model_type": "a table",
        "model_attributes_type": "a table",
    }.get(error_type)


def _walk(data: Any, loc: Sequence[Any]) -> tuple[tuple[str | int, ...], Any, bool]:
    """Keep only the parts of a pydantic location that are real keys or indices in ``data``.

    Returns (path, value at path, whether the last component of loc was consumed).
    """
    path: list[str | int] = []
    node = data
    consumed = True
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            path.append(part)
            node = node[part]
            consumed = True
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
            consumed = True
        else:
            consumed = False  # a union tag, a missing key or a model-level check
    return tuple(path), node, consumed


def _type_name(value: Any) -> str:
    return {
        str: "a string",
        int: "a whole number",
        float: "a number",
        bool: "a boolean",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def validation_errors(
    doc: TomlDocument, exc: ValidationError, model: type[BaseModel], base: tuple[str | int, ...] = ()
) -> list[ContentError]:
    """Turn pydantic's errors into one ContentError per offending key, at its line."""
    data: Any = doc.data
    for part in base:
        data = data[part]
    grouped: dict[tuple[str | int, ...], list[dict[str, Any]]] = {}
    extras: list[ContentError] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        if err["type"] == "extra_forbidden":
            path, _, _ = _walk(data, loc)
            key = str(loc[-1])
            allowed = _allowed_keys(model, loc[:-1])
            extras.append(
                doc.error(
                    base + path,
                    f"unknown key {key!r}{did_you_mean(key, allowed)}"
                    + (f"; expected one of: {', '.join(sorted(allowed))}" if allowed else ""),
                )
            )
            continue
        if loc and loc[-1] == "[key]":
            path, _, _ = _walk(data, loc[:-1])
            words = _kind_words(err["type"]) or "a valid key"
            extras.append(doc.error(base + path, f"key {str(loc[-2])!r} must be {words}"))
            continue
        if err["type"] == "missing":
            path, _, _ = _walk(data, loc[:-1])
            extras.append(doc.error(base + path, f"missing required key {str(loc[-1])!r}"))
            continue
        path, _, _ = _walk(data, loc)
        grouped.setdefault(path, []).append(dict(err))
    out = list(extras)
    for path, errs in grouped.items():
        _, value, _ = _walk(data, path)
        wanted = [w for w in (_kind_words(e["type"]) for e in errs) if w]
        if len(errs) > 1 and len(wanted) == len(errs):
            alternatives = " or ".join(dict.fromkeys(wanted))
            message = f"expected {alternatives}, got {_type_name(value)}"
        else:
            message = "; ".join(dict.fromkeys(_message(e, value) for e in errs))
        out.append(doc.error(base + path, message, at_value=bool(path)))
    return out


def _message(err: dict[str, Any], value: Any) -> str:
    words = _kind_words(err["type"])
    if words:
        return f"expected {words}, got {_type_name(value)}"
    if err["type"] == "string_pattern_mismatch":
        return f"{value!r} is not a valid id: use lower_snake_case letters, digits and _"
    ctx = err.get("ctx") or {}
    bounds = {
        "greater_than_equal": ("ge", "{} or more"),
        "greater_than": ("gt", "more than {}"),
        "less_than_equal": ("le", "{} or less"),
        "less_than": ("lt", "less than {}"),
    }
    if err["type"] in bounds:
        key, words = bounds[err["type"]]
        return f"must be {words.format(ctx.get(key))}, got {value!r}"
    if err["type"] == "literal_error":
        return f"expected {ctx.get('expected', 'one of the allowed values')}, got {value!r}"
    if err["type"] in ("too_short", "too_long", "string_too_short", "string_too_long"):
        return str(err["msg"]).replace("Value should", "must").replace("List should", "must").replace(
            "String should", "must"
        )
    msg = str(err["msg"])
    return re.sub(r"^(Value|Assertion) error, ", "", msg)


def _allowed_keys(model: type[BaseModel], loc: Sequence[Any]) -> list[str]:
    """The keys the model accepts at a location, for 'did you mean' hints."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or not isinstance(current, type) or not issubclass(current, BaseModel):
            continue
        field_info = current.model_fields.get(part) or next(
            (f for f in current.model_fields.values() if f.alias == part), None
        )
        if field_info is None:
            continue
        current = _inner_model(field_info.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or n for n, f in current.model_fields.items()]
    return []


def _inner_model(annotation: Any) -> Any:
    """Dig the model class out of list[X], dict[str, X], X | None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def validate_document(doc: TomlDocument, model: type[M]) -> tuple[M | None, list[ContentError]]:
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        return None, validation_errors(doc, exc, model)


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
    pack = Pack(manifest, folder, pack_files(folder, errors), budget=budget)
    pack.digests["pack.toml"] = str(doc.digest)
    return pack


def _order_packs(packs: list[Pack], errors: list[ContentError]) -> list[Pack]:
    """Dependencies first, then load_order, then id; reports missing and circular ones."""
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
        for dep in pack.manifest.dependencies:
            if dep.id not in by_id:
                errors.append(
                    ContentError(
                        _display(pack.folder / "pack.toml"),
                        1,
                        1,
                        f"pack {pack.manifest.id!r} needs pack {dep.id!r}, which is not loaded"
                        f"{did_you_mean(dep.id, by_id)}; add its folder to the command",
                    )
                )
            elif not version_matches(by_id[dep.id].manifest.version, dep.version):
                errors.append(
                    ContentError(
                        _display(pack.folder / "pack.toml"),
                        1,
                        1,
                        f"pack {pack.manifest.id!r} needs {dep.id} {dep.version}, "
                        f"but version {by_id[dep.id].manifest.version} is loaded",
                    )
                )
    return _dependency_order(by_id, errors)


def _dependency_order(by_id: dict[str, Pack], errors: list[ContentError]) -> list[Pack]:
    """Each pack after the packs it depends on, by (load_order, id) otherwise.

    A depth-first walk with an explicit stack, so a long chain of dependencies cannot
    exhaust Python's recursion limit; a circle is reported once, with its members.
    """
    ordered: list[Pack] = []
    done: set[str] = set()
    for root in sorted(by_id.values(), key=lambda p: (p.manifest.load_order, p.manifest.id)):
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
    return sorted({d.id for d in by_id[pid].manifest.dependencies if d.id in by_id})


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
    folders = list(folders)
    if len(folders) > MAX_PACKS:
        raise ContentErrors(
            [ContentError(_display(Path(folders[MAX_PACKS])), 1, 1, f"more than {MAX_PACKS} packs at once")]
        )
    packs = [p for f in folders if (p := read_pack(Path(f), errors)) is not None]
    packs = _order_packs(packs, errors)
    for pack in packs:
        if not version_matches(game_version, pack.manifest.game_version):
            errors.append(
                ContentError(
                    _display(pack.folder / "pack.toml"),
                    1,
                    1,
                    f"pack {pack.manifest.id!r} needs game version {pack.manifest.game_version}, "
                    f"this is {game_version}",
                )
            )
    items: dict[str, dict[str, Located[Any]]] = {kind: {} for kind in ITEM_KINDS}
    patches: list[tuple[TomlDocument, str, str, dict[str, Any]]] = []
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
            _merge(content, doc, items, errors)
            patches.extend((doc, kind, item_id, fields) for kind, by_id in content.patch.items()
                           for item_id, fields in by_id.items())
    for doc, kind, item_id, fields in patches:
        _patch(doc, kind, item_id, fields, items, errors)
    if errors:
        raise ContentErrors(errors)
    return ContentSet(packs, items)


def _merge(
    content: ContentFile,
    doc: TomlDocument,
    items: dict[str, dict[str, Located[Any]]],
    errors: list[ContentError],
) -> None:
    all_ids = {i: k for k in ITEM_KINDS for i in items[k]}
    for kind in ITEM_KINDS:
        for item_id, item in getattr(content, kind).items():
            path: tuple[str | int, ...] = (kind, item_id)
            if item_id in all_ids:
                other_kind = all_ids[item_id]
                other = items[other_kind][item_id]
                where = other.doc.key_position(other.path)
                errors.append(
                    doc.error(
                        path,
                        f"duplicate id {item_id!r}: already defined as a {other_kind} at "
                        f"{other.doc.path}:{where.line}:{where.column}",
                    )
                )
                continue
            items[kind][item_id] = Located(item, doc, path)
            all_ids[item_id] = kind


def _patch(
    doc: TomlDocument,
    kind: str,
    item_id: str,
    fields: dict[str, Any],
    items: dict[str, dict[str, Located[Any]]],
    errors: list[ContentError],
) -> None:
    """Apply ``[patch.KIND.ID]``: replace the given keys of an item, then validate it again."""
    path: tuple[str | int, ...] = ("patch", kind, item_id)
    original = items[kind].get(item_id)
    if original is None:
        errors.append(doc.error(path, f"no {kind} {item_id!r} to patch{did_you_mean(item_id, items[kind])}"))
        return
    model = type(original.item)
    merged = {**original.item.model_dump(by_alias=True, exclude_unset=True), **fields}
    try:
        item = model.model_validate(merged)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            key_path = path + loc if loc and loc[0] in fields else path
            message = _message(dict(err), None) if err["type"] != "extra_forbidden" else (
                f"unknown key {str(loc[-1])!r}{did_you_mean(str(loc[-1]), _allowed_keys(model, ()))}")
            errors.append(doc.error(key_path, message))
        return
    items[kind][item_id] = Located(item, doc, path)


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
