"""Headless runs: a scenario played by a plan over many runs, summarised per turn."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from game.content.errors import ContentError, ContentErrors, unknown
from game.content.loader import read_document, validate_document
from game.content.schema import Plan, PlanChoice, PlanStep
from game.content.tomlpos import TomlDocument
from game.engine.game import Game, GameError
from game.engine.replay import replay
from game.engine.scoring import score_runs
from game.engine.world import World
from game.errors import did_you_mean

PERCENTILES = (5, 50, 95)


@dataclass
class PlanResult:
    """The game that followed the plan and, if asked, its status-quo twin."""

    game: Game
    status_quo: Game | None
    plan: Plan | None


def load_plan(path: str | Path, world: World | None = None, scenario: str | None = None) -> Plan:
    """Read a plan file; with a world, also check its ids and levels. Raise ContentErrors.

    With a world, every problem comes at once: where the schema refuses some steps (a level
    written as text, a misspelt key), the steps it accepts are checked against the world too, so
    a modder does not fix the one kind of mistake only to meet the other on the next run.
    """
    return read_plan(path, world, scenario)[0]


def read_plan(
    path: str | Path, world: World | None = None, scenario: str | None = None, *, first_scenario: bool = False
) -> tuple[Plan, TomlDocument]:
    """``load_plan``, with the document read (for warnings at its lines), the file read once. The
    scenario checked against: ``scenario``, else the plan's, else (``first_scenario``) the world's first."""
    errors: list[ContentError] = []
    doc = read_document(Path(path), errors)
    if doc is None:
        raise ContentErrors(errors)
    plan, refused = validate_document(doc, Plan)
    if world is None:
        if refused or plan is None:
            raise ContentErrors(refused)
        return plan, doc
    named = doc.data.get("scenario")
    # the plan's own scenario is checked where it is the one played (no other was asked for)
    own = named if isinstance(named, str) and named and scenario is None else None
    scenario = scenario or own
    if scenario is None and first_scenario:
        scenario = next(iter(world.scenarios), None)
    if plan is None or refused:
        raise ContentErrors(_with_what_parsed(doc, refused, world, scenario, own))
    check_plan(plan, world, scenario, doc, own)
    return plan, doc


def _with_what_parsed(
    doc: TomlDocument, refused: list[ContentError], world: World, scenario: str | None, own: str | None
) -> list[ContentError]:
    """The schema's errors, and the world's for each step and answer the schema took on its own."""
    data = doc.data

    def each(key: str, model: type[PlanStep] | type[PlanChoice]) -> list[tuple[int, Any]]:
        items = data.get(key)
        if not isinstance(items, list):
            return []
        taken = []
        for i, raw in enumerate(items):
            try:
                taken.append((i, model.model_validate(raw)))
            except ValidationError:
                continue
        return taken

    found: list[ContentError] = []
    _plan_problems(
        each("step", PlanStep),
        each("choice", PlanChoice),
        world,
        scenario,
        lambda where, message: found.append(doc.error(where, message, at_value=True)),
        own,
    )
    places = {(e.line, e.column) for e in refused}
    return sorted([*refused, *(e for e in found if (e.line, e.column) not in places)])


def check_plan(
    plan: Plan, world: World, scenario: str | None, doc: TomlDocument | None = None, own: str | None = None
) -> None:
    """Unknown actions, levels out of range, turns past the end, an unknown scenario the plan names
    (``own``: where it is the one played): every problem at once."""
    errors: list[ContentError] = []

    def report(path: tuple[str | int, ...], message: str) -> None:
        if doc is not None:
            errors.append(doc.error(path, message, at_value=True))
        else:
            errors.append(ContentError("<plan>", 0, 0, ".".join(map(str, path)) + ": " + message))

    _plan_problems(list(enumerate(plan.step)), list(enumerate(plan.choice)), world, scenario, report, own)
    if errors:
        raise ContentErrors(errors)


def _plan_problems(
    steps: list[tuple[int, PlanStep]],
    choices: list[tuple[int, PlanChoice]],
    world: World,
    scenario: str | None,
    report: Callable[[tuple[str | int, ...], str], None],
    own: str | None = None,
) -> None:
    """Report each step and answer the world does not know, each at its place in the file, and the
    scenario the plan names (``own``) if no pack defines it."""
    if own is not None and own not in world.scenarios:
        known = ", ".join(world.scenarios) or "none"
        report(
            ("scenario",),
            f"{unknown('scenario', own, world.scenarios, world.pack_ids)}; the scenarios are: {known}",
        )
    turns = world.scenarios[scenario].turns if scenario in world.scenarios else None
    for i, step in steps:
        if step.action not in world.actions:
            report(
                ("step", i, "action"),
                unknown("action", step.action, world.actions, world.pack_ids),
            )
        elif step.level >= world.actions[step.action].levels:
            report(
                ("step", i, "level"),
                f"action {step.action!r} has levels 0 to {world.actions[step.action].levels - 1}",
            )
        if turns is not None and step.turn > turns:
            report(("step", i, "turn"), f"scenario {scenario} has {turns} turns")
    for i, choice in choices:
        event = world.events.get(choice.event)
        if event is None:
            report(
                ("choice", i, "event"),
                unknown("event", choice.event, world.events, world.pack_ids),
            )
        elif choice.choice not in {c.id for c in event.spec.choices}:
            ids = [c.id for c in event.spec.choices]
            report(
                ("choice", i, "choice"),
                f"event {choice.event!r} has no choice {choice.choice!r}"
                f"{did_you_mean(choice.choice, ids)}; choices: {', '.join(ids) or 'none'}",
            )


def plan_warnings(plan: Plan, doc: TomlDocument) -> list[ContentError]:
    """What a plan probably did not mean: one action set twice in one turn to different levels
    (the later step wins, as the steps are applied in the file's order)."""
    found: list[ContentError] = []
    last: dict[tuple[int, str], int] = {}
    for i, step in enumerate(plan.step):
        before = last.get((step.turn, step.action))
        if before is not None and plan.step[before].level != step.level:
            line = doc.key_position(("step", before, "level")).line
            found.append(
                doc.error(
                    ("step", i, "level"),
                    f"turn {step.turn} sets {step.action} twice, to level {plan.step[before].level} "
                    f"(line {line}) and to level {step.level}: the later step wins, so it is {step.level}",
                    at_value=True,
                )
            )
        last[(step.turn, step.action)] = i
    return found


def plan_for(plan: Plan | str | Path | None, world: World, scenario: str) -> Plan | None:
    """``plan`` read from its file, or checked against ``world`` and ``scenario`` if given as a Plan."""
    if isinstance(plan, str | Path):
        return load_plan(plan, world, scenario)
    if plan is not None:
        check_plan(plan, world, scenario)
    return plan


def last_turn(game: Game, turns: int | None) -> int:
    """The last turn a headless game is played to: ``turns``, or the scenario's last (GameError
    for a number outside the scenario)."""
    last = game.turns if turns is None else turns
    if not 1 <= last <= game.turns:
        raise GameError(f"turns must be between 1 and {game.turns} for scenario {game.scenario_id}")
    return last


def run_plan(
    world: World,
    scenario: str,
    plan: Plan | str | Path | None = None,
    *,
    runs: int = 1,
    seed: int = 0,
    turns: int | None = None,
    pins: Mapping[str, float] | None = None,
    status_quo: bool = True,
    allow_out_of_range: bool = False,
    difficulty: str | None = None,
) -> PlanResult:
    """Play a scenario headless, setting levels as the plan says before each turn.

    Plans are what-if tools: budgets, capital and prerequisites do not stop them, but what
    the game would have refused is kept in ``game.warnings``. Pins must lie inside their
    parameters' ranges unless ``allow_out_of_range`` (PinOutOfRange otherwise). ``difficulty``:
    a difficulty's id (default: the packs' default), as a player would choose it.
    """
    plan = plan_for(plan, world, scenario)
    game = Game(
        world,
        scenario,
        seed,
        runs,
        pins,
        status_quo=status_quo,
        allow_out_of_range=allow_out_of_range,
        difficulty=difficulty,
    )
    total = last_turn(game, turns)
    replay(game, plan.step if plan else (), plan.choice if plan else (), total, hold_ended=True)
    return PlanResult(game, game.status_quo, plan)


def summarise_scores(game: Game) -> dict[str, object]:
    """The score over runs: its mean and percentiles, the share of runs at each grade, and per
    objective its median weight share and score (the game must have its status-quo twin)."""
    scored = score_runs(game)

    def spread(values: np.ndarray) -> dict[str, float]:
        p5, p50, p95 = np.percentile(values, PERCENTILES) if values.size else (0.0, 0.0, 0.0)
        return {"mean": float(np.mean(values)) if values.size else 0.0, "p5": p5, "p50": p50, "p95": p95}

    sc = game.scenario
    objectives = {}
    for i, indicator in enumerate(scored.objectives):
        objectives[indicator] = {
            "label": sc.objectives[i].label or game.world.indicators[indicator].name,
            "weight": float(np.median(scored.weights[:, i])),
            "score": {k: float(v) for k, v in spread(scored.scores[:, i]).items()},
            "contribution": {"p50": float(np.median(scored.weights[:, i] * scored.scores[:, i]))},
        }
    return {
        "score": {k: float(v) for k, v in spread(scored.total).items()},
        "grades": scored.grade_shares(sc),
        "objectives": objectives,
        "horizon_years": float(sc.horizon_years),
        "per_run": {
            "score": [float(v) for v in scored.total],
            "grade": list(scored.grades),
            "objectives": {
                ind: [float(v) for v in scored.scores[:, i]] for i, ind in enumerate(scored.objectives)
            },
        },
    }


def summarise(game: Game) -> dict[str, dict[str, object]]:
    """Per indicator: its name, unit and the mean and percentiles over runs of each state (the name
    tells apart ids that read alike, such as total_program_cost and total_programme_spending)."""
    out: dict[str, dict[str, object]] = {}
    for ind_id, info in sorted(game.world.indicators.items()):
        if info.axis is not None:
            continue
        series = game.history(ind_id)  # (turns+1, runs)
        p5, p50, p95 = np.percentile(series, PERCENTILES, axis=1)
        out[ind_id] = {
            "name": info.name,
            "unit": info.unit,
            "mean": series.mean(axis=1).tolist(),
            "p5": p5.tolist(),
            "p50": p50.tolist(),
            "p95": p95.tolist(),
        }
    return out
