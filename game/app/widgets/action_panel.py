"""The action panel: every visible lever grouped by side and category, with level and cost.

``+`` and ``-`` (or → and ←) ask to change the highlighted action's level; the screen decides (it may
confirm, or refuse with the engine's reasons). A planned change is marked with an arrow and
"→ new level", not only a colour. Nothing is cut: a row whose name or level does not fit its
column takes more lines (the whole name, then the level and cost on a line of their own).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from game.app.widgets.columns import Cell, columns, wrap, wrap_with_tail
from game.app.widgets.marked_list import MarkedOptionList

if TYPE_CHECKING:
    from game.engine import Game

LEVEL_WIDTH, COST_WIDTH = 11, 5
COST_HEADS = {"quarter": "$/qtr", "year": "$/yr", "month": "$/mo", "half-year": "$/hy", "week": "$/wk"}
LEVEL_KEYS = Binding.Group("Level ", compact=True)


class ActionPanel(MarkedOptionList):
    """Actions by side and category; +/- change a level, enter opens the full detail."""

    DEFAULT_CSS = """
    ActionPanel { height: 1fr; border: none; padding: 0; }
    ActionPanel > .option-list--option-disabled { color: $text-accent; text-style: bold; }
    """

    BINDINGS = [
        Binding("plus,equals_sign,right", "step(1)", "Raise level", key_display="+", group=LEVEL_KEYS),
        Binding("minus,underscore,left", "step(-1)", "Lower level", key_display="-", group=LEVEL_KEYS),
        Binding("enter", "select", "Details", show=False),
    ]

    class StepRequested(Message):
        """The player asked to raise (+1) or lower (-1) an action's level."""

        def __init__(self, action: str, step: int) -> None:
            super().__init__()
            self.action, self.step = action, step

    class ActionHighlighted(Message):
        def __init__(self, action: str | None) -> None:
            super().__init__()
            self.action = action

    class ActionChosen(Message):
        """Enter on an action: show everything about it."""

        def __init__(self, action: str) -> None:
            super().__init__()
            self.action = action

    def __init__(self, *, only: Iterable[str] | None = None, id: str | None = None) -> None:
        super().__init__(id=id, markup=False, compact=True)
        self.only = list(only) if only is not None else None
        self._game: Game | None = None
        self._editable: str | None = None  # two players: the side whose levers may change

    @property
    def highlighted_action(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None and not option.disabled else None

    def show(self, game: Game, editable: str | None = None) -> None:
        """``editable``: in a two-player game, the seated side; the other sides' levers are
        marked read-only (the screen refuses changes to them)."""
        self._game, self._editable = game, editable
        self.rebuild_when_sized()

    def relayout(self) -> None:
        self._rebuild()

    def _rebuild(self) -> None:
        from game.app.readouts import action_cost, action_groups, action_name, level_label, side_short
        from game.app.words import cost_cell

        game = self._game
        if game is None:
            return
        world = game.world
        width = max(20, self.row_width)
        level_width = LEVEL_WIDTH if width < 48 else LEVEL_WIDTH + 8
        keep = self.highlighted_action
        options: list[Option] = []
        for n, group in enumerate(action_groups(world, self._offered(game))):
            label = f"{side_short(game.world, group.side)} · {group.category}"
            if self._editable is not None and group.side != self._editable:
                owner = game.players.get(group.side, "")
                label += f" · {owner}'s, read-only" if owner else " · read-only"
            if n == 0:
                per = COST_HEADS.get(game.scenario.turn_name, "$")  # money a turn, in the scenario's word
                head = [Cell("level", level_width), Cell(per, COST_WIDTH, "right")]
                if len(label) <= width - level_width - COST_WIDTH - 2:
                    heading = columns(width, [Cell(label), *head])
                else:  # the group's name whole on its own line, the column names under it
                    heading = Content("\n").join([*wrap(label, width), columns(width, [Cell(""), *head])])
            else:
                heading = Content("\n").join(wrap(label, width))
            options.append(Option(heading, id=f"group:{group.side}:{group.category}", disabled=True))
            for aid in group.actions:
                committed, chosen = game.committed_level(aid), game.level(aid)
                if chosen != committed:
                    mark = "▲" if chosen > committed else "▼"
                    level = Content.styled(f"{mark}→{level_label(world, aid, chosen)}", "bold $text-warning")
                    name = Content.styled(f"*{action_name(world, aid)}", "bold")
                else:
                    level = Content(level_label(world, aid, chosen))
                    name = Content(f" {action_name(world, aid)}")
                side = world.sides.get(world.actions[aid].spec.side)
                cost = cost_cell(action_cost(game, aid, chosen), side.money_unit if side else "$B")
                name_room = width - level_width - COST_WIDTH - 2
                if name.cell_length <= name_room and level.cell_length <= level_width:
                    line = columns(
                        width, [Cell(name), Cell(level, level_width), Cell(cost, COST_WIDTH, "right")]
                    )
                else:  # the whole name, then the whole level with the cost on its last line
                    tail = wrap_with_tail(level, width, cost, COST_WIDTH)
                    line = Content("\n").join([*wrap(name, width), *tail])
                options.append(Option(line, id=aid))
        self.show_options(options, keep)

    def _offered(self, game: Game) -> list[str] | None:
        """The levers listed: this panel's own (``only``), less those the scenario does not offer
        (a scenario about one idea names its levers; the others were listed and then refused)."""
        offered = game.scenario.actions
        if not offered:
            return self.only
        return [aid for aid in (self.only if self.only is not None else offered) if aid in offered]

    def action_step(self, step: int) -> None:
        action = self.highlighted_action
        if action is not None:
            self.post_message(self.StepRequested(action, step))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.post_message(self.ActionHighlighted(self.highlighted_action))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id and not event.option_id.startswith("group:"):
            self.post_message(self.ActionChosen(event.option_id))
