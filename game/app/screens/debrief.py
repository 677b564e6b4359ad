"""The debrief: the grade, the outcomes against the status quo, a timeline, and a Markdown export."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Footer, Label, Static

from game import locations
from game.app.against_history import history_lines
from game.app.screens.main import GameScreen, StatusLine

if TYPE_CHECKING:
    from game.engine import Debrief, Game


def grade_text(game: Game, debrief: Debrief) -> Content:
    from game.app.words import quarter

    parts = [
        Content.assemble(("Grade: ", "bold"), (debrief.grade.upper() or "—", "bold $text-accent")),
        Content(
            f"  (score {debrief.score:+.1f}: how much better than the status quo, in percent, "
            "weighted over the objectives)"
        ),
    ]
    if debrief.grade_text:
        parts.append(Content(f"\n{debrief.grade_text}"))
    if debrief.ending is not None:
        parts.append(Content.styled(f"\n{debrief.ending.title}. {debrief.ending.text}", "bold $text-error"))
        cap = cap_note(game, debrief)
        if cap:
            parts.append(Content.styled(f"\n{cap}", "bold"))
    else:
        parts.append(Content(f"\nYou governed until {quarter(game.date(game.turn))}."))
    return Content("").join(parts)


def cap_note(game: Game, debrief: Debrief) -> str:
    """Why the grade is no better than it is, when an ending capped it ("" when it did not)."""
    ending = debrief.ending
    if ending is None or ending.grade_cap is None:
        return ""
    grades = sorted(game.scenario.grades, key=lambda g: g.min_score, reverse=True)
    earned = next((g for g in grades if debrief.score >= g.min_score), grades[-1] if grades else None)
    cap = next((g for g in grades if g.label == ending.grade_cap), None)
    if cap is None or earned is None:
        return ""
    reason = ending.title[:1].lower() + ending.title[1:]
    if cap.min_score < earned.min_score:
        return (
            f"Grade capped at {cap.label.upper()} because of the ending ({reason}): "
            f"the score alone would have earned {earned.label.upper()}."
        )
    return f"This ending ({reason}) caps the grade at {cap.label.upper()}."


class DebriefScreen(GameScreen):
    """How the run compares with the status quo, objective by objective, and what was decided."""

    HELP = (
        "The score compares your run with the status quo (the same world and seed with no "
        "changes from you) on the scenario's objectives. 'better by' is in percent: positive "
        "means your run did better on that objective."
    )

    DEFAULT_CSS = """
    DebriefScreen #outcomes, DebriefScreen #timeline {
        max-height: 10000;  /* as tall as their rows: the body scrolls, not the tables */
    }
    """

    BINDINGS = [
        Binding("x", "export", "Export .md"),
        Binding("n", "title", "Title screen"),
        Binding("escape", "title", "Title", show=False),
        Binding("c", "charts", "Charts"),
    ]

    def __init__(self, game: Game) -> None:
        super().__init__(game)
        self.debrief = game.debrief()

    def compose(self) -> ComposeResult:
        from game.app.readouts import display_name

        name = display_name(self.game.scenario.name, self.game.scenario_id)
        yield Label(Content(f"Debrief · {name} · seed {self.game.seed}"), classes="screen-title")
        with VerticalScroll(id="debrief-body"):
            yield Static(grade_text(self.game, self.debrief), id="grade")
            yield Label("Outcomes against the status quo", classes="section-title")
            # the tables are as tall as their rows and cannot take focus: the body scrolls as one
            # (↑↓, page up/down, home/end), so every row of a long timeline can be reached
            yield DataTable(id="outcomes", cursor_type="row", show_cursor=False)
            lines = history_lines(self.game)
            if lines:
                yield Label("Against what really happened", classes="section-title")
                yield Static(Content("\n".join(f"• {line}" for line in lines)), id="against-history")
            yield Label("Timeline of decisions", classes="section-title")
            yield DataTable(id="timeline", cursor_type="row", show_cursor=False)
        yield StatusLine("x exports this debrief as Markdown for a teacher.", id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        from game.app.readouts import display_name, timeline
        from game.app.words import number, quarter

        world = self.game.world
        width = max(60, self.app.size.width - 4)
        outcomes = self.query_one("#outcomes", DataTable)
        label_width = max(14, width - 48)
        outcomes.add_column("objective", width=label_width)
        outcomes.add_columns("measure", "you", "status quo", "better by")
        for row in self.debrief.objectives:
            decimals = world.indicators[row.indicator].decimals
            verdict = "✓" if row.better_percent > 0.05 else ("✗" if row.better_percent < -0.05 else "=")
            style = {"✓": "green", "✗": "red"}.get(verdict, "")
            outcomes.add_row(
                Text(display_name(row.label, row.indicator)),
                row.measure,
                Text(number(row.value, decimals), justify="right"),
                Text(number(row.status_quo, decimals), justify="right"),
                Text(f"{row.better_percent:+.1f}% {verdict}", style=style, justify="right"),
                height=None,
            )
        events = self.query_one("#timeline", DataTable)
        events.add_columns(self.turn_word, "what")
        events.add_column("", width=max(20, width - 24))
        entries = timeline(self.game)
        if not entries:
            events.add_row("", "", "No decisions: you kept the status quo throughout.")
        for entry in entries:
            events.add_row(quarter(entry.date), entry.kind, Text(entry.text), height=None)
        for table in self.query(DataTable):
            table.can_focus = False
        self.query_one("#debrief-body").focus()

    def action_export(self) -> None:
        from game.app.readouts import debrief_markdown

        given = self.borderline.reports_folder
        folder = Path(given) if given else locations.reports_folder()
        path = folder.absolute() / f"debrief-{self.game.scenario_id}-seed{self.game.seed}.md"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(debrief_markdown(self.game, self.debrief), encoding="utf-8")
        except OSError as exc:
            self.say(f"✗ Could not write {path}: {exc.strerror or exc}")
            return
        self.say(f"Exported to {path}")

    def action_title(self) -> None:
        self.borderline.game = None
        self.borderline.back_to_title()

    def action_charts(self) -> None:
        from game.app.screens.charts import ChartsScreen

        self.app.push_screen(ChartsScreen(self.game))
