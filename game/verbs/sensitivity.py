"""``borderline sensitivity``: which parameters a plan's outcomes depend on most.

Prints a ranking per output with a tornado chart (table), or the full results as JSON or
CSV. Heavy imports (the engine, SALib) happen inside ``run`` so ``--help`` stays instant.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game import locations

if TYPE_CHECKING:
    from game.engine.sensitivity import PlanSensitivity, Ranking

DEFAULT_SAMPLES = {"morris": 50, "sobol": 64}
TOP = 10


def add_parser(verbs: Any, positive: Any, seed: Any) -> None:
    """The verb's arguments (``positive`` and ``seed`` are the CLI's own argument checkers)."""
    sub = verbs.add_parser(
        "sensitivity",
        help="rank the uncertain parameters by their effect on a plan's outcomes (SALib)",
        description="Vary every parameter that has a range (each within it, following its "
        "distribution), play the plan once per sample and rank the parameters by their effect "
        "on each output and on the debrief's score, with 95% confidence intervals.",
    )
    sub.add_argument("--scenario", default="both-sides", metavar="ID", help="default both-sides")
    sub.add_argument(
        "--plan", metavar="FILE", type=locations.in_mods_folder, help="TOML plan (default: the status quo)"
    )
    sub.add_argument("--method", choices=("morris", "sobol"), default="morris", help="default morris")
    sub.add_argument(
        "--samples",
        type=positive,
        metavar="N",
        help="Morris trajectories (default 50; each plays parameters + 1 runs) or Sobol' base "
        "points (default 64, a power of two; each plays parameters + 2 runs)",
    )
    sub.add_argument(
        "--outputs",
        metavar="ID,...",
        help="indicators to rank for, and 'score' (default: score and the scenario's objectives)",
    )
    sub.add_argument("--turn", type=positive, metavar="T", help="read outputs at turn T (default: the last)")
    sub.add_argument("--seed", type=seed, default=0, metavar="S", help="random seed (default 0)")
    sub.add_argument("--format", choices=("table", "json", "csv"), default="table")
    sub.add_argument("--top", type=positive, default=TOP, metavar="N", help=f"rows per table (default {TOP})")
    sub.add_argument("--workers", type=positive, default=1, metavar="N", help="local worker processes")
    sub.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786); "
        "needs pip install -e '.[scale]'",
    )
    sub.add_argument("--out", metavar="FILE", help="write here instead of standard output")


def run(args: argparse.Namespace, world: Any, error: type[Exception]) -> str:
    """The report's text; user mistakes raise ``error`` with one clear message."""
    from game.content.errors import ContentErrors
    from game.engine import GameError, SimulationError, load_plan
    from game.engine.sensitivity import plan_sensitivity

    plan = None
    if args.plan is not None:
        if not Path(args.plan).is_file():
            raise error(f"plan file {args.plan!r} does not exist")
        try:
            plan = load_plan(args.plan, world, args.scenario if args.scenario in world.scenarios else None)
        except ContentErrors as exc:
            raise error("the plan has errors:\n" + "\n".join(str(e) for e in exc.errors)) from None
    outputs = [o.strip() for o in args.outputs.split(",") if o.strip()] if args.outputs else None
    samples = args.samples or DEFAULT_SAMPLES[args.method]

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\rplaying the sample: chunk {done} of {total}", end="" if done < total else "\n",
                  file=sys.stderr, flush=True)

    try:
        result = plan_sensitivity(
            world,
            args.scenario,
            plan,
            method=args.method,
            samples=samples,
            outputs=outputs,
            turn=args.turn,
            seed=args.seed,
            workers=args.workers,
            dask=args.dask,
            progress=progress,
            plan_name=Path(args.plan).stem if args.plan else None,
        )
    except (GameError, SimulationError) as exc:
        raise error(str(exc)) from None
    if args.format in ("json", "csv"):  # the table says it in its place; these on the side
        for ranking in result.rankings:
            if still(ranking, bool(result.plan)):
                print(f"warning: {ranking.output}: {still(ranking, bool(result.plan))}", file=sys.stderr)
    if args.format == "json":
        import json  # output formats load with the verb that writes them, not at start-up

        return json.dumps(as_json(result), indent=1) + "\n"
    if args.format == "csv":
        return as_csv(result)
    return as_table(result, world, args.top)


def still(ranking: Ranking, planned: bool) -> str:
    """Why the ranking of an output no parameter moved means nothing ("" when one did): its
    order would be the parameters' own, not their effects'."""
    if max((e.effect for e in ranking.effects), default=0.0) > 0:
        return ""
    why = ""
    if ranking.output == "score" and not planned:
        why = " (the status quo scored against itself scores 0 in every run: --plan FILE ranks a plan's)"
    return f"no parameter moves it here{why}"


def as_json(result: PlanSensitivity) -> dict[str, Any]:
    return {
        "scenario": result.scenario,
        "plan": result.plan,
        "method": result.method,
        "samples": result.samples,
        "runs": result.runs,
        "turn": result.turn,
        "seed": result.seed,
        "confidence": 0.95,
        "measure": "mu_star" if result.method == "morris" else "ST",
        "outputs": {
            ranking.output: {
                "mean": ranking.mean,
                "sd": ranking.spread,
                **({"note": still(ranking, bool(result.plan))} if still(ranking, bool(result.plan)) else {}),
                "ranking": [
                    {
                        "parameter": e.factor.id,
                        "name": e.factor.name,
                        "effect": e.effect,
                        "confidence": e.confidence,
                        **({"first_order": e.first_order, "first_order_confidence": e.first_order_confidence}
                           if e.first_order is not None else {}),
                    }
                    for e in ranking.effects
                ],
            }
            for ranking in result.rankings
        },
    }


def as_csv(result: PlanSensitivity) -> str:
    """One row per output and parameter, in rank order."""
    import csv  # output formats load with the verb that writes them, not at start-up

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["output", "rank", "parameter", "name", "method", "effect", "confidence", "first_order",
                     "first_order_confidence"])
    for ranking in result.rankings:
        ranked = not still(ranking, bool(result.plan))  # else no rank: the order means nothing
        for rank, e in enumerate(ranking.effects, 1):
            first = "" if e.first_order is None else repr(e.first_order)
            first_confidence = "" if e.first_order_confidence is None else repr(e.first_order_confidence)
            place = rank if ranked else ""
            writer.writerow([ranking.output, place, e.factor.id, e.factor.name, result.method, repr(e.effect),
                             repr(e.confidence), first, first_confidence])
    return buffer.getvalue()


def as_table(result: PlanSensitivity, world: Any, top: int) -> str:
    """A heading, then per output its ranking as a tornado chart: widest bar, biggest effect."""
    import shutil  # only the table needs the terminal's width: not imported at start-up

    width = max(60, min(shutil.get_terminal_size((100, 24)).columns, 140))
    what = f"plan {result.plan}" if result.plan else "the status quo"
    if result.method == "morris":
        measure = ("effect: the mean change of the output as the parameter crosses its range "
                   "(Morris mu*), ± its 95% interval; a size, not a direction: its bar spreads "
                   "both ways")
    else:
        measure = ("effect: the share of the output's variance due to the parameter, with its "
                   "interactions (Sobol' ST), ± its 95% interval; alone: S1")
    lines = [
        f"Sensitivity of {what}, scenario {result.scenario}, at turn {result.turn}: "
        f"{result.method} with {result.samples} samples, {result.runs:,} runs (seed {result.seed})",
        measure,
    ]
    for ranking in result.rankings:
        lines.append("")
        lines += _tornado(ranking, world, result.method, top, width, planned=bool(result.plan))
    return "\n".join(lines) + "\n"


def _output_label(world: Any, output: str) -> tuple[str, str]:
    if output == "score":
        return "score (the debrief's, against the status quo)", "points"
    info = world.indicators[output]
    return f"{info.name} ({output})", info.unit


def _tornado(ranking: Ranking, world: Any, method: str, top: int, width: int, *, planned: bool) -> list[str]:
    label, unit = _output_label(world, ranking.output)
    digits = 3 if method == "sobol" else _digits(ranking)
    lines = [f"{label}: mean {_fmt(ranking.mean, 4)} {unit}, sd {_fmt(ranking.spread, 4)}"]
    shown = ranking.effects[:top]
    names = [f"{e.factor.name} ({e.factor.id})" for e in shown]
    name_width = min(max((len(n) for n in names), default=10), 56)
    numbers = [f"{e.effect:.{digits}f} ±{e.confidence:.{digits}f}" for e in shown]
    number_width = max((len(n) for n in numbers), default=8)
    half = max(6, (width - 5 - name_width - number_width - 4) // 2)
    largest = max((e.effect for e in shown), default=0.0)
    if still(ranking, planned):
        return [*lines, f"     {still(ranking, planned)}"]
    for rank, (effect, name, number) in enumerate(zip(shown, names, numbers, strict=True), 1):
        cells = round(half * effect.effect / largest)
        bar = (" " * (half - cells) + "█" * cells + "│" + "█" * cells) if method == "morris" else (
            "│" + "█" * (2 * cells))
        lines.append(f"{rank:>3}. {_cut(name, name_width):<{name_width}}  {number:>{number_width}}  {bar}")
    hidden = len(ranking.effects) - len(shown)
    if hidden > 0:
        lines.append(f"     … and {hidden} more (--top {len(ranking.effects)} lists them all)")
    return lines


def _digits(ranking: Ranking) -> int:
    largest = max((e.effect for e in ranking.effects), default=1.0)
    return 0 if largest >= 100 else 1 if largest >= 10 else 2 if largest >= 1 else 3


def _fmt(value: float, digits: int) -> str:
    """A number to ``digits`` significant figures, written out (95,110, never 9.511e+04)."""
    from game.app.words import significant  # wording only: no Textual

    return significant(value, digits)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
