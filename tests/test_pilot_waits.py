"""The tests' quick Pilot wait gives way to Textual's own where this Textual lacks what it reads."""

from __future__ import annotations

import asyncio

import pilot_waits
import pytest


def test_a_textual_without_the_attributes_read_gets_its_own_wait(monkeypatch):
    calls: list[tuple[float, float]] = []

    async def textual_wait(min_sleep: float, max_sleep: float) -> None:
        calls.append((min_sleep, max_sleep))

    def renamed() -> bool:
        raise AttributeError("'Screen' object has no attribute '_layout_required'", name="_layout_required")

    monkeypatch.setattr(pilot_waits, "textual_wait", textual_wait)
    monkeypatch.setattr(pilot_waits, "settled", renamed)
    monkeypatch.setattr(pilot_waits, "_fallen_back", False)
    with pytest.warns(UserWarning, match="_layout_required"):
        asyncio.run(pilot_waits.wait_until_settled(0.0, 1.0))
    asyncio.run(pilot_waits.wait_until_settled(0.0, 0.5))  # from then on, Textual's wait alone
    assert calls == [(0.0, 1.0), (0.0, 0.5)]


def test_a_widget_that_fails_to_draw_after_a_key_still_fails_the_test():
    """Frames wait for the app to settle (pilot_waits.defer_frame), but each settled state is drawn."""
    from textual.app import App, ComposeResult
    from textual.widget import Widget

    class Fragile(Widget):
        broken = False

        def render_line(self, y: int):  # noqa: ANN201 (Strip)
            if self.broken:
                raise RuntimeError("cannot draw this line")
            return super().render_line(y)

    class Small(App[None]):
        def compose(self) -> ComposeResult:
            yield Fragile()

        def key_b(self) -> None:
            fragile = self.query_one(Fragile)
            fragile.broken = True
            fragile.refresh()

    pilot_waits.install()  # as driving does, in every process that drives the app

    async def play() -> None:
        async with Small().run_test(size=(20, 4)) as pilot:
            assert textual_screen.Screen._compositor_refresh is pilot_waits.defer_frame
            await pilot.press("b")

    import textual.screen as textual_screen

    with pytest.raises(RuntimeError, match="cannot draw this line"):
        asyncio.run(play())
