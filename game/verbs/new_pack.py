"""``borderline new-pack NAME [--dir D]``: a new pack that validates and plays at once.

The files come from ``game.content.scaffold``; this module picks the folder (the mods
folder unless ``--dir`` says otherwise), reads what the examples need from the world the
pack builds on, writes everything (JSON Schemas included, so the ``#:schema`` lines
resolve wherever the pack is moved), and checks the result by loading it. Nothing is ever
overwritten, and a pack that would not load is not left behind.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path
from typing import Any

from game import locations
from game.verbs.common import EXIT_OK, CliError
from game.verbs.validate import schema_documents


def cmd_new_pack(args: argparse.Namespace) -> int:
    from game.content.packs import find_pack
    from game.content.scaffold import SCHEMA_FOLDER, scaffold
    from game.content.schema import PACK_ID

    name = args.name
    if not PACK_ID.fullmatch(name):
        suggestion = re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_")
        suggestion = suggestion if suggestion[:1].isalpha() else f"my_{suggestion}".rstrip("_")
        raise CliError(
            f"{name!r} is not a pack id: use lower-case letters, digits and _, starting with a letter "
            f"(for example {suggestion[:64]!r})"
        )
    parent = Path(args.dir) if args.dir is not None else locations.mods_folder()
    folder = parent / name
    if folder.exists() or folder.is_symlink():
        raise CliError(f"{folder} already exists; nothing was written: choose another name or --dir")
    elsewhere = find_pack(name)
    if elsewhere is not None:
        raise CliError(f"a pack with the id {name!r} already exists ({elsewhere}); choose another name")
    title = args.title or name.replace("_", " ").capitalize()
    world = _base_world()
    files = scaffold(name, title, _facts(world))
    files.update({f"{SCHEMA_FOLDER}/{n}": _json(doc) for n, doc in schema_documents().items()})
    try:
        for relative, text in files.items():
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "x", encoding="utf-8") as handle:
                handle.write(text)
    except OSError as exc:
        _discard(folder)
        problem = exc.strerror or exc
        raise CliError(f"cannot write the pack in {folder}: {problem}; nothing was kept") from None
    summary = _check(folder)
    print(f"wrote {folder} ({len(files)} files): {summary}")
    print("next:")
    print(f"  borderline validate {folder}")
    plan = folder / "plans" / "try_the_lever.toml"
    print(f"  borderline simulate --pack {folder} --plan {plan} --format table")
    if args.dir is None:
        print("  borderline, then Mods: it is in the mods folder and enabled")
    else:
        print(f"  borderline --pack {folder}   (or move it into the mods folder, {locations.mods_folder()})")
    return EXIT_OK


def _json(doc: dict[str, Any]) -> str:
    import json

    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def _base_world() -> Any:
    """The base game, for the names the examples use (its scenario, sides and tables)."""
    from game.content.errors import ContentErrors
    from game.engine import load_world

    try:
        return load_world([locations.base_pack()])
    except ContentErrors as exc:
        raise CliError(
            "the base game does not load, so a pack built on it could not be checked:\n"
            + "\n".join(str(e) for e in exc.errors)
        ) from None


def _facts(world: Any) -> Any:
    from game.content.scaffold import BaseFacts

    tables = {}
    for role in ("drugs", "organizations"):
        table = world.table_with_role(role)
        if table is None:
            continue
        rows = world.content.of("table")[table].item.rows
        row_id, row = next(iter(rows.items()))
        tables[table] = (row_id, {k: v for k, v in row.items() if k != "name" and isinstance(v, float)})
    sides = sorted(world.sides)
    side = "us" if "us" in sides else (sides[0] if sides else None)
    actions = sorted(a for a, info in world.actions.items() if not info.spec.hidden)
    action = actions[0] if actions else None
    scenario = next(iter(sorted(world.scenarios, key=lambda s: s != "both-sides")), None)
    return BaseFacts(
        depends_on=locations.BASE_PACK,
        scenario=scenario,
        scenario_valued=scenario is not None
        and any(o.value is not None for o in world.scenarios[scenario].objectives),
        side=side,
        tables=tables,
        action=action,
        action_levels=world.actions[action].levels if action is not None else 2,
    )


def _check(folder: Path) -> str:
    """Load the new pack with what it depends on; if it does not load, take it away again."""
    from game.content.errors import ContentErrors
    from game.content.packs import with_dependencies
    from game.engine import load_world

    try:
        world = load_world(with_dependencies(folder))
    except ContentErrors as exc:
        _discard(folder)
        raise CliError(
            "the new pack would not load, so it was not kept (a name clash with another pack?):\n"
            + "\n".join(str(e) for e in exc.errors)
        ) from None
    own = [loc for by_id in world.content.items.values() for loc in by_id.values() if loc.pack == folder.name]
    packs = ", ".join(pid for pid, _ in world.packs)
    return f"it validates ({len(own)} items of its own; loads with {packs})"


def _discard(folder: Path) -> None:
    """Remove a pack this command created (never anything else)."""
    try:
        shutil.rmtree(folder)
    except OSError as exc:
        print(f"borderline: could not remove {folder}: {exc.strerror or exc}", file=sys.stderr)
