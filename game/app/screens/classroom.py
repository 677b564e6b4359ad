"""A class's screens: join a class, type your name, read the briefing, answer the class's questions.

The class's rules, seeds, exports and what-if replays live in ``game.classroom`` (no Textual);
these dialogs only ask and show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from game.app.screens.styled import StyledOnce
from game.app.widgets.keys_footer import KeysFooter
from game.app.widgets.reading import Reading
from game.app.words import reflow
from game.engine.hotseat import MAX_PLAYER_NAME

if TYPE_CHECKING:
    from game.classroom import ClassRules, ClassSession
    from game.engine import World


def class_files(world: World | None) -> list[Path]:
    """The class files the loaded packs ship (each pack's ``classes`` folder), in pack order."""
    from game.classroom.rules import shipped_classes

    return [] if world is None else shipped_classes(pack.folder for pack in world.content.packs)


def class_title(path: Path) -> str:
    """A shipped class as a student picks it: its title, or its file's name if it cannot be read."""
    from game.classroom import ClassRules
    from game.content.errors import ContentErrors

    try:
        return ClassRules.from_file(path).spec.title
    except ContentErrors:
        return path.stem.replace("_", " ")


def class_summary(rules: ClassRules, world: World) -> str:
    """What a student is told before playing: the exercise, its length, what is fixed and locked."""
    spec = rules.spec
    scenario = world.scenarios[spec.scenario]
    word = scenario.turn_name
    turns = rules.turns(world)
    lines: list[str] = []
    teacher = f" with {spec.teacher}" if spec.teacher else ""
    lines.append(f"Scenario: {scenario.name or spec.scenario}, {turns} {word}s{teacher}.")
    shown = [
        f"{world.parameters[pid].name or pid} = {pin.value:g}" for pid, pin in spec.pins.items() if pin.shown
    ]
    hidden = sum(1 for pin in spec.pins.values() if not pin.shown)
    if shown:
        lines.append("Fixed for the class: " + "; ".join(shown) + ".")
    if hidden:
        lines.append(f"{hidden} more assumption{'s' if hidden != 1 else ''} fixed, revealed at the debrief.")
    locks = rules.locks(world)
    if locks:
        names = [world.actions[aid].spec.name or aid for aid in locks if aid in world.actions]
        if len(names) <= 6:
            lines.append("Locked levers: " + ", ".join(names) + ".")
        else:
            lines.append(f"{len(names)} levers are locked; the others are yours.")
    if not spec.undo:
        lines.append(f"No taking back a {word}.")
    if spec.question:
        count = len(spec.question)
        lines.append(f"At the end, {count} question{'s' if count != 1 else ''} to answer.")
    if spec.seed_per_student and spec.hot_seat:
        lines.append("Your world is made from your two names: type them as your teacher knows them.")
    elif spec.seed_per_student:
        lines.append("Your world is made from your name: type it as your teacher knows it.")
    about = " ".join(spec.description.split())
    return "\n\n".join(part for part in (about, " ".join(lines)) if part)


def class_option(path: Path) -> Content:
    """A shipped class in the list: its title, and beneath it the id to type (the one the command
    line and the teaching guide name it by)."""
    from game.classroom.rules import class_id_of

    return Content.assemble(class_title(path), "\n", (f"  {class_id_of(path) or path.stem}", "$text-muted"))


class JoinClassDialog(ModalScreen["Path | None"], StyledOnce["Path | None"]):
    """Open a class file: one the packs ship (by its id, its file's name, or from the list), or
    any path the teacher handed out."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, shipped: Sequence[Path]) -> None:
        super().__init__(classes="dialog")
        self.shipped = list(shipped)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box wide"):
            yield Label("Join a class", classes="dialog-title")
            asked = "Type the class your teacher gave you: its id, or its file's path:"
            yield Static(asked, classes="dialog-text")
            field = Input(placeholder="e.g. one-period-demo or /home/class/period3.toml", id="class-path")
            field.cursor_blink = getattr(self.app, "cursor_blink", True)
            yield field
            yield Static("", classes="dialog-text", id="class-problem")
            if self.shipped:
                yield Static("or choose one that comes with the game:", classes="dialog-text")
                yield OptionList(
                    *(Option(class_option(p), id=str(i)) for i, p in enumerate(self.shipped)),
                    id="class-list",
                )
            yield Static("enter to open · tab to the list · escape to cancel", classes="dialog-hint")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#class-path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        raw = event.value.strip()
        if not raw:
            self._problem("Type the class's id or its file's path, or choose one below.")
            return
        from game.classroom.rules import shipped_class  # the command line's --class resolver

        path = Path(raw).expanduser()
        found = path if path.is_file() else shipped_class(raw, self.shipped)
        if found is None:
            listed = " (those below are listed with theirs)" if self.shipped else ""
            self._problem(f"No class or file {raw!r}: check the id{listed} or the path your teacher gave.")
            return
        self.dismiss(found)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id is not None:
            self.dismiss(self.shipped[int(event.option_id)])

    def _problem(self, text: str) -> None:
        self.query_one("#class-problem", Static).update(Content.styled(f"✗ {text}", "$text-error"))
        self.app.bell()

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class Seated:
    """Who plays a class game: the name the class records and, in a hot-seat class, each side's
    player (side id -> name; a pair's recorded name is theirs joined, e.g. "Ana + Beto")."""

    student: str
    players: dict[str, str] = field(default_factory=dict)


class StudentNameDialog(ModalScreen["Seated | None"], StyledOnce["Seated | None"]):
    """The class, what it fixes, and the student's name (recorded in every save and export); in a
    hot-seat class, a name for each side's player. ``served``: a room of this class, where the
    name is needed to start at all (escape does not cancel)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("up", "card(-1)", "Scroll the card", show=False),  # the name boxes do not take ↑↓
        Binding("down", "card(1)", "Scroll the card", show=False),
    ]

    # the card scrolls when a long one would push the name boxes off the screen: 8 lines at 80x24
    # (5 in a pair's), and what a taller screen has to spare (on_resize). A pair's name boxes are
    # one line each, under their question, on a background of their own and brighter with focus
    DEFAULT_CSS = """
    StudentNameDialog #class-card { height: auto; max-height: 8; margin-bottom: 1; }
    StudentNameDialog.pair #class-card { max-height: 5; }
    StudentNameDialog Input.-textual-compact { background: $boost; margin-bottom: 1; padding: 0 1; }
    StudentNameDialog Input.-textual-compact:focus { background: $accent 35%; }
    """
    ROWS_BESIDE_CARD = {True: 17, False: 16}  # a pair's dialog and a student's, at their card's least

    def __init__(
        self, rules: ClassRules, world: World, *, served: bool = False, typed: Seated | None = None
    ) -> None:
        """``typed``: the names typed before (back from the briefing), filled in again."""
        super().__init__(classes="dialog pair" if rules.spec.hot_seat else "dialog")
        self.rules, self.world, self.served, self.typed = rules, world, served, typed

    @property
    def sides(self) -> list[str]:
        """The sides a name is asked for: each of the world's in a hot-seat class, else none."""
        return list(self.world.sides) if self.rules.spec.hot_seat else []

    def compose(self) -> ComposeResult:
        from game.app.readouts import side_name

        with Vertical(classes="dialog-box wide"):
            yield Label(Content(self.rules.spec.title), classes="dialog-title")
            with Reading(id="class-card"):
                yield Static(Content(reflow(class_summary(self.rules, self.world))), classes="dialog-text")
            fields: list[Input] = []
            if self.sides:
                yield Static(
                    "Two players, one keyboard: each plans their own government in secret.",
                    classes="dialog-text",
                )
                for sid in self.sides:
                    yield Static(f"Who plays {side_name(self.world, sid)}?", classes="player-question")
                    fields.append(
                        Input(
                            placeholder=f"the name of who plays {side_name(self.world, sid)}",
                            id=f"player-{sid}",
                            max_length=MAX_PLAYER_NAME,
                            compact=True,
                        )
                    )
                    yield fields[-1]
            else:
                yield Static("Your name:", classes="dialog-text")
                fields.append(Input(id="student-name", max_length=200))
                yield fields[-1]
            typed = self.typed
            for box in fields:
                box.cursor_blink = getattr(self.app, "cursor_blink", True)
                if typed is not None:
                    box.value = typed.players.get((box.id or "").removeprefix("player-"), typed.student)
            yield Static("", classes="dialog-text", id="name-problem")
            leave = "" if self.served else " · escape to cancel"
            yield Static(f"↑↓ scroll the card · enter to start{leave}", classes="dialog-hint")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    def on_resize(self, event: events.Resize) -> None:
        """A taller screen shows more of the card: it was cut at 5 lines at 160x45 too."""
        least = 5 if self.sides else 8
        rows = max(least, event.size.height - self.ROWS_BESIDE_CARD[bool(self.sides)])
        self.query_one("#class-card", Reading).styles.max_height = rows

    def action_card(self, lines: int) -> None:
        self.query_one("#class-card", Reading).scroll_relative(y=lines, animate=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        from game.classroom import ClassError, pair_name, student_name
        from game.engine import GameError
        from game.engine.hotseat import check_players

        event.stop()
        boxes = list(self.query(Input))
        if event.input is not boxes[-1] and not event.input.value.strip():
            self._problem("type a name, then enter")
            return
        if event.input is not boxes[-1]:
            self.set_focus(boxes[boxes.index(event.input) + 1])  # on to the next name, before the next key
            return
        try:
            if not self.sides:
                self.dismiss(Seated(student_name(event.value)))
                return
            typed = {sid: student_name(self.query_one(f"#player-{sid}", Input).value) for sid in self.sides}
            players = check_players(self.sides, typed)
            self.dismiss(Seated(pair_name(self.world, players), players))
        except (ClassError, GameError) as exc:
            self._problem(str(exc))

    def _problem(self, text: str) -> None:
        self.query_one("#name-problem", Static).update(Content.styled(f"✗ {text}", "$text-error"))
        self.app.bell()

    def action_cancel(self) -> None:
        if self.served:
            self.notify("This room plays this class: type the name(s) to start.", markup=False)
            return
        self.dismiss(None)


class ClassBriefingDialog(ModalScreen[bool], StyledOnce[bool]):
    """The class's scenario briefing, read after the name and before the game (the lesson plan
    has students read it): the story, what is scored and the grades. True: start; False: back to
    the name."""

    BINDINGS = [
        Binding("enter", "start", "Start", priority=True),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, rules: ClassRules, world: World) -> None:
        super().__init__(classes="dialog")
        self.rules, self.world = rules, world

    def compose(self) -> ComposeResult:
        from game.app.screens.new_game import briefing_text

        scenario = self.rules.spec.scenario
        with Vertical(classes="dialog-box wide"):
            yield Label(Content(f"Briefing: {self.rules.spec.title}"), classes="dialog-title")
            with Reading(classes="dialog-scroll", id="class-briefing"):
                yield Static(briefing_text(self.world, scenario, length=self.rules.turns(self.world)))
            yield Static("↑↓ scroll · enter to start · escape to go back", classes="dialog-hint")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#class-briefing", Reading).focus()

    def action_start(self) -> None:
        self.dismiss(True)

    def action_back(self) -> None:
        self.dismiss(False)


class AnswersDialog(ModalScreen[bool], StyledOnce[bool]):
    """The class's questions, each with a box for the answer; ctrl+s keeps them, escape leaves as was."""

    BINDINGS = [
        Binding("ctrl+s", "keep", "Keep answers", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, session: ClassSession) -> None:
        super().__init__(classes="dialog")
        self.session = session

    def compose(self) -> ComposeResult:
        questions = self.session.rules.spec.question
        with Vertical(classes="dialog-box wide"):
            yield Label(f"Questions for {self.session.student}", classes="dialog-title")
            with Reading(classes="dialog-scroll"):
                for q in questions:
                    yield Static(Content(reflow(q.text)), classes="dialog-text")
                    box = TextArea(self.session.answers.get(q.id, ""), id=f"answer-{q.id}")
                    box.styles.height = 5
                    yield box
            yield Static(
                "tab: next question · ctrl+s: keep the answers (saved with your game) · escape: cancel",
                classes="dialog-hint",
            )
        yield KeysFooter()

    def on_mount(self) -> None:
        boxes = self.query(TextArea)
        if boxes:
            boxes.first().focus()

    def action_keep(self) -> None:
        for q in self.session.rules.spec.question:
            self.session.answer(q.id, self.query_one(f"#answer-{q.id}", TextArea).text)
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
