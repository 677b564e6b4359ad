"""What really happened, for the screens: chart marks and the debrief's comparison lines.

The engine (``game.engine.backtest``) places a pack's history series on the calendar; this
module only words the comparison for a player.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from game.app import words

if TYPE_CHECKING:
    from game.engine import Game
    from game.engine.backtest import HistoryMark


def chart_history(game: Game, indicator: str) -> list[HistoryMark]:
    """The real values to draw on an indicator's chart, up to the last turn played."""
    from game.engine.backtest import chart_marks  # the engine is loaded with the game already

    return [m for m in chart_marks(game.world, game.scenario_id, indicator) if m.position <= game.turn]


def history_lines(game: Game) -> list[str]:
    """One sentence per history series with a complete year played: your run against what happened."""
    from game.engine.backtest import compare_run

    lines = []
    for row in compare_run(game):
        first, last = row.years[0], row.years[-1]
        span = str(first) if first == last else f"{first}-{last}"
        n = len(row.years)
        if abs(row.mean_gap) < 0.005:
            how = "about the same as"
        else:
            how = f"{abs(row.mean_gap):.0%} {'above' if row.mean_gap > 0 else 'below'}"
        spec = row.history.spec
        lines.append(
            f"{row.history.name}: your run was {how} what really happened, on average over {span} "
            f"({n} year{'s' if n != 1 else ''} with data; {spec.unit}, source: {spec.source})."
        )
    if not lines and game.world.history:
        lines.append("No complete year with real data has been played yet.")
    return lines


def history_summary(marks: list[HistoryMark], decimals: int) -> str:
    """The latest real value on a chart, for its summary line."""
    if not marks:
        return ""
    last = marks[-1]
    return f" · {last.year} really: {words.number(last.value, decimals)}"
