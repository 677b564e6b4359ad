"""Saves you can trust: save, load, autosave, list and replay games.

>>> path = save_game(game, "Tuesday class")           # saves/Tuesday class.json
>>> loaded = load_save(path)                          # replayed from its log, checked to the bit
>>> loaded.game.resolve_turn(); loaded.warnings
>>> autosave(game, game_id="3f9a1c2e")                # this turn's autosave, kept per game
>>> latest_autosave()                                 # the newest autosave that loads

A save records the packs (ids, versions, content hashes), the scenario, seed and pinned
parameters, every decision and dilemma answer by turn, and a snapshot of the state. Loading
replays the log into a new Game and checks the snapshot (to the bit on the same kind of
machine, within ``verdict.TOLERANCE`` for a save made on another), so a save is both a way
to continue and a proof of how the game went. Every problem a player can cause ends in a
SaveError whose message names the file, what is wrong and what to do; a failed load or
save changes nothing on disk.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from game import __version__
from game.content.errors import ContentErrors
from game.content.printable import UNPRINTABLE
from game.engine import Game, GameError, PinOutOfRange, World, load_world
from game.saves.errors import PackMismatch, ReplayMismatch, SaveError, SaveExists
from game.saves.files import (
    AUTOSAVE_FOLDER,
    AUTOSAVE_PATTERN,
    GAME_ID,
    SUFFIX,
    autosave_lock,
    autosave_paths,
    next_autosave_path,
    prune_autosaves,
    safe_name,
    save_path,
    saves_dir,
    write_atomic,
)
from game.saves.format import FORMAT_VERSION, ClassroomRecord, SaveFile, dump, read_save
from game.saves.packs import locate_packs, pack_differences, pack_records
from game.saves.replay import differences, replay, save_record
from game.saves.verdict import TOLERANCE, judge

__all__ = [
    "FORMAT_VERSION",
    "ClassroomRecord",
    "LoadedSave",
    "PackMismatch",
    "ReplayMismatch",
    "SaveError",
    "SaveExists",
    "SaveInfo",
    "autosave",
    "latest_autosave",
    "list_saves",
    "load_save",
    "new_game_id",
    "safe_name",
    "save_game",
    "saves_dir",
    "write_save",
]

PathLike = str | os.PathLike[str]
Packs = Sequence[PathLike] | World | None


@dataclass
class LoadedSave:
    """A save brought back to life: the replayed game and what the player should be told."""

    game: Game
    path: Path
    name: str
    saved_at: str
    warnings: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)  # replay vs snapshot (only when allowed)
    checked: int = 0  # values compared between the replay and the save
    game_id: str | None = None  # the game the save belongs to (None: saved before games had ids)
    classroom: ClassroomRecord | None = None  # a class game's class, student and answers
    # set when the save verifies only within the tolerance, being made on another kind of machine
    numerics_note: str | None = None


@dataclass(frozen=True)
class SaveInfo:
    """One entry of the load screen; ``error`` says why a file cannot be loaded."""

    name: str
    path: Path
    scenario: str
    turn: int
    date: str
    modified: float
    error: str | None = None
    autosave: bool = False
    over: bool = False  # the game had ended when it was saved
    game_id: str | None = None
    seed: int | None = None  # with the scenario, what tells two games' autosaves apart in a list
    players: tuple[str, ...] = ()  # a two-player game's players, by name


def new_game_id() -> str:
    """A fresh id for a new game: its autosaves are kept apart from other games' by it."""
    return secrets.token_hex(4)


def shown_name(name: str) -> str:
    """The name a save records and the load screen shows: what the player typed, without
    control characters, on one line (a save holding a control character does not load)."""
    return " ".join(UNPRINTABLE.sub("", str(name)).split())


def _encode(
    game: Game, name: str, game_id: str | None = None, classroom: ClassroomRecord | None = None
) -> bytes:
    if game.runs != 1:
        raise SaveError(f"only a single-run game can be saved; this one has {game.runs} runs")
    if game_id is not None and not GAME_ID.match(game_id):
        raise SaveError(f"{game_id!r} is not a game id: use 1 to 32 lower-case letters and digits")
    return dump(save_record(game, shown_name(name), pack_records(game.world), game_id, classroom))


def save_game(
    game: Game,
    name: str,
    *,
    overwrite: bool = False,
    folder: PathLike | None = None,
    game_id: str | None = None,
    classroom: ClassroomRecord | None = None,
) -> Path:
    """Save under a name the player typed, inside the saves folder; return the file written.

    Raise SaveExists (a SaveError) if a save of that name exists and ``overwrite`` is false.
    A class game passes its ``classroom`` record, so the save says whose game it is.
    """
    path = save_path(name, folder)
    write_atomic(path, _encode(game, str(name).strip(), game_id, classroom), overwrite=overwrite)
    return path


def write_save(
    game: Game,
    path: PathLike,
    *,
    overwrite: bool = False,
    name: str | None = None,
    classroom: ClassroomRecord | None = None,
) -> Path:
    """Save to an exact path (for the command line, where the user names the file)."""
    path = Path(path)
    data = _encode(game, name if name is not None else path.stem, classroom=classroom)
    write_atomic(path, data, overwrite=overwrite)
    return path


def autosave_name(game: Game) -> str:
    """What an autosave is called: the turn being played as the header numbers it, or the end."""
    if game.is_over:
        return f"Autosave, game over after turn {game.turn} of {game.turns}"
    return f"Autosave, turn {game.turn + 1} of {game.turns}"


def autosave(
    game: Game,
    folder: PathLike | None = None,
    *,
    game_id: str = "",
    classroom: ClassroomRecord | None = None,
) -> Path:
    """Write the game's autosave for the turn being played; keep the newest few of each game.

    An earlier autosave of the same game and turn (written before the turn's dilemmas were
    answered, say) is replaced, so each turn appears once; other games' autosaves are left
    alone, except that only the newest few games keep theirs. A class game passes its
    ``classroom`` record.
    """
    data = _encode(game, autosave_name(game), game_id or None, classroom)
    with autosave_lock(folder):  # games autosaving into one folder at once number theirs in turn
        path = next_autosave_path(game.turn + 1, folder, game_id, over=game.is_over)
        write_atomic(path, data, overwrite=False)
        prune_autosaves(folder, newest=path)
    return path


def latest_autosave(folder: PathLike | None = None, packs: Packs = None) -> Path | None:
    """The newest autosave that loads without problems, or None."""
    for path in autosave_paths(folder):
        try:
            load_save(path, packs)
        except SaveError:
            continue
        return path
    return None


def list_saves(folder: PathLike | None = None) -> list[SaveInfo]:
    """Saves and autosaves in the folder, newest first; unreadable ones carry their error."""
    base = saves_dir(folder)
    candidates: list[tuple[Path, bool]] = []
    for where, is_auto in ((base, False), (base / AUTOSAVE_FOLDER, True)):
        try:
            entries = sorted(where.iterdir())
        except OSError:
            continue
        for path in entries:
            if path.name.startswith(".") or path.suffix.lower() != SUFFIX:
                continue
            if is_auto and not AUTOSAVE_PATTERN.match(path.name):
                continue
            candidates.append((path, is_auto))
    infos = []
    for path, is_auto in candidates:
        try:
            modified = path.stat().st_mtime
            if not path.is_file():
                continue
        except OSError:
            continue
        try:
            save, _ = read_save(path)
        except SaveError as exc:
            infos.append(SaveInfo(path.stem, path, "", 0, "", modified, str(exc), is_auto))
            continue
        over = save.state is not None and save.state.over
        infos.append(
            SaveInfo(
                save.name or path.stem,
                path,
                save.scenario,
                save.turn,
                save.date,
                modified,
                None,
                is_auto,
                over,
                save.game,
                save.seed,
                tuple(save.players.values()),
            )
        )
    return sorted(infos, key=lambda i: (-i.modified, i.path.name))


def _world_for(save: SaveFile, path: Path, packs: Packs, allow: bool) -> tuple[World, list[str]]:
    """The world to replay on, and the differences between its packs and the save's."""
    not_found: dict[str, str] = {}
    if isinstance(packs, World):
        world = packs
    else:
        if packs is None:
            folders, not_found = locate_packs(save.packs)
            if not folders:
                raise SaveError(
                    f"{path}: none of the packs this save was made with is installed:\n  - "
                    + "\n  - ".join(not_found.values())
                )
            if not_found and not allow:
                raise PackMismatch(
                    _mismatch_message(path, list(not_found.values())), list(not_found.values())
                )
        else:
            folders = [Path(p) for p in packs]
        try:
            world = load_world(folders)
        except ContentErrors as exc:
            raise SaveError(
                f"{path}: the packs for this save have errors, so it cannot be loaded:\n"
                + "\n".join(str(e) for e in exc.errors)
            ) from None
    diffs = pack_differences(save.packs, pack_records(world), not_found)
    if diffs and not allow:
        raise PackMismatch(_mismatch_message(path, diffs), diffs)
    return world, diffs


def _mismatch_message(path: Path, diffs: list[str]) -> str:
    return (
        f"{path}: this save was made with different content than is loaded now:\n  - "
        + "\n  - ".join(diffs)
        + "\nInstall the packs it was made with, or continue anyway (the game will not be the same)."
    )


def load_save(
    path: PathLike,
    packs: Packs = None,
    *,
    allow_pack_mismatch: bool = False,
    allow_out_of_range: bool = False,
) -> LoadedSave:
    """Read a save and replay it into a new interactive Game (with its status-quo twin).

    ``packs`` are the pack folders (or an already loaded World) to play on; by default the
    ones the save names, looked up among the bundled packs and where the save found them.
    Differences in packs, or between the replay and the saved snapshot, raise PackMismatch
    or ReplayMismatch unless ``allow_pack_mismatch`` is true; then the game continues
    from the replay and ``warnings`` says what differs. A parameter the save pins outside
    its range is refused unless ``allow_out_of_range``. Nothing on disk changes.
    """
    path = Path(path)
    save, notes = read_save(path)
    world, pack_diffs = _world_for(save, path, packs, allow_pack_mismatch)
    warnings = list(notes)
    if pack_diffs:
        warnings.append(
            "this save was made with different content; the game continues on the packs loaded now: "
            + "; ".join(pack_diffs)
        )
    try:
        game = replay(save, world, allow_out_of_range=allow_out_of_range)
    except PinOutOfRange as exc:
        raise SaveError(
            f"{path}: the save pins {exc}; load it only if you trust it to go past the sources "
            "(on the command line: --allow-out-of-range)"
        ) from None
    except GameError as exc:
        on = " on the packs loaded now" if pack_diffs else ""
        raise SaveError(
            f"{path}: the save's log cannot be played{on}: {exc}; "
            "the file may have been edited by hand: restore it or load another save"
        ) from None
    found, checked = differences(save, game)
    verdict = judge(found, checked, save.numerics)
    diffs = verdict.refused
    if diffs:
        if pack_diffs:
            cause = "the packs differ from the save's"
        elif save.game_version != __version__:
            cause = (
                f"the file was edited, or this version of the game ({__version__}) computes differently "
                f"from the one that saved it ({save.game_version})"
            )
        elif not verdict.foreign:
            cause = "the file was edited after it was saved, or the game's engine changed since"
        else:
            within = len(verdict.found) - len(diffs)
            cause = (
                "the file was edited, or the game's engine changed since: a save made on a machine "
                f"that computes exp, log and power differently agrees to within {TOLERANCE:g}, and "
                f"this one does not{f'; {within} more values differ by less' if within else ''}"
            )
        if not allow_pack_mismatch:
            shown = "\n  - ".join(diffs[:8]) + (
                f"\n  ... and {len(diffs) - 8} more" if len(diffs) > 8 else ""
            )
            raise ReplayMismatch(
                f"{path}: replaying this save does not give the state it recorded ({len(diffs)} "
                f"difference{'s' if len(diffs) != 1 else ''}; {cause}):\n  - {shown}\n"
                "Continue anyway from the replayed state, or load another save.",
                diffs,
            )
        warnings.append(
            f"the replayed game differs from the saved one in {len(diffs)} value"
            f"{'s' if len(diffs) != 1 else ''} ({cause}); it continues from the replay"
        )
    elif save.game_version != __version__:
        warnings.append(
            f"saved by version {save.game_version} of the game; replayed "
            f"{'identically' if verdict.exact else f'to within {TOLERANCE:g}'} by {__version__}"
        )
    return LoadedSave(
        game,
        path,
        save.name or path.stem,
        save.saved_at,
        warnings,
        diffs,
        checked,
        save.game,
        save.classroom,
        verdict.note,
    )
