"""The dashboard's gap from the status quo at 80x24: a gap of 100% or more is shown whole (a
playtester's end-game confirmation showed Mexico's approval as "+104…")."""

from __future__ import annotations

from pathlib import Path

from driving import make_app, ready, sync
from play_helpers import screen_lines
from teach_helpers import BASE

from game.app.readouts import headline_readouts
from game.app.widgets.dashboard import status_quo_cell
from game.engine import Game, World, load_plan, replay


@sync
async def test_a_gap_of_a_hundred_percent_or_more_is_shown_whole_at_80x24(
    base_world: World, tmp_path: Path
) -> None:
    plan = load_plan(BASE / "plans" / "kleiman_package.toml", base_world, "both-sides")
    game = Game(base_world, "both-sides", seed=7, status_quo=True)
    replay(game, plan.step, plan.choice, 39)  # headless, its dilemmas answered by the plan
    game.interactive, game.planned_choices = True, {}
    wide = [status_quo_cell(r).plain for r in headline_readouts(game) if len(status_quo_cell(r).plain) > 5]
    assert wide, "the game needs a gap of 100% or more to show"
    app = make_app(base_world, tmp_path, batch_runs=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        app.open_game(game)
        await ready(pilot)
        await pilot.press("e")  # the last quarter: the end-game confirmation over the dashboard
        await ready(pilot)
        shown = "\n".join(screen_lines(app))
        assert "End the last quarter?" in shown
        for gap in wide:
            assert gap in shown  # e.g. "+101%✓", not "+101…"
        assert "…▏" not in shown
