"""``borderline validate`` (packs loaded together, single files checked on their own) and
``borderline schema`` (the JSON Schema of each content file kind)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from game import locations
from game.app.words import plural
from game.verbs.common import EXIT_ERROR, EXIT_OK, CliError, given_packs, report_content_notes


def cmd_validate(args: argparse.Namespace) -> int:
    """Pack folders (and ``--pack`` ones) load together as one stack, with the packs they
    depend on; single files are checked on their own, plans against that stack's world."""
    from game.content.errors import ContentError, ContentErrors
    from game.content.loader import validate_single_file
    from game.content.packs import with_dependencies
    from game.engine import load_world

    errors: list[ContentError] = []
    checked: list[str] = []
    folders = [Path(p) for p in given_packs(args)]
    if not folders and not args.paths:
        raise CliError("name the packs or files to check (or --pack DIR, or --mods for the enabled mods)")
    files: list[Path] = []
    for raw in args.paths:
        path = Path(raw)
        if path.is_dir():
            folders.append(path)
        elif os.path.lexists(path):  # a file, or something the safe reader will refuse by name
            files.append(path)
        else:
            where = "" if path.is_absolute() else f", here or in the mods folder ({locations.mods_folder()})"
            errors.append(ContentError(raw, 1, 1, f"no such file or folder{where}"))
    world = None
    hints: list[ContentError] = []  # printed before the errors, not counted with them
    unchecked = ""  # what the packs' errors kept from being checked
    if folders:
        stack = with_dependencies(folders)
        try:
            world = load_world(stack)
        except ContentErrors as exc:
            hints = _without_base_hint(folders, stack, len(exc.errors))
            errors.extend(exc.errors)
            unchecked = exc.unchecked
        starting = _starting_problems(world) if world is not None else []
        errors.extend(starting)
        if world is not None and not starting:
            count = sum(len(v) for v in world.content.items.values())
            order = ", ".join(f"{pid} {version}" for pid, version in world.packs)
            named = " + ".join(str(f) for f in folders)
            checked.append(
                f"{named}: ok ({plural(count, 'item')}, {plural(len(world.indicators), 'indicator')}, "
                f"{plural(len(world.actions), 'action')}, {plural(len(world.events), 'event')}; "
                f"packs in load order: {order})"
            )
            checked += _check_pack_plans(folders, files, world, errors)
    for path in files:
        kind, found = validate_single_file(path)
        if kind == "plan":  # the schema's errors and the world's, at once
            found = _check_plan_ids(path, world)
        if not found and kind == "class":
            found = _check_class_ids(path, world)
        errors.extend(found)
        if not found:
            checked.append(f"{path}: ok")
    for line in checked:
        print(line)
    if world is not None:
        report_content_notes(world)
        _note_without_base(world, folders)
    for err in [*hints, *errors]:
        print(err, file=sys.stderr)
    if errors:
        if len(errors) > 1:
            print(f"{len(errors)} errors", file=sys.stderr)
        if unchecked:
            print(f"(not checked yet: {unchecked}, until the errors above are fixed)", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK


def _check_pack_plans(folders: list[Path], files: list[Path], world: Any, errors: list[Any]) -> list[str]:
    """The plans in each named pack's plans/ folder, checked against the stack (a plan also named
    on the command line is checked there); a line a folder saying how many are ok."""
    from game.content.loader import PLANS_FOLDER

    named = {f.resolve() for f in files}
    lines = []
    for folder in folders:
        plans = [p for p in sorted((folder / PLANS_FOLDER).glob("*.toml")) if p.resolve() not in named]
        bad = 0
        for plan in plans:
            found = _check_plan_ids(plan, world)  # the schema's errors and the world's, at once
            errors.extend(found)
            bad += bool(found)
        if plans:
            verdict = f"{bad} with errors" if bad else "ok"
            lines.append(f"{folder / PLANS_FOLDER}: {plural(len(plans), 'plan')} checked: {verdict}")
    return lines


def _without_base_hint(folders: list[Path], stack: list[Path], failed: int) -> list[Any]:
    """One hint before the errors of a stack that leaves the base game out and would load (or
    fail less) with it: a pack.toml without ``dependencies`` otherwise gets an error for every
    base name it uses ("unknown side 'us'"), and nothing says why."""
    from game.content.errors import ContentErrors
    from game.content.loader import read_pack
    from game.content.packs import manifest, with_dependencies
    from game.engine import load_world

    base = locations.base_pack()
    found = manifest(base)
    if found is None or any((m := manifest(f)) is not None and m.id == found.id for f in stack):
        return []
    try:
        load_world(with_dependencies([base, *folders]))
        fewer = failed
    except ContentErrors as exc:
        fewer = failed - len(exc.errors)
    if fewer <= 0:
        return []
    hints = []
    for folder in folders:
        pack = read_pack(folder, [])
        if pack is None or pack.manifest.dependencies:
            continue
        where = "dependencies" if "dependencies" in pack.manifest.model_fields_set else "id"
        hints.append(
            pack.manifest_error(
                f"hint: nothing from {found.id!r} is loaded (pack.toml does not depend on it); loaded "
                f"with it, {fewer} of the errors below {'goes' if fewer == 1 else 'go'} away: to build on "
                f'the base game, add dependencies = [{{ id = "{found.id}", version = ">={found.version}" }}]',
                where,
            )
        )
    return hints


def _note_without_base(world: Any, folders: list[Path]) -> None:
    """The game loads the base game under every pack: say so when the stack checked left it out
    (a pack that does not depend on it may still clash with it where the game loads both)."""
    from game.content.packs import manifest

    base = locations.base_pack()
    found = manifest(base)
    if found is None or found.id in {pid for pid, _ in world.packs}:
        return
    named = " ".join(str(f) for f in folders)
    print(
        f"note: checked without the base game ({found.id!r}), which the game loads under every pack: "
        f"`borderline validate {base} {named}` checks them as the game loads them",
        file=sys.stderr,
    )


def _starting_problems(world: Any) -> list[Any]:
    """Each scenario's starting state, built as a game builds it (one run, drawn at seed 0):
    a stock that starts outside its range, or a starting value that is not a number, is found
    here rather than by the first game."""
    from game.engine import Game, GameError, SimulationError

    found: dict[str, Any] = {}
    for sid in world.scenarios:
        try:
            Game(world, sid, seed=0, runs=1, difficulty=None)
        except (SimulationError, GameError) as exc:
            found.setdefault(str(exc).split(" at turn ")[0], exc)  # one stock wrong in every scenario: once
    return list(found.values())


def _check_plan_ids(path: Path, world: Any = None) -> list[Any]:
    """A plan's actions, levels, events and turns checked against the world it is for.

    The world is the one given (the packs named with it), or else the pack whose plans
    folder holds the file, or else the base game. A plans folder that is not in a pack
    (no pack.toml beside it) says nothing about the plan's packs.
    """
    from game.content.errors import ContentErrors
    from game.content.loader import PLANS_FOLDER
    from game.content.packs import with_dependencies
    from game.engine import load_world, plan_warnings, read_plan

    own = path.parent.parent if path.parent.name == PLANS_FOLDER else None
    if own is not None and not (own / "pack.toml").is_file():
        own = None
    if world is not None and own is not None:
        if not any(p.folder.resolve() == own.resolve() for p in world.content.packs):
            world = None  # a plan of a pack that is not in the stack is checked in its own world
    try:
        world = world if world is not None else load_world(with_dependencies(own or locations.base_pack()))
        # every problem at once, the schema's and the world's, against the plan's scenario or the first
        plan, doc = read_plan(path, world, first_scenario=True)
    except ContentErrors as exc:
        return list(exc.errors)
    for warning in plan_warnings(plan, doc):
        print(f"warning: {warning}", file=sys.stderr)
    return []


def _check_class_ids(path: Path, world: Any = None) -> list[Any]:
    """A class file's scenario, levers and pins checked against the world it is for: the packs
    named with it, or else the pack whose classes folder holds it, or else the base game."""
    from game.classroom import ClassRules
    from game.content.errors import ContentErrors
    from game.content.loader import CLASSES_FOLDER
    from game.content.packs import with_dependencies
    from game.engine import load_world

    pack = path.parent.parent if path.parent.name == CLASSES_FOLDER else locations.base_pack()
    try:
        if world is None:  # the class's own packs too, found by id
            world = load_world(ClassRules.from_file(path).pack_folders(with_dependencies(pack)))
        ClassRules.from_file(path, world)
    except ContentErrors as exc:
        return list(exc.errors)
    return []


def schema_documents() -> dict[str, dict[str, Any]]:
    """JSON Schema of each file kind, keyed by file name."""
    from game.content.schema import FILE_KINDS

    docs = {}
    for kind, model in FILE_KINDS.items():
        schema = model.model_json_schema(by_alias=True)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema.setdefault("title", f"Borderline {kind} file")
        docs[f"{kind}.schema.json"] = schema
    return docs


def cmd_schema(args: argparse.Namespace) -> int:
    import json  # output formats load with the verb that writes them, not at start-up

    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, doc in schema_documents().items():
            (out / name).write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot write schemas to {out}: {exc.strerror or exc}") from None
    print(f"wrote {len(schema_documents())} schemas to {out}")
    return EXIT_OK
