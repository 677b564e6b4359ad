"""Patches: how a pack changes items another pack defined, without restating them.

A patch is ``[patch.KIND.ID]`` holding only the keys to change. It merges into the item:

- a table (``rows``, one row's values, ``fields``, ``action_levels``, ``parameters``...)
  merges key by key: the keys the patch names are added or changed, the others stay;
- an array of tables (``effects``, ``choices``, ``objectives``, ``prerequisites``...)
  grows: the patch's elements are appended, except that an element whose ``id`` matches
  one already there merges into that one;
- anything else (a number, a string, a list of numbers such as ``levels`` or ``cost``) is
  replaced by the patch's value.

Replacing and removing are explicit, and happen before the merge:

- ``remove = ["rows.gulf", "effects.0", "action_levels.hope", "choices.wait"]`` deletes
  keys, rows and elements of arrays (by their position in the array before this patch, or
  by their ``id``);
- ``[patch.KIND.ID.replace]`` sets each key it names whole, in place of what was there.

Every piece of a patched item remembers where it was written (its *origins*), so an
error found in it later points at the patch line that wrote it. Every key a patch sets
remembers its pack, so two packs setting the same key differently are reported as a
``Conflict`` naming both places and the winner; a patch that drops another pack's levels
without saying so, or writes an empty list that appends nothing, gets a warning.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError

from game.content.errors import ContentError, did_you_mean
from game.content.located import Located, Origins, Written, dotted, resolve
from game.content.tomlpos import KeyPath, TomlDocument
from game.content.validation import validation_errors

REMOVE = "remove"
REPLACE = "replace"
OPERATIONS = (REMOVE, REPLACE)


@dataclass(frozen=True)
class Conflict:
    """Two packs set the same key of an item to different values; the later one wins."""

    kind: str
    item: str
    key: KeyPath
    loser: Written
    winner: Written
    removed: bool = False  # the winner removed (or replaced) the key rather than set it

    def __str__(self) -> str:
        verb = "removed" if self.removed else "set differently"
        return (
            f"conflict: {self.kind} {self.item}: {dotted(self.key)} is set by pack {self.loser.pack!r} "
            f"({self.loser.where()}) and {verb} by pack {self.winner.pack!r} ({self.winner.where()}); "
            f"{self.winner.pack!r} loads later and wins"
        )


class ItemDraft:
    """An item while patches apply to it: its raw data, where each part was written, and
    which pack last set each key."""

    def __init__(self, kind: str, item_id: str, raw: dict[str, Any], origins: Origins) -> None:
        self.kind = kind
        self.item_id = item_id
        self.raw = copy.deepcopy(raw)
        self.origins: dict[KeyPath, Written] = dict(origins)
        self.setters: dict[KeyPath, Written] = {}
        self.patches: list[Written] = []

    def error(self, path: KeyPath, message: str, *, at_value: bool = False) -> ContentError:
        """An error at ``path`` of the item, in the file that wrote that part of it; an
        error about the item as a whole is the last patch's, naming where the item is."""
        if not path and self.patches:
            home = self.origins[()]
            return self.patches[-1].error(
                f"after this patch, {self.kind} {self.item_id} (defined at {home.where()}): {message}"
            )
        written, doc_path = resolve(self.origins, path)
        return written.doc.error(doc_path, message, at_value=at_value)


@dataclass
class PatchReport:
    """What applying patches found: errors (nothing applies), warnings and conflicts."""

    errors: list[ContentError]
    warnings: list[ContentError]
    conflicts: list[Conflict]


Depends = Callable[[str, str], bool]
"""``depends(a, b)``: pack ``a`` depends on pack ``b``, directly or through others."""


class _Missing:
    pass


_MISSING = _Missing()


SOURCED_NUMBERS: dict[str, tuple[str, ...]] = {
    "parameter": ("value", "values", "range", "distribution"),
    "stock": ("initial", "minimum", "maximum"),
    "variable": ("formula",),
    "flow": ("formula",),
    "action": ("values",),
}
"""The keys of each kind that are numbers (or rules) about the world, vouched for by the item's
``source`` (an action's by its evidence: it has no source of its own)."""


class Patcher:
    """Applies one ``[patch.KIND.ID]`` table to an item draft."""

    def __init__(self, draft: ItemDraft, at: Written, depends: Depends, report: PatchReport) -> None:
        self.draft = draft
        self.at = at  # the patch table itself: ("patch", KIND, ID) in its document
        self.depends = depends
        self.report = report

    # ------------------------------------------------------------------ entry

    def apply(self, patch: dict[str, Any]) -> None:
        self.draft.patches.append(self.at)
        body = {k: v for k, v in patch.items() if k not in OPERATIONS}
        if REMOVE in patch:
            self._remove(patch[REMOVE])
        if REPLACE in patch:
            self._replace(patch[REPLACE])
        self._merge(self.draft.raw, body, (), ())
        replaced = patch.get(REPLACE)
        self._warn_unsourced({**replaced, **body} if isinstance(replaced, dict) else body)

    def _warn_unsourced(self, changes: dict[str, Any]) -> None:
        """A patch that changes a number about the world must say where its number comes from:
        otherwise the patched item's ``source`` would vouch for a number it never gave."""
        kind, item_id = self.draft.kind, self.draft.item_id
        changed = [key for key in SOURCED_NUMBERS.get(kind, ()) if key in changes]
        if not changed:
            return
        if kind == "action":
            if "evidence_for" in changes or "evidence_against" in changes:
                return
            fix = (
                f"its evidence, which would then vouch for numbers it never gave: add "
                f"[[patch.action.{item_id}.evidence_for]] with a claim and the source of the new ones"
            )
        elif "source" in changes:
            return
        else:
            fix = (
                "its source, which would then vouch for a number it never gave: add "
                'source = "..." (or "illustrative: why") to the patch'
            )
        self.report.warnings.append(
            self.at.error(f"this patch changes {', '.join(changed)} of {kind} {item_id} but not {fix}")
        )

    # ------------------------------------------------------------------ remove

    def _remove(self, entries: Any) -> None:
        where = Written(self.at.doc, self.at.path + (REMOVE,), self.at.pack)
        if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            self.report.errors.append(
                where.error(
                    '`remove` is a list of keys to remove, written as strings such as "rows.gulf", '
                    '"effects.0" or "action_levels.hope"',
                    at_value=True,
                )
            )
            return
        doomed: dict[KeyPath, tuple[set[int], Written]] = {}  # list -> indices, removed together below
        keys: list[tuple[KeyPath, Written]] = []
        for i, text in enumerate(entries):
            entry = Written(self.at.doc, where.path + (i,), self.at.pack)
            found = self._find(text, entry)
            if found is None:
                continue
            path, container = found
            self._overwritten(path, None, entry, removed=True)
            if isinstance(container, list):
                doomed.setdefault(path[:-1], (set(), entry))[0].add(int(path[-1]))
            else:
                keys.append((path, entry))
        for path, entry in sorted(keys, key=lambda k: len(k[0])):
            parent = _value_at(self.draft.raw, path[:-1])
            if isinstance(parent, dict) and path[-1] in parent:
                del parent[path[-1]]
                self._forget(path)
                self.draft.origins[path] = entry  # a required key now missing is reported here
        inner_first = sorted(doomed.items(), key=lambda kv: -len(kv[0]))  # outer lists renumber inner ones
        for list_path, (indices, entry) in inner_first:
            items = _value_at(self.draft.raw, list_path)
            if not isinstance(items, list):
                continue  # its container went with an earlier entry
            kept = [i for i in range(len(items)) if i not in indices]
            items[:] = [items[i] for i in kept]
            self._reindex(list_path, kept)
            self.draft.origins[list_path] = entry  # a list now too short is reported here

    def _find(self, text: str, entry: Written) -> tuple[KeyPath, Any] | None:
        """The key path that ``text`` ("rows.gulf", "effects.0", "choices.wait") names in
        the item, and the container holding its last part; None with an error if none."""
        node: Any = self.draft.raw
        path: KeyPath = ()
        parts = text.split(".") if text else [""]
        for depth, part in enumerate(parts):
            container = node
            if isinstance(node, dict) and part in node:
                path += (part,)
                node = node[part]
            elif isinstance(node, list) and (index := _element(node, part)) is not None:
                path += (index,)
                node = node[index]
            else:
                message = self._nothing_at(text, parts, depth, node)
                self.report.errors.append(entry.error(message, at_value=True))
                return None
            if depth == len(parts) - 1:
                return path, container
        return None  # pragma: no cover - the loop always returns

    def _nothing_at(self, text: str, parts: list[str], depth: int, node: Any) -> str:
        what = f"{self.draft.kind} {self.draft.item_id}"
        if isinstance(node, dict):
            known = [".".join(parts[:depth] + [str(k)]) for k in node]
            return f"nothing to remove at {text!r} in {what}{did_you_mean(text, known)}" + (
                f"; {dotted(tuple(parts[:depth])) or 'it'} has: {', '.join(map(str, node))}" if node else ""
            )
        if isinstance(node, list):
            ids = [e["id"] for e in node if isinstance(e, dict) and isinstance(e.get("id"), str)]
            named = f" or an id ({', '.join(ids)})" if ids else ""
            return (
                f"nothing to remove at {text!r} in {what}: {dotted(tuple(parts[:depth]))} has "
                f"{len(node)} element{'s' if len(node) != 1 else ''}; name one by its position "
                f"from 0{named}"
            )
        return f"nothing to remove at {text!r} in {what}: {dotted(tuple(parts[:depth]))} is a single value"

    # ------------------------------------------------------------------ replace

    def _replace(self, table: Any) -> None:
        where = Written(self.at.doc, self.at.path + (REPLACE,), self.at.pack)
        if not isinstance(table, dict):
            self.report.errors.append(
                where.error("`replace` is a table of the keys to set whole, e.g. [patch.KIND.ID.replace]")
            )
            return
        for key, value in table.items():
            path = (key,)
            written = Written(self.at.doc, where.path + (key,), self.at.pack)
            self._overwritten(path, value, written, removed=True)
            self._set(path, value, written)

    # ------------------------------------------------------------------ merge

    def _merge(self, node: dict[str, Any], patch: dict[str, Any], path: KeyPath, doc_rel: KeyPath) -> None:
        """Merge ``patch`` into ``node`` (at ``path`` of the item); ``doc_rel`` is where the
        patch's own keys sit below the patch table in its document."""
        for key, value in patch.items():
            here, rel = path + (key,), doc_rel + (key,)
            written = Written(self.at.doc, self.at.path + rel, self.at.pack)
            current = node.get(key, _MISSING)
            if isinstance(value, dict) and isinstance(current, dict):
                if not value and current:
                    self._warn_empty(written, here, "table", "changes nothing")
                self._merge(current, value, here, rel)
            elif _is_table_list(value) and (current is _MISSING or _is_table_list(current)):
                if not value and current:
                    self._warn_empty(written, here, "list", "appends nothing")
                self._append(node, key, value, here, rel)
            else:
                if isinstance(value, list) and isinstance(current, list) and len(value) < len(current):
                    self._warn_shorter(written, here, len(current), len(value))
                self._overwritten(here, value, written, removed=False)
                self._set(here, value, written, node)

    def _append(self, node: dict[str, Any], key: str, value: list[Any], path: KeyPath, rel: KeyPath) -> None:
        items = node.setdefault(key, [])
        if not items and path not in self.draft.origins:
            self.draft.origins[path] = Written(self.at.doc, self.at.path + rel, self.at.pack)
        for j, element in enumerate(value):
            element_rel = rel + (j,)
            match = _element(items, element.get("id")) if isinstance(element.get("id"), str) else None
            if match is not None and isinstance(items[match], dict):
                self._merge(items[match], element, path + (match,), element_rel)
                continue
            items.append(copy.deepcopy(element))
            self.draft.origins[path + (len(items) - 1,)] = Written(
                self.at.doc, self.at.path + element_rel, self.at.pack
            )

    # ------------------------------------------------------------------ bookkeeping

    def _set(self, path: KeyPath, value: Any, written: Written, parent: dict[str, Any] | None = None) -> None:
        node: Any = parent if parent is not None else _value_at(self.draft.raw, path[:-1])
        node[path[-1]] = copy.deepcopy(value)
        self._forget(path)
        self.draft.origins[path] = written
        for leaf, _ in _leaves(value, path):
            self.draft.setters[leaf] = Written(written.doc, written.path + leaf[len(path) :], written.pack)

    def _forget(self, path: KeyPath) -> None:
        """Drop what was recorded at and below ``path``: it is being replaced or removed."""
        for record in (self.draft.origins, self.draft.setters):
            for key in [k for k in record if k[: len(path)] == path]:
                del record[key]

    def _overwritten(self, path: KeyPath, value: Any, written: Written, *, removed: bool) -> None:
        """Report a conflict for every key at or below ``path`` that another pack set to a
        value this write changes, unless this pack depends on that one (a deliberate change)."""
        new_values = dict(_leaves(value, path)) if value is not None else {}
        for key, setter in list(self.draft.setters.items()):
            if key[: len(path)] != path or setter.pack == written.pack:
                continue
            if self.depends(written.pack, setter.pack):
                continue
            if key in new_values and new_values[key] == _value_at(self.draft.raw, key):
                continue
            winner = Written(written.doc, written.path + key[len(path) :], written.pack)
            if key not in new_values:
                winner = written
            gone = removed and key not in new_values
            draft = self.draft
            self.report.conflicts.append(Conflict(draft.kind, draft.item_id, key, setter, winner, gone))

    def _reindex(self, list_path: KeyPath, kept: list[int]) -> None:
        """Elements ``kept`` (old indices) of the list at ``list_path`` are now 0, 1, ...:
        carry what was recorded about each to its new index."""
        n = len(list_path)
        moved: dict[KeyPath, Written] = {}
        setters: dict[KeyPath, Written] = {}
        for new, old in enumerate(kept):
            written, doc_path = resolve(self.draft.origins, list_path + (old,))
            moved[list_path + (new,)] = Written(written.doc, doc_path, written.pack)
            for record, out in ((self.draft.origins, moved), (self.draft.setters, setters)):
                for key, value in record.items():
                    if len(key) > n + 1 and key[:n] == list_path and key[n] == old:
                        out[list_path + (new,) + key[n + 1 :]] = value
        for record in (self.draft.origins, self.draft.setters):
            for key in [k for k in record if len(k) > n and k[:n] == list_path]:
                del record[key]
        self.draft.origins.update(moved)
        self.draft.setters.update(setters)

    def _warn_empty(self, written: Written, path: KeyPath, what: str, effect: str) -> None:
        self.report.warnings.append(
            written.error(
                f"an empty {what} in a patch {effect}: patches merge; to remove everything in "
                f'{dotted(path)}, write remove = ["{dotted(path)}"] in [{dotted(self.at.path)}]'
            )
        )

    def _warn_shorter(self, written: Written, path: KeyPath, before: int, after: int) -> None:
        by, _ = resolve(self.draft.origins, path)
        self.report.warnings.append(
            written.error(
                f"this patch shortens {dotted(path)} of {self.draft.kind} {self.draft.item_id} from "
                f"{before} to {after} entries, dropping what pack {by.pack!r} wrote ({by.where()}); "
                f"if that is meant, set it under [{dotted(self.at.path)}.replace]"
            )
        )


def _element(items: list[Any], part: str | None) -> int | None:
    """The index an array element is named by: its position from 0, or its ``id``."""
    if part is None:
        return None
    if part.isdigit():
        index = int(part)
        return index if index < len(items) else None
    for index, element in enumerate(items):
        if isinstance(element, dict) and element.get("id") == part:
            return index
    return None


def _is_table_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(e, dict) for e in value)


def _leaves(value: Any, path: KeyPath) -> list[tuple[KeyPath, Any]]:
    """Every non-table value in ``value`` with its key path (arrays count as one value)."""
    if isinstance(value, dict):
        out: list[tuple[KeyPath, Any]] = []
        for key, sub in value.items():
            out.extend(_leaves(sub, path + (key,)))
        return out
    return [(path, value)]


def _value_at(raw: Any, path: KeyPath) -> Any:
    node = raw
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return _MISSING
    return node


@dataclass(frozen=True)
class PendingPatch:
    """One ``[patch.KIND.ID]`` table of a pack, waiting for every pack's items to be read."""

    pack: str
    doc: TomlDocument
    kind: str
    item_id: str
    body: dict[str, Any]


def apply_patches(
    patches: list[PendingPatch], items: dict[str, dict[str, Located[Any]]], depends: Depends
) -> PatchReport:
    """Apply patches in load order to ``items`` (replacing each patched item by its merged,
    revalidated self) and report what went wrong, what looks wrong and what conflicts."""
    report = PatchReport([], [], [])
    drafts: dict[tuple[str, str], ItemDraft] = {}
    for patch in patches:
        at = Written(patch.doc, ("patch", patch.kind, patch.item_id), patch.pack)
        target = items[patch.kind].get(patch.item_id)
        if target is None:
            report.errors.append(at.error(_no_target(patch, items)))
            continue
        draft = drafts.get((patch.kind, patch.item_id))
        if draft is None:
            origins: Origins = target.origins if target.origins is not None else {(): target.home}
            draft = ItemDraft(patch.kind, patch.item_id, target.raw, origins)
            drafts[patch.kind, patch.item_id] = draft
        Patcher(draft, at, depends, report).apply(patch.body)
    for (kind, item_id), draft in drafts.items():
        target = items[kind][item_id]
        model = type(target.item)
        try:
            item = model.model_validate(draft.raw)
        except ValidationError as exc:
            report.errors.extend(validation_errors(draft, exc, model, draft.raw))
            continue
        items[kind][item_id] = Located(
            item, target.doc, target.path, target.pack, MappingProxyType(draft.origins), tuple(draft.patches)
        )
    return report


def _no_target(patch: PendingPatch, items: dict[str, dict[str, Located[Any]]]) -> str:
    """Why there is nothing to patch, and what the modder may have meant."""
    for kind, by_id in items.items():
        if patch.item_id in by_id and kind != patch.kind:
            return (
                f"no {patch.kind} {patch.item_id!r} to patch: {patch.item_id!r} is a {kind} "
                f"({by_id[patch.item_id].home.where()}); write [patch.{kind}.{patch.item_id}]"
            )
    return (
        f"no {patch.kind} {patch.item_id!r} to patch{did_you_mean(patch.item_id, items[patch.kind])}: "
        f"no loaded pack defines it; a patch changes an item of a pack this one depends on "
        f"(to add a new {patch.kind}, write [{patch.kind}.{patch.item_id}] instead)"
    )
