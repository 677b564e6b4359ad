"""``borderline simulate --format table``: a plan against the status quo, for a person at a terminal.

JSON and CSV carry every indicator and every turn for a script; this is what a modder trying a
lever, or a teacher comparing plans, reads first: the score and its spread over the runs, the
grades, how runs ended early, the steps a player would have been refused (so a what-if score
is not taken for one a player can reach), each objective against the status quo, and the
dashboard's indicators at the end, the plan's beside the status quo's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from game.app.words import compact, percent, plural, score_harm

if TYPE_CHECKING:
    from game.engine import Game

REFUSED_SHOWN = 5
"""Refused steps listed by name; the rest are counted (all of them are in JSON's ``warnings``)."""


def as_table(
    game: Game, status_quo: Game | None, title: str, seed: int, *, planned: bool = True, width: int = 80
) -> str:
    """The table for a played plan: ``status_quo`` is its twin (None: the score and the
    comparison are left out, as with --no-score); ``planned``: False for no plan at all. It fits
    ``width`` columns (the terminal's): the tables' first column gives way, cut with an ellipsis."""
    runs = game.runs
    world, sc = game.world, game.scenario
    level = world.difficulties.get(game.difficulty) if game.difficulty is not None else None
    difficulty = (level.name or game.difficulty) if level is not None else "no difficulty"
    setting = f"{sc.name} · {difficulty} · {plural(runs, 'run')} · seed {seed}"
    lines = [_cut(title, width), _cut(setting, width)]
    played = f"played {plural(game.turn, sc.turn_name)}, to {game.date(game.turn)}"
    if runs == 1 and int(game.ended_turn[0, 0]) < game.turn:
        played += f" (it met an ending in {game.date(int(game.ended_turn[0, 0]))} and played on unchanged)"
    lines.append(played)
    lines += _score_lines(game) if status_quo is not None and sc.objectives else []
    lines += _ending_lines(game)
    lines += _refused_lines(game) if planned else []
    if status_quo is not None and sc.objectives:
        lines += ["", *_objective_rows(game, width)]
    lines += ["", *_indicator_rows(game, status_quo, width)]
    return "\n".join(lines) + "\n"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


def _spread(values: np.ndarray, show: Callable[[float], str]) -> str:
    """The median, and the 5th to 95th percentile over runs when there is more than one run."""
    if values.size == 1:
        return show(float(values[0]))
    p5, p50, p95 = np.percentile(values, (5, 50, 95))
    if show(p5) == show(p95):  # a world with no surprises (Learning): every run alike
        return f"{show(p50)} in every run"
    return f"{show(p50)} (5th-95th {show(p5)} to {show(p95)})"


def _points(value: float) -> str:
    return f"{value:+.1f}"


def _percent(value: float) -> str:
    """A signed whole percent (a tenth under one: +0.3%, beside points that are not nothing);
    one that rounds to nothing is 0%, not -0%."""
    if round(value):
        return f"{value:+.0f}%"
    return f"{value:+.1f}%" if round(value, 1) else "0%"


def _score_lines(game: Game) -> list[str]:
    from game.engine.scoring import better_percents, score_runs

    scored = score_runs(game)
    plain = better_percents(scored, game.world)  # the change in the harm added up, per run
    shares = scored.grade_shares(game.scenario)
    grades = ", ".join(f"{label} {percent(share, short=True)}" for label, share in shares.items() if share)
    on_average = np.array([score_harm(float(v)) for v in scored.total])
    lines = [
        f"score: {_spread(scored.total, _points)}",
        f"  as harm, on the objectives' log average: {_spread(on_average, _percent)}",
        f"harm added up, against the status quo: {_spread(-plain, _percent)}",
        f"grade{'s' if game.runs > 1 else ''}: {grades}",
    ]
    if any(scored.grades[r] != scored.earned[r] for r in range(game.runs)):
        lines.append("  (an ending caps the grade whatever the score: see below)")
    return lines


def _ending_lines(game: Game) -> list[str]:
    from game.verbs.simulate import endings  # what JSON's "endings" says

    ended = endings(game)
    if not ended:
        return []
    out = ["ended early:"]
    for ending in ended.values():
        when = game.date(int(ending["median_turn"]))
        out.append(f"  {ending['title']}: {percent(ending['share'])} of runs, median {when}")
    return out


def _refused_lines(game: Game) -> list[str]:
    from game.engine.game import NOT_MADE

    held = [w for w in game.warnings if NOT_MADE in w]
    refused = [w for w in game.warnings if NOT_MADE not in w]
    out = []
    if not refused:
        out.append("a player could make every step of the plan (budgets, capital, prerequisites)")
    else:
        steps = plural(len(refused), "step")
        out.append(f"{steps} a player would be refused, made anyway (a what-if no player can reach):")
        out += _listed(refused)
    if held:
        steps = plural(len(held), "step")
        out.append(f"{steps} not made: the run had met an ending and played on unchanged:")
        out += _listed(held)
    return out


def _listed(warnings: list[str]) -> list[str]:
    out = [f"  {warning}" for warning in warnings[:REFUSED_SHOWN]]
    if len(warnings) > REFUSED_SHOWN:
        out.append(f"  ... and {len(warnings) - REFUSED_SHOWN} more (JSON's warnings lists them all)")
    return out


def _table(header: list[str], rows: list[list[str]], width: int = 10_000) -> list[str]:
    """Columns padded to their widest cell: the first left-aligned, the others right-aligned; the
    first column cut (with an ellipsis) so that the lines fit ``width``."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    others = sum(widths[1:]) + 2 * (len(widths) - 1)
    widths[0] = max(12, min(widths[0], width - others))

    def line(row: list[str]) -> str:
        rest = zip(row[1:], widths[1:], strict=True)
        cells = [_cut(row[0], widths[0]).ljust(widths[0])] + [cell.rjust(w) for cell, w in rest]
        return "  ".join(cells).rstrip()

    return [line(header), *(line(row) for row in rows)]


def _objective_rows(game: Game, width: int) -> list[str]:
    from game.engine.scoring import score_runs

    scored = score_runs(game)
    world, sc = game.world, game.scenario
    rows = []
    for i, indicator in enumerate(scored.objectives):
        info = world.indicators[indicator]
        mine, theirs = np.median(scored.mine[:, i]), np.median(scored.theirs[:, i])
        change = (mine - theirs) / abs(theirs) * 100.0 if theirs else 0.0
        better = -change if info.good != "up" else change
        rows.append(
            [
                sc.objectives[i].label or info.name,
                compact(float(mine), info.decimals),
                compact(float(theirs), info.decimals),
                _percent(better),
                percent(float(np.median(scored.weights[:, i])), short=True),
                f"{np.median(scored.weights[:, i] * scored.scores[:, i]):+.1f}",
            ]
        )
    horizon = f" and {sc.horizon_years:g} years played on" if sc.horizon_years else ""
    header = ["objective", "plan", "status quo", "better", "weight", "points"]
    return [f"objectives, over the game{horizon} (medians of runs):", *_table(header, rows, width)]


def _indicator_rows(game: Game, status_quo: Game | None, width: int) -> list[str]:
    world = game.world
    shown = [i for i, info in world.indicators.items() if info.headline and info.axis is None]
    if not shown:
        shown = [i for i, info in world.indicators.items() if info.axis is None]
    turn = game.turn
    rows = []
    for ind in shown:
        info = world.indicators[ind]
        unit = f" ({info.unit})" if info.unit else ""
        mine = game.history(ind)[turn]
        row = [info.name + unit, _cell(mine, info.decimals)]
        if status_quo is not None:
            theirs = status_quo.history(ind)[turn]
            row += [_cell(theirs, info.decimals)]
        rows.append(row)
    header = ["indicator", "plan"] + (["status quo"] if status_quo is not None else [])
    spread = " (medians; 5th-95th percentile)" if game.runs > 1 else ""
    return [f"at {game.date(turn)}{spread}:", *_table(header, rows, width)]


def _cell(values: np.ndarray, decimals: int) -> str:
    if values.size == 1:
        return compact(float(values.reshape(-1)[0]), decimals)
    p5, p50, p95 = np.percentile(values, (5, 50, 95))
    return f"{compact(float(p50), decimals)} ({compact(float(p5), decimals)}-{compact(float(p95), decimals)})"
