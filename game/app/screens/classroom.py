"""A class's screens: join a class, type your name, answer the class's questions, and what-if.

The class's rules, seeds, exports and what-if replays live in ``game.classroom`` (no Textual);
these dialogs only ask and show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from game.app.screens.styled import StyledOnce
from game.app.widgets.keys_footer import KeysFooter
from game.app.widgets.marked_list import MarkedOptionList
from game.app.words import reflow
from game.engine.hotseat import MAX_PLAYER_NAME

if TYPE_CHECKING:
    from game.classroom import ClassRules, ClassSession
    from game.engine import Game, World


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


class JoinClassDialog(ModalScreen["Path | None"], StyledOnce["Path | None"]):
    """Open a class file: one the packs ship, or any path the teacher handed out."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, shipped: Sequence[Path]) -> None:
        super().__init__(classes="dialog")
        self.shipped = list(shipped)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box wide"):
            yield Label("Join a class", classes="dialog-title")
            yield Static("Type the path of the class file your teacher gave you:", classes="dialog-text")
            field = Input(placeholder="e.g. /home/class/period3.toml", id="class-path")
            field.cursor_blink = getattr(self.app, "cursor_blink", True)
            yield field
            yield Static("", classes="dialog-text", id="class-problem")
            if self.shipped:
                yield Static("or choose one that comes with the game:", classes="dialog-text")
                yield OptionList(
                    *(Option(class_title(p), id=str(i)) for i, p in enumerate(self.shipped)),
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
            self._problem("Type the class file's path, or choose one below.")
            return
        path = Path(raw).expanduser()
        if not path.is_file():
            self._problem(f"No file {raw!r}: check the path your teacher gave.")
            return
        self.dismiss(path)

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

    # the card scrolls when a long one would push the name boxes off an 80x24 screen
    DEFAULT_CSS = """
    StudentNameDialog #class-card { height: auto; max-height: 8; margin-bottom: 1; }
    StudentNameDialog.pair #class-card { max-height: 5; }
    """

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
            with VerticalScroll(id="class-card"):
                yield Static(Content(reflow(class_summary(self.rules, self.world))), classes="dialog-text")
            fields: list[Input] = []
            if self.sides:
                yield Static(
                    "Two players, one keyboard: each plans their own government in secret.",
                    classes="dialog-text",
                )
                for sid in self.sides:
                    yield Static(f"Who plays {side_name(self.world, sid)}?", classes="dialog-text")
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

    def action_card(self, lines: int) -> None:
        self.query_one("#class-card", VerticalScroll).scroll_relative(y=lines, animate=False)

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
            with VerticalScroll(classes="dialog-scroll", id="class-briefing"):
                yield Static(briefing_text(self.world, scenario, length=self.rules.turns(self.world)))
            yield Static("↑↓ scroll · enter to start · escape to go back", classes="dialog-hint")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#class-briefing", VerticalScroll).focus()

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
            with VerticalScroll(classes="dialog-scroll"):
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


class WhatIfDialog(ModalScreen[None], StyledOnce[None]):
    """Choose a decision or a dilemma's answer of the game, change it, and see both outcomes."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("enter", "back", "Try another", show=False),  # from an outcome (the list takes its own)
    ]

    DEFAULT_CSS = """
    WhatIfDialog #whatif-result-box { display: none; max-height: 100%; }
    WhatIfDialog.outcome #whatif-result-box { display: block; }
    WhatIfDialog.outcome #whatif-list { display: none; }
    """

    def __init__(self, game: Game) -> None:
        super().__init__(classes="dialog")
        self.game = game
        # the item being changed: "d<i>", the game's i-th decision, or "a<i>", its i-th answer
        self.chosen: str | None = None
        self._tried: str | None = None  # the item whose outcome is shown (the list hidden meanwhile)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box wide"):
            yield Label("What if?", classes="dialog-title")
            yield Static(
                "Choose a decision or a dilemma's answer; then drop the decision or give it another "
                "level, or answer the dilemma otherwise. The game is replayed with the same seed and "
                "the same draws, and both outcomes are shown side by side.",
                classes="dialog-text",
                id="whatif-help",
            )
            yield MarkedOptionList(*self._decisions(), id="whatif-list")
            with VerticalScroll(classes="dialog-scroll", id="whatif-result-box"):
                yield Static("", id="whatif-result")
            yield Static("enter to choose · escape to go back", classes="dialog-hint", id="whatif-hint")
        yield KeysFooter()

    def _decisions(self) -> list[Option]:
        """The decisions and the dilemmas' answers in the order they came: a turn's decisions are
        taken before it resolves, its dilemmas come up as it does."""
        from game.classroom.exports import decision_rows

        game, word = self.game, self.game.scenario.turn_name
        items = [
            ((r.turn, 0), f"{word} {r.turn} ({r.date}): {r.name}: {r.label_from} → {r.label_to}", f"d{i}")
            for i, r in enumerate(decision_rows(game))
        ]
        for i, c in enumerate(game.choices_made):
            spec = game.world.events[c.event].spec
            if len(spec.choices) < 2:
                continue
            label = game.world.choice_label(c.event, c.choice, c.label)
            said = f"not put to a player: {label}" if c.by_default else f"answered {label}"
            text = f"{word} {c.turn} ({game.date(c.turn)}): {spec.title or c.event}: {said}"
            items.append(((c.turn, 1), text, f"a{i}"))
        if not items:
            nothing = "Nothing to change: you kept the status quo, and no dilemma came up."
            return [Option(nothing, disabled=True)]
        return [Option(text, id=key) for _, text, key in sorted(items, key=lambda item: item[0])]

    def on_mount(self) -> None:
        self.query_one("#whatif-list", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id is None:
            return
        if self.chosen is None:
            self._offer_changes(event.option_id)
        else:
            self._replay(event.option_id)

    def _offer_changes(self, item: str) -> None:
        game, word = self.game, self.game.scenario.turn_name
        self.chosen = item
        index = int(item[1:])
        if item.startswith("a"):
            answered = game.choices_made[index]
            event = game.world.events[answered.event].spec
            # an answer that was not on offer then would replay as the default: shown, not offered
            closed = {c.id for c in event.choices if answered.offered and c.id not in answered.offered}
            said = " (was not on offer then)"
            options = [
                Option(
                    f"answer {choice.label} instead{said if choice.id in closed else ''}",
                    id=f"choice:{choice.id}",
                    disabled=choice.id in closed,
                )
                for choice in event.choices
                if choice.id != answered.choice
            ]
            first = next((o.id for o in options if not o.disabled), None)
            heading = f"{event.title or answered.event}, in {word} {answered.turn}:"
            if first is None:  # the other answers would have changed nothing then
                heading += " no other answer was on offer then (escape to go back)"
        else:
            decision = game.log[index]
            spec = game.world.actions[decision.action].spec
            options = [Option("drop this decision", id="drop")]
            options += [
                Option(f"set it to {label}", id=f"level:{level}")
                for level, label in enumerate(spec.levels)
                if level != decision.level
            ]
            first, heading = "drop", f"{spec.name or decision.action}, before {word} {decision.turn}:"
        self._picker.show_options(options, first)
        self.query_one("#whatif-help", Static).update(Content(heading))

    def _replay(self, choice: str) -> None:
        from game.classroom.whatif import Answer, Change, WhatIfError, comparison_text, what_if

        assert self.chosen is not None
        index = int(self.chosen[1:])
        changes: list[Change] = []
        answers: list[Answer] = []
        if self.chosen.startswith("a"):
            answered = self.game.choices_made[index]
            answers.append(Answer(answered.turn, answered.event, choice.split(":", 1)[1]))
        else:
            decision = self.game.log[index]
            level = None if choice == "drop" else int(choice.split(":", 1)[1])
            changes.append(Change(decision.turn, decision.action, level))
        result_box = self.query_one("#whatif-result", Static)
        try:
            result = what_if(self.game, changes, answers)
        except WhatIfError as exc:
            result_box.update(Content.styled(f"✗ {exc}", "$text-error"))
        else:
            room = self.query_one(".dialog-box").content_region.width - 3  # less a scrollbar
            result_box.update(Content(comparison_text(result, compact=True, room=room)))
        # the outcome in the dialog's whole height, the list out of the way: at 80x24 the two did
        # not fit, and the comparison sat below the list where nothing scrolled to it
        self._tried, self.chosen = self.chosen, None
        self.add_class("outcome")
        box = self.query_one("#whatif-result-box", VerticalScroll)
        box.scroll_home(animate=False)
        box.focus()
        self.query_one("#whatif-help", Static).update(Content("The outcomes side by side (↑↓ scroll):"))
        self.query_one("#whatif-hint", Static).update(
            Content("enter or escape: choose another decision or answer to try")
        )

    def action_back(self) -> None:
        if self._tried is not None:  # from an outcome, back to the decisions, the one tried highlighted
            self.chosen, self._tried = self._tried, None
            self.remove_class("outcome")
            self.query_one("#whatif-help", Static).update(
                Content("Choose another decision or answer to try, or escape to go back to the debrief.")
            )
            self.query_one("#whatif-hint", Static).update(Content("enter to choose · escape to go back"))
            self._show_decisions()
            self._picker.focus()
            return
        if self.chosen is not None:
            self._show_decisions()
            return
        self.dismiss(None)

    @property
    def _picker(self) -> MarkedOptionList:
        return self.query_one("#whatif-list", MarkedOptionList)

    def _show_decisions(self) -> None:
        """Back to the decisions, the one just tried highlighted: a list set anew had no
        highlight, so the first arrow only brought the cursor back and enter did nothing."""
        tried, self.chosen = self.chosen, None
        self._picker.show_options(self._decisions(), tried)
