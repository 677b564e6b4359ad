"""The teacher's verbs: ``export`` a save for grading, ``report`` on a class's saves, ``whatif``.

The work is done by ``game.classroom``; this module reads the arguments, turns every mistake
into one message and prints the results.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from game.errors import BorderlineError
from game.verbs.common import add_allow_mismatch, mismatch_hint

VERBS = ("export", "report", "whatif")


class ClassroomCliError(BorderlineError):
    """A user mistake in a teacher's verb; the message is printed as is."""


def add_verbs(verbs: Any) -> None:
    """Add the teacher's verbs to the ``borderline`` parser's sub-commands."""
    exp = verbs.add_parser(
        "export", help="export a save's debrief for grading: Markdown and CSV (turns, decisions)"
    )
    exp.add_argument("file", metavar="SAVE", help="a save file, or the name of one in the saves folder")
    exp.add_argument(
        "--format",
        dest="formats",
        action="append",
        choices=("md", "csv"),
        metavar="md|csv",
        help="md, csv or both (repeat the option; default both)",
    )
    exp.add_argument("--out", metavar="DIR", help="folder to write into (default: the reports folder)")
    add_allow_mismatch(exp)

    rep = verbs.add_parser(
        "report",
        help="replay every save of a class (edited ones are flagged, not counted) and write class.csv and "
        "class.md",
    )
    rep.add_argument("sources", nargs="+", metavar="SAVES_OR_FOLDER", help="save files or folders of saves")
    rep.add_argument("--out", required=True, metavar="DIR", help="folder for class.csv and class.md")
    rep.add_argument(
        "--class",
        dest="class_file",
        metavar="FILE",
        help="the class file (or a shipped class's id, e.g. one-period-demo): games must keep to its "
        "scenario, seeds, pins and locked levers",
    )
    add_allow_mismatch(rep)

    what = verbs.add_parser(
        "whatif",
        help="replay a save with a decision or a dilemma's answer changed, same seed and draws, and compare",
    )
    what.add_argument("file", metavar="SAVE", help="a save file, or the name of one in the saves folder")
    what.add_argument(
        "--drop", action="append", default=[], metavar="TURN:ACTION", help="drop a decision (repeatable)"
    )
    what.add_argument(
        "--set",
        dest="set_",
        action="append",
        default=[],
        metavar="TURN:ACTION=LEVEL",
        help="set an action's level before a turn (repeatable)",
    )
    what.add_argument(
        "--answer",
        action="append",
        default=[],
        metavar="TURN:EVENT=CHOICE",
        help="answer a dilemma that came up in a turn with another choice (repeatable)",
    )
    what.add_argument("--format", choices=("table", "json"), default="table")
    add_allow_mismatch(what)


def run(args: argparse.Namespace, packs: list[Path] | None) -> int:
    """The verb; raise ClassroomCliError for a user mistake."""
    if args.verb == "export":
        return cmd_export(args, packs)
    if args.verb == "report":
        return cmd_report(args, packs)
    return cmd_whatif(args, packs)


# --------------------------------------------------------------------------- loading


def _world(packs: list[Path] | None) -> Any:
    if not packs:
        return None
    from game.content.errors import ContentErrors
    from game.engine import load_world

    try:
        return load_world(packs)
    except ContentErrors as exc:
        raise ClassroomCliError(str(exc)) from None


def _save_path(raw: str) -> Path:
    from game.verbs.common import _save_file  # the CLI's own rule for naming a save

    return _save_file(raw)


def load(args: argparse.Namespace, packs: list[Path] | None) -> tuple[Any, Any, str]:
    """The save replayed and checked (to the bit, or within the tolerance for a save made on
    another kind of machine: game.saves.verdict), and its class session (None outside a class).
    A save made with other content is refused unless ``--allow-mismatch``: then it is replayed on
    the content loaded now, and a warning says so; the third item says how that content differs."""
    from game.classroom import ClassError, ClassRules
    from game.classroom.report import load_for_grading
    from game.saves import PackMismatch, ReplayMismatch, SaveError

    path = _save_path(args.file)
    try:
        loaded, other_content = load_for_grading(path, _world(packs), allow_mismatch=args.allow_mismatch)
    except PackMismatch as exc:
        raise ClassroomCliError(f"{exc}\n{mismatch_hint(args.verb, args.file)}") from None
    except ReplayMismatch as exc:
        raise ClassroomCliError(f"{exc}\n(an edited save cannot be exported or replayed)") from None
    except SaveError as exc:
        raise ClassroomCliError(str(exc)) from None
    if other_content:
        print(
            f"warning: {path} was made with other content ({other_content}); "
            "replayed on the content loaded now, so its numbers are not the game that was played",
            file=sys.stderr,
        )
    session = None
    if loaded.classroom is not None:
        try:
            rules = ClassRules.from_settings(loaded.classroom.settings, str(path))
        except ClassError as exc:
            raise ClassroomCliError(str(exc)) from None
        session = rules.session(loaded.classroom.student, loaded.classroom.answers)
        rules.apply(loaded.game)  # a what-if keeps to the class's locks
    return loaded.game, session, other_content


# --------------------------------------------------------------------------- export


def cmd_export(args: argparse.Namespace, packs: list[Path] | None) -> int:
    from game.app.readouts import report_sections  # wording only: no Textual
    from game.classroom.exports import write_exports

    game, session, other_content = load(args, packs)
    formats = tuple(dict.fromkeys(args.formats or ("md", "csv")))
    try:
        written = write_exports(
            game,
            session,
            formats=formats,
            folder=args.out,
            sections=report_sections(game),
            other_content=other_content,
        )
    except OSError as exc:
        raise ClassroomCliError(f"cannot write the exports: {exc.strerror or exc}") from None
    who = f" of {session.student}" if session is not None else ""
    played = f"{game.turn} of {game.turns} {game.scenario.turn_name}s played"
    print(f"exported the game{who} ({game.scenario_id}, seed {game.seed}, {played}):")
    for path in written:
        print(f"  {path}")
    return 0


# --------------------------------------------------------------------------- report


def cmd_report(args: argparse.Namespace, packs: list[Path] | None) -> int:
    from game.classroom import ClassError, ClassRules, class_file
    from game.classroom.class_files import write_report
    from game.classroom.report import ReportError, collect
    from game.content.errors import ContentErrors

    world = _world(packs)
    rules = None
    if args.class_file is not None:
        try:
            rules = ClassRules.from_file(class_file(args.class_file, packs or ()), world)
        except ClassError as exc:
            raise ClassroomCliError(str(exc)) from None
        except ContentErrors as exc:
            raise ClassroomCliError(str(exc)) from None
    try:
        report = collect(args.sources, rules, world, core=packs or None, allow_mismatch=args.allow_mismatch)
    except ReportError as exc:
        raise ClassroomCliError(str(exc)) from None
    try:
        written = write_report(report, args.out)
    except OSError as exc:
        raise ClassroomCliError(f"cannot write the report to {args.out}: {exc.strerror or exc}") from None
    moved = sum(1 for e in report.counted if e.other_content)
    replayed = f" ({moved} replayed on other content: see class.md)" if moved else ""
    print(f"{len(report.counted)} game(s) counted{replayed}, {len(report.not_counted)} not counted")
    for item in report.not_counted:
        print(f"  {item.status}: {item.path}: {item.reason}", file=sys.stderr)
    if any(item.allowable for item in report.not_counted):
        words = [*args.sources, "--out", args.out]
        words += ["--class", args.class_file] if args.class_file is not None else []
        print(mismatch_hint("report", *words, what="them"), file=sys.stderr)
    for path in written:
        print(f"wrote {path}")
    return 0


# --------------------------------------------------------------------------- what if


def cmd_whatif(args: argparse.Namespace, packs: list[Path] | None) -> int:
    from game.classroom.whatif import Answer, Change, WhatIfError, comparison_text, what_if

    game, _, _ = load(args, packs)
    try:
        changes = [Change.parse(t, drop=True) for t in args.drop]
        changes += [Change.parse(t, drop=False) for t in args.set_]
        result = what_if(game, changes, [Answer.parse(t) for t in args.answer])
    except WhatIfError as exc:
        raise ClassroomCliError(str(exc)) from None
    if args.format == "json":
        print(json.dumps(_as_json(result), indent=1))
    else:
        print(comparison_text(result))
    return 0


def _graded(debrief: Any) -> dict[str, Any]:
    """A game's score and grade, with the ending that capped the grade and what the score alone
    earned (the grade can sit below its score's band: an ending caps it)."""
    ending = debrief.ending
    return {
        "score": debrief.score,
        "grade": debrief.grade,
        "earned": debrief.earned or debrief.grade,
        "ending": None if ending is None else {"id": ending.id, "title": ending.title},
    }


def _as_json(result: Any) -> dict[str, Any]:
    return {
        "changes": result.changes,
        "identical": result.identical,
        "game": _graded(result.before),
        "what_if": _graded(result.after),
        "objectives": [
            {
                "indicator": o.indicator,
                "label": o.label,
                "status_quo": o.status_quo,
                "game": o.before,
                "what_if": o.after,
                "points_game": o.points_before,
                "points_what_if": o.points_after,
            }
            for o in result.objectives
        ],
        "warnings": result.warnings,
        "answers_not_given": result.unused,
    }
