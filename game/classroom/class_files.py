"""The class report's two files, written from what ``report.collect`` found: class.csv (one
row per student) and class.md (the class's grades, outcomes and strategies, the best and worst
games, the answers, what was not counted)."""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from game.classroom.exports import decision_rows, name_of
from game.classroom.report import ClassReport, Counted
from game.engine import World
from game.saves.verdict import TOLERANCE

# --------------------------------------------------------------------------- class.csv


def objective_ids(report: ClassReport) -> list[str]:
    """Every objective scored in the counted games, in their scenarios' order."""
    return list(dict.fromkeys(o.indicator for e in report.counted for o in e.debrief.objectives))


def class_csv(report: ClassReport) -> str:
    ids = objective_ids(report)
    header = ["name", "class", "scenario", "seed", "turns played", "finished", "grade", "score"]
    for ind in ids:
        header += [f"{ind} points", f"{ind} better than status quo %"]
    # a pair's game: each player's own score and grade on the objectives their side answers for
    sides = list(dict.fromkeys(side.side for e in report.counted for side in e.debrief.sides))
    for sid in sides:
        header += [f"{sid} player", f"{sid} grade", f"{sid} score"]
    header += ["decisions", "levers used", "file"]
    rows: list[list[object]] = [list(header)]
    for e in report.counted:
        by = {o.indicator: o for o in e.debrief.objectives}
        cid = e.session.rules.spec.class_id if e.session else ""
        row: list[object] = [
            e.student,
            cid,
            e.game.scenario_id,
            e.game.seed,
            e.game.turn,
            "yes" if e.game.is_over else "no",
            e.debrief.grade,
            f"{e.debrief.score:.2f}",
        ]
        for ind in ids:
            o = by.get(ind)
            row += [f"{o.contribution:.2f}", f"{o.better_percent:.1f}"] if o else ["", ""]
        mine = {side.side: side for side in e.debrief.sides}
        for sid in sides:
            part = mine.get(sid)
            row += [part.player, part.grade, f"{part.score:.2f}"] if part else ["", "", ""]
        row += [len(e.game.log), " ".join(e.levers), str(e.path)]
        rows.append(row)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


# --------------------------------------------------------------------------- class.md


def _bar(count: int, most: int, width: int = 30) -> str:
    return "█" * (round(count / most * width) if most else 0) or ("▏" if count else "")


def _grades(report: ClassReport) -> list[str]:
    scale = [g.label for g in report.counted[0].debrief.grades] if report.counted else []
    counts = Counter(e.debrief.grade for e in report.counted)
    labels = scale + sorted(set(counts) - set(scale))
    most = max(counts.values(), default=0)
    width = max((len(label) for label in labels), default=0)
    lines = ["## Grades", "", "```"]
    lines += [f"{label:<{width}}  {counts[label]:>3}  {_bar(counts[label], most)}" for label in labels]
    lines.append("```")
    scores = [e.debrief.score for e in report.counted]
    lines.append(
        f"\nScores: median {statistics.median(scores):+.1f}, from {min(scores):+.1f} to {max(scores):+.1f} "
        f"({len(scores)} game{'s' if len(scores) != 1 else ''})."
    )
    return lines


def _medians(report: ClassReport) -> list[str]:
    lines = ["## Median outcome per objective", ""]
    lines.append("| objective | median better than status quo | range | median points |")
    lines.append("|---|---:|---:|---:|")
    for ind in objective_ids(report):
        rows = [o for e in report.counted for o in e.debrief.objectives if o.indicator == ind]
        better = [o.better_percent for o in rows]
        points = [o.contribution for o in rows]
        label = name_of(rows[0].label, ind)
        lines.append(
            f"| {label} | {statistics.median(better):+.1f}% | {min(better):+.1f}% to {max(better):+.1f}% "
            f"| {statistics.median(points):+.1f} |"
        )
    return lines


def _strategy_words(world: World, moves: Sequence[str]) -> str:
    if not moves:
        return "kept the status quo"
    words = []
    for move in moves:
        aid = move[1:]
        spec = world.actions[aid].spec if aid in world.actions else None
        name = name_of(spec.name, aid) if spec is not None else aid
        words.append(("raised " if move[0] == "+" else "lowered ") + name)
    return ", ".join(words)


def _strategies(report: ClassReport, top: int = 6) -> list[str]:
    lines = ["## Strategies and how they fared", ""]
    groups: dict[tuple[str, ...], list[Counted]] = {}
    for e in report.counted:
        groups.setdefault(e.strategy, []).append(e)
    ranked = sorted(
        groups.items(), key=lambda kv: (-len(kv[1]), -statistics.median(x.debrief.score for x in kv[1]))
    )
    world = report.counted[0].game.world
    lines.append("Games grouped by where they left each lever (raised or lowered from the start):")
    lines.append("")
    lines.append("| strategy | games | median score | grades |")
    lines.append("|---|---:|---:|---|")
    for moves, games in ranked[:top]:
        grades = Counter(g.debrief.grade for g in games)
        said = ", ".join(f"{n} {label}" for label, n in grades.most_common())
        median = statistics.median(g.debrief.score for g in games)
        lines.append(f"| {_strategy_words(world, moves)} | {len(games)} | {median:+.1f} | {said} |")
    if len(ranked) > top:
        lines.append(f"| ({len(ranked) - top} more, each tried by fewer) | | | |")
    # by the way each student left it: one who ended the kingpin strategy and one who intensified it
    # are not two students who "moved" one lever (a playtester read +2.6 for both together)
    used = Counter(move for e in report.counted for move in e.strategy)
    if used:
        lines += ["", "Each lever, by how many students left it raised or lowered:", ""]
        lines.append("| lever | students | their median score | the others' |")
        lines.append("|---|---:|---:|---:|")
        for move, n in used.most_common():
            mine = [e.debrief.score for e in report.counted if move in e.strategy]
            rest = [e.debrief.score for e in report.counted if move not in e.strategy]
            others = f"{statistics.median(rest):+.1f}" if rest else "—"
            aid = move[1:]
            name = name_of(world.actions[aid].spec.name, aid) if aid in world.actions else aid
            way = "raised" if move[0] == "+" else "lowered"
            lines.append(f"| {name}, {way} | {n} | {statistics.median(mine):+.1f} | {others} |")
    return lines


def _game_lines(e: Counted) -> list[str]:
    lines = [f"### {e.student}: {e.debrief.grade}, score {e.debrief.score:+.1f} (seed {e.game.seed})", ""]
    if e.debrief.sides:  # a pair: each player's part, as their debrief gives it
        world = e.game.world
        names = {sid: name_of(side.name, sid) for sid, side in world.sides.items()}
        parts = [f"{p.player} ({names[p.side]}): {p.grade}, {p.score:+.1f}" for p in e.debrief.sides]
        lines += ["- each player, on the objectives their side answers for: " + "; ".join(parts)]
    rows = decision_rows(e.game)
    if not rows:
        lines.append("- no decisions: kept the status quo")
    for r in rows:
        lines.append(f"- {r.date}: {r.name} {r.label_from} → {r.label_to}")
    return lines + [""]


def _best_and_worst(report: ClassReport, n: int = 3) -> list[str]:
    ranked = sorted(report.counted, key=lambda e: -e.debrief.score)
    k = min(n, (len(ranked) + 1) // 2)
    lines = ["## Best games", ""]
    for e in ranked[:k]:
        lines += _game_lines(e)
    worst = [e for e in reversed(ranked[k:])][:n]
    if worst:
        lines += ["## Worst games", ""]
        for e in worst:
            lines += _game_lines(e)
    return lines[:-1]


def _answers(report: ClassReport) -> list[str]:
    rules = report.rules or next((e.session.rules for e in report.counted if e.session), None)
    if rules is None or not rules.spec.question:
        return []
    lines = ["## Answers to the class's questions", ""]
    for q in rules.spec.question:
        lines += [f"### {q.text}", ""]
        for e in report.counted:
            answer = e.session.answers.get(q.id, "") if e.session else ""
            text = " ".join(answer.split()) if answer else "(no answer)"
            lines.append(f"- **{e.student}**: {text}")
        lines.append("")
    return lines[:-1]


def _not_counted(report: ClassReport) -> list[str]:
    if not report.not_counted:
        return []
    lines = ["## Not counted", ""]
    for r in report.not_counted:
        who = f" ({r.student})" if r.student else ""
        lines.append(f"- **{r.status}**: `{r.path}`{who}: {r.reason}")
    return lines


def class_markdown(report: ClassReport) -> str:
    rules = report.rules
    title = rules.spec.title if rules is not None else "Borderline class report"
    head = [f"# {title}", ""]
    if rules is not None:
        head.append(f"- Class `{rules.spec.class_id}`, scenario `{rules.spec.scenario}`")
    head.append(f"- {len(report.counted)} game(s) counted, {len(report.not_counted)} not counted")
    tampered = [r for r in report.not_counted if r.status == "tampered"]
    if tampered:
        head.append(f"- **{len(tampered)} tampered**: " + ", ".join(f"`{r.path.name}`" for r in tampered))
    unfinished = [e for e in report.counted if e.notes]
    if unfinished:
        head.append(f"- Unfinished: {', '.join(f'{e.student} ({e.notes[0]})' for e in unfinished)}")
    if others := [e.student for e in report.counted if e.other_machine]:
        head.append(f"- Made on other kinds of machine, numbers within {TOLERANCE:g}: {', '.join(others)}")
    if moved := [e for e in report.counted if e.other_content]:
        head.append(
            f"- **{len(moved)} replayed on other content** (`--allow-mismatch`): made with other content "
            "than is loaded now, so their grades are those of their decisions replayed on this content, "
            "and what the saves recorded could not be checked (an edited save cannot be told apart): "
            + ", ".join(f"{e.student} ({e.other_content})" for e in moved)
        )
    if waiting := [r for r in report.not_counted if r.allowable]:
        head.append(
            f"- {len(waiting)} made with other content than is loaded now are not counted: install the "
            "content they were made with, or add `--allow-mismatch` to replay them on this content"
        )
    parts = [head]
    if report.counted:
        # the grades, outcomes and strategies are the finished games' (a game stopped after a
        # year is graded on that year alone); of a class where nobody finished, every game's
        finished = [e for e in report.counted if not e.notes]
        graded = replace(report, counted=finished or report.counted)
        if finished and unfinished:
            head.append(
                f"- Grades, outcomes, strategies and the best and worst games are the {len(finished)} "
                "finished games'; the unfinished ones are in class.csv"
            )
        parts += [
            _grades(graded),
            _medians(graded),
            _strategies(graded),
            _best_and_worst(graded),
            _answers(report),
        ]
    parts.append(_not_counted(report))
    return "\n\n".join("\n".join(p) for p in parts if p) + "\n"


def write_report(report: ClassReport, folder: Path | str) -> list[Path]:
    """Write class.csv and class.md into ``folder`` (made if missing), replacing earlier ones."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (("class.csv", class_csv(report)), ("class.md", class_markdown(report))):
        path = target / name
        path.write_text(text, encoding="utf-8", newline="")
        written.append(path)
    return written
