"""Text read with the keyboard scrolls as far as the keys are pressed: a burst of ↓ (a held key's
autorepeat, or keys sent faster than the screen refreshes) moved the class briefing and the
debrief one line, not ten (a playtester, in tmux), as Textual counts each deferred scroll from
where the last one ended."""

from __future__ import annotations

import asyncio

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from game.app.widgets.reading import Reading


def scrolled_by_a_burst(kind: type[VerticalScroll], keys: list[str]) -> float:
    class Page(App[None]):
        def compose(self) -> ComposeResult:
            with kind(id="page"):
                yield Static("\n".join(f"line {i}" for i in range(300)))

        def on_mount(self) -> None:
            self.query_one("#page").focus()

    async def run() -> float:
        app = Page()
        async with app.run_test(size=(40, 12)) as pilot:
            for key in keys:  # all queued before the screen refreshes, as a held key's are
                app.post_message(events.Key(key, None))
            await pilot.pause(0.6)
            return app.query_one("#page").scroll_y

    return asyncio.run(run())


@pytest.mark.parametrize(("keys", "lines"), [(["down"] * 10, 10), (["pagedown"] * 3, 3 * 12)])
def test_a_burst_of_keys_scrolls_as_far_as_it_was_pressed(keys, lines):
    assert scrolled_by_a_burst(VerticalScroll, keys) < lines  # Textual's own: the burst is lost
    assert scrolled_by_a_burst(Reading, keys) == pytest.approx(lines, abs=1)
    assert scrolled_by_a_burst(Reading, [*keys, "up"]) == pytest.approx(lines - 1, abs=1)


def test_every_scrolling_text_of_the_game_reads_by_keys_as_pressed():
    """No screen or widget of the game uses Textual's VerticalScroll directly."""
    from pathlib import Path

    import game.app

    root = Path(game.app.__file__).parent
    direct = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "reading.py" and "VerticalScroll" in path.read_text()
    ]
    assert not direct, direct
