"""What if?: choose a decision or a dilemma's answer of a finished game, change it, and see both
outcomes side by side (the replay itself is ``game.classroom.whatif``, no Textual)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from game.app.screens.styled import StyledOnce
from game.app.widgets.keys_footer import KeysFooter
from game.app.widgets.marked_list import MarkedOptionList
from game.app.widgets.reading import Reading

if TYPE_CHECKING:
    from game.engine import Game


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
            with Reading(classes="dialog-scroll", id="whatif-result-box"):
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
            text = f"{word} {c.turn} ({game.date(c.turn)}): {game.event_title(c.turn, c.event)}: {said}"
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
            heading = f"{game.event_title(answered.turn, answered.event)}, in {word} {answered.turn}:"
            if first is None:  # the other answers would have changed nothing then
                heading += " no other answer was on offer then (escape to go back)"
        else:
            decision = game.log[index]
            spec = game.world.actions[decision.action].spec
            options = [Option("drop this decision", id="drop")]
            options += [
                Option(f"set it to {label}", id=f"level:{level}")
                for level, label in enumerate(spec.levels)
                if level not in (decision.level, decision.previous)  # the previous level: dropping it
            ]
            first, heading = "drop", f"{spec.name or decision.action}, before {word} {decision.turn}:"
        self._picker.show_options(options, first)
        self.query_one("#whatif-help", Static).update(Content(heading))
        hint = "enter to choose · escape to go back" if first is not None else "escape to go back"
        self.query_one("#whatif-hint", Static).update(Content(hint))

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
        box = self.query_one("#whatif-result-box", Reading)
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
