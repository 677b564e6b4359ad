"""A class's rules: the scenario and length, the seed of each student, pins, locks, what is shown.

``ClassRules`` wraps a validated class file. It checks what the file names against a world
(every problem at file:line:col), makes each student's game (their seed is derived from
the class's seed and their name when the class asks for it: the same name gets the same
seed on any machine), locks the levers the class locks, and says whether a collected game
keeps to the class's rules (``breaches``).
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from game import locations
from game.content.errors import ContentError, ContentErrors
from game.content.loader import load_file
from game.content.printable import UNPRINTABLE
from game.content.schema import ClassFile
from game.content.tomlpos import TomlDocument
from game.engine import Game, GameError, World
from game.errors import BorderlineError, did_you_mean
from game.limits import MAX_STUDENT_NAME_CHARS, MAX_TEXT_CHARS
from game.saves.format import ClassroomRecord

SEED_SPACE = 1_000_000_000
"""Per-student seeds are below this: nine digits a student can read out or type."""

Where = tuple[str | int, ...]


class ClassError(BorderlineError):
    """A class rule a game or a name does not meet; the message says what and what to do."""


def shipped_classes(packs: Iterable[str | Path]) -> list[Path]:
    """The class files the pack folders ``packs`` ship (each one's ``classes`` folder), in their order."""
    from game.content.loader import CLASSES_FOLDER

    found: list[Path] = []
    for pack in packs:
        folder = Path(pack) / CLASSES_FOLDER
        if folder.is_dir():
            found += sorted(p for p in folder.glob("*.toml") if p.is_file() and not p.name.startswith("."))
    return found


def class_id_of(path: Path) -> str:
    """A class file's ``class_id``, read without checking the rest ("" if it cannot be read)."""
    import tomllib

    try:
        found = tomllib.loads(path.read_text(encoding="utf-8")).get("class_id", "")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return ""
    return found if isinstance(found, str) else ""


def shipped_class(name: str, shipped: Sequence[Path]) -> Path | None:
    """The class of ``shipped`` that ``name`` names: by its ``class_id`` (``one-period-demo``) or
    its file's name (``one_period``, ``one_period.toml``), or None."""
    for candidate in shipped:
        if name in (candidate.stem, candidate.name, candidate.stem.replace("_", "-"), class_id_of(candidate)):
            return candidate
    return None


def class_file(raw: str | Path, packs: Sequence[str | Path] = ()) -> Path:
    """The class file ``raw`` names: a path, or the ``class_id`` or file name of a class the base
    game or ``packs`` ship (``one-period-demo`` or ``one_period``), so that a teacher whose game
    was installed from a wheel need not know where it put them. Raise ClassError naming the
    shipped classes when it is neither."""
    path = Path(raw).expanduser()
    if path.exists():
        return path
    shipped = shipped_classes(locations.default_packs(packs))
    name = str(raw)
    if (found := shipped_class(name, shipped)) is not None:
        return found
    names = ", ".join(f"{class_id_of(p) or p.stem} ({p.name})" for p in shipped) or "none"
    raise ClassError(
        f"class {name!r}: no such file, and no class the game ships has that id or name (it ships: {names})"
    )


def student_name(text: str) -> str:
    """The name a class game records: what the student typed on one line, no control characters.

    Raise ClassError when nothing usable is left or it is too long.
    """
    name = " ".join(UNPRINTABLE.sub("", unicodedata.normalize("NFC", str(text))).split())
    if not any(ch.isalnum() for ch in name):
        raise ClassError(
            "type your name (with at least one letter or digit) so your teacher knows whose game it is"
        )
    if len(name) > MAX_STUDENT_NAME_CHARS:
        raise ClassError(f"a name of at most {MAX_STUDENT_NAME_CHARS} characters, please")
    return name


def student_key(name: str) -> str:
    """A name as seeds and reports compare it: case, accents' encoding and spacing do not matter."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def pair_name(world: World, players: Mapping[str, str]) -> str:
    """The name a hot-seat class game records (and a served game's folder): the players in the
    order of the world's sides, e.g. "Ana + Beto"; its seed is made from it."""
    return student_name(" + ".join(players[sid] for sid in world.sides if sid in players))


def answer_text(text: str) -> str:
    """A student's answer as saved: control characters gone (line breaks kept), bounded."""
    return UNPRINTABLE.sub("", str(text)).strip()[:MAX_TEXT_CHARS]


@dataclass(frozen=True)
class ClassRules:
    """A class file, read and checked; ``source`` names where it came from (a path, or a save)."""

    spec: ClassFile
    source: str = ""

    # ------------------------------------------------------------------ reading

    @classmethod
    def from_file(cls, path: Path | str, world: World | None = None) -> ClassRules:
        """Read a class file safely; with a world, also check what it names. Raise ContentErrors.

        A class file is untrusted like a pack: the safe reader (a regular file of bounded size,
        no control characters, no nan) and the schema, every error at file:line:col.
        """
        spec, doc = load_file(path, ClassFile)
        rules = cls(spec, str(path))
        if world is not None:
            rules.check(world, doc)
        return rules

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any], source: str) -> ClassRules:
        """The rules a save carries (``settings``); raise ClassError if they are not a class file's."""
        try:
            return cls(ClassFile.model_validate(dict(settings)), source)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "the class"
            raise ClassError(
                f"{source}: the class rules it carries are damaged ({where}: {first['msg']})"
            ) from None

    @property
    def settings(self) -> dict[str, Any]:
        """The class file as plain data (what a save records, and compares)."""
        return self.spec.model_dump(mode="json", exclude={"schema_"})

    @property
    def fingerprint(self) -> str:
        """A short hash of the rules: two classes with the same one set the same games."""
        text = json.dumps(self.settings, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]

    # ------------------------------------------------------------------ packs

    def pack_folders(self, core: Sequence[Path], extra: Sequence[Path] = ()) -> list[Path]:
        """What every game of the class loads: ``core`` (the base game), the class's ``packs``
        found by id (the bundled packs, then the mods folder) with what they depend on, then
        ``extra`` (``--pack`` folders named on the command line). Never the mods a student
        has enabled. A class pack that is not installed is left out: checking the class
        against the world (``problems``) names it, at its place in the file."""
        from game.content.packs import find_pack, with_dependencies

        found = [folder for folder in map(find_pack, self.spec.packs) if folder is not None]
        return with_dependencies([*core, *found, *extra])

    # ------------------------------------------------------------------ checking

    def problems(self, world: World) -> list[tuple[Where, str]]:
        """What the class names that the world does not have, each with the key it is written at."""
        spec = self.spec
        out: list[tuple[Where, str]] = []
        scenario = world.scenarios.get(spec.scenario)
        if scenario is None:
            hint = did_you_mean(spec.scenario, world.scenarios)
            known = ", ".join(sorted(world.scenarios))
            says = f"unknown scenario {spec.scenario!r}{hint}; the packs loaded have: {known}"
            out.append((("scenario",), says))
        elif spec.turns is not None and spec.turns > scenario.turns:
            says = f"scenario {spec.scenario!r} has {scenario.turns} turns, fewer than {spec.turns}"
            out.append((("turns",), says))
        for pid, pin in spec.pins.items():
            param = world.parameters.get(pid)
            if param is None:
                out.append((("pins", pid), f"unknown parameter {pid!r}{did_you_mean(pid, world.parameters)}"))
            elif param.over is not None:
                out.append((("pins", pid), f"parameter {pid!r} has one value per row and cannot be pinned"))
            elif param.range is not None and not param.range[0] <= pin.value <= param.range[1]:
                low, high = param.range
                out.append(
                    (
                        ("pins", pid, "value"),
                        f"{pin.value:g} lies outside the range its sources support, "
                        f"[{low:g}, {high:g}]: pin a value inside it",
                    )
                )
        loaded = {pid for pid, _ in world.packs}
        for i, pid in enumerate(spec.packs):
            if pid not in loaded:
                says = f"the class plays with the pack {pid!r}, which is not installed: put its folder in "
                out.append((("packs", i), says + f"the mods folder ({locations.mods_folder()})"))
        if spec.hot_seat and len(world.sides) < 2:
            says = "a hot-seat class needs a world with two sides (one player each); these packs have "
            out.append((("hot_seat",), says + (", ".join(world.sides) or "none")))
        offered = set(scenario.actions) if scenario is not None and scenario.actions else None
        for key in ("locked", "available"):
            for i, aid in enumerate(getattr(spec.levers, key)):
                where: Where = ("levers", key, i)
                if aid not in world.actions:
                    out.append((where, f"unknown lever {aid!r}{did_you_mean(aid, world.actions)}"))
                elif offered is not None and aid not in offered:
                    out.append((where, f"{aid!r} is not one of scenario {spec.scenario!r}'s levers"))
        return out

    def check(self, world: World, doc: TomlDocument | None = None) -> None:
        """Raise ContentErrors naming every problem (at its place in the file when ``doc`` is given)."""
        found = self.problems(world)
        if not found:
            return
        if doc is None:
            raise ContentErrors(ContentError(self.source, 1, 1, message) for _, message in found)
        raise ContentErrors(doc.error(where, message, at_value=True) for where, message in found)

    # ------------------------------------------------------------------ games

    def seed_for(self, student: str) -> int:
        """The seed of this student's game: the class's, or derived from it and the name."""
        if not self.spec.seed_per_student:
            return self.spec.seed
        digest = hashlib.sha256(f"{self.spec.seed}\n{student_key(student)}".encode()).digest()
        return int.from_bytes(digest[:8], "big") % SEED_SPACE

    def pins(self) -> dict[str, float]:
        return {pid: float(pin.value) for pid, pin in self.spec.pins.items()}

    def turns(self, world: World) -> int:
        return self.spec.turns or world.scenarios[self.spec.scenario].turns

    def locks(self, world: World) -> dict[str, str]:
        """Levers the class locks, with what the student is told."""
        levers = self.spec.levers
        reason = levers.reason or f"locked by the class ({self.spec.title})"
        if levers.available:
            return {aid: reason for aid in world.actions if aid not in levers.available}
        return {aid: reason for aid in levers.locked}

    def apply(self, game: Game) -> None:
        """Hold a game to the class's length, locks and undo rule (a new game, or one from a save)."""
        game.turns = min(game.turns, self.turns(game.world))
        game.locks.update(self.locks(game.world))
        game.undo_allowed = game.undo_allowed and self.spec.undo

    def shows(self, what: str) -> bool:
        """Whether students see ``what``: "status_quo", "why" or "bands"."""
        return bool(getattr(self.spec.visible, what))

    def new_game(
        self,
        world: World,
        student: str,
        *,
        interactive: bool = True,
        players: Mapping[str, str] | None = None,
    ) -> Game:
        """The student's game: the class's scenario, their seed, the pins; with its status-quo twin.

        A hot-seat class's game is played by ``players`` (side id -> name; ``student`` is the
        pair's name, ``pair_name``); raise ClassError when the class and the players disagree."""
        from game.engine.hotseat import check_players

        self.check(world)
        if self.spec.hot_seat != bool(players):
            raise ClassError(
                "this class is played in pairs: name a player for each side"
                if self.spec.hot_seat
                else "this class is played alone: one name, not a player for each side"
            )
        game = Game(
            world,
            self.spec.scenario,
            self.seed_for(student),
            1,
            self.pins(),
            status_quo=True,
            interactive=interactive,
        )
        if players:
            try:
                game.players = check_players(list(world.sides), players)
            except GameError as exc:
                raise ClassError(str(exc)) from None
        self.apply(game)
        return game

    def session(self, student: str, answers: Mapping[str, str] | None = None) -> ClassSession:
        return ClassSession(self, student_name(student), dict(answers or {}))

    def breaches(self, game: Game, student: str) -> list[str]:
        """How a game breaks the class's rules: another scenario, seed or pins, or a locked lever moved."""
        spec = self.spec
        out: list[str] = []
        if game.scenario_id != spec.scenario:
            out.append(f"played scenario {game.scenario_id!r}, the class plays {spec.scenario!r}")
        expected = self.seed_for(student)
        if game.seed != expected:
            whose = f"{student!r}'s seed" if spec.seed_per_student else "the class's seed"
            out.append(f"seed {game.seed}, but {whose} is {expected}")
        if dict(game.pins) != self.pins():
            out.append(f"pinned {_pins_text(game.pins)}, the class pins {_pins_text(self.pins())}")
        if game.scenario_id == spec.scenario and game.turns > self.turns(game.world):
            out.append(f"{game.turns} turns, the class plays {self.turns(game.world)}")
        locks = self.locks(game.world) if game.scenario_id in game.world.scenarios else {}
        if spec.hot_seat and not game.players:
            out.append("played alone, the class plays in pairs (hot-seat)")
        elif game.players and not spec.hot_seat:
            out.append("played by two players, the class plays alone")
        moved = sorted({d.action for d in game.log if d.action in locks})
        if moved:
            out.append(f"changed locked lever{'s' if len(moved) > 1 else ''} {', '.join(moved)}")
        return out


def _pins_text(pins: Mapping[str, float]) -> str:
    return ", ".join(f"{k}={v:g}" for k, v in sorted(pins.items())) or "nothing"


@dataclass
class ClassSession:
    """One student's place in a class: the rules, their name and their answers to its questions."""

    rules: ClassRules
    student: str
    answers: dict[str, str] = field(default_factory=dict)

    def record(self, world: World) -> ClassroomRecord:
        """What a save of this student's game records: the class, the name, the rules, the answers."""
        spec = self.rules.spec
        return ClassroomRecord(
            class_id=spec.class_id,
            title=spec.title,
            student=self.student,
            turns=self.rules.turns(world),
            settings=self.rules.settings,
            answers=dict(self.answers),
        )

    def answer(self, question: str, text: str) -> None:
        ids = [q.id for q in self.rules.spec.question]
        if question not in ids:
            raise ClassError(f"no question {question!r} in this class{did_you_mean(question, ids)}")
        cleaned = answer_text(text)
        if cleaned:
            self.answers[question] = cleaned
        else:
            self.answers.pop(question, None)
