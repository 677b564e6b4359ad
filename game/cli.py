"""The ``borderline`` command: its arguments, play and serve, and the dispatch to the other verbs
(each in its own module under ``game.verbs``).

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

from game import __version__, locations
from game.app import run_app
from game.content.printable import printable
from game.verbs import sensitivity as cli_sensitivity
from game.verbs.arguments import Parser, parse_players, positive, seed_number, verb_parser
from game.verbs.classroom import VERBS as CLASSROOM_VERBS
from game.verbs.classroom import ClassroomCliError
from game.verbs.classroom import add_verbs as add_classroom_verbs
from game.verbs.common import (
    EXIT_ERROR,
    EXIT_OK,
    CliError,
    _listed,
    add_allow_mismatch,
    default_packs,
    given_packs,
)
from game.verbs.saves import _loaded_save

__all__ = ["EXIT_ERROR", "EXIT_OK", "HEADLESS_VERBS", "CliError", "build_parser", "main"]
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


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
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
        "--seed",
        dest="play_seed",
        type=seed_number,
        metavar="S",
        help="with --scenario: the seed of a new game",
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
    sim.add_argument(
        "--plan",
        metavar="FILE",
        type=locations.in_mods_folder,
        help="TOML plan: [[step]] turn, action, level",
    )
    sim.add_argument("--runs", type=positive, default=1, metavar="N", help="number of runs (default 1)")
    sim.add_argument("--seed", type=seed_number, default=0, metavar="S", help="random seed (default 0)")
    sim.add_argument("--turns", type=positive, metavar="T", help="stop after T turns")
    sim.add_argument(
        "--difficulty",
        metavar="NAME",
        help="a difficulty's id or the name the game shows (learning, standard, hard; default: the packs')",
    )
    sim.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="ID=VALUE",
        help="pin a parameter in every run (repeatable)",
    )
    sim.add_argument(
        "--format",
        choices=("json", "csv", "table"),
        default="json",
        help="json (default), csv: every indicator, every turn; table: the plan beside the status quo",
    )
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

    cli_sensitivity.add_parser(verbs, positive, seed_number)

    back = verbs.add_parser(
        "backtest",
        help="run the history plan and compare every history series with what the model does; "
        "exit 1 when a series falls outside its tolerance",
    )
    back.add_argument(
        "--plan",
        metavar="FILE",
        type=locations.in_mods_folder,
        help="plan to run (default: plans/history.toml of the last pack with one)",
    )
    back.add_argument("--runs", type=positive, default=200, metavar="N", help="number of runs (default 200)")
    back.add_argument("--seed", type=seed_number, default=1, metavar="S", help="random seed (default 1)")
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
        type=locations.in_mods_folder,
        help="pack folders, loaded together in this order (a mod of a mod: name both), or single files "
        "(a pack in the mods folder by its name)",
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
        type=positive,
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
        add_allow_mismatch(sub)
        sub.add_argument(
            "--allow-out-of-range",
            action="store_true",
            help="go on even if the save pins a parameter outside the range its sources support",
        )
    for name, sub in verbs.choices.items():
        if name in LOADS_PACKS:
            _pack_option(sub, "verb_packs")
        if name in ("simulate", "sensitivity", "backtest", "validate"):
            sub.add_argument(
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
        type=locations.in_mods_folder,
        help="load a mod pack folder on top of the base game (a pack in the mods folder by its name; "
        "repeatable; with equal load_order, a pack named later loads later and wins where two packs "
        "set the same key)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extras = parser.parse_known_args(argv)
    if extras:  # said by the verb they were given to, as its own mistakes are
        verb_parser(parser, args.verb).unrecognized(extras)
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
            from game.verbs.simulate import cmd_simulate

            return cmd_simulate(args)
        if args.verb == "validate":
            from game.verbs.validate import cmd_validate

            return cmd_validate(args)
        if args.verb == "sensitivity":
            from game.verbs.simulate import cmd_sensitivity

            return cmd_sensitivity(args)
        if args.verb == "backtest":
            from game.verbs.backtest import cmd_backtest

            return cmd_backtest(args)
        if args.verb == "new-pack":
            from game.verbs.new_pack import cmd_new_pack

            return cmd_new_pack(args)
        if args.verb == "schema":
            from game.verbs.validate import cmd_schema

            return cmd_schema(args)
        if args.verb == "replay":
            from game.verbs.saves import cmd_replay

            return cmd_replay(args)
        if args.verb == "load":
            return cmd_load(args)
        if args.verb == "serve":
            return cmd_serve(args)
        if args.verb in CLASSROOM_VERBS:
            from game.verbs.classroom import run as run_classroom_verb

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
        args.play_class = str(_check_class_file(args.play_class, given_packs(args)))
    players = parse_players(args.players)
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


def _check_class_file(raw: str, packs: Sequence[str | Path]) -> Path:
    """A class file (a path, or a shipped class's id or name) read and checked against its schema
    before the game starts (its ids are checked against the world once the game has loaded it)."""
    from game.classroom import ClassRules
    from game.content.errors import ContentErrors

    path = Path(_shipped_or_given(raw, packs))
    try:
        ClassRules.from_file(path)
    except ContentErrors as exc:
        raise CliError(_listed("the class file has", exc.errors)) from None
    return path


def _shipped_or_given(raw: str, packs: Sequence[str | Path]) -> str:
    """``--class``'s file: the path given, or the shipped class of that id or name."""
    from game.classroom import ClassError, class_file

    try:
        return str(class_file(raw, packs))
    except ClassError as exc:
        raise CliError(str(exc)) from None


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
            given = _shipped_or_given(args.serve_class, options.packs)
            options.class_file = check_room_class(given, options.packs)
        serve_room(options)
    except ServeError as exc:
        raise CliError(str(exc)) from None
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    """Check the save here (clean errors, exit codes), then hand it to the game's screens."""
    loaded = _loaded_save(args)
    packs = default_packs(given_packs(args)) if given_packs(args) else None
    return run_app(packs=packs, loaded=loaded)
