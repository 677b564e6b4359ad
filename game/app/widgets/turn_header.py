"""The header of the main screen: date and turn, the score so far, and each side's money and capital.

Line one: the quarter being played, the score the game would get if it ended now (against the
status quo, with the grade it earns) and the seed; the scenario's name where there is room.
Line two: each side's planned spending against its budget (money a turn, as the budget is
counted) and its political capital, with what the planned changes will leave.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

from game.app.widgets import unchanged

if TYPE_CHECKING:
    from game.engine import Debrief, Game


def score_words(standing: Debrief | str | None, *, compact: bool = False) -> Content:
    """``score +3.2 vs status quo: bad``, or ``score +3.2 (bad)`` where room is short (a
    placeholder while it is worked out; a text: why it cannot be, which the screen says once)."""
    if isinstance(standing, str):
        return Content.styled("score ✗" if compact else "score: cannot be worked out", "$text-error")
    if standing is None:
        return Content.styled("score…" if compact else "score: being worked out", "$text-muted")
    grade = standing.grade or "—"
    against = f" ({grade})" if compact else f" vs status quo: {grade}"
    return Content.assemble("score ", (f"{standing.score:+.1f}", "bold"), against)


def header_text(
    game: Game,
    standing: Debrief | str | None = None,
    width: int = 80,
    seated: str | None = None,
    doing: str = "plans",
) -> Content:
    """``seated``: in a two-player game, the side whose player is at the keyboard now, ``doing``
    what ("plans", or "decides for" while answering a dilemma of that side)."""
    from game.app.readouts import difficulty_name, display_name, side_short
    from game.app.words import money, quarter

    word = game.scenario.turn_name  # "year 3 of 10", "quarter 3 of 40": the scenario's word for a turn
    if game.is_over:
        when = f"{quarter(game.date(game.turn))}, game over after {word} {game.turn} of {game.turns}"
    else:
        when = f"{quarter(game.date(game.turn + 1))}, {word} {game.turn + 1} of {game.turns}"
    sep = Content(" · ")
    title = Content.styled(when, "bold")
    if seated is not None and seated in game.players:
        side = game.world.sides[seated]
        who = f"{game.players[seated]} {doing} {display_name(side.name, seated)}"
        title += sep + Content.styled(who, "bold $text-accent")
    level = difficulty_name(game)
    extras = [
        [score_words(standing), score_words(standing, compact=True)],  # the score in short if need be
        [Content(f"seed {game.seed}" + (f", {level}" if level else ""))],
        [Content(display_name(game.scenario.name, game.scenario_id))],
    ]
    for forms in extras:  # in order of use to the player, as far as the line has room
        room = width - 2 - title.cell_length - sep.cell_length
        extra = next((form for form in forms if form.cell_length <= room), None)
        if extra is not None:
            title += sep + extra
    def side_texts(compact: bool) -> list[Content]:
        out = []
        for n, (sid, side) in enumerate(game.world.sides.items()):
            budget = float(game.value(side.budget).mean())
            spend = game.planned_cost(sid)
            capital = game.capital(sid)  # the stock now: events' and answers' capital included
            needed = game.capital_needed(sid)
            of = "/" if compact else " of "
            money_text = f"{money(spend, side.money_unit)}{of}{money(budget, side.money_unit)}"
            if n == 0 and not compact:  # said once: the budget is money a turn (the dashboard: a year)
                money_text += f" a {word}"
            cap = ("cap " if compact else "capital ") + f"{capital:.0f}"
            cap += f"→{capital - needed:.0f}" if needed else ""
            style = "$text-error" if spend > budget + 1e-9 or needed > capital + 1e-9 else ""
            out.append(
                Content.assemble((side_short(game.world, sid), "bold"), " ", (f"{money_text} · {cap}", style))
            )
        return out

    sides = side_texts(compact=False)
    if Content(" │ ").join(sides).cell_length > width - 2:  # three sides at 80 columns: the short form
        sides = side_texts(compact=True)
    return Content("\n").join([title, Content(" │ ").join(sides)])


class TurnHeader(Static):
    DEFAULT_CSS = """
    TurnHeader { height: 2; padding: 0 1; background: $panel; }
    """

    _shown: tuple[Game, Debrief | str | None, str | None, str] | None = None

    def show(
        self,
        game: Game,
        standing: Debrief | str | None = None,
        seated: str | None = None,
        doing: str = "plans",
    ) -> None:
        """``standing``: the score as it stands (a text: why it cannot be worked out); ``seated``:
        in a two-player game, who has the keyboard, ``doing`` what (see ``header_text``)."""
        self._shown = (game, standing, seated, doing)
        unchanged.update(self, header_text(game, standing, self.app.size.width, seated, doing))

    def on_resize(self) -> None:
        # what fits on the lines depends on the terminal's width: a header written for 120
        # columns lost its money line at 80 (it wrapped out of the two lines)
        if self._shown is not None:
            self.show(*self._shown)
