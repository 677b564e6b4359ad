"""The debrief: the grade, the outcomes against the status quo, a timeline, and a Markdown export."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Label, Static

from game import locations
from game.app.against_history import history_lines
from game.app.screens.main import GameScreen, StatusLine
from game.app.widgets.keys_footer import KeysFooter
from game.app.widgets.reading import Reading

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.screen import Screen

    from game.classroom import ClassSession
    from game.engine import Debrief, Game


def grade_text(game: Game, debrief: Debrief) -> Content:
    from game.app.words import quarter

    parts = [
        Content.assemble(("Grade: ", "bold"), (debrief.grade.upper() or "—", "bold $text-accent")),
        Content(f"  (score {debrief.score:+.1f}: {score_meaning(debrief)})"),
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


def score_meaning(debrief: Debrief) -> str:
    """What the score is, in a line: the weighted, capped log ratio to the status quo, what that
    means in harm on its own terms, and the harm added up (they part for large or mixed changes)."""
    from game.app.words import harm, score_harm

    what = "their worth in " + debrief.currency if debrief.currency else "the scenario's weights"
    on_average = harm(score_harm(debrief.score))
    if not debrief.objectives:
        return f"each objective's change against the status quo in log points, weighed by {what}"
    total = harm(-debrief.better_percent)
    if total == on_average:  # said once where the two agree
        return (
            f"each objective's change against the status quo in log points, weighed by {what}, "
            f"{on_average} on that average and added up alike"
        )
    return (
        f"each objective's change against the status quo in log points, weighed by {what}, "
        f"{on_average} on that average; the harm added up: {total}"
    )


def scale_text(debrief: Debrief) -> Content:
    """The grade scale with its thresholds, the grade earned marked, and how scores are taken."""
    from game.app.readouts import grade_rows

    rows = grade_rows(debrief.grades)
    width = max((len(label) for label, _ in rows), default=0)
    lines = []
    for label, span in rows:
        here = label == debrief.grade
        line = f"{'▸' if here else ' '} {label:<{width}}  {span}"
        if here:
            line += f"   ← you: {debrief.score:+.1f}"
        lines.append(Content.styled(line, "bold $text-accent") if here else Content(line))
    if debrief.earned and debrief.earned != debrief.grade:
        lines.append(Content(f"  (the score alone earned {debrief.earned}; the ending capped it)"))
    horizon = debrief.measured_over + (" (the state you leave counts)" if debrief.horizon_years else "")
    cap = 100 * math.log(debrief.score_cap)
    worth = (
        f"what all objectives are worth in the status quo ({debrief.currency})"
        if debrief.currency
        else "the scenario's weights"
    )
    lines.append(
        Content(
            f"\nEach objective is measured {horizon}, discounted {debrief.discount_rate:.0%} a year, "
            f"and scores 100 x ln(status quo / yours): halving a harm scores +69, doubling it -69, "
            f"and no objective counts beyond ±{cap:.0f} (a {debrief.score_cap:g}-fold change). "
            f"'weight' is its share of {worth}; 'points' = score x weight, and the points add up "
            "to your score."
        )
    )
    return Content("\n").join(lines)


BRIEF_AFTER = 12  # hidden numbers listed whole on the debrief screen; past it, the list is shortened


def hidden_text(game: Game) -> Content:
    """The uncertain numbers this game drew, those that strayed furthest from their best estimates
    first. A long list (the base world's ~100) is grouped: the far ones whole and in bold, those off
    their best estimates without their ranges, the close ones counted (the export lists them all)."""
    from game.app.readouts import FAR_FROM_BEST, NEAR_BEST, drawn_groups, drawn_parameters, parameter_line

    drawn = drawn_parameters(game)
    if all(d.surprise == 0 for d in drawn):  # none, or a difficulty that draws none (Learning)
        return Content("Nothing was drawn: every uncertain number sat at its best estimate.")
    parts = [
        Content(
            "Drawn once for this game from their ranges: what the model could not know for sure. The "
            "same plan in another world (another seed) meets other numbers: that is why it can fare "
            "differently. Those that strayed furthest from their best estimates come first.\n"
        )
    ]

    def bullet(line: str, far: bool) -> Content:
        return Content.assemble("• ", (line, "bold" if far else ""), "\n")

    if len(drawn) <= BRIEF_AFTER:
        parts += [bullet(parameter_line(d), d.surprise >= FAR_FROM_BEST) for d in drawn]
        return Content("").join(parts).rstrip()
    for i, (title, members) in enumerate(drawn_groups(drawn)):
        parts.append(Content.styled(f"\n{title} ({len(members)})\n", "bold"))
        if members[0].surprise < NEAR_BEST:
            more = " more" if i else ""  # more than the groups listed above, when there are any
            parts.append(
                Content(
                    f"{len(members)}{more} were drawn within a tenth of their range of their best "
                    "estimates: the world you planned for. The exported debrief (x) lists them.\n"
                )
            )
        elif members[0].surprise >= FAR_FROM_BEST:
            parts += [bullet(parameter_line(d), True) for d in members]
        else:
            parts += [bullet(parameter_line(d).split(" (range ", 1)[0], False) for d in members]
    return Content("").join(parts).rstrip()


def cap_note(game: Game, debrief: Debrief) -> str:
    """Why the grade is no better than it is, when an ending capped it ("" when it did not)."""
    ending = debrief.ending
    if ending is None or ending.grade_cap is None:
        return ""
    grades = debrief.grades
    earned = next((g for g in grades if g.label == debrief.earned), None)
    cap = next((g for g in grades if g.label == ending.grade_cap), None)
    if cap is None or earned is None:
        return ""
    reason = f"'{ending.title}'"  # as written: "Mexico loses control" is a name, not a word
    if cap.min_score < earned.min_score:
        return (
            f"Grade capped at {cap.label.upper()} because of the ending ({reason}): "
            f"the score alone would have earned {earned.label.upper()}."
        )
    if cap.min_score == earned.min_score:
        return f"This ending ({reason}) caps the grade at {cap.label.upper()}: the score alone earned it too."
    return (
        f"This ending ({reason}) caps the grade at {cap.label.upper()}; the score alone earned "
        f"{earned.label.upper()}, lower still."
    )


class DebriefScreen(GameScreen):
    """How the run compares with the status quo, objective by objective, and what was decided."""

    HELP = (
        "The score compares your run with the status quo (the same world and seed with no "
        "changes from you) on the scenario's objectives. Each objective scores the log ratio of "
        "the status quo to your run, in points (about percent for small changes: positive is "
        "better), weighted by what it is worth; the points add up to your score. The grade scale "
        "shows the score each grade needs; the hidden numbers are the uncertain parts of the model "
        "as this game drew them: another seed draws others."
    )

    DEFAULT_CSS = """
    DebriefScreen #outcomes, DebriefScreen #timeline {
        max-height: 10000;  /* as tall as their rows: the body scrolls, not the tables */
    }
    """

    BINDINGS = [
        Binding("x", "export", "Export .md/.csv"),
        Binding("a", "answers", "Answers"),
        Binding("w", "what_if", "What if"),
        Binding("u", "undo", "Undo last turn", show=False),
        Binding("n", "title", "Title screen"),
        Binding("escape", "title", "Title", show=False),
        Binding("c", "charts", "Charts"),
    ]

    def __init__(self, game: Game) -> None:
        super().__init__(game)
        self.debrief = game.debrief()

    def compose(self) -> ComposeResult:
        from game.app.readouts import difficulty_name, display_name

        name = display_name(self.game.scenario.name, self.game.scenario_id)
        level = difficulty_name(self.game)
        # the scenario's name last: on a narrow screen it is what is cut, not the seed or the difficulty
        about = f"Debrief · seed {self.game.seed}" + (f", {level}" if level else "") + f" · {name}"
        yield Label(Content(about), classes="screen-title")
        with Reading(id="debrief-body"):
            yield Static(grade_text(self.game, self.debrief), id="grade")
            if self.debrief.sides:
                from game.app.readouts import player_lines

                yield Label("The players", classes="section-title")
                players = player_lines(self.game, self.debrief)
                yield Static(Content("\n".join(f"• {line}" for line in players)), id="players")
            yield Label("The grade scale (score in points against the status quo)", classes="section-title")
            yield Static(scale_text(self.debrief), id="grade-scale")
            yield Label("Outcomes against the status quo", classes="section-title")
            # the tables are as tall as their rows and cannot take focus: the body scrolls as one
            # (↑↓, page up/down, home/end), so every row of a long timeline can be reached
            yield DataTable(id="outcomes", cursor_type="row", show_cursor=False)
            lines = history_lines(self.game)
            if lines:
                yield Label("Against what really happened", classes="section-title")
                yield Static(Content("\n".join(f"• {line}" for line in lines)), id="against-history")
            yield Label("The hidden numbers of this world", classes="section-title")
            yield Static(hidden_text(self.game), id="hidden-parameters")
            yield Label("Timeline of decisions", classes="section-title")
            yield DataTable(id="timeline", cursor_type="row", show_cursor=False)
        yield StatusLine(self._first_line(), id="status")
        yield KeysFooter()

    def on_mount(self) -> None:
        self._fill_tables(self.app.size.width)
        for table in self.query(DataTable):
            table.can_focus = False
        self.query_one("#debrief-body").focus()

    def on_resize(self, event: events.Resize) -> None:
        """The tables' text columns take the terminal's width: laid out again when it changes."""
        if event.size.width != self._filled_for:
            self._fill_tables(event.size.width)

    _filled_for = 0

    def _fill_tables(self, terminal_width: int) -> None:
        from game.app.readouts import display_name, measure_words, timeline
        from game.app.words import percent, quarter, with_unit

        self._filled_for = terminal_width
        world = self.game.world
        width = max(60, terminal_width - 4)
        outcomes = self.query_one("#outcomes", DataTable)
        outcomes.clear(columns=True)
        label_width = max(14, width - 56)
        outcomes.add_column("objective", width=label_width)
        outcomes.add_columns("you", "status quo", "score", "weight", "points")
        for row in self.debrief.objectives:
            info = world.indicators[row.indicator]
            verdict = "✓" if row.score > 0.05 else ("✗" if row.score < -0.05 else "=")
            style = {"✓": "green", "✗": "red"}.get(verdict, "")
            label = Text(display_name(row.label, row.indicator))
            ended = bool(self.debrief.turns_left)
            how = measure_words(row.measure, self.debrief.horizon_years, ended_early=ended)
            label.append(f"\n{info.unit}, {how}", style="dim")
            outcomes.add_row(
                label,
                Text(with_unit(row.value, info.decimals, info.short_unit), justify="right"),
                Text(with_unit(row.status_quo, info.decimals, info.short_unit), justify="right"),
                Text(f"{row.score:+.1f} {verdict}", style=style, justify="right"),
                Text(percent(row.weight, short=True), justify="right"),
                Text(f"{row.contribution:+.1f}", style=style, justify="right"),
                height=None,
            )
        outcomes.add_row(
            Text("your score", style="bold"), "", "", "", "", Text(f"{self.debrief.score:+.1f}", style="bold")
        )
        events = self.query_one("#timeline", DataTable)
        events.clear(columns=True)
        events.add_columns(self.turn_word, "what")
        events.add_column("", width=max(20, width - 24))
        entries = timeline(self.game)
        if not entries:
            events.add_row("", "", "No decisions: you kept the status quo throughout.")
        for entry in entries:
            events.add_row(quarter(entry.date), entry.kind, Text(entry.text), height=None)

    @property
    def session(self) -> ClassSession | None:
        """The class and student of this game, when it is one."""
        app = self.borderline
        return app.classroom if app.game is self.game else None

    def _first_line(self) -> str:
        session = self.session
        if session is not None and session.rules.spec.question and not session.answers:
            return f"{session.student}: a answers the class's questions; x exports for your teacher."
        return "x exports this debrief (Markdown and CSV) for a teacher · w: what if?"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "answers":
            session = self.session
            return session is not None and bool(session.rules.spec.question)
        return super().check_action(action, parameters)

    def action_export(self) -> None:
        """The debrief as Markdown and the game's turns and decisions as CSV, in the reports folder
        (a served student's own folder), and, in a browser, downloaded to the student's machine too."""
        from game.app.readouts import report_sections
        from game.classroom.exports import write_exports

        given = self.borderline.reports_folder
        folder = Path(given) if given else locations.reports_folder()
        try:
            written = write_exports(
                self.game,
                self.session,
                folder=folder,
                student=self.borderline.student,  # a served student's name, when not a class's
                sections=report_sections(self.game),
            )
        except OSError as exc:
            self.say(
                f"✗ Could not write into {folder.absolute()}: {exc.strerror or exc}",
                error=True,
                title="Not written",
            )
            return
        if self.borderline.served:  # in a browser: downloaded to the student's machine too
            kinds = {".md": "text/markdown", ".csv": "text/csv"}
            for path in written:
                self.app.deliver_text(path, mime_type=kinds.get(path.suffix))
            others = ", ".join(p.name for p in written[1:])
            self.say(f"Downloading {written[0].name} and {others}; also kept in {folder}")
            return
        # the status line is one line: it names the folder; the files, in full, in a notification
        self.say(f"Exported {len(written)} files to {folder.absolute()}")
        files = "\n".join(p.name for p in written)
        self.notify(f"{files}\nin {folder.absolute()}", title="Exported", timeout=12, markup=False)

    def action_answers(self) -> None:
        from game.app.screens.classroom import AnswersDialog

        session = self.session
        if session is None:
            return

        def kept(yes: bool | None) -> None:
            if yes:
                self.borderline.autosave(self.game)  # the answers go into the save
                self.say(f"Answers kept ({len(session.answers)} of {len(session.rules.spec.question)}).")

        self._open(AnswersDialog(session), kept)

    def action_what_if(self) -> None:
        from game.app.screens.what_if import WhatIfDialog

        self._open(WhatIfDialog(self.game))

    def _open(self, screen: Screen[Any], callback: Callable[[Any], None] | None = None) -> None:
        """Open a screen over the debrief, the export's list of files gone from over it (it sat on
        the what-if list's decisions for twelve seconds); the status line still names the folder."""
        self.app.clear_notifications()
        self.app.push_screen(screen, callback)

    def action_title(self) -> None:
        self.borderline.game = None
        self.borderline.back_to_title()

    def action_charts(self) -> None:
        from game.app.screens.charts import ChartsScreen

        self._open(ChartsScreen(self.game))
