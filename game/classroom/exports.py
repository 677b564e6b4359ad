"""Exports for grading: a game's debrief as Markdown, its turns and its decisions as CSV.

The same files come from the debrief screen and from ``borderline export SAVE``:

    <student> - <scenario> - <date>.md             grade, score, each objective against the
                                                   status quo, the decisions, the answers
    <student> - <scenario> - <date> - turns.csv    one row a turn: every headline indicator,
                                                   the player's and the status quo's
    <student> - <scenario> - <date> - decisions.csv  turn, date, side, action, from, to,
                                                   cost a turn, capital spent, and by whom:
                                                   the player, or a dilemma's answer

They go to the reports folder beside the saves (``game.locations``) unless told otherwise;
an existing file is never replaced (a number is added to the new one's name).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from game.classroom.rules import ClassSession
from game.content.schema import Choice
from game.engine import Debrief, Game
from game.locations import reports_folder
from game.saves.files import safe_name

FORMATS = ("md", "csv")
Section = tuple[str, Sequence[str]]
"""An extra section for the Markdown: its heading and its lines (the screens add what really happened)."""


def name_of(world_name: str, ident: str) -> str:
    """A content item's name, or its id made readable."""
    if world_name and world_name != ident:
        return world_name
    text = ident.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def level_label(levels: Sequence[str], level: int) -> str:
    """A lever's level as the game names it (its number, if the lever has no such level)."""
    return levels[level] if 0 <= level < len(levels) else str(level)


def number(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


@dataclass(frozen=True)
class DecisionRow:
    """One decision of the log, in words and numbers."""

    turn: int
    date: str
    side: str
    action: str
    name: str
    level_from: int
    level_to: int
    label_from: str
    label_to: str
    cost: float  # money a turn at the new level
    capital: float  # political capital the change took
    money_unit: str


def decision_rows(game: Game) -> list[DecisionRow]:
    """The game's decisions in the order they were taken."""
    world, out = game.world, []
    for d in game.log:
        spec = world.actions[d.action].spec
        side = world.sides.get(spec.side)
        labels = spec.levels
        out.append(
            DecisionRow(
                d.turn,
                game.date(d.turn),
                spec.side,
                d.action,
                name_of(spec.name, d.action),
                d.previous,
                d.level,
                level_label(labels, d.previous),
                level_label(labels, d.level),
                d.cost,
                d.capital,
                side.money_unit if side is not None else "",
            )
        )
    return out


def _header(game: Game, session: ClassSession | None, debrief: Debrief, other_content: str = "") -> list[str]:
    sc = game.scenario
    word = sc.turn_name
    lines = [f"# Borderline debrief: {name_of(sc.name, game.scenario_id)}", ""]
    if other_content:  # exported with --allow-mismatch: the teacher reading it must know first
        lines += [
            f"**Replayed on other content than it was played with** ({other_content}): its numbers "
            "are not those of the game that was played.",
            "",
        ]
    if session is not None:
        spec = session.rules.spec
        lines.append(f"- Student: **{session.student}**")
        teacher = f", {spec.teacher}" if spec.teacher else ""
        lines.append(f"- Class: {spec.title} (`{spec.class_id}`{teacher})")
    lines += [
        f"- Scenario: `{game.scenario_id}`, seed {game.seed}, {game.turn} of {game.turns} {word}s played "
        f"({game.date(1)} to {game.date(max(game.turn, 1))})",
        f"- Packs: {', '.join(f'{pid} {ver}' for pid, ver in game.world.packs)}",
        *_difficulty(game),
        f"- Grade: **{debrief.grade}** (score {debrief.score:+.1f} against the status quo)",
    ]
    if debrief.grade_text:
        lines.append(f"- {debrief.grade_text}")
    if debrief.ending is not None:
        lines.append(f"- Ending: {debrief.ending.title}{played_on(game)}. {debrief.ending.text}")
    if debrief.earned and debrief.earned != debrief.grade:
        lines.append(f"- The score alone earned {debrief.earned}; the ending capped the grade.")
    return lines


def played_on(game: Game) -> str:
    """Where a game met its ending before its last turn played, when a headless plan played on
    past it (a plan's game keeps going; a player's stops there): "" otherwise."""
    ended = int(game.ended_turn[0, 0])
    if ended >= game.turn:
        return ""
    word = game.scenario.turn_name
    return f" in {word} {ended} ({game.date(ended)}); the plan played on to {word} {game.turn}"


def _difficulty(game: Game) -> list[str]:
    """The difficulty the game was played at, as the game names it (none where the packs have none)."""
    level = game.world.difficulties.get(game.difficulty) if game.difficulty is not None else None
    return [] if level is None else [f"- Difficulty: {name_of(level.name, game.difficulty or '')}"]


def player_lines(game: Game, debrief: Debrief) -> list[str]:
    """A two-player game's grades: each player's on the objectives their side answers for, then
    the pair's on them all (none for one player). The debrief screen shows the same lines."""
    if not debrief.sides:
        return []
    world = game.world
    labels = {row.indicator: name_of(row.label, row.indicator) for row in debrief.objectives}
    lines = []
    for side in debrief.sides:
        name = name_of(world.sides[side.side].name, side.side)
        on = "; ".join(labels.get(i, i) for i in side.objectives)
        lines.append(f"{side.player} ({name}): {side.grade.upper()}, score {side.score:+.1f}, on {on}")
    players = " and ".join(side.player for side in debrief.sides)
    pair = f"{debrief.grade.upper()}, score {debrief.score:+.1f}"
    lines.append(f"The pair ({players}): {pair}, on every objective")
    return lines


def _players(game: Game, debrief: Debrief) -> list[str]:
    lines = player_lines(game, debrief)
    return ["## The players", "", *(f"- {line}" for line in lines)] if lines else []


def _objectives(game: Game, debrief: Debrief) -> list[str]:
    world = game.world
    lines = ["## Outcomes against the status quo", ""]
    lines.append("| objective | your run | status quo | better by | score | weight | points |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|")
    for row in debrief.objectives:
        info = world.indicators[row.indicator]
        label = name_of(row.label, row.indicator) + (f" ({info.unit})" if info.unit else "")
        lines.append(
            f"| {label} | {number(row.value, info.decimals)} | {number(row.status_quo, info.decimals)} "
            f"| {row.better_percent:+.1f}% | {row.score:+.1f} | {_share(row.weight)} "
            f"| {row.contribution:+.1f} |"
        )
    lines.append(
        f"| **all told** (the harm added up; the score in log points) | | "
        f"| **{debrief.better_percent:+.1f}%** | | | **{debrief.score:+.1f}** |"
    )
    lines += ["", "## Grade scale", ""]
    for i, step in enumerate(debrief.grades):
        upper = debrief.grades[i - 1].min_score if i else None
        if i == len(debrief.grades) - 1 and upper is not None:
            span = f"below {upper:+g}"
        elif upper is None:
            span = f"{step.min_score:+g} or more"
        else:
            span = f"{step.min_score:+g} to {upper:+g}"
        mark = " ← this score" if step.label == debrief.earned else ""
        lines.append(f"- {step.label}: {span}{mark}")
    if debrief.horizon_years:
        lines.append(
            f"- Measured {debrief.measured_over}, "
            f"discounted {debrief.discount_rate:.0%} a year; each objective scores 100 x ln(status quo / "
            f"your run), capped at a {debrief.score_cap:g}-fold change; weight = its share of what the "
            "objectives are worth in the status quo"
        )
    return lines


def _assumptions(game: Game, session: ClassSession | None) -> list[str]:
    if session is None or not session.rules.spec.pins:
        return []
    lines = ["## Assumptions the class fixed", ""]
    for pid, pin in session.rules.spec.pins.items():
        param = game.world.parameters[pid]
        unit = f" {param.unit}" if param.unit else ""
        shown = "shown to students" if pin.shown else "hidden until the debrief"
        note = f": {pin.note}" if pin.note else ""
        lines.append(f"- {name_of(param.name, pid)} = {pin.value:g}{unit} ({shown}){note}")
    return lines


def _timeline(game: Game) -> list[str]:
    world = game.world
    lines = ["## Decisions", ""]
    rows = decision_rows(game)
    events: dict[int, list[str]] = {}
    for e in game.events_fired:
        events.setdefault(e.turn, []).append(f"event: {e.title}")
    for c in game.choices_made:
        title = game.event_title(c.turn, c.event)  # as it was read: "Another massacre ..."
        label = world.choice_label(c.event, c.choice, c.label)
        said = (
            f"{title!r} was not put to a player: its default, {label}"
            if c.by_default
            else f"answered {title!r}: {label}"
        )
        moves = _lever_moves(game, c.event, c.choice)
        events.setdefault(c.turn, []).append(said + (f" ({moves})" if moves else ""))
    if not rows:
        lines.append("No decisions: the status quo was kept throughout.")
    else:
        word = game.scenario.turn_name
        lines.append(f"| {word} | side | lever | from | to | cost a {word} | capital |")
        lines.append("|---|---|---|---|---|---:|---:|")
        for r in rows:
            side = world.sides.get(r.side)
            who = (side.short_name or side.name or r.side) if side is not None else r.side
            lines.append(
                f"| {r.date} | {who} | {r.name} | {r.label_from} | {r.label_to} "
                f"| {r.cost:,.3f} {r.money_unit} | {r.capital:g} |"
            )
    lines += _levers_at_the_end(game)
    if events:
        lines += ["", "What happened along the way:", ""]
        for turn in sorted(events):
            for text in events[turn]:
                lines.append(f"- {game.date(turn)}: {text}")
    return lines


def _levers_at_the_end(game: Game) -> list[str]:
    """Each lever that ended the game away from its starting level, and what moved it: the
    table of decisions lists the player's own changes only, and a dilemma's answer moves
    levers too."""
    world = game.world
    decided = {d.action for d in game.log}
    answered: set[str] = set()
    for c in game.choices_made:
        choice = _choice(game, c.event, c.choice)
        if choice is not None:
            answered |= {*choice.set_action, *choice.lower_action}
    rows = []
    for aid, info in world.actions.items():
        start, end = game.scenario.action_levels.get(aid, 0), game.committed_level(aid)
        if start == end:
            continue
        spec, side = info.spec, world.sides.get(info.spec.side)
        who = (side.short_name or side.name or spec.side) if side is not None else spec.side
        moved = [what for what, did in (("decisions", aid in decided), ("answers", aid in answered)) if did]
        levels = f"{level_label(spec.levels, start)} | {level_label(spec.levels, end)}"
        rows.append(f"| {who} | {name_of(spec.name, aid)} | {levels} | {' and '.join(moved) or '-'} |")
    if not rows:
        return []
    return [
        "",
        "Levers at the end, where they moved from the start:",
        "",
        "| side | lever | start | end | moved by |",
        "|---|---|---|---|---|",
        *rows,
    ]


def _choice(game: Game, event: str, choice_id: str) -> Choice | None:
    """A dilemma's answer as the content writes it (None if the packs no longer have it)."""
    return next((c for c in game.world.events[event].spec.choices if c.id == choice_id), None)


def _share(weight: float) -> str:
    """An objective's weight as a whole percent; one that would round to 0% is "<1%"."""
    return "<1%" if 0 < weight < 0.005 else f"{weight:.0%}"


def _answer_moves(game: Game, event: str, choice_id: str) -> list[tuple[str, str, int]]:
    """The levers a dilemma's answer moved, each as (verb, action, level): "raises"/"lowers"."""
    choice = _choice(game, event, choice_id)
    if choice is None:
        return []
    return [
        (verb, aid, level)
        for verb, levels in (("raises", choice.set_action), ("lowers", choice.lower_action))
        for aid, level in levels.items()
    ]


def _lever_moves(game: Game, event: str, choice_id: str) -> str:
    """The levers a dilemma's answer moved, which the table of decisions (the player's own) does
    not list: "raises Kingpin strategy to Aggressive"."""
    moves = []
    for verb, aid, level in _answer_moves(game, event, choice_id):
        spec = game.world.actions[aid].spec
        moves.append(f"{verb} {name_of(spec.name, aid)} to {level_label(spec.levels, level)}")
    return "; ".join(moves)


def _answers(session: ClassSession | None) -> list[str]:
    if session is None or not session.rules.spec.question:
        return []
    lines = ["## Answers to the class's questions", ""]
    for q in session.rules.spec.question:
        lines += [f"**{q.text}**", ""]
        answer = session.answers.get(q.id, "")
        lines += [f"> {line}" if line else ">" for line in answer.splitlines()] if answer else ["(no answer)"]
        lines.append("")
    return lines[:-1]


def markdown(
    game: Game, session: ClassSession | None = None, sections: Sequence[Section] = (), other_content: str = ""
) -> str:
    """The debrief as Markdown a teacher can read and grade (``other_content``: how the content the
    save was made with differs from what it was replayed on, said first)."""
    debrief = game.debrief()
    parts = [_header(game, session, debrief, other_content), _players(game, debrief)]
    parts.append(_objectives(game, debrief))
    parts.append(_assumptions(game, session))
    parts += [[f"## {title}", "", *(f"- {line}" for line in body)] for title, body in sections if body]
    parts += [_timeline(game), _answers(session)]
    return "\n\n".join("\n".join(part) for part in parts if part) + "\n"


def _csv(rows: Sequence[Sequence[object]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def headline_indicators(game: Game) -> list[str]:
    """Single-number headline indicators, by side (in the world's order) then dashboard order."""
    rank = {sid: i for i, sid in enumerate(game.world.sides)}
    chosen = [i for i in game.world.indicators.values() if i.headline and i.axis is None]
    return [i.id for i in sorted(chosen, key=lambda i: (rank.get(i.side or "", len(rank)), i.order, i.id))]


def turns_csv(game: Game) -> str:
    """One row a turn (0: the start; t: after turn t, dated by that turn): each headline indicator,
    the player's then the status quo's, each column headed by its id and its unit
    (``mx_drug_homicides [homicides per month]``)."""
    ids = headline_indicators(game)
    quo = game.status_quo
    header: list[object] = ["turn", "date"]
    for ind in ids:
        unit = game.world.indicators[ind].unit
        named = f"{ind} [{unit}]" if unit else ind
        header += [named, f"{named} (status quo)"]
    rows: list[Sequence[object]] = [header]
    mine = {ind: game.history(ind)[:, 0] for ind in ids}
    theirs = {ind: quo.history(ind)[:, 0] for ind in ids} if quo is not None else {}
    for t in range(game.turn + 1):
        row: list[object] = [t, game.date(t) if t else "start"]  # row t: the world after turn t
        for ind in ids:
            row.append(repr(float(mine[ind][t])))
            series = theirs.get(ind)
            row.append(repr(float(series[t])) if series is not None and t < len(series) else "")
        rows.append(row)
    return _csv(rows)


def decisions_csv(game: Game) -> str:
    """The levers' moves: each decision (turn, date, side, action, levels from and to, cost a turn,
    capital spent), then, in its turn, each lever a dilemma's answer moved (``by``: the answer;
    the table of decisions left them out, so a lever the player's answer moved never seemed to)."""
    columns = ["turn", "date", "side", "action", "from", "to", "from_label", "to_label", "cost", "money_unit"]
    rows: list[tuple[int, Sequence[object]]] = []
    for r in decision_rows(game):
        cells = [r.turn, r.date, r.side, r.action, r.level_from, r.level_to, r.label_from, r.label_to]
        rows.append((r.turn, [*cells, _number(r.cost), r.money_unit, _number(r.capital), "the player"]))
    world = game.world
    for c in game.choices_made:
        title, label = game.event_title(c.turn, c.event), world.choice_label(c.event, c.choice, c.label)
        by = f"answer to {title!r}: {label}"
        for _, aid, level in _answer_moves(game, c.event, c.choice):
            spec = world.actions[aid].spec
            to = level_label(spec.levels, level)
            moved = [c.turn, game.date(c.turn), spec.side, aid, "", level, "", to]
            rows.append((c.turn, [*moved, "", "", "", by]))
    rows.sort(key=lambda row: row[0])  # stable: a turn's decisions, then its answers' moves
    return _csv([[*columns, "capital", "by"], *(cells for _, cells in rows)])


def _number(value: float) -> str:
    """A cost as a spreadsheet should show it: 0.9, not the 0.8999999999999999 a product leaves."""
    return repr(round(value, 9))


def export_stem(
    game: Game, session: ClassSession | None, today: dt.date | None = None, student: str | None = None
) -> str:
    """A file name for a game's exports: the student (the class's, else ``student``, else the
    seed), the scenario and the date."""
    day = (today or dt.date.today()).isoformat()
    who = session.student if session is not None else (student or f"seed {game.seed}")
    return safe_name(f"{who} - {game.scenario_id} - {day}")


def _free(path: Path) -> Path:
    """The path, or with " (2)", " (3)"... before its suffix, whichever does not exist yet."""
    if not path.exists():
        return path
    stem, suffix = path.name[: -len(path.suffix)], path.suffix
    n = 2
    while (candidate := path.with_name(f"{stem} ({n}){suffix}")).exists():
        n += 1
    return candidate


def write_exports(
    game: Game,
    session: ClassSession | None = None,
    *,
    formats: Sequence[str] = FORMATS,
    folder: Path | str | None = None,
    sections: Sequence[Section] = (),
    today: dt.date | None = None,
    student: str | None = None,
    other_content: str = "",
) -> list[Path]:
    """Write the exports asked for into ``folder`` (default: the reports folder); return the files.

    Raise OSError if the folder cannot be made or written (the caller says so to the player).
    """
    target = Path(folder) if folder is not None and str(folder) else reports_folder()
    target.mkdir(parents=True, exist_ok=True)
    stem = export_stem(game, session, today, student)
    texts: list[tuple[str, str]] = []
    if "md" in formats:
        texts.append((f"{stem}.md", markdown(game, session, sections, other_content)))
    if "csv" in formats:
        texts += [(f"{stem} - turns.csv", turns_csv(game)), (f"{stem} - decisions.csv", decisions_csv(game))]
    written = []
    for name, text in texts:
        path = _free(target.absolute() / name)
        with path.open("x", encoding="utf-8", newline="") as handle:
            handle.write(text)
        written.append(path)
    return written
