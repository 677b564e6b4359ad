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


def footer_line(app) -> list[tuple[str, object]]:
    """The screen's last line, each piece of text with its style, as the terminal shows it."""
    strip = app.screen._compositor.render_strips()[-1]
    return [(segment.text, segment.style) for segment in strip]


@sync
async def test_keys_changed_in_place_look_as_a_footer_built_afresh(mini_world, tmp_path):
    async with started(mini_world, tmp_path, scenario="test-run", seed=3) as pilot:
        app = pilot.app
        main = app.screen
        footer = footer_of(main)
        for key in ("tab", "shift+tab", "tab"):  # the -/+ keys go, come and go again
            before = list(footer.query("FooterKey"))
            await pilot.press(key)
            await pilot.pause()
            now = list(footer.query("FooterKey"))
            # a key shown before and after (e, End turn) is the very same widget, not built anew
            shown = {(k.key, k.description): k for k in before}
            stayed = [k for k in now if shown.get((k.key, k.description)) is k]
            assert len(stayed) >= 3 and len(stayed) < len(now) + len(before) - len(stayed)
            in_place = footer_line(app)
            footer.refresh(recompose=True)  # Footer's own way: every key built and mounted anew
            await pilot.pause()
            assert footer_line(app) == in_place, f"after {key}"
            assert all(k.has_class("-compact") for k in footer.query("FooterKey"))
