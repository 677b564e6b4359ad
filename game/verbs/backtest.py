"""``borderline backtest``: does the world still track what really happened?

The judging is the engine's (``game.engine.backtest``); this module only picks the plan and
scenario from the arguments and writes the verdicts as a table or as JSON. Exit 0 when every
history series is tracked within its tolerance, 1 otherwise (or on any user mistake).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from game.verbs.common import (
    EXIT_ERROR,
    EXIT_OK,
    CliError,
    _load_world,
    _write,
    check_out,
    default_packs,
    given_packs,
)


def cmd_backtest(args: argparse.Namespace) -> int:
    from game.content.errors import ContentErrors, unknown
    from game.engine import GameError, SimulationError, load_plan
    from game.engine.backtest import default_history_plan, run_backtest

    check_out(args.out)
    world = _load_world(default_packs(given_packs(args)))
    if not world.history:
        raise CliError("the packs carry no [history.ID] series: there is nothing to backtest")
    plan_path = Path(args.plan) if args.plan is not None else default_history_plan(world)
    if plan_path is None:
        raise CliError("no plan given and no pack has plans/history.toml; pass --plan FILE")
    if not plan_path.is_file():
        raise CliError(f"plan file {str(plan_path)!r} does not exist")
    try:
        plan = load_plan(plan_path)
        scenario = args.scenario or plan.scenario or "both-sides"
        if scenario not in world.scenarios:
            if not args.scenario and plan.scenario:  # the plan's own: said at its line
                load_plan(plan_path, world)
            known = ", ".join(sorted(world.scenarios)) or "none"
            missing = unknown("scenario", scenario, world.scenarios, world.pack_ids)
            raise CliError(f"{missing}; the packs have: {known}")
        result = run_backtest(
            world, scenario, load_plan(plan_path, world, scenario), runs=args.runs, seed=args.seed
        )
    except ContentErrors as exc:
        raise CliError("the plan has errors:\n" + "\n".join(str(e) for e in exc.errors)) from None
    except (GameError, SimulationError) as exc:
        raise CliError(str(exc)) from None
    text = json.dumps(as_json(result), indent=1) + "\n" if args.format == "json" else as_table(result)
    _write(text, args.out)
    if not result.passed:
        failed = [s.id for s in result.series if not s.passed]
        print(f"borderline: {len(failed)} series outside tolerance: {', '.join(failed)}", file=sys.stderr)
    return EXIT_OK if result.passed else EXIT_ERROR


def as_table(result: Any) -> str:
    from game.engine.backtest import format_number

    passed = sum(s.passed for s in result.series)
    lines = [
        f"Backtest of {result.scenario} with {result.plan!r}: {result.runs} runs, seed {result.seed}",
        "",
    ]
    for verdict in result.series:
        spec = verdict.history.spec
        low, high = spec.tolerance.band
        title = f"{verdict.history.name} ({spec.indicator}, {spec.unit})"
        lines.append(f"{'PASS' if verdict.passed else 'FAIL'}  {title}")
        band_title = f"{low:g}-{high:g}% band"
        lines.append(f"      {'year':>4}  {'real':>10}  {'median':>10}  {band_title:>23}     gap  in band")
        for row in verdict.years:
            band = f"{format_number(row.low)} - {format_number(row.high)}"
            mark = "  checked" if row.year in verdict.checked_years else ""
            real, median = format_number(row.real), format_number(row.median)
            lines.append(
                f"      {row.year:>4}  {real:>10}  {median:>10}  {band:>23}  "
                f"{row.error:>+6.0%}  {'yes' if row.inside else 'no ':<3}{mark}"
            )
        if verdict.years:
            inside = sum(r.inside for r in verdict.years)
            lines.append(
                f"      inside the band in {inside} of {len(verdict.years)} years "
                f"({verdict.share_inside:.0%}, "
                f"needs {spec.tolerance.within_band:.0%}); medians within ±{spec.tolerance.median_error:.0%} "
                f"checked in {', '.join(map(str, verdict.checked_years))}"
            )
        lines.extend(f"      ✗ {failure}" for failure in verdict.failures)
        lines.append("")
    lines.append(
        f"{passed} of {len(result.series)} series track history"
        + ("." if result.passed else "; the world misses the others (exit 1).")
    )
    return "\n".join(lines) + "\n"


def as_json(result: Any) -> dict[str, Any]:
    return {
        "scenario": result.scenario,
        "plan": result.plan,
        "runs": result.runs,
        "seed": result.seed,
        "passed": result.passed,
        "series": [
            {
                "id": v.id,
                "name": v.history.name,
                "indicator": v.history.spec.indicator,
                "unit": v.history.spec.unit,
                "aggregate": v.history.spec.aggregate,
                "scale": v.history.spec.scale,
                "passed": v.passed,
                "share_inside": v.share_inside,
                "within_band": v.history.spec.tolerance.within_band,
                "band": list(v.history.spec.tolerance.band),
                "median_error": v.history.spec.tolerance.median_error,
                "checked_years": list(v.checked_years),
                "failures": list(v.failures),
                "years": [
                    {
                        "year": r.year,
                        "real": r.real,
                        "median": r.median,
                        "low": r.low,
                        "high": r.high,
                        "inside": r.inside,
                        "error": r.error,
                        "source": r.source,
                        "note": r.note,
                    }
                    for r in v.years
                ],
            }
            for v in result.series
        ],
    }
