"""The footer shows the keys of what has focus, and rebuilds them only when they change."""

from __future__ import annotations

from driving import started, sync

from game.app.screens.main import MainScreen
from game.app.widgets.keys_footer import KeysFooter


def footer_of(screen) -> KeysFooter:
    return screen.query_one(KeysFooter)


def footer_text(screen) -> str:
    """Each key and group label the footer shows, in order."""
    return " ".join(str(part.render()) for part in footer_of(screen).query("FooterKey, FooterLabel"))


@sync
async def test_the_footer_follows_focus_and_is_not_rebuilt_when_its_keys_stay(mini_world, tmp_path):
    async with started(mini_world, tmp_path, scenario="test-run", seed=3) as pilot:
        app = pilot.app
        main = app.screen
        assert isinstance(main, MainScreen)
        assert "Level" in footer_text(main)  # the lever list has focus: its -/+ keys are shown
        await pilot.press("tab")  # to the dashboard: no level keys
        await pilot.pause()
        assert "Level" not in footer_text(main) and "End turn" in footer_text(main)
        await pilot.press("shift+tab")
        await pilot.pause()
        assert "Level" in footer_text(main)
        keys = list(footer_of(main).query("FooterKey"))
        await pilot.press("question_mark")  # a dialog over the screen, then back
        await pilot.pause()
        assert app.screen is not main and "Level" not in footer_text(app.screen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is main
        # the same keys as before the dialog: the very same key widgets, not a rebuilt footer
        assert list(footer_of(main).query("FooterKey")) == keys
        assert "Level" in footer_text(main)
