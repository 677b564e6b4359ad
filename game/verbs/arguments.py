"""The shapes ``borderline``'s arguments take (a positive count, a seed, ``SIDE=NAME``), and
the parser that says a mistake in one line, with the option meant."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any, NoReturn

from game.errors import did_you_mean
from game.verbs.common import CliError


def parse_players(items: Sequence[str]) -> dict[str, str]:
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


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def positive(text: str) -> int:
    value = _whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def seed_number(text: str) -> int:
    value = _whole_number(text)
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError("must be between 0 and 2**63 - 1")
    return value


class Parser(argparse.ArgumentParser):
    """argparse, with a mistake said in one line: what was wrong, the option or verb meant if one
    is close, and where the options are listed (instead of the usage block, then the error)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}; {self.prog} --help lists what it takes\n")

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        """A choice not among the verb's or option's choices, said with the one meant if close."""
        choices = action.choices
        if choices is not None and value not in choices and isinstance(value, str):
            meant = did_you_mean(value, map(str, choices))
            listed = ", ".join(repr(str(c)) for c in choices)
            raise argparse.ArgumentError(action, f"invalid choice: {value!r}{meant} (choose from {listed})")
        super()._check_value(action, value)

    def unrecognized(self, extras: Sequence[str]) -> NoReturn:
        """Arguments the verb does not take, each with the option it is closest to."""
        options = [o for action in self._actions for o in action.option_strings]
        said = [f"{a}{did_you_mean(a.split('=', 1)[0], options)}" if a.startswith("-") else a for a in extras]
        self.error(f"unrecognized argument{'s' * (len(extras) > 1)}: {' '.join(said)}")


def verb_parser(parser: argparse.ArgumentParser, verb: str | None) -> Parser:
    """The parser of ``verb`` (the top level's without one)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and verb in action.choices:
            found = action.choices[verb]
            assert isinstance(found, Parser)
            return found
    assert isinstance(parser, Parser)
    return parser
