"""Why: an indicator's change over one turn split into the signed parts of rules, actions and events.

The engine switches the drivers on one at a time and measures what each adds; this screen
says it in words: "+120 Kingpin strategy (action)".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from game.app.screens.main import GameScreen
from game.app.widgets.keys_footer import KeysFooter
from game.app.widgets.marked_list import MarkedOptionList
from game.app.widgets.reading import Reading

if TYPE_CHECKING:
    from game.engine import Contribution, Game

BAR_WIDTH = 6
LEGEND = (
    "✓ pushed it the good way, ✗ the bad way",
    "rule: how the model's world works (a flow of people, money or violence)",
    "action: a policy lever at its current level",
    "event: something that happened",
    "other: trends in time, lags and shocks between turns",
)
VIA = "rule, via X: a flow into or out of X, which moved this through X's other flows"
"""Said after the rules, where a part shown acts through another stock."""


def indicator_options(game: Game) -> list[Option]:
    """Every scalar indicator, grouped under its side's name."""
    from game.app.readouts import indicator_name, scalar_indicators, side_name

    options: list[Option] = []
    side: object = object()
    for info in scalar_indicators(game.world):
        if info.side != side:
            side = info.side
            options.append(
                Option(side_name(game.world, info.side).upper(), id=f"side:{info.side}", disabled=True)
            )
        options.append(Option(indicator_name(info) + (" *" if info.headline else ""), id=info.id))
    return options


def figure_places(largest: float, decimals: int) -> int:
    """Decimals that give the largest part two significant figures, and at least the indicator's."""
    import math

    if largest <= 0 or not math.isfinite(largest):
        return decimals
    return min(6, max(decimals, 1 - math.floor(math.log10(largest))))


def by_player(
    game: Game, parts: Sequence[Contribution], decimals: int, good: str, scale: float
) -> list[Content]:
    """Two players: what each player's levers did to the indicator this turn, so each sees
    what the other's choices did across the border (nothing for a one-player game)."""
    from game.app.readouts import change_text, display_name
    from game.app.words import judgement

    if not game.players:
        return []
    out = [Content.styled("\nWhose choices moved it:\n", "bold")]
    for sid, player in game.players.items():
        mine = [p.value for p in parts if lever_side(game, p) == sid]
        total = sum(mine)
        verdict = judgement(total, good, scale) if mine else ""
        mark = {"better": " ✓", "worse": " ✗"}.get(verdict, "")
        side = display_name(game.world.sides[sid].name, sid)
        what = f"{change_text(total, decimals)}{mark}" if mine else "nothing"
        out.append(Content(f"  {player}'s levers ({side}): {what}\n"))
    return out


def lever_side(game: Game, part: Contribution) -> str | None:
    """The side whose lever a part is: an action's, or a rule's that belongs to an action ("Organizations
    learn they are not pursued" is the kingpin strategy's) or reads one side's levers only; None for
    events, the world's own rules, other."""
    world = game.world
    action = part.id if part.kind == "action" else None
    if part.kind == "rule":
        action = world.flow_specs[part.id].action
        if action is None:  # untagged: the side of the levers its formula reads, if only one side's
            sides = {world.actions[n].spec.side for n in world.flows[part.id].names if n in world.actions}
            return sides.pop() if len(sides) == 1 else None
    return world.actions[action].spec.side if action is not None and action in world.actions else None


def explanation_text(game: Game, indicator: str, turn: int) -> Content:
    from game.app.readouts import driver_kind, explain, readout
    from game.app.words import judgement, number, percent_change, plural, reflow, signed, signed_percent
    from game.engine import GameError

    if turn < 1:
        word = game.scenario.turn_name
        return Content(f"Nothing has happened yet: end a {word} (e on the main screen) and come back.")
    try:
        exp = explain(game, indicator, turn)
    except GameError as exc:
        return Content(f"No explanation available: {exc}")
    assert exp is not None
    info = game.world.indicators[indicator]
    parts: list[Content] = [Content.styled(exp.headline() + "\n\n", "bold")]
    shown: list[Contribution] = []
    if not exp.parts:
        parts.append(Content(f"Nothing changed it this {game.scenario.turn_name}.\n"))
    else:
        parts.append(Content("What moved it, largest first:\n"))
        largest = max(abs(p.value) for p in exp.parts) or 1.0
        # Two significant figures of the largest part, never fewer decimals than the indicator's:
        # "-271" homicides, "+0.053" million users. Parts that round to nothing are summed as tiny.
        places = figure_places(largest, exp.decimals)
        shown = [p for p in exp.parts if abs(p.value) >= 0.5 * 10**-places]
        rest = sum(p.value for p in exp.parts if p not in shown)
        tiny = len(exp.parts) - len(shown)
        written = [round(p.value, places) for p in shown] + ([round(rest, places)] if tiny else [])
        total = round(exp.change, places)
        rounding = round(total - sum(written), places)
        width = max(len(signed(v, places)) for v in [*written, total, rounding])
        for part in shown:
            verdict = judgement(part.value, info.good, abs(exp.after) or 1.0)
            style = {"better": "$text-success", "worse": "$text-error"}.get(verdict, "")
            bar = "█" * max(1, round(abs(part.value) / largest * BAR_WIDTH))
            mark = {"better": "✓", "worse": "✗"}.get(verdict, " ")
            kind = "" if part.kind == "other" else f" ({driver_kind(part)})"
            owner = lever_side(game, part) if game.players else None
            if owner is not None:  # two players: whose lever it is, a rule of one's lever too
                kind = f" ({driver_kind(part)}, {game.players.get(owner, owner)}'s)"
            parts.append(
                Content.assemble(
                    (f"{signed(part.value, places):>{width}}{mark} ", style),
                    (f"{bar:<{BAR_WIDTH}} ", style),
                    f"{part.label}{kind}",
                    "\n",
                )
            )
        if tiny:
            parts.append(Content(f"{signed(rest, places):>{width}}  {plural(tiny, 'tiny part')}\n"))
        if abs(rounding) >= 0.5 * 10**-places:  # the figures as written add up to the whole change
            parts.append(Content(f"{signed(rounding, places):>{width}}  rounding\n"))
        parts.append(Content(f"{'─' * width}\n{signed(total, places):>{width}}  in all\n"))
        parts.extend(by_player(game, exp.parts, places, info.good, abs(exp.after) or 1.0))
    now = readout(game, indicator)
    if game.status_quo is not None:
        sq = float(game.status_quo.history(indicator)[turn, 0])
        mine = float(game.history(indicator)[turn, 0])
        gap = percent_change(mine, sq)
        verdict = judgement(mine - sq, info.good, sq or 1.0)
        where = signed_percent(gap)
        if where == "±0%":
            where, verdict = "about the same", ""
        parts.append(
            Content(
                f"\nStatus quo (the same world without your changes) in that {game.scenario.turn_name}: "
                f"{number(sq, now.decimals)}; you are {where}"
                + (f", {verdict}" if verdict else "")
                + ".\n"
            )
        )
    if info.description:
        parts.append(Content.styled(f"\n{reflow(info.description)}\n", "italic"))
    via = (VIA,) if any(p.via for p in shown) else ()
    legend = " · ".join((*LEGEND[:2], *via, *LEGEND[2:]))
    parts.append(Content.styled(f"\n{legend}", "$text-muted"))
    return Content("").join(parts)


class WhyScreen(GameScreen):
    """Pick an indicator (↑↓) and a turn (←→) and read what moved it."""

    HELP = (
        "Why did an indicator move? The change over a {turn} is split into the signed "
        "contributions of each rule of the model, each action and each event, largest first. "
        "They add up to the whole change."
    )

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("left,left_square_bracket", "turn(-1)", "Earlier", key_display="←"),
        Binding("right,right_square_bracket", "turn(1)", "Later", key_display="→"),
        Binding("c", "charts", "Chart"),
    ]

    def __init__(self, game: Game, indicator: str | None = None) -> None:
        super().__init__(game)
        self.indicator = indicator
        self.turn = game.turn
        self.shown: tuple[str | None, int] | None = None

    def compose(self) -> ComposeResult:
        yield Label("", id="why-title", classes="screen-title")
        with Horizontal(classes="split"):
            yield MarkedOptionList(*indicator_options(self.game), id="why-indicators", classes="picker")
            with Reading(id="why-body", classes="reading"):
                yield Static("", id="why-text")
        yield KeysFooter()

    def on_mount(self) -> None:
        picker = self.query_one("#why-indicators", OptionList)
        ids = [o.id for o in picker.options]
        if self.indicator in ids:
            picker.highlighted = ids.index(self.indicator)
        else:
            picker.highlighted = next((i for i, o in enumerate(picker.options) if not o.disabled), None)
        picker.focus()
        self._show()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option_id and not event.option_id.startswith("side:"):
            self.indicator = event.option_id
            self._show()

    def action_turn(self, step: int) -> None:
        self.turn = max(min(self.turn + step, self.game.turn), min(1, self.game.turn))
        self._show()

    def action_charts(self) -> None:
        from game.app.screens.charts import ChartsScreen

        self.app.switch_screen(ChartsScreen(self.game, self.indicator))

    def _show(self) -> None:
        from game.app.words import quarter

        game = self.game
        when = quarter(game.date(self.turn)) if self.turn >= 1 else f"before the first {self.turn_word}"
        self.query_one("#why-title", Label).update(
            f"Why? · {when} (← earlier · → later) · * headline indicator"
        )
        if self.indicator is None:
            return
        self.query_one("#why-text", Static).update(explanation_text(game, self.indicator, self.turn))
        if (self.indicator, self.turn) != self.shown:  # another item: start at its heading
            self.shown = (self.indicator, self.turn)
            self.query_one("#why-body", Reading).scroll_home(animate=False, immediate=True)
