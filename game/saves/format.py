"""The save file: its pydantic model, how it is read and written, and how old versions migrate.

A save is JSON a person can read: two-space indentation, short records and lists of
numbers on one line, floats written with ``repr`` so each one reads back to the same bits.
The top-level ``format`` marks it as ours and ``version`` says which layout it uses.

Version history
  0  the prototype: packs as ``[id, version]`` pairs, decisions and choices as flat
     ``[turn, id, value]`` triples, no content hashes and no state snapshot.
  1  packs with content hashes, the log grouped by turn, a snapshot of the state.
  2  either ``game``: the id of the game a save belongs to (its autosaves are kept per game),
     and ``difficulty``: the level the game is played at (absent: the packs' default); or
     ``classroom``: a class game's class (its id, title, rules and length), the student's
     name and their answers to the class's questions (two lines of work each made a 2).
  3  all of them: a save may carry its game's id, its difficulty and a classroom record.
  4  ``numerics``: the machine's floating-point routines (``game.engine.numerics``), so a
     replay on another kind of machine can tell last-bit drift from an edit (absent in
     older saves: the routines they were made with are unknown); a dilemma's answer says
     ``by_default`` when nobody chose it (absent: someone did).

Reading never trusts the file: size, encoding, syntax, duplicate keys, non-finite
numbers, unknown keys, wrong types and values out of range all end in one SaveError that
names the file and the place; a file from a newer version of the game is refused with a
request to update.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, model_validator

from game.content.printable import UNPRINTABLE, describe_character, printable
from game.content.safe_read import FileRefused, read_limited
from game.content.schema import ID_PATTERN
from game.content.validation import error_message
from game.limits import MAX_SAVE_BYTES, MAX_STUDENT_NAME_CHARS
from game.saves.errors import SaveError

FORMAT: Final = "borderline-save"
FORMAT_VERSION: Final = 4
MAX_BYTES = MAX_SAVE_BYTES
MAX_SEED = 2**63 - 1

Name = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(max_length=10_000)]
Value = float | dict[Name, float]


class Record(BaseModel):
    """Base of every part of a save: unknown keys are errors, values are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class PackRecord(Record):
    """A pack the game was played with: enough to tell whether the same content is loaded.

    ``folder`` is where the pack was when the game was saved: a hint for the player, never
    a place the game loads from by itself.
    """

    id: Annotated[str, Field(pattern=ID_PATTERN, max_length=64)]
    version: Name
    hash: Annotated[str, Field(pattern=r"^sha256:[0-9a-f]{64}$")] | None
    files: dict[Name, Annotated[str, Field(pattern=r"^sha256:[0-9a-f]{64}$")]] = {}
    folder: Text | None = None


class DecisionRecord(Record):
    """A level chosen before a turn resolved (``previous``: the level it replaced)."""

    action: Name
    level: Annotated[int, Field(ge=0, le=10_000)]
    previous: Annotated[int, Field(ge=0, le=10_000)] | None = None


class ChoiceRecord(Record):
    """The answer given to a dilemma after a turn resolved."""

    event: Name
    choice: Name
    by_default: bool = Field(
        False,
        description="nobody chose: the default was taken (nobody played the side, the game was over, "
        "no choice was left); the debrief and exports say so rather than 'answered'",
    )


class TurnRecord(Record):
    """What the players did at one turn: levels set before it, dilemmas answered after it."""

    turn: Annotated[int, Field(ge=1, le=100_000)]
    decisions: list[DecisionRecord] = []
    choices: list[ChoiceRecord] = []

    @model_validator(mode="after")
    def _once_each(self) -> TurnRecord:
        actions = [d.action for d in self.decisions]
        if len(set(actions)) != len(actions):
            raise ValueError(f"turn {self.turn} sets the same action twice")
        events = [c.event for c in self.choices]
        if len(set(events)) != len(events):
            raise ValueError(f"turn {self.turn} answers the same dilemma twice")
        return self


class ActionState(Record):
    level: Annotated[int, Field(ge=0)]
    turns_since_change: float


class EventState(Record):
    fired: Annotated[int, Field(ge=1)]
    last_turn: int


class Snapshot(Record):
    """The state of the game at the saved turn (run 0), checked against the replayed one."""

    over: bool
    ending: Name | None
    stocks: dict[Name, Value]
    indicators: dict[Name, Value]
    actions: dict[Name, ActionState]
    events: dict[Name, EventState]
    pending_dilemmas: list[Name]
    history: dict[Name, list[float]]


class ClassroomRecord(Record):
    """A game played for a class: which class, by whom, under what rules, and the answers given.

    ``settings`` is the class file as the game read it (checked against the class's schema
    by ``game.classroom``); ``turns`` the length the class plays, which a replay keeps to.
    """

    class_id: Name
    title: Text
    student: Annotated[str, Field(min_length=1, max_length=MAX_STUDENT_NAME_CHARS)]
    turns: Annotated[int, Field(ge=1, le=100_000)]
    settings: dict[Name, Any]
    answers: dict[Name, Text] = {}


class SaveFile(Record):
    """A whole save, version 4."""

    format: Literal["borderline-save"]
    version: Literal[4]
    game_version: Name
    game: Annotated[str, Field(pattern=r"^[0-9a-z]{1,32}$")] | None = None
    name: Text
    saved_at: Name
    scenario: Name
    difficulty: Annotated[str, Field(pattern=ID_PATTERN, max_length=64)] | None = None
    seed: Annotated[int, Field(ge=0, le=MAX_SEED)]
    pins: dict[Name, float] = {}
    turn: Annotated[int, Field(ge=0, le=100_000)]
    date: Name
    packs: Annotated[list[PackRecord], Field(min_length=1)]
    log: list[TurnRecord] = []
    pending: dict[Name, Annotated[int, Field(ge=0, le=10_000)]] = {}
    warnings: list[Text] = []
    players: dict[Name, Name] = Field(
        {}, description="a two-player (hot-seat) game: each side's player by name (side id -> name)"
    )
    state: Snapshot | None
    classroom: ClassroomRecord | None = None
    numerics: Annotated[dict[Name, Name], Field(max_length=16)] | None = Field(
        None,
        description="the saving machine's exp, log and power routines (game.engine.numerics_key); "
        "absent in saves made before they were recorded",
    )

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> SaveFile:
        for value in self.pins.values():
            if not math.isfinite(value):
                raise ValueError("pinned parameters must be finite numbers")
        turns = [t.turn for t in self.log]
        if turns != sorted(set(turns)):
            raise ValueError("the log must list each turn once, in order")
        if turns and turns[-1] > self.turn:
            raise ValueError(f"the log goes to turn {turns[-1]} but the game is at turn {self.turn}")
        ids = [p.id for p in self.packs]
        if len(set(ids)) != len(ids):
            raise ValueError("a pack is listed twice")
        migrated = bool(info.context and info.context.get("migrated"))
        if self.state is None and not migrated:
            raise ValueError("state is missing")
        if not migrated and any(p.hash is None for p in self.packs):
            raise ValueError("every pack needs its hash")
        return self


# --------------------------------------------------------------------------- reading


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a save can hold")


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:40]} is too large")
    return value


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > 40:
        raise ValueError(f"the number {text[:40]}... is too long")
    return int(text)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the key {key!r} appears twice in one object")
        out[key] = value
    return out


def _left_open(text: str) -> bool:
    """Whether a string, object or array is still open at the end: the mark of a cut-off file."""
    depth, in_string, escaped = 0, False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
    return in_string or depth > 0


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or a SaveError saying why they cannot be read.

    Read through the safe reader: only a regular file of at most MAX_SAVE_BYTES, opened
    without blocking, so a FIFO or a device named as a save cannot hang or flood the game.
    """
    try:
        return read_limited(path, MAX_BYTES, what="save")
    except FileRefused as exc:
        if exc.cause == "missing":
            raise SaveError(f"{path}: no such save; check the name, or list the saves folder") from None
        if exc.cause == "folder":
            raise SaveError(f"{path}: this is a folder, not a save file") from None
        if exc.cause == "too big":
            raise SaveError(
                f"{path}: not a Borderline save: the file is larger than any save can be ({exc.reason})"
            ) from None
        raise SaveError(f"{path}: cannot read it ({exc.reason})") from None


def parse_document(path: Path, data: bytes) -> dict[str, Any]:
    """JSON text to a dict, with every syntax problem turned into a clear SaveError."""
    damaged = "it may be damaged (a crash or a bad edit): load another save or an autosave"
    if not data.strip():
        raise SaveError(f"{path}: the file is empty; {damaged}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SaveError(
            f"{path}: not a Borderline save: byte {exc.start} is not UTF-8 text; {damaged}"
        ) from None
    try:
        doc = json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_constant=_reject_constant,
            parse_float=_parse_float,
            parse_int=_parse_int,
        )
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        if exc.pos >= len(text.rstrip()) - 1 or _left_open(text):
            raise SaveError(f"{path}: the file is cut short (it ends at {where}); {damaged}") from None
        raise SaveError(f"{path}: not valid JSON at {where}: {exc.msg}; {damaged}") from None
    except (ValueError, RecursionError) as exc:
        reason = str(exc) if isinstance(exc, ValueError) else "it is nested too deeply"
        raise SaveError(f"{path}: not a valid save: {reason}; {damaged}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise SaveError(
            f'{path}: not a Borderline save (it does not start with "format": "{FORMAT}"); '
            "choose a file the game wrote"
        )
    return doc


# --------------------------------------------------------------------------- migrations

Migration = Callable[[dict[str, Any]], tuple[dict[str, Any], list[str]]]


def _v0_to_v1(doc: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Packs gain (empty) hashes, the flat triples are grouped by turn, the state is unknown."""
    turns: dict[int, dict[str, list[dict[str, Any]]]] = {}

    def at(turn: Any) -> dict[str, list[dict[str, Any]]]:
        if not isinstance(turn, int) or isinstance(turn, bool):
            raise ValueError(f"turn {turn!r} is not a whole number")
        return turns.setdefault(turn, {"decisions": [], "choices": []})

    def triples(key: str) -> list[list[Any]]:
        items = doc.get(key, [])
        if not isinstance(items, list) or not all(isinstance(i, list) and len(i) == 3 for i in items):
            raise ValueError(f"{key!r} must be a list of [turn, id, value] entries")
        return items

    for turn, action, level in triples("actions"):
        at(turn)["decisions"].append({"action": action, "level": level})
    for turn, event, choice in triples("choices"):
        at(turn)["choices"].append({"event": event, "choice": choice})
    new = {
        "format": FORMAT,
        "version": 1,
        "game_version": doc.get("game_version", "0"),
        "name": doc.get("name", ""),
        "saved_at": doc.get("saved_at", "unknown"),
        "scenario": doc["scenario"],
        "seed": doc["seed"],
        "pins": doc.get("pins", {}),
        "turn": doc["turn"],
        "date": doc.get("date", "?"),
        "packs": [{"id": pid, "version": version, "hash": None} for pid, version in doc["packs"]],
        "log": [{"turn": t, **turns[t]} for t in sorted(turns)],
        "state": None,
    }
    return new, [
        "this save was written by an older version of the game (format 0) and was updated; "
        "it holds no content hashes or snapshot, so its packs were matched by id and version only "
        "and its state could not be checked"
    ]


def _v1_to_v2(doc: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Saves gain the id of their game, their difficulty and a classroom record, each optional:
    one made before they existed belongs to no game, has the packs' default and no class."""
    return {**doc, "version": 2}, []


def _v2_to_v3(doc: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A version 2 save carries a game id and difficulty or a classroom record (never both);
    version 3 allows both, each still optional, so the document is unchanged."""
    return {**doc, "version": 3}, []


def _v3_to_v4(doc: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Saves gain ``numerics``, optional: one made before it existed does not say which
    routines computed it, so its replay is judged as one from another kind of machine."""
    return {**doc, "version": 4}, []


MIGRATIONS: dict[int, Migration] = {0: _v0_to_v1, 1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4}


def migrate(path: Path, doc: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Bring a document up to FORMAT_VERSION one step at a time; return it and notes for the player."""
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise SaveError(f'{path}: the save\'s "version" is {version!r}, not a format version number')
    if version > FORMAT_VERSION:
        raise SaveError(
            f"{path}: this save was made by a newer version of Borderline (save format {version}; "
            f"this version reads formats up to {FORMAT_VERSION}): update the game to load it"
        )
    notes: list[str] = []
    while version < FORMAT_VERSION:
        try:
            doc, said = MIGRATIONS[version](doc)
        except (KeyError, TypeError, ValueError) as exc:
            what = f"missing {exc}" if isinstance(exc, KeyError) else str(exc) or type(exc).__name__
            raise SaveError(
                f"{path}: cannot update this format {version} save ({what}); it may have been edited by hand"
            ) from None
        notes.extend(said)
        version = doc["version"]
    return doc, notes


def validate(path: Path, doc: dict[str, Any], *, migrated: bool) -> SaveFile:
    try:
        return SaveFile.model_validate(doc, context={"migrated": migrated})
    except ValidationError as exc:
        lines = []
        for err in exc.errors()[:5]:
            where = ".".join(str(p)[:40] for p in err["loc"])[:120] or "the top level"
            # the words content errors use, with JSON's name for a table
            message = error_message(err, err.get("input")).replace("a table", "an object ({...})")
            if err["type"] == "extra_forbidden":
                message = "not a field of a save (it may have been edited by hand)"
            if err["type"] == "string_pattern_mismatch" and err["loc"][-1:] == ("id",):
                message = f"{str(err['input'])[:40]!r} is not a pack id (lower_snake_case, never a path)"
            lines.append(f"{where}: {message}")
        more = f" (and {exc.error_count() - 5} more)" if exc.error_count() > 5 else ""
        raise SaveError(
            f"{path}: this save has been damaged or badly edited: "
            + "; ".join(lines)
            + more
            + "; restore the file or load another save"
        ) from None


def check_text(path: Path, doc: Any) -> None:
    """Refuse a save whose text (a name, an id, a warning, a key) holds a control character.

    The game never writes one, and the load screen, the replay verb and messages show a
    save's text on a terminal, where ``\\x1b[2J`` would clear the screen.
    """
    stack: list[tuple[str, Any]] = [("", doc)]
    while stack:
        where, value = stack.pop()
        texts: list[tuple[str, str]] = []
        if isinstance(value, dict):
            for key, item in value.items():
                texts.append((f"{where}.{key}" if where else key, key))
                stack.append((f"{where}.{key}" if where else str(key), item))
        elif isinstance(value, list):
            stack.extend((f"{where}[{i}]", item) for i, item in enumerate(value))
        elif isinstance(value, str):
            texts.append((where, value))
        for place, text in texts:
            bad = UNPRINTABLE.search(text)
            if bad is not None:
                raise SaveError(
                    f"{path}: this save has been damaged or badly edited: the text at "
                    f"{printable(place, newlines=False)[:120]} holds the control character "
                    f"{describe_character(bad.group())}, which the game never writes; restore the file "
                    "or load another save"
                )


def read_save(path: Path) -> tuple[SaveFile, list[str]]:
    """Read, migrate and validate a save file; return it and notes about any migration."""
    doc = parse_document(path, read_bytes(path))
    check_text(path, doc)
    doc, notes = migrate(path, doc)
    return validate(path, doc, migrated=bool(notes)), notes


# --------------------------------------------------------------------------- writing


def _scalar(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def render(value: Any, indent: int = 0) -> str:
    """JSON for people: nested objects indented, flat records and number lists on one line."""
    pad, inner = "  " * indent, "  " * (indent + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        if all(not isinstance(v, dict | list) for v in value.values()):
            flat = "{" + ", ".join(f"{_scalar(str(k))}: {_scalar(v)}" for k, v in value.items()) + "}"
            if len(flat) + len(pad) <= 100 and len(value) <= 4:
                return flat
        items = [f"{inner}{_scalar(str(k))}: {render(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        if all(not isinstance(v, dict | list) for v in value):
            return "[" + ", ".join(_scalar(v) for v in value) + "]"
        return "[\n" + ",\n".join(inner + render(v, indent + 1) for v in value) + "\n" + pad + "]"
    return _scalar(value)


def dump(save: SaveFile) -> bytes:
    return (render(save.model_dump(mode="python")) + "\n").encode("utf-8")
