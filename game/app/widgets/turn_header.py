"""The header of the main screen: date, turn n of N, and each side's money and political capital."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

if TYPE_CHECKING:
    from game.engine import Game


def header_text(game: Game, seated: str | None = None) -> Content:
    """``seated``: in a two-player game, the side whose player is planning now."""
    from game.app.readouts import display_name, side_short
    from game.app.words import money, quarter

    word = game.scenario.turn_name  # "year 3 of 10", "quarter 3 of 40": the scenario's word for a turn
    if game.is_over:
        when = f"{quarter(game.date(game.turn))}, game over after {word} {game.turn} of {game.turns}"
    else:
        when = f"{quarter(game.date(game.turn + 1))}, {word} {game.turn + 1} of {game.turns}"
    if seated is not None and seated in game.players:
        side = game.world.sides[seated]
        who = f"  ·  {game.players[seated]} plans {display_name(side.name, seated)}"
        title = Content.assemble((when, "bold"), (who, "bold $text-accent"))
    else:
        title = Content.assemble(
            (when, "bold"),
            f"  ·  {display_name(game.scenario.name, game.scenario_id)}  ·  seed {game.seed}",
        )
    sides = []
    for sid, side in game.world.sides.items():
        budget = float(game.value(side.budget).mean())
        spend = game.planned_cost(sid)
        capital = float(game.value(side.capital).mean())
        needed = game.capital_needed(sid)
        spent = money(spend, side.money_unit)
        money_text = (
            f"{spent}/{money(budget, side.money_unit)}"
            if not spent.startswith("$")
            else (f"{spent[:-1]}/{money(budget, side.money_unit)[1:]}")
        )
        cap = f"capital {capital:.0f}" + (f"→{capital - needed:.0f}" if needed else "")
        style = "$text-error" if spend > budget + 1e-9 or needed > capital + 1e-9 else ""
        sides.append(
            Content.assemble((side_short(game.world, sid), "bold"), " ", (f"{money_text} · {cap}", style))
        )
    return Content("\n").join([title, Content(" │ ").join(sides)])


class TurnHeader(Static):
    DEFAULT_CSS = """
    TurnHeader { height: 2; padding: 0 1; background: $panel; }
    """

    def show(self, game: Game, seated: str | None = None) -> None:
        self.update(header_text(game, seated))
