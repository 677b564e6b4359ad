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
    """Frames are drawn lazily (pilot_waits.defer_frame), but the state a test ends in is drawn."""
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
            await pilot.press("a")  # nothing: the screen is drawn as it first settles, whole
            assert textual_screen.Screen in [type(s) for s in pilot_waits.drawn]
            await pilot.press("b")  # broken, on a screen already drawn: drawn when the test ends

    import textual.screen as textual_screen

    with pytest.raises(RuntimeError, match="cannot draw this line"):
        asyncio.run(play())


def test_a_dialog_that_fails_to_draw_fails_the_test_though_the_test_closed_it():
    """Each screen is drawn when it first settles on top, even one the test leaves at once."""
    from textual.app import App, ComposeResult
    from textual.screen import ModalScreen
    from textual.widget import Widget

    class Broken(Widget):
        def render_line(self, y: int):  # noqa: ANN201 (Strip)
            raise RuntimeError("cannot draw this dialog")

    class Dialog(ModalScreen[None]):
        BINDINGS = [("escape", "dismiss", "Close")]

        def compose(self) -> ComposeResult:
            yield Broken()

    class Small(App[None]):
        def key_d(self) -> None:
            self.push_screen(Dialog())

    pilot_waits.install()

    async def play() -> None:
        async with Small().run_test(size=(20, 4)) as pilot:
            await pilot.press("d")
            await pilot.press("escape")  # gone before the test ends: its frame was drawn on arrival

    with pytest.raises(RuntimeError, match="cannot draw this dialog"):
        asyncio.run(play())
