"""Modal dialogs: confirmations, dilemmas, the turn's news, a save name, and the key help.

Each is a ``ModalScreen[T]`` that returns its answer through ``dismiss``, so callers either
pass a callback to ``push_screen`` or await ``push_screen_wait`` from a worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from game.app.commands import game_keys, key_label
from game.app.words import reflow, turns

if TYPE_CHECKING:
    from game.content.schema import Effect
    from game.engine import Dilemma, FiredEvent, Game, World


class ConfirmDialog(ModalScreen[bool]):
    """Ask before something that cannot be undone; y/enter on the yes button, n/escape for no."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
        Binding("left,right", "app.focus_previous", "Move", show=False),
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
            if self.detail:
                yield Static(Content(reflow(self.detail)), classes="dialog-text")
            if self.cost:
                yield Static(Content.styled(self.cost, "bold"), classes="dialog-text", id="cost")
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    f"{self.yes} (y)", id="yes", variant="error" if not self.default_yes else "primary"
                )
                yield Button(f"{self.no} (n)", id="no")
        yield Footer(compact=True)  # this dialog's keys, not those of the screen underneath

    def on_mount(self) -> None:
        self.query_one("#yes" if self.default_yes else "#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def cost_line(game: Game, aid: str, level: int) -> str:
    """What choosing a level costs, for a confirmation: money a turn and political capital.

    "Costs $0.2B a quarter and 60 political capital (64 → 4) when the turn ends."
    """
    from game.app.readouts import action_cost
    from game.app.words import money

    info = game.world.actions[aid]
    side = game.world.sides.get(info.spec.side)
    price = action_cost(game, aid, level)
    unit = side.money_unit if side else "$B"
    spend = money(price, unit, 2 if 0 < abs(price) < 0.1 else 1)
    capital = info.capital_to_change(game.committed_level(aid), level)
    text = f"Costs {spend} a {game.scenario.turn_name}"
    if capital and side is not None:
        available = game.capital(info.spec.side)
        left = available - game.capital_needed(info.spec.side, {**game.pending, aid: level})
        text += f" and {capital:g} political capital ({available:.0f} → {left:.0f})"
    elif capital:
        text += f" and {capital:g} political capital"
    return text + " when the turn ends."


def choice_consequences(world: World, dilemma: Dilemma, choice_index: int, turn_word: str = "turn") -> str:
    """What a dilemma's choice does, in words: capital spent or gained, actions it sets."""
    from game.app.readouts import side_short

    choice = dilemma.choices[choice_index]
    parts = []
    for side, amount in choice.capital.items():
        parts.append(f"{side_short(world, side)} political capital {amount:+g}")
    for aid, level in choice.set_action.items():
        from game.app.readouts import action_name, level_label

        parts.append(f"sets {action_name(world, aid)} to {level_label(world, aid, level)}")
    parts += [effect_words(world, effect, turn_word) for effect in choice.effects]
    return "; ".join(parts)


def effect_words(world: World, effect: Effect, turn_word: str = "turn") -> str:
    """An event or choice effect in words: "Drug homicides ×0.9 for 4 quarters"."""
    from game.app.readouts import display_name

    name = display_name(world.describe(effect.target)[0], effect.target)
    if effect.row is not None:
        name += f" ({effect.row.replace('_', ' ')})"
    if effect.multiply is not None:
        change = f"×{effect.multiply:g}" if isinstance(effect.multiply, float) else "changed"
    else:
        change = f"{effect.add:+g}" if isinstance(effect.add, float) else "changed"
    lasting = "" if not effect.turns else f" for {turns(effect.turns, turn_word)}"
    return f"{name} {change}{lasting}"


def event_consequences(world: World, event_id: str, turn_word: str = "turn") -> Content:
    """An event's own effects and capital, in words, on a line of their own (empty if none)."""
    from game.app.readouts import side_short

    spec = world.events[event_id].spec
    parts = [effect_words(world, effect, turn_word) for effect in spec.effects]
    parts += [
        f"{side_short(world, side)} political capital {amount:+g}" for side, amount in spec.capital.items()
    ]
    return Content.styled("\n→ " + "; ".join(parts), "dim") if parts else Content("")


class DilemmaDialog(ModalScreen[str]):
    """An event that needs an answer: pick one choice with the arrows and enter."""

    BINDINGS = [
        Binding("escape", "must_choose", "Choose", show=False),
        Binding("q", "app.quit_game", "Quit"),  # a modal screen hides the app's keys
    ]

    def __init__(self, world: World, dilemma: Dilemma, turn_word: str = "turn") -> None:
        super().__init__(classes="dialog")
        self.world, self.dilemma, self.turn_word = world, dilemma, turn_word

    def compose(self) -> ComposeResult:
        d = self.dilemma
        with Vertical(classes="dialog-box wide"):
            yield Label(Content(f"Dilemma · {d.title}"), classes="dialog-title")
            yield Static(
                Content(reflow(d.text)) + event_consequences(self.world, d.event, self.turn_word),
                classes="dialog-text",
            )
            options = []
            for i, choice in enumerate(d.choices):
                lines = [Content.styled(choice.label, "bold")]
                if choice.default:
                    lines[0] += Content.styled("  (what happens if nobody decides)", "dim")
                if choice.description:
                    lines.append(Content("  " + reflow(choice.description)))
                consequences = choice_consequences(self.world, d, i, self.turn_word)
                if consequences:
                    lines.append(Content.styled(f"  → {consequences}", "dim"))
                options.append(Option(Content("\n").join(lines), id=choice.id))
            yield OptionList(*options, id="choices")
            yield Static("↑↓ choose · enter decide", classes="dialog-hint")
        yield Footer(compact=True)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id is not None:
            self.dismiss(event.option_id)

    def action_must_choose(self) -> None:
        self.notify("This needs an answer: pick a choice and press enter.")


class NewsDialog(ModalScreen[None]):
    """What happened at the end of the turn."""

    BINDINGS = [Binding("escape,enter,space", "close", "Continue"), Binding("q", "app.quit_game", "Quit")]

    def __init__(
        self, date: str, events: Sequence[FiredEvent], world: World | None = None, turn_word: str = "turn"
    ) -> None:
        super().__init__(classes="dialog")
        self.date, self.events, self.world, self.turn_word = date, events, world, turn_word

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box wide"):
            yield Label(Content(f"News · {self.date}"), classes="dialog-title")
            with VerticalScroll(classes="dialog-scroll"):
                for event in self.events:
                    consequences = Content("")
                    if self.world is not None:
                        consequences = event_consequences(self.world, event.event, self.turn_word)
                    yield Static(
                        Content.styled(event.title, "bold")
                        + Content("\n" + reflow(event.text))
                        + consequences,
                        classes="news-item",
                    )
            yield Static("enter to continue", classes="dialog-hint")
        yield Footer(compact=True)

    def action_close(self) -> None:
        self.dismiss(None)


class SaveDialog(ModalScreen[str | None]):
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
        yield Footer(compact=True)

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


class HelpDialog(ModalScreen[None]):
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
            ("↑↓", "move in a list; enter picks"),
            ("tab", "next pane (shift+tab: previous)"),
            ("esc", "back"),
            ("?", "this help, on any screen"),
            ("q", "quit (asks first)"),
            ("ctrl+p", "command palette: every key above, by name"),
        ]
        rows += [row(key, text) for key, text in general if key not in shown]
        help_text = getattr(self.underneath, "help_text", None)
        extra = help_text() if callable(help_text) else getattr(self.underneath, "HELP", "")
        with Vertical(classes="dialog-box wide"):
            yield Label("Help · keys on this screen", classes="dialog-title")
            with VerticalScroll(classes="dialog-scroll"):
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
        yield Footer(compact=True)

    def action_close(self) -> None:
        self.dismiss(None)
