"""What the ``borderline`` verbs share: the user-mistake error, exit codes, the packs named on
the command line, loading a world and writing output, all as one clear message per mistake."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from game import locations
from game.errors import BorderlineError

EXIT_OK, EXIT_ERROR = 0, 1


class CliError(BorderlineError):
    """A user mistake; the message is printed as is."""


ALLOW_MISMATCH_HELP = "go on even if the packs differ from the ones the save was made with"


def add_allow_mismatch(parser: argparse.ArgumentParser) -> None:
    """``--allow-mismatch``: one meaning and one help text for every verb that reads a save."""
    parser.add_argument("--allow-mismatch", action="store_true", help=ALLOW_MISMATCH_HELP)


def mismatch_hint(verb: str, *words: str, what: str = "it") -> str:
    """The line after a refused save naming the flag for the verb at hand, with the command
    (``words``: its arguments) to copy."""
    import shlex

    command = shlex.join(["borderline", verb, *words, "--allow-mismatch"])
    return f"(to {verb} {what} anyway, add --allow-mismatch: {command})"


def default_packs(extra: Sequence[str] = ()) -> list[Path]:
    return locations.default_packs(extra)  # not the pack finder: it imports the loader, too slow for start-up


def _parse_params(items: Sequence[str]) -> dict[str, float]:
    pins: dict[str, float] = {}
    for item in items:
        name, sep, raw = item.partition("=")
        if not sep or not name:
            raise CliError(f"--param expects ID=VALUE, got {item!r}")
        try:
            value = float(raw)
        except ValueError:
            raise CliError(f"--param {name}: {raw!r} is not a number") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise CliError(f"--param {name}: the value must be a finite number")
        pins[name.strip()] = value
    return pins


def given_packs(args: argparse.Namespace) -> list[str]:
    """The packs to load on top of the base game: with ``--mods`` the mods enabled on the Mods
    screen, then the ``--pack`` folders given before and after the verb, in that order."""
    enabled: list[str] = []
    if getattr(args, "with_mods", False):
        from game.app.mod_list import ModList  # reads manifests with the loader: only when asked

        mods = ModList.read()
        for note in mods.notes:
            print(f"warning: {note}", file=sys.stderr)
        enabled = [str(folder) for folder in mods.enabled_folders()]
    return [*enabled, *args.pack, *getattr(args, "verb_packs", [])]


def _load_world(packs: Sequence[Path]) -> Any:
    from game.content.errors import ContentErrors
    from game.engine import load_world

    try:
        return load_world(packs)
    except ContentErrors as exc:
        raise CliError(_listed("the content has", exc.errors)) from None


def _listed(what: str, errors: Sequence[object]) -> str:
    """One error on one line; several under a heading, one a line."""
    if len(errors) == 1:
        return str(errors[0])
    return f"{what} {len(errors)} errors:\n" + "\n".join(str(e) for e in errors)


def check_out(out: str | None) -> None:
    """Refuse an --out file that cannot be written before the work, not after it: its folder
    missing or not a folder, or the path itself a folder (a batch of minutes ran to nothing)."""
    if out is None:
        return
    path = Path(out)
    folder = path.parent
    if path.is_dir():
        raise CliError(f"cannot write {out}: it is a folder; name a file in it")
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise CliError(f"cannot write {out}: the folder {str(folder)!r} {what}")


def _write(text: str, out: str | None) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    path = Path(out)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot write {out}: {exc.strerror or exc}") from None


def _save_file(raw: str) -> Path:
    """A save named on the command line: a path, or the name of a save in the saves folder."""
    from game.saves import SaveError, save_path

    path = Path(raw)
    if path.exists():
        return path
    try:
        named = save_path(raw)
    except SaveError:
        return path
    return named if named.exists() else path


def report_content_notes(world: Any) -> None:
    """Warnings and conflicts from patching, on standard error: they do not stop a load."""
    for warning in world.content.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for conflict in world.content.conflicts:
        print(str(conflict), file=sys.stderr)

