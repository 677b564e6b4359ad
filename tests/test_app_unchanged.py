"""A pane given new text lays the screen out again only when its size may change
(game/app/widgets/unchanged.py): the text shown is always the new one, and a pane whose text
takes more lines, or whose width follows its text, still grows."""

from __future__ import annotations

from driving import sync
from textual.app import App, ComposeResult
from textual.widgets import Static

from game.app.widgets import unchanged


class Panes(App[None]):
    CSS = """
    #fixed { height: 1; }
    #lines { height: auto; }
    #wide { width: auto; height: 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static("one", id="fixed")
        yield Static("one line", id="lines")
        yield Static("short", id="wide")


def shown(app: App[None]) -> list[str]:
    return [strip.text.rstrip() for strip in app.screen._compositor.render_strips()]


@sync
async def test_new_text_of_the_same_size_is_shown_without_a_layout_and_a_bigger_one_grows_the_pane():
    app = Panes()
    async with app.run_test(size=(30, 8)) as pilot:
        await pilot.pause()
        layouts: list[object] = []
        app.screen.screen_layout_refresh_signal.subscribe(app.screen, layouts.append)
        fixed, lines, wide = (app.query_one(f"#{name}", Static) for name in ("fixed", "lines", "wide"))

        assert unchanged.update(fixed, "two") and unchanged.update(lines, "another line")
        await pilot.pause()
        assert layouts == [], "text that keeps each pane's size needs no layout"
        assert shown(app)[:2] == ["two", "another line"]

        assert not unchanged.update(fixed, "two"), "the same text again is no change"

        assert unchanged.update(lines, "first\nsecond\nthird")
        await pilot.pause()
        assert layouts and lines.size.height == 3, "three lines need a layout"
        before = len(layouts)
        assert shown(app)[1:5] == ["first", "second", "third", "short"]

        assert unchanged.update(wide, "a good deal wider")
        await pilot.pause()
        assert len(layouts) > before and wide.size.width == len("a good deal wider")
        assert shown(app)[4] == "a good deal wider"
