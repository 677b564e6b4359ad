"""The ``borderline`` command: play, and the headless verbs (simulate, sensitivity, validate, schema).

Every mistake a user can make here (a wrong argument, an unknown id, an unreadable or bad
file) ends in one clear message and a non-zero exit, never a traceback. Heavy imports
(numpy, pydantic, the engine, Textual) happen inside the verbs so ``--help`` is instant.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from game import __version__, cli_sensitivity, locations
from game.app import run_app
from game.cli_classroom import VERBS as CLASSROOM_VERBS
from game.cli_classroom import ClassroomCliError
from game.cli_classroom import add_verbs as add_classroom_verbs
from game.content.printable import printable
from game.errors import BorderlineError
from game.limits import MEMORY_ENV, describe_bytes

EXIT_OK, EXIT_ERROR = 0, 1
HEADLESS_VERBS = (
    "simulate",
    "sensitivity",
    "validate",
    "schema",
    "replay",
    "backtest",
    "new-pack",
    "export",
    "report",
    "whatif",
)
LOADS_PACKS = (
    "simulate",
    "sensitivity",
    "backtest",
    "validate",
    "replay",
    "load",
    "serve",
    "export",
    "report",
    "whatif",
)
"""The verbs that take ``--pack`` after them as well as before."""


def default_packs(extra: Sequence[str] = ()) -> list[Path]:
    return locations.default_packs(extra)  # not the pack finder: it imports the loader, too slow for start-up


class CliError(BorderlineError):
    """A user mistake; the message is printed as is."""


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


def _parse_players(items: Sequence[str]) -> dict[str, str]:
    """``--player SIDE=NAME``, once per side."""
    players: dict[str, str] = {}
    for item in items:
        side, sep, name = item.partition("=")
        side, name = side.strip(), " ".join(name.split())
        if not sep or not side or not name:
            raise CliError(f"--player expects SIDE=NAME, e.g. --player us=Ana, got {item!r}")
        if side in players:
            raise CliError(f"--player {side}: named twice ({players[side]!r} and {name!r})")
        players[side] = name
    if len(players) == 1:
        raise CliError("--player: a two-player game needs a name for every side (one --player each)")
    return players


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError("must be between 0 and 2**63 - 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="borderline",
        description="Borderline: drug policy on both sides of the US-Mexico border. "
        "With no verb, starts the game.",
    )
    parser.add_argument("--version", action="version", version=f"borderline {__version__}")
    _pack_option(parser, "pack")
    parser.add_argument(
        "--scenario", dest="play_scenario", metavar="ID", help="skip the title screen: start a new game of ID"
    )
    parser.add_argument(
        "--seed", dest="play_seed", type=_seed, metavar="S", help="with --scenario: the seed of the new game"
    )
    parser.add_argument(
        "--difficulty",
        dest="play_difficulty",
        metavar="ID",
        help="with --scenario: the difficulty of the new game (default: the packs' default)",
    )
    parser.add_argument(
        "--class",
        dest="play_class",
        metavar="FILE",
        help="join a class: play the game its class file sets, under your name",
    )
    parser.add_argument(
        "--player",
        dest="players",
        action="append",
        default=[],
        metavar="SIDE=NAME",
        help="with --scenario: a two-player (hot-seat) game; name the player of each side, "
        "e.g. --player us=Ana --player mx=Beto",
    )
    parser.add_argument(
        "--served",
        action="store_true",
        help="play as one student of a room (what borderline serve runs for each browser tab): ask "
        "the student's name and keep their saves and exports in a folder of that name",
    )
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")
    add_classroom_verbs(verbs)

    sim = verbs.add_parser("simulate", help="run a scenario headless and print indicators per turn")
    sim.add_argument(
        "--scenario",
        metavar="ID",
        help="scenario id (default: the plan's scenario, else both-sides)",
    )
    sim.add_argument("--plan", metavar="FILE", help="TOML plan: [[step]] turn, action, level")
    sim.add_argument("--runs", type=_positive, default=1, metavar="N", help="number of runs (default 1)")
    sim.add_argument("--seed", type=_seed, default=0, metavar="S", help="random seed (default 0)")
    sim.add_argument("--turns", type=_positive, metavar="T", help="stop after T turns")
    sim.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="ID=VALUE",
        help="pin a parameter in every run (repeatable)",
    )
    sim.add_argument("--format", choices=("json", "csv"), default="json")
    sim.add_argument("--out", metavar="FILE", help="write here instead of standard output")
    sim.add_argument(
        "--status-quo", action="store_true", help="add the status-quo run (same seed and draws, no plan)"
    )
    sim.add_argument(
        "--no-score",
        action="store_true",
        help="skip the score (it plays the status quo and the scenario's horizon, which takes longer)",
    )
    sim.add_argument(
        "--save", metavar="FILE", help="also write a save of the game (one run only), replaced if it exists"
    )
    sim.add_argument(
        "--allow-out-of-range",
        action="store_true",
        help="let --param pin a parameter outside the range its sources support",
    )

    cli_sensitivity.add_parser(verbs, _positive, _seed)

    back = verbs.add_parser(
        "backtest",
        help="run the history plan and compare every history series with what the model does; "
        "exit 1 when a series falls outside its tolerance",
    )
    back.add_argument(
        "--plan", metavar="FILE", help="plan to run (default: plans/history.toml of the last pack with one)"
    )
    back.add_argument("--runs", type=_positive, default=200, metavar="N", help="number of runs (default 200)")
    back.add_argument("--seed", type=_seed, default=1, metavar="S", help="random seed (default 1)")
    back.add_argument("--scenario", metavar="ID", help="scenario id (default: the plan's, else both-sides)")
    back.add_argument("--format", choices=("table", "json"), default="table")
    back.add_argument("--out", metavar="FILE", help="write here instead of standard output")

    val = verbs.add_parser(
        "validate",
        help="check packs (loaded together, as one stack, with the packs they depend on) or single files",
    )
    val.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="pack folders, loaded together in this order (a mod of a mod: name both), or single files",
    )

    new = verbs.add_parser(
        "new-pack",
        help="write a new pack that validates at once, with an example of every kind of item and patch",
    )
    new.add_argument("name", metavar="NAME", help="the pack's id: lower_snake_case, e.g. fentanyl_era")
    new.add_argument("--dir", metavar="D", help="the folder to put it in (default: the mods folder)")
    new.add_argument("--title", metavar="TEXT", help="its name on the Mods screen (default: from NAME)")

    srv = verbs.add_parser(
        "serve",
        help="serve the game to a room of browsers (one game process per tab), offline; "
        "localhost only unless --host says otherwise",
    )
    srv.add_argument(
        "--host",
        default="127.0.0.1",
        metavar="ADDR",
        help="address to listen on (default 127.0.0.1: this machine only; 0.0.0.0: the whole network)",
    )
    srv.add_argument("--port", type=int, default=8000, metavar="N", help="port (default 8000)")
    srv.add_argument(
        "--max-players",
        type=_positive,
        default=30,
        metavar="N",
        help="most games at once (default 30); a tab past it is told the room is full",
    )
    srv.add_argument(
        "--public-url",
        metavar="URL",
        help="the address students' browsers reach this room at (default: worked out; give it "
        "behind a reverse proxy)",
    )
    srv.add_argument(
        "--class",
        dest="serve_class",
        metavar="FILE",
        help="a room of a class: every game is a game of this class file (checked before the room opens)",
    )

    sch = verbs.add_parser("schema", help="write the JSON Schema of each content file kind")
    sch.add_argument("--out", default="schemas", metavar="DIR")

    for verb, text in (
        ("replay", "replay a save from its log; exit 0 only if it matches the saved state exactly"),
        ("load", "start the game from a save"),
    ):
        sub = verbs.add_parser(verb, help=text)
        sub.add_argument("file", metavar="FILE", help="a save file, or the name of one in the saves folder")
        sub.add_argument(
            "--allow-mismatch",
            action="store_true",
            help="go on even if the packs differ from the ones the save was made with",
        )
        sub.add_argument(
            "--allow-out-of-range",
            action="store_true",
            help="go on even if the save pins a parameter outside the range its sources support",
        )
    for name, verb_parser in verbs.choices.items():
        if name in LOADS_PACKS:
            _pack_option(verb_parser, "verb_packs")
        if name in ("simulate", "sensitivity", "backtest", "validate"):
            verb_parser.add_argument(
                "--mods",
                dest="with_mods",
                action="store_true",
                help="also load the mods enabled on the Mods screen, in their order, before any --pack",
            )
    return parser


class _TerminalSafe(io.TextIOBase):
    """A text stream that writes control characters as escapes (``\\x1b``), so text from a
    pack, a save or a file name cannot clear the screen, retitle the window or fake output."""

    def __init__(self, target: Any) -> None:
        self._target = target

    def write(self, text: str) -> int:
        self._target.write(printable(text))
        return len(text)

    def flush(self) -> None:
        self._target.flush()

    def writable(self) -> bool:
        return True


def _pack_option(parser: argparse.ArgumentParser, dest: str) -> None:
    """``--pack``, before the verb or after it (two destinations: a verb's own default
    would otherwise wipe what was given before it)."""
    parser.add_argument(
        "--pack",
        dest=dest,
        action="append",
        default=[],
        metavar="DIR",
        help="load a mod pack folder on top of the base game (repeatable; with equal load_order, "
        "a pack named later loads later and wins where two packs set the same key)",
    )


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


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.verb in HEADLESS_VERBS:  # the game's own screens draw with escape codes on purpose
        with (
            contextlib.redirect_stdout(_TerminalSafe(sys.stdout)),
            contextlib.redirect_stderr(_TerminalSafe(sys.stderr)),
        ):
            return _run(args)
    return _run(args)


def _run(args: argparse.Namespace) -> int:
    """The verb, with every error a user can cause turned into one message and an exit code."""
    try:
        if args.verb == "simulate":
            return cmd_simulate(args)
        if args.verb == "validate":
            return cmd_validate(args)
        if args.verb == "sensitivity":
            return cmd_sensitivity(args)
        if args.verb == "backtest":
            from game.cli_backtest import cmd_backtest  # its formatting lives in a module of its own

            return cmd_backtest(args)
        if args.verb == "new-pack":
            from game.cli_new_pack import cmd_new_pack  # scaffolding lives in a module of its own

            return cmd_new_pack(args)
        if args.verb == "schema":
            return cmd_schema(args)
        if args.verb == "replay":
            return cmd_replay(args)
        if args.verb == "load":
            return cmd_load(args)
        if args.verb == "serve":
            return cmd_serve(args)
        if args.verb in CLASSROOM_VERBS:
            from game.cli_classroom import run as run_classroom_verb

            packs = given_packs(args)
            return run_classroom_verb(args, default_packs(packs) if packs else None)
        return cmd_play(args)
    except (CliError, ClassroomCliError) as exc:
        print(f"borderline: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("borderline: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (| head): stop quietly, as other tools do
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.__stdout__.fileno())  # type: ignore[union-attr]
        return EXIT_OK
    except MemoryError:  # the last line of defence: the limits in game/limits.py should come first
        print(
            "borderline: error: this ran out of memory; ask for fewer --runs, or check the packs "
            "for something very large",
            file=sys.stderr,
        )
        return EXIT_ERROR
    except RecursionError:  # likewise: every reader and ordering is meant to be iterative
        print(
            "borderline: error: this is nested too deeply to process; please report it with the "
            "packs or save that caused it",
            file=sys.stderr,
        )
        return EXIT_ERROR


def cmd_play(args: argparse.Namespace) -> int:
    """No verb: the game itself (run_app imports Textual only now)."""
    if args.play_seed is not None and args.play_scenario is None:
        raise CliError("--seed needs --scenario ID (the seed of which new game?)")
    if args.play_difficulty is not None and args.play_scenario is None:
        raise CliError("--difficulty needs --scenario ID (the difficulty of which new game?)")
    if args.play_class is not None:
        if args.play_scenario is not None:
            raise CliError("--class sets the scenario and the seed: leave out --scenario and --seed")
        _check_class_file(args.play_class)
    players = _parse_players(args.players)
    if players and args.play_scenario is None:
        raise CliError("--player needs --scenario ID (the players of which new game?)")
    return run_app(
        extra_packs=given_packs(args),
        scenario=args.play_scenario,
        seed=args.play_seed,
        difficulty=args.play_difficulty,
        players=players,
        served=args.served,
        class_file=args.play_class,
    )


def _check_class_file(raw: str) -> None:
    """A class file read and checked against its schema before the game starts (its ids are checked
    against the world once the game has loaded it)."""
    from game.classroom import ClassRules
    from game.content.errors import ContentErrors

    if not os.path.lexists(raw):
        raise CliError(f"class file {raw!r} does not exist")
    try:
        ClassRules.from_file(raw)
    except ContentErrors as exc:
        raise CliError(_listed("the class file has", exc.errors)) from None


def cmd_serve(args: argparse.Namespace) -> int:
    """``serve``: the room (its module brings textual-serve and aiohttp: imported only here)."""
    from game.serve import RoomOptions, ServeError, check_room_class, serve_room

    options = RoomOptions(
        host=args.host,
        port=args.port,
        max_players=args.max_players,
        public_url=args.public_url,
        packs=given_packs(args),
    )
    try:
        if args.serve_class is not None:
            options.class_file = check_room_class(args.serve_class, options.packs)
        serve_room(options)
    except ServeError as exc:
        raise CliError(str(exc)) from None
    return 0


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


def _plan_scenario(path: str | None) -> str | None:
    """The scenario a plan file names (None without a plan, or when it names none or cannot be read:
    reading it again in run_plan reports the problem)."""
    from game.content.errors import ContentErrors
    from game.content.loader import load_plan_file

    if path is None:
        return None
    try:
        return load_plan_file(path)[0].scenario or None
    except ContentErrors:
        return None


def cmd_simulate(args: argparse.Namespace) -> int:
    from game.content.errors import ContentErrors
    from game.engine import (
        GameError,
        MemoryBudgetExceeded,
        PinOutOfRange,
        run_plan,
        summarise,
        summarise_scores,
    )

    pins = _parse_params(args.param)
    if args.save is not None and args.runs > 1:
        raise CliError("--save needs a single game: drop --runs or use --runs 1")
    world = _load_world(default_packs(given_packs(args)))
    report_content_notes(world)
    if args.plan is not None and not os.path.lexists(args.plan):  # anything else is read safely, or refused
        raise CliError(f"plan file {args.plan!r} does not exist")
    if args.scenario is None:
        args.scenario = _plan_scenario(args.plan) or "both-sides"
    scenario = world.scenarios.get(args.scenario)
    scored = not args.no_score and scenario is not None and bool(scenario.objectives)
    try:
        result = run_plan(
            world,
            args.scenario,
            args.plan,
            runs=args.runs,
            seed=args.seed,
            turns=args.turns,
            pins=pins,
            status_quo=args.status_quo or scored,
            allow_out_of_range=args.allow_out_of_range,
        )
        scores = summarise_scores(result.game) if scored else None
    except ContentErrors as exc:
        raise CliError(_listed("the plan has", exc.errors)) from None
    except MemoryBudgetExceeded as exc:
        fewer = f"use fewer --runs (about {exc.fit:,} fit), or " if exc.fit else "even one run is too many: "
        raise CliError(
            f"--runs {exc.runs:,} over {exc.turns} turns would need about {describe_bytes(exc.needed)} of "
            f"memory, more than the limit of {describe_bytes(exc.limit)}: {fewer}set "
            f"{MEMORY_ENV} higher (such as {MEMORY_ENV}=8G) if this machine has the memory"
        ) from None
    except PinOutOfRange as exc:
        raise CliError(
            f"--param: {exc}: pin a value inside it, or add --allow-out-of-range to go past it"
        ) from None
    except GameError as exc:
        raise CliError(str(exc)) from None
    game = result.game
    dates = [game.date(i) for i in range(game.turn + 1)]
    payload: dict[str, Any] = {
        "scenario": args.scenario,
        "seed": args.seed,
        "runs": args.runs,
        "turns": game.turn,
        "dates": dates,
        "indicators": summarise(game),
    }
    if args.status_quo and result.status_quo is not None:
        payload["status_quo"] = summarise(result.status_quo)
    if scores is not None:
        per_run = scores.pop("per_run")
        payload.update(scores)
        payload["per_run"] = per_run
    if game.warnings:
        payload["warnings"] = game.warnings
    if args.save is not None:
        _save_simulated(game, args.save)
    import json  # output formats load with the verb that writes them, not at start-up

    text = json.dumps(payload, indent=1) + "\n" if args.format == "json" else _to_csv(payload)
    _write(text, args.out)
    return EXIT_OK


def cmd_sensitivity(args: argparse.Namespace) -> int:
    world = _load_world(default_packs(given_packs(args)))
    _write(cli_sensitivity.run(args, world, CliError), args.out)
    return EXIT_OK


def _save_simulated(game: Any, target: str) -> None:
    from game.saves import SaveError, write_save

    try:
        path = write_save(game, target, overwrite=True)
    except SaveError as exc:
        raise CliError(str(exc)) from None
    print(f"saved the game at turn {game.turn} ({game.date()}) to {path}", file=sys.stderr)


def _to_csv(payload: dict[str, Any]) -> str:
    """The tidy long form: one row per series, indicator, state and statistic."""
    import csv  # output formats load with the verb that writes them, not at start-up

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["series", "indicator", "unit", "turn", "date", "statistic", "value"])
    last, date = payload["turns"], payload["dates"][-1]
    if "score" in payload:  # the score of each run, then its spread: turn and date say when it was taken
        per_run = payload["per_run"]
        for r, total in enumerate(per_run["score"]):
            writer.writerow(["score", "total", "points", last, date, f"run {r}", repr(total)])
            writer.writerow(["grade", "grade", "label", last, date, f"run {r}", per_run["grade"][r]])
            for ind_id, values in per_run["objectives"].items():
                writer.writerow(["score", ind_id, "points", last, date, f"run {r}", repr(values[r])])
        for stat in ("mean", "p5", "p50", "p95"):
            writer.writerow(["score", "total", "points", last, date, stat, repr(payload["score"][stat])])
        for label, share in payload["grades"].items():
            writer.writerow(["grade", label, "fraction of runs", last, date, "share", repr(share)])
    for series in ("indicators", "status_quo"):
        for ind_id, data in payload.get(series, {}).items():
            for stat in ("mean", "p5", "p50", "p95"):
                for turn, value in enumerate(data[stat]):
                    writer.writerow(
                        [
                            "player" if series == "indicators" else "status_quo",
                            ind_id,
                            data["unit"],
                            turn,
                            payload["dates"][turn],
                            stat,
                            repr(value),
                        ]
                    )
    return buf.getvalue()


def _write(text: str, out: str | None) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    path = Path(out)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot write {out}: {exc.strerror or exc}") from None


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
            errors.append(ContentError(raw, 1, 1, "no such file or folder"))
    world = None
    if folders:
        try:
            world = load_world(with_dependencies(folders))
        except ContentErrors as exc:
            errors.extend(exc.errors)
        else:
            count = sum(len(v) for v in world.content.items.values())
            order = ", ".join(f"{pid} {version}" for pid, version in world.packs)
            named = " + ".join(str(f) for f in folders)
            checked.append(
                f"{named}: ok ({count} items, {len(world.indicators)} indicators, "
                f"{len(world.actions)} actions, {len(world.events)} events; packs in load order: {order})"
            )
    for path in files:
        kind, found = validate_single_file(path)
        if not found and kind == "plan":
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
    for err in errors:
        print(err, file=sys.stderr)
    if errors:
        if len(errors) > 1:
            print(f"{len(errors)} errors", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK


def report_content_notes(world: Any) -> None:
    """Warnings and conflicts from patching, on standard error: they do not stop a load."""
    for warning in world.content.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for conflict in world.content.conflicts:
        print(str(conflict), file=sys.stderr)


def _check_plan_ids(path: Path, world: Any = None) -> list[Any]:
    """A plan's actions, levels, events and turns checked against the world it is for.

    The world is the one given (the packs named with it), or else the pack whose plans
    folder holds the file, or else the base game.
    """
    from game.content.errors import ContentErrors
    from game.content.loader import PLANS_FOLDER, load_plan_file
    from game.content.packs import with_dependencies
    from game.engine import check_plan, load_world

    plan, doc = load_plan_file(path)
    own = path.parent.parent if path.parent.name == PLANS_FOLDER else None
    if world is not None and own is not None:
        if not any(p.folder.resolve() == own.resolve() for p in world.content.packs):
            world = None  # a plan of a pack that is not in the stack is checked in its own world
    try:
        world = world if world is not None else load_world(with_dependencies(own or locations.base_pack()))
        scenario = plan.scenario or next(iter(world.scenarios), None)
        check_plan(plan, world, scenario, doc)
    except ContentErrors as exc:
        return list(exc.errors)
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
        ClassRules.from_file(path, world if world is not None else load_world(with_dependencies(pack)))
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


def _loaded_save(args: argparse.Namespace) -> Any:
    from game.saves import PackMismatch, ReplayMismatch, SaveError, load_save

    packs = default_packs(given_packs(args)) if given_packs(args) else None
    try:
        return load_save(
            _save_file(args.file),
            packs,
            allow_pack_mismatch=args.allow_mismatch,
            allow_out_of_range=args.allow_out_of_range,
        )
    except (PackMismatch, ReplayMismatch) as exc:
        raise CliError(f"{exc}\n(to go on anyway, add --allow-mismatch)") from None
    except SaveError as exc:
        raise CliError(str(exc)) from None


def cmd_replay(args: argparse.Namespace) -> int:
    loaded = _loaded_save(args)
    game = loaded.game
    for warning in loaded.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    decisions, choices = len(game.log), len(game.choices_made)
    print(
        f"replayed {loaded.path}: scenario {game.scenario_id}, seed {game.seed}, turn {game.turn} of "
        f"{game.turns} ({game.date()}), {decisions} decision{'s' if decisions != 1 else ''}, "
        f"{choices} dilemma answer{'s' if choices != 1 else ''}"
    )
    print(f"headline indicators at {game.date()} (status quo in brackets):")
    world, twin = game.world, game.status_quo
    headline = sorted(world.indicators.items(), key=lambda kv: (kv[1].side or "", kv[1].order, kv[0]))
    for ind_id, info in headline:
        if not info.headline or info.axis is not None:
            continue
        mine = float(game.history(ind_id)[-1, 0])
        base = float(twin.history(ind_id)[-1, 0]) if twin is not None else None
        text = f"  {info.name or ind_id:<36} {mine:>14,.{info.decimals}f} {info.unit}"
        if base is not None:
            text += f"  ({base:,.{info.decimals}f})"
        print(text)
    if loaded.differences:
        count = len(loaded.differences)
        plural = "s" if count != 1 else ""
        print(f"the replay differs from the saved state in {count} value{plural}:", file=sys.stderr)
        for line in loaded.differences[:20]:
            print(f"  {line}", file=sys.stderr)
        return EXIT_ERROR
    print(f"the replay matches the saved state exactly ({loaded.checked} values compared)")
    return EXIT_OK


def cmd_load(args: argparse.Namespace) -> int:
    """Check the save here (clean errors, exit codes), then hand it to the game's screens."""
    loaded = _loaded_save(args)
    packs = default_packs(given_packs(args)) if given_packs(args) else None
    return run_app(packs=packs, loaded=loaded)
