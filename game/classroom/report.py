"""The class report: a folder of students' saves replayed, checked and summed up for grading.

Every save is replayed from its log and compared with the state it recorded, bit for bit:
a save edited by hand (a better number typed in, a decision removed) no longer replays to
itself and is reported as tampered, not counted. With the teacher's class file, each game
must also keep to the class's rules: its scenario, the student's seed, the pins and the
locked levers. What is left is counted:

    class.csv   one row per student: name, scenario, seed, grade, score, each objective,
                the number of decisions and the levers used
    class.md    the grade distribution, the median outcome per objective, the strategies
                students tried and how they fared, the best and worst games with their
                decisions, the answers to the class's questions, and what was not counted

This module finds, replays and checks the saves (``collect``); ``class_files`` writes the two
files from what it found.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from game.classroom.rules import ClassError, ClassRules, ClassSession, student_key
from game.content.errors import ContentErrors
from game.engine import Debrief, Game, World, load_world
from game.errors import BorderlineError
from game.saves import LoadedSave, PackMismatch, ReplayMismatch, SaveError, load_save
from game.saves.files import AUTOSAVE_FOLDER, SUFFIX, autosave_game, autosave_paths
from game.saves.format import SaveFile, read_save
from game.saves.packs import content_changes, locate_packs, pack_records

NOT_COUNTED = ("tampered", "unreadable", "other content", "another class", "not a class game", "duplicate")


class ReportError(BorderlineError):
    """The report cannot be made at all (no saves found, a path that does not exist)."""


@dataclass
class Counted:
    """A game that replayed to itself and keeps to the class's rules."""

    path: Path
    student: str
    game: Game
    debrief: Debrief
    saved_at: str
    session: ClassSession | None = None
    notes: list[str] = field(default_factory=list)
    other_machine: bool = False  # made on another kind of machine: verified within the tolerance
    other_content: str = ""  # counted with --allow-mismatch: how the content it was made with differs

    @property
    def levers(self) -> list[str]:
        """The levers this student moved, in the order first moved."""
        return list(dict.fromkeys(d.action for d in self.game.log))

    @property
    def strategy(self) -> tuple[str, ...]:
        """Where the student left each lever against the scenario's start: ('+hope', '-us_dmi')."""
        game, start = self.game, self.game.scenario.action_levels
        moves = []
        for aid in self.levers:
            delta = game.committed_level(aid) - start.get(aid, 0)
            if delta:
                moves.append(("+" if delta > 0 else "-") + aid)
        return tuple(sorted(moves))


@dataclass(frozen=True)
class NotCounted:
    path: Path
    status: str  # one of NOT_COUNTED
    reason: str
    student: str = ""
    allowable: bool = False  # made with other content: --allow-mismatch would count it


@dataclass
class ClassReport:
    counted: list[Counted]
    not_counted: list[NotCounted]
    rules: ClassRules | None = None
    allow_mismatch: bool = False


def load_for_grading(
    path: Path, packs: World | Sequence[Path] | None, *, allow_mismatch: bool = False
) -> tuple[LoadedSave, str]:
    """A save replayed and checked, for a teacher's verb (export, whatif, report), and how the
    content it was made with differs from what is loaded now ("" when it does not).

    A save made with other content raises PackMismatch unless ``allow_mismatch``; then it is
    replayed on the content loaded now, and what it recorded cannot be checked against that
    replay (the replay is what is graded). A save that does not replay to itself on its own
    content is refused whatever is allowed (ReplayMismatch): it was edited.
    """
    try:
        return load_save(path, packs), ""
    except PackMismatch:
        if not allow_mismatch:
            raise
    loaded = load_save(path, packs, allow_pack_mismatch=True)
    save, _ = read_save(path)
    return loaded, content_changes(save.packs, pack_records(loaded.game.world))


def save_files(sources: Iterable[Path | str]) -> list[Path]:
    """The save files named, and those in the folders named (not hidden files).

    Of an autosave folder only each game's newest autosave is taken: a student who never
    pressed s still has their game there, and the older autosaves are the same game earlier.
    """
    found: list[Path] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            for item in sorted(path.rglob(f"*{SUFFIX}")):
                parts = item.relative_to(path).parts
                if any(p.startswith(".") for p in parts) or AUTOSAVE_FOLDER in parts[:-1]:
                    continue
                if item.is_file():
                    found.append(item)
            found += _newest_autosaves(path)
        elif path.exists() or path.is_symlink():
            found.append(path)
        else:
            raise ReportError(f"{source}: no such file or folder")
    if not found:
        raise ReportError("no saves found: name save files (.json) or folders that hold them")
    return list(dict.fromkeys(found))


def _newest_autosaves(top: Path) -> list[Path]:
    """Each game's newest autosave in the autosave folders at or under ``top``."""
    folders = sorted(  # (an autosave folder named itself is read whole, as any folder named)
        f for f in top.rglob(AUTOSAVE_FOLDER)
        if f.is_dir() and not any(p.startswith(".") for p in f.relative_to(top).parts)
    )
    newest: list[Path] = []
    for folder in folders:
        seen: set[str] = set()
        for path in autosave_paths(folder.parent):  # newest first
            game = autosave_game(path) or path.name  # an autosave without a game id stands alone
            if game not in seen:
                seen.add(game)
                newest.append(path)
    return newest


class _Worlds:
    """Worlds by the packs saves were made with, each loaded once (a class shares one)."""

    def __init__(self, world: World | None) -> None:
        self.given = world
        self.cache: dict[tuple[tuple[str, str, str | None], ...], World | str] = {}

    def for_save(self, save: SaveFile) -> World | str:
        if self.given is not None:
            return self.given
        key = tuple((p.id, p.version, p.hash) for p in save.packs)
        if key not in self.cache:
            folders, missing = locate_packs(save.packs)
            if missing or not folders:
                self.cache[key] = "made with packs that are not installed: " + "; ".join(missing.values())
            else:
                try:
                    self.cache[key] = load_world(folders)
                except ContentErrors as exc:
                    self.cache[key] = f"its packs have errors: {exc.errors[0]}"
        return self.cache[key]


def _first(lines: Sequence[str], n: int = 3) -> str:
    more = f" (and {len(lines) - n} more)" if len(lines) > n else ""
    return "; ".join(lines[:n]) + more


def class_pack_ids(rules: ClassRules, core: Sequence[Path] | None = None) -> list[str]:
    """The ids of the packs every game of the class loads: ``core`` (default: the base game)
    and the class's ``packs`` with their dependencies (one not installed here: its id as written)."""
    from game.content.packs import manifest
    from game.locations import default_packs

    folders = rules.pack_folders(default_packs() if core is None else core)
    ids = [found.id for found in map(manifest, folders) if found is not None]
    return list(dict.fromkeys([*ids, *rules.spec.packs]))


def pack_differences(played: Sequence[str], expected: Sequence[str]) -> list[str]:
    """How the packs a game was played with (ids) differ from the class's (``expected``)."""
    extra = [pid for pid in played if pid not in expected]
    missing = [pid for pid in expected if pid not in played]
    out = []
    if extra:
        out.append(f"played with packs the class does not use: {', '.join(extra)}")
    if missing:
        out.append(f"played without the class's packs: {', '.join(missing)}")
    return out


def _check(
    path: Path,
    save: SaveFile,
    rules: ClassRules | None,
    worlds: _Worlds,
    class_packs: Sequence[str] = (),
    allow_mismatch: bool = False,
) -> Counted | NotCounted:
    classroom = save.classroom
    student = classroom.student if classroom is not None else (save.name or path.stem)
    if rules is not None:
        if classroom is None:
            return NotCounted(
                path, "not a class game", "played outside a class (no class and student recorded)"
            )
        if classroom.class_id != rules.spec.class_id:
            return NotCounted(
                path, "another class", f"class {classroom.class_id!r}, not {rules.spec.class_id!r}", student
            )
        differs = pack_differences([p.id for p in save.packs], class_packs)
        if differs:  # a student's own mods, or a class pack left out: not the class's game
            return NotCounted(path, "other content", "; ".join(differs), student)
    world = worlds.for_save(save)
    if isinstance(world, str):
        return NotCounted(path, "other content", world, student)
    try:
        loaded, other_content = load_for_grading(path, world, allow_mismatch=allow_mismatch)
    except ReplayMismatch as exc:
        return NotCounted(
            path,
            "tampered",
            f"replaying it does not give the state it records: {_first(exc.differences)}",
            student,
        )
    except PackMismatch:
        changes = content_changes(save.packs, pack_records(world))
        return NotCounted(path, "other content", f"made with other content ({changes})", student, True)
    except SaveError as exc:
        return NotCounted(path, "unreadable", str(exc), student)
    game = loaded.game
    session = None
    if classroom is not None:
        try:
            own = ClassRules.from_settings(classroom.settings, str(path))
        except ClassError as exc:
            return NotCounted(path, "tampered", str(exc), student)
        if rules is not None and own.settings != rules.settings:
            changed = sorted(k for k in rules.settings if own.settings.get(k) != rules.settings[k])
            return NotCounted(
                path,
                "tampered",
                f"the class rules it carries differ from the class file ({', '.join(changed)})",
                student,
            )
        judge = rules or own
        breaches = judge.breaches(game, student)
        if game.turns != judge.turns(game.world):
            breaches.append(
                f"a length of {game.turns} turns recorded, the class plays {judge.turns(game.world)}"
            )
        if breaches:
            return NotCounted(
                path, "tampered", "it does not keep to the class's rules: " + _first(breaches), student
            )
        session = judge.session(student, classroom.answers)
    word = game.scenario.turn_name
    notes = [] if game.is_over else [f"unfinished: {game.turn} of {game.turns} {word}s played"]
    other = bool(loaded.numerics_note)  # verified within the tolerance, made on another kind of machine
    return Counted(path, student, game, game.debrief(), save.saved_at, session, notes, other, other_content)


def collect(
    sources: Iterable[Path | str],
    rules: ClassRules | None = None,
    world: World | None = None,
    core: Sequence[Path] | None = None,
    allow_mismatch: bool = False,
) -> ClassReport:
    """Replay and check every save; raise ReportError when there are none to look at. With
    ``rules``, a game played on other packs than the class's (``core``, default the base game,
    and the class's ``packs``) is not counted. A game made with other content than is loaded now
    (the game updated since) is not counted either, unless ``allow_mismatch``: then it is
    replayed on the content loaded now, counted, and marked (``Counted.other_content``)."""
    worlds = _Worlds(world)
    class_packs = class_pack_ids(rules, core) if rules is not None else []
    counted: list[Counted] = []
    rejected: list[NotCounted] = []
    for path in save_files(sources):
        try:
            save, _ = read_save(path)
        except SaveError as exc:
            rejected.append(NotCounted(path, "unreadable", str(exc)))
            continue
        outcome = _check(path, save, rules, worlds, class_packs, allow_mismatch)
        (counted if isinstance(outcome, Counted) else rejected).append(outcome)  # type: ignore[arg-type]
    latest: dict[tuple[str, str], Counted] = {}
    for entry in counted:  # one game a student: the furthest played, then the latest saved
        cid = entry.session.rules.spec.class_id if entry.session else ""
        key = (cid, student_key(entry.student))
        other = latest.get(key)
        if other is None or (entry.game.turn, entry.saved_at) > (other.game.turn, other.saved_at):
            if other is not None:
                rejected.append(
                    NotCounted(other.path, "duplicate", f"a later save of {entry.student}: {entry.path}")
                )
            latest[key] = entry
        else:
            rejected.append(
                NotCounted(entry.path, "duplicate", f"a later save of {entry.student}: {other.path}")
            )
    kept = sorted(latest.values(), key=lambda e: student_key(e.student))
    return ClassReport(kept, sorted(rejected, key=lambda r: str(r.path)), rules, allow_mismatch)
