"""``borderline replay``: a save replayed from its log and compared with its saved state
(``load``, which hands the checked save to the game's screens, lives in ``game.cli``)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from game.verbs.common import (
    EXIT_ERROR,
    EXIT_OK,
    CliError,
    _save_file,
    default_packs,
    given_packs,
    mismatch_hint,
)


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
        raise CliError(f"{exc}\n{mismatch_hint(args.verb, args.file)}") from None
    except SaveError as exc:
        raise CliError(str(exc)) from None


def cmd_replay(args: argparse.Namespace) -> int:
    from game.classroom.exports import played_on

    loaded = _loaded_save(args)
    game = loaded.game
    for warning in loaded.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    decisions, choices = len(game.log), len(game.choices_made)
    print(
        f"replayed {loaded.path}: scenario {game.scenario_id}, seed {game.seed}, {game.turn} of "
        f"{game.turns} {game.scenario.turn_name}s played (to {game.date()}), "
        f"{decisions} decision{'s' if decisions != 1 else ''}, "
        f"{choices} dilemma answer{'s' if choices != 1 else ''}"
    )
    if game.ending is not None and (after := played_on(game)):
        print(f"it met the ending '{game.ending.title or game.ending.id}'{after}")
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
    if loaded.numerics_note is not None:  # verified, but not to the bit: said once, on stdout
        print(f"the replay matches the saved state to within the tolerance: {loaded.numerics_note}")
        return EXIT_OK
    print(f"the replay matches the saved state exactly ({loaded.checked} values compared)")
    return EXIT_OK

