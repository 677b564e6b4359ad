"""The main screen redraws what changed, and never loses what the player was looking at.

Panes whose options come out the same are not set again (Textual would render every option
anew and scroll the list back to its top); what a rebuilt list used to set off (the detail
pane and its forecast for the highlighted lever, for the new turn) still happens.
"""

from __future__ import annotations

from driving import end_turn, highlight_action, ready, started, sync
from textual.app import App

from game.app.widgets.action_panel import ActionPanel


def detail(app: App[object]) -> str:
    return str(app.screen.query_one("#detail-text").render())


@sync
async def test_the_forecast_comes_back_for_the_new_turn_when_no_level_changed(mini_world, tmp_path):
    options = dict(scenario="test-run", seed=3, previews=True, size=(120, 40))
    async with started(mini_world, tmp_path, **options) as pilot:
        app = pilot.app
        await highlight_action(pilot, "enforcement")
        await ready(pilot)
        assert "If you raise it to high, 4 quarters on the model expects:" in detail(app)
        panel = app.screen.query_one(ActionPanel)
        shown = list(panel.options)
        await end_turn(pilot)  # nothing planned: the lever list is the same as before the turn
        await ready(pilot)
        assert app.game.turn == 1
        assert list(panel.options) == shown, "the same options were set again"
        assert panel.highlighted_action == "enforcement"
        text = detail(app)
        # the turn redrew the pane without a forecast; this one was worked out for the new turn
        assert "If you raise it to high, 4 quarters on the model expects:" in text, text


@sync
async def test_a_changed_level_is_shown_at_once_and_keeps_its_row_highlighted(mini_world, tmp_path):
    async with started(mini_world, tmp_path, scenario="test-run", seed=3) as pilot:
        app = pilot.app
        await highlight_action(pilot, "treatment")
        panel = app.screen.query_one(ActionPanel)
        before = [str(o.prompt) for o in panel.options]
        await pilot.press("plus")
        await ready(pilot)
        after = [str(o.prompt) for o in panel.options]
        changed = [line for line, old in zip(after, before, strict=True) if line != old]
        assert len(changed) == 1 and "*Treatment" in changed[0], changed
        assert panel.highlighted_action == "treatment"
