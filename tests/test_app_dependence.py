"""What a forecast depends on most: the detail pane's line under a lever's forecast, and the
Charts screen's ranking for an indicator, worked out in a worker and cached."""

from __future__ import annotations

from driving import started
from test_app import MINI, SIZE, end_turn, highlight_action, make_app, ready, sync

from game.app.screens.charts import ChartsScreen
from game.app.widgets.detail_pane import DetailPane
from game.engine import Game, load_world
from game.engine.sensitivity import forecast_dependence


def detail_text(app) -> str:
    return str(app.screen.query_one(DetailPane).query_one("#detail-text").render())


@sync
async def test_a_levers_forecast_says_what_it_depends_on_most(tmp_path):
    world = load_world([MINI])
    async with started(world, tmp_path, scenario="test-run", seed=3, previews=True, size=(100, 50)) as pilot:
        app = pilot.app
        await highlight_action(pilot, "treatment")
        await ready(pilot)
        await ready(pilot)
        text = detail_text(app)
        assert "Depends most on:" in text
        # the mini world's two uncertain parameters; treatment moves users through initiation
        assert "initiation" in text.lower() or "efficacy" in text.lower()
        assert "±" in text
        cached = {key: line for key, line in app.dependence_cache.items() if key[0] == "treatment"}
        assert len(cached) == 1
        assert " ".join(next(iter(cached.values())).split()) in " ".join(text.split())
        # away and back: once the forecast is in, its line comes from the cache, no new worker
        await highlight_action(pilot, "enforcement")
        await ready(pilot)
        await highlight_action(pilot, "treatment")
        await app.workers.wait_for_complete([w for w in app.workers if w.group == "preview"] or None)
        await pilot.pause()
        assert not [w for w in app.workers if w.group == "dependence" and w.is_running]
        assert "Depends most on:" in detail_text(app) and "weighing" not in detail_text(app)
        assert len([key for key in app.dependence_cache if key[0] == "treatment"]) == 1


def test_the_line_is_the_swing_of_the_forecast_the_pane_shows():
    """Run 0 of the one-at-a-time batch is the player's own forecast, to the bit."""
    world = load_world([MINI])
    game = Game(world, "test-run", seed=3)
    game.resolve_turn()
    future = game.fork()
    expected = future.preview({"treatment": 1}, 4)
    found = forecast_dependence(game.fork(), {"treatment": 1}, 4, ["heavy_users"])
    assert found["heavy_users"].value == expected["heavy_users"]
    swing = {s.factor.id: s for s in found["heavy_users"].swings}
    assert set(swing) == {"initiation", "efficacy"}
    assert max(s.half_range for s in swing.values()) > 0


@sync
async def test_charts_rank_what_an_indicator_depends_on(tmp_path):
    world = load_world([MINI])
    app = make_app(world, tmp_path, scenario="test-run", seed=3)
    async with app.run_test(size=SIZE) as pilot:
        await end_turn(pilot)
        await pilot.press("c")
        for _ in range(2):  # the band, then what the indicator depends on
            await ready(pilot)
        assert isinstance(app.screen, ChartsScreen)
        line = str(app.screen.query_one("#chart-depends").render())
        assert "depends most on" in line or "none of the model's uncertain assumptions" in line
        assert "weighing" not in line
