"""Helpers the teacher's-kit tests share: the base world loaded once, small packs written on the fly."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

from game.engine import Game, World, load_world

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "content" / "base"
MINI = Path(__file__).resolve().parent / "packs" / "mini"


@functools.cache
def base_world() -> World:
    """The base game's world, compiled once per test process (it is read-only)."""
    return load_world([BASE])


def mini_copy(folder: Path, manifest_extra: str = "", world_extra: str = "") -> Path:
    """A copy of the mini test pack in ``folder`` with lines added to pack.toml and world.toml."""
    target = folder / "mini"
    shutil.copytree(MINI, target)
    if manifest_extra:
        with (target / "pack.toml").open("a", encoding="utf-8") as handle:
            handle.write("\n" + manifest_extra + "\n")
    if world_extra:
        with (target / "world.toml").open("a", encoding="utf-8") as handle:
            handle.write("\n" + world_extra + "\n")
    return target


def play_out(game: Game, turns: int | None = None) -> Game:
    """Resolve turns (all that are left, or ``turns`` more), answering each dilemma with its default."""
    stop = game.turns if turns is None else min(game.turns, game.turn + turns)
    while game.turn < stop and not game.is_over:
        game.resolve_turn()
        for dilemma in list(game.pending_dilemmas):
            game.choose(dilemma.event, next(c.id for c in dilemma.choices if c.default))
    return game
