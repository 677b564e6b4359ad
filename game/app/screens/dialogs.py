"""Modal dialogs: confirmations, dilemmas, the turn's news, a save name, and the key help.

Each is a ``ModalScreen[T]`` that returns its answer through ``dismiss``, so callers either
pass a callback to ``push_screen`` or await ``push_screen_wait`` from a worker.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from game.app.commands import game_keys, key_label
from game.app.consequences import choice_consequences, choice_words, event_consequences
from game.app.screens.styled import StyledOnce
from game.app.widgets.keys_footer import KeysFooter
from game.app.widgets.marked_list import MarkedOptionList
from game.app.widgets.reading import Reading
from game.app.words import reflow

if TYPE_CHECKING:
    from game.engine import ChoiceMade, Dilemma, FiredEvent, Game, World
    from game.engine.timescale import TurnScale


HELP_KEY = Binding("question_mark", "app.help", "Help", key_display="?")
"""? on a dialog: a modal screen hides the app's keys, so each dialog binds it again."""


class ConfirmDialog(ModalScreen[bool], StyledOnce[bool]):
    """Ask before something that cannot be undone; y/enter on the yes button, n/escape for no."""

    HELP = (
        "A question before something that is hard to undo. y (or enter on the highlighted "
        "button) says yes; n or escape says no and changes nothing."
    )

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
        Binding("left,right", "app.focus_previous", "Move", show=False),
        HELP_KEY,
    ]

    def __init__(
        self,
        question: str,
        detail: str = "",
        *,
        yes: str = "Yes",
        no: str = "No",
        default_yes: bool = True,
        cost: str = "",
    ) -> None:
        super().__init__(classes="dialog")
        self.question, self.detail, self.cost = question, detail, cost
        self.yes, self.no, self.default_yes = yes, no, default_yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(Content(self.question), classes="dialog-title")
            if self.detail:  # a long one scrolls, so the buttons stay on a small terminal
                with Reading(classes="dialog-scroll"):
                    yield Static(Content(reflow(self.detail)), classes="dialog-text")
            if self.cost:
                yield Static(Content.styled(self.cost, "bold"), classes="dialog-text", id="cost")
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    f"{self.yes} (y)", id="yes", variant="error" if not self.default_yes else "primary"
                )
                yield Button(f"{self.no} (n)", id="no")
        yield KeysFooter()  # this dialog's keys, not those of the screen underneath

    def on_mount(self) -> None:
        self.query_one("#yes" if self.default_yes else "#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def cost_line(game: Game, aid: str, level: int) -> str:
    """What choosing a level costs, for a confirmation: money a turn, this change's capital in all,
    and every planned change of the side with its share of the capital.

    "Costs $0.2B a quarter and 14 political capital when the turn ends. US changes planned with
    it: HOPE 14, Treatment 8: 22 of 78 capital (78 → 56)."
    """
    from game.app.readouts import action_cost, planned_capital, side_short
    from game.app.words import money

    info = game.world.actions[aid]
    side_id = info.spec.side
    side = game.world.sides.get(side_id)
    unit = side.money_unit if side else "$B"
    capital = info.capital_to_change(game.committed_level(aid), level)
    text = f"Costs {money(action_cost(game, aid, level), unit)} a {game.scenario.turn_name}"
    text += f" and {capital:g} political capital" if capital else ""
    text += " when the turn ends."
    if side is None:
        return text
    shares = planned_capital(game, side_id, {**game.pending, aid: level})
    total = sum(amount for _, amount in shares)
    available = game.capital(side_id)
    if len(shares) > 1:
        listed = ", ".join(f"{name} {amount:g}" for name, amount in shares)
        text += f" {side_short(game.world, side_id)} changes planned with it: {listed}:"
        text += f" {total:g} of {available:.0f} capital ({available:.0f} → {available - total:.0f})."
    elif capital:
        text += f" {side_short(game.world, side_id)} capital {available:.0f} → {available - total:.0f}."
    return text


class DilemmaDialog(ModalScreen[str], StyledOnce[str]):
    """An event that needs an answer: pick one choice with the arrows and enter."""

    HELP = (
        "A dilemma: something happened and your government must answer. Pick a choice with "
        "↑↓ and press enter. Under each choice, → says what it does: political capital gained "
        "or spent, levers it raises or lowers, effects and how long they last. The default is "
        "what happens if nobody decides. A choice that would change nothing is not offered."
    )

    BINDINGS = [
        # escape only says the dilemma needs an answer: no description, so neither the help nor
        # the palette offers it as a key that does something
        Binding("escape", "must_choose", "", show=False),
        HELP_KEY,
        Binding("q", "app.quit_game", "Quit"),  # a modal screen hides the app's keys
    ]
    UNLIKE_ELSEWHERE = ("esc",)  # the help's list of keys on any screen leaves out "esc back"

    def __init__(
        self,
        world: World,
        dilemma: Dilemma,
        turn_word: str = "turn",
        scale: TurnScale | None = None,
        env: Mapping[Any, Any] | None = None,
        decider: str = "",
    ) -> None:
        super().__init__(classes="dialog")
        self.world, self.dilemma, self.turn_word, self.scale = world, dilemma, turn_word, scale
        self.env = env  # the game as it stands: effects written as formulas are worked out in it
        self.decider = decider  # two players: "Beto decides for Mexico"

    def compose(self) -> ComposeResult:
        d = self.dilemma
        with Vertical(classes="dialog-box wide"):
            title = f"Dilemma · {d.title}" + (f" · {self.decider}" if self.decider else "")
            yield Label(Content(title), classes="dialog-title")
            yield Static(
                Content(reflow(d.text))
                + event_consequences(self.world, d.event, self.turn_word, self.scale, self.env),
                classes="dialog-text",
            )
            options = []
            for i, choice in enumerate(d.choices):
                lines = [Content.styled(choice.label, "bold")]
                if choice.default:
                    lines[0] += Content.styled("  (what happens if nobody decides)", "dim")
                if choice.description:
                    lines.append(Content("  " + reflow(choice.description)))
                consequences = choice_consequences(self.world, d, i, self.turn_word, self.scale, self.env)
                if consequences:
                    lines.append(Content.styled(f"  → {consequences}", "dim"))
                options.append(Option(Content("\n").join(lines), id=choice.id))
            yield MarkedOptionList(*options, id="choices")
            yield Static("↑↓ choose · enter decide", classes="dialog-hint")
        yield KeysFooter()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id is not None:
            self.dismiss(event.option_id)

    def action_must_choose(self) -> None:
        self.notify("This needs an answer: pick a choice and press enter.")


class NewsDialog(ModalScreen[None], StyledOnce[None]):
    """What happened at the end of the turn."""

    HELP = (
        "The news of the turn just played: events that happened, each with what it does (→). "
        "Enter, space or escape continues; the news stays in the Report & news pane of the "
        "main screen."
    )

    BINDINGS = [
        Binding("escape,enter,space", "close", "Continue"),
        HELP_KEY,
        Binding("q", "app.quit_game", "Quit"),
    ]

    def __init__(
        self,
        date: str,
        events: Sequence[FiredEvent],
        world: World | None = None,
        turn_word: str = "turn",
        scale: TurnScale | None = None,
        env: Mapping[Any, Any] | None = None,
        defaults: Mapping[str, ChoiceMade] | None = None,
        unplayed: Mapping[str, str] | None = None,
        final: bool = False,
    ) -> None:
        super().__init__(classes="dialog")
        self.date, self.events, self.world, self.turn_word = date, events, world, turn_word
        self.scale, self.env = scale, env
        self.defaults = dict(defaults or {})  # event -> the choice taken because nobody could choose
        self.unplayed = dict(unplayed or {})  # side -> its name: sides whose levers the scenario withholds
        self.final = final  # the news of the game's last turn: a dilemma then is not put to anyone

    def _default_taken(self, event_id: str) -> Content:
        """A dilemma nobody decided (one choice was left, or the game was over): what was taken, and
        what it does."""
        taken = self.defaults.get(event_id)
        if taken is None or self.world is None:
            return Content("")
        choice = next(c for c in self.world.events[event_id].spec.choices if c.id == taken.choice)
        does = choice_words(self.world, event_id, choice, self.turn_word, self.scale, self.env)
        side = self.world.events[event_id].spec.side
        # why it was not put to the player: "Nobody decided (no choice was left to make)" read as
        # "we forgot to answer" to a playtester
        if side in self.unplayed:
            why = f"{self.unplayed[side]} is not yours to play here"
        elif self.final:
            why = f"the game ended with this {self.turn_word}"
        else:
            why = "no other answer would have changed anything, so there was nothing to decide"
        said = f"\nNot put to you ({why}): {taken.label or choice.label}"
        return Content.styled(said + (f" → {does}" if does else ""), "italic")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box wide"):
            yield Label(Content(f"News · {self.date}"), classes="dialog-title")
            with Reading(classes="dialog-scroll"):
                for event in self.events:
                    consequences = Content("")
                    if self.world is not None:
                        consequences = event_consequences(
                            self.world, event.event, self.turn_word, self.scale, self.env
                        )
                        consequences += self._default_taken(event.event)
                    yield Static(
                        Content.styled(event.title, "bold")
                        + Content("\n" + reflow(event.text))
                        + consequences,
                        classes="news-item",
                    )
            yield Static("enter to continue", classes="dialog-hint")
        yield KeysFooter()

    def action_close(self) -> None:
        self.dismiss(None)


class BusyDialog(ModalScreen[None], StyledOnce[None]):
    """Work that replaces the game in view is under way: nothing else may change the game
    meanwhile (a turn ended during an undo would be lost when the undo lands)."""

    HELP = (
        "The game is being worked out again from its log. It takes a moment; every key but "
        "help and quit waits until it is done."
    )

    BINDINGS = [HELP_KEY, Binding("q", "app.quit_game", "Quit")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__(classes="dialog")
        self.title_text, self.text = title, text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(Content(self.title_text), classes="dialog-title")
            yield Static(Content(self.text))
        yield KeysFooter()


class SaveDialog(ModalScreen[str | None], StyledOnce[str | None]):
    """Ask for a save's name."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, suggestion: str) -> None:
        super().__init__(classes="dialog")
        self.suggestion = suggestion

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label("Save the game", classes="dialog-title")
            yield Static(
                "Name of the save: letters, digits, spaces and - _ . , ( ) + ' "
                "(any other character becomes _ in the file name):",
                classes="dialog-text",
            )
            field = Input(self.suggestion, id="save-name")
            field.cursor_blink = getattr(self.app, "cursor_blink", True)
            yield field
            yield Static("", classes="dialog-text", id="save-problem")
            yield Static("enter to save · escape to cancel", classes="dialog-hint")
        yield KeysFooter()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        from game.app import saving

        event.stop()
        name = event.value.strip()
        problem = self.query_one("#save-problem", Static)
        if not name:
            problem.update(Content.styled("✗ Type a name first: the save needs one.", "$text-error"))
            self.app.bell()
            return
        try:
            saving.safe_name(name)
        except saving.SaveError:
            problem.update(
                Content.styled(
                    "✗ That name has no letter or digit: type one with a letter or digit.", "$text-error"
                )
            )
            self.app.bell()
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpDialog(ModalScreen[None], StyledOnce[None]):
    """Every key of the screen underneath, and what that screen is for."""

    BINDINGS = [
        Binding("escape,question_mark,enter", "close", "Close"),
        Binding("q", "app.quit_game", "Quit"),
    ]

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__(classes="dialog")
        self.underneath = screen

    def compose(self) -> ComposeResult:
        width = 8

        def row(key: str, text: str) -> Content:
            return Content.assemble((f"{key:>{width}}", "bold"), f"  {text}")

        rows, shown = [], set()
        for key, active in game_keys(self.underneath):
            label = key_label(key, active.binding.key_display)
            if label not in shown:
                shown.add(label)
                rows.append(row(label, active.binding.description))
        general = [
            ("↑↓", "move in a list"),
            ("enter", "pick; on a lever: its details and evidence (pgdn reads on)"),
            ("tab", "next pane (shift+tab: previous)"),
            ("esc", "back"),
            ("?", "this help, on any screen"),
            ("q", "quit (asks first)"),
            ("ctrl+p", "command palette: every key above, by name"),
        ]
        # keys that do not do on the screen what they do elsewhere (a dilemma's escape goes nowhere)
        unlike = getattr(self.underneath, "UNLIKE_ELSEWHERE", ())
        rows += [row(key, text) for key, text in general if key not in shown and key not in unlike]
        help_text = getattr(self.underneath, "help_text", None)
        extra = help_text() if callable(help_text) else getattr(self.underneath, "HELP", "")
        with Vertical(classes="dialog-box wide"):
            yield Label("Help · keys on this screen", classes="dialog-title")
            with Reading(classes="dialog-scroll"):
                if extra:
                    yield Static(extra, classes="dialog-text")
                yield Static(Content("\n").join(rows), classes="help-keys")
                if self.underneath.query("NewsFeed"):
                    yield Static(
                        Content.assemble(
                            ("News feed: ", "bold"),
                            ("•", "bold"),
                            " a decision of yours took effect · ",
                            ("!", "bold"),
                            " an event happened · ",
                            ("?", "bold"),
                            " your answer to a dilemma",
                        ),
                        classes="dialog-text",
                        id="news-markers",
                    )
            yield Static("escape to close", classes="dialog-hint")
        yield KeysFooter()

    def action_close(self) -> None:
        self.dismiss(None)
