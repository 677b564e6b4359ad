"""``borderline simulate`` (a scenario played headless, indicators per turn as JSON or CSV)
and ``borderline sensitivity`` (its arguments and output live in ``game.verbs.sensitivity``)."""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
from typing import Any

from game.limits import MEMORY_ENV, describe_bytes
from game.verbs import sensitivity as cli_sensitivity
from game.verbs.common import (
    EXIT_OK,
    CliError,
    _listed,
    _load_world,
    _parse_params,
    _write,
    check_out,
    default_packs,
    given_packs,
    report_content_notes,
)


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
        read_plan,
        run_plan,
        summarise,
        summarise_scores,
    )

    pins = _parse_params(args.param)
    check_out(args.out)
    if args.save is not None and args.runs > 1:
        raise CliError("--save needs a single game: drop --runs or use --runs 1")
    world = _load_world(default_packs(given_packs(args)))
    report_content_notes(world)
    if args.plan is not None and not os.path.lexists(args.plan):  # anything else is read safely, or refused
        raise CliError(f"plan file {args.plan!r} does not exist")
    if args.scenario is None:
        args.scenario = _plan_scenario(args.plan) or "both-sides"
        if args.plan is not None and args.scenario not in world.scenarios:
            try:  # the plan names a scenario no pack defines: said at its line, with its other problems
                read_plan(args.plan, world)
            except ContentErrors as exc:
                raise CliError(_listed("the plan has", exc.errors)) from None
    scenario = world.scenarios.get(args.scenario)
    scored = not args.no_score and scenario is not None and bool(scenario.objectives)
    difficulty = None if args.difficulty is None else world.difficulty_named(args.difficulty)
    if args.difficulty is not None and difficulty is None:
        known = world.difficulties_listed()
        raise CliError(f"unknown difficulty {args.difficulty!r}; choose one of: {known}")
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
            difficulty=difficulty,
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
        "difficulty": game.difficulty,
        # the name the new-game screen, README and TEACHING.md use ("Learning" for easy)
        "difficulty_name": _difficulty_name(game),
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
    payload["endings"] = endings(game)
    payload["warnings"] = list(game.warnings)  # always there, as README lists it: [] for none
    for warning in game.warnings:  # the plan did what a player would have been refused
        print(f"warning: {warning}", file=sys.stderr)
    if args.plan is not None:
        _warn_about_plan(args.plan)
    if args.save is not None:
        _save_simulated(game, args.save)
    import json  # output formats load with the verb that writes them, not at start-up

    if args.format == "table":
        from game.verbs.simulate_table import as_table

        plan = result.plan  # the plan as played: its own name, else its file's
        title = (plan.name if plan is not None else "") or os.path.basename(args.plan or "")
        title = title or "the status quo (no plan)"
        twin = result.status_quo if scored or args.status_quo else None
        columns = shutil.get_terminal_size((80, 24)).columns if args.out is None else 80
        text = as_table(game, twin, title, args.seed, planned=args.plan is not None, width=columns)
    else:
        text = json.dumps(payload, indent=1) + "\n" if args.format == "json" else _to_csv(payload)
    _write(text, args.out)
    return EXIT_OK


def endings(game: Any) -> dict[str, dict[str, Any]]:
    """How the runs that ended early ended: each ending's title, the share of runs it ended and
    the median turn it came (an ending caps the grade whatever the score, so a teacher reading
    the grades needs them)."""
    import statistics

    titles = {e.id: e.title for e in game.scenario.endings}
    turns: dict[str, list[int]] = {}
    for run, eid in enumerate(game.ending_id):
        if eid is not None:
            turns.setdefault(eid, []).append(int(game.ended_turn[run, 0]))
    return {
        eid: {
            "title": titles.get(eid, eid),
            "share": len(when) / game.runs,
            "median_turn": float(statistics.median(when)),
        }
        for eid, when in sorted(turns.items(), key=lambda item: -len(item[1]))
    }


def cmd_sensitivity(args: argparse.Namespace) -> int:
    check_out(args.out)
    world = _load_world(default_packs(given_packs(args)))
    _write(cli_sensitivity.run(args, world, CliError), args.out)
    return EXIT_OK


def _warn_about_plan(path: str) -> None:
    """A plan's likely slips (the plan has loaded and played: it reads again without error)."""
    from game.content.loader import load_plan_file
    from game.engine import plan_warnings

    for warning in plan_warnings(*load_plan_file(path)):
        print(f"warning: {warning}", file=sys.stderr)


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
    for eid, ending in payload.get("endings", {}).items():
        writer.writerow(["ending", eid, "fraction of runs", last, date, "share", repr(ending["share"])])
        writer.writerow(["ending", eid, "turn", last, date, "median", repr(ending["median_turn"])])
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



def _difficulty_name(game: Any) -> str | None:
    level = game.world.difficulties.get(game.difficulty) if game.difficulty is not None else None
    return (level.name or game.difficulty) if level is not None else game.difficulty
