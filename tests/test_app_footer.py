"""The footer: the keys of what has focus, drawn by one widget just as Textual's Footer draws them.

Each look is checked against Textual's own Footer put in the footer's place on the same
screen: the same cells, characters and styles, key hovered or not, on the game's screens and
on a small app with what the game does not use yet (a group of keys, a dimmed key, a footer
too narrow for its keys, the roomy non-compact style).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from driving import started, sync
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import Footer, Label

from game.app.screens.main import MainScreen
from game.app.widgets.keys_footer import KeysFooter


def footer_of(screen) -> KeysFooter:
    return screen.query_one(KeysFooter)


def footer_text(screen) -> str:
    """The footer's line as the terminal shows it."""
    return "".join(char for char, _ in last_line(screen.app))


def last_line(app) -> list[tuple[str, object]]:
    """The screen's last line, each cell's character with its style, as the terminal shows it
    (without the offsets Textual's widgets note in their styles for selecting text: no look).
    Only that line is drawn, by the compositor's own code, not the whole screen."""
    compositor = app.screen._compositor
    bottom = compositor.size.height - 1
    chops = compositor._render_chops(Region(0, bottom, compositor.size.width, 1), bottom.__eq__)
    strip = Strip.join(part for part in chops[bottom].values() if part is not None)
    styles = [(segment, segment.style and segment.style.clear_meta_and_links()) for segment in strip]
    return [(char, style) for segment, style in styles for char in segment.text]


async def lines_hovered(pilot, footer, hovers: tuple[int, ...]) -> list[list[tuple[str, object]]]:
    """The last line with the mouse off the footer, then with it over each of ``hovers`` in turn
    (the mouse moving from key to key, as a player's does: a key left must go dark again)."""
    screen = pilot.app.screen
    await pilot.hover(screen, offset=(0, 0))
    await pilot.pause()
    lines = [last_line(pilot.app)]
    for x in hovers:
        await pilot.hover(footer, offset=(x, 0))
        await pilot.pause()
        lines.append(last_line(pilot.app))
    await pilot.hover(screen, offset=(0, 0))
    return lines


async def same_as_textual(pilot, *hovers: int, **options: Any) -> str:
    """Check that our footer draws as Textual's Footer put in its place on the same screen, at
    rest and hovered at each of ``hovers``; our footer's text at rest.

    Textual's Footer is mounted once for all of them (a Footer mounted per look cost the file
    most of its time: a widget per key, styled and laid out)."""
    screen = pilot.app.screen
    ours = footer_of(screen)
    mine = await lines_hovered(pilot, ours, hovers)
    ours.display = False
    theirs = Footer(compact=ours.compact, **options)
    await screen.mount(theirs)
    screen.refresh_bindings()  # the signal Textual's Footer draws its keys on
    await pilot.pause()
    await pilot.pause()
    textuals = await lines_hovered(pilot, theirs, hovers)
    await theirs.remove()
    ours.display = True
    await pilot.pause()
    for hover, line, textual in zip((None, *hovers), mine, textuals, strict=True):
        text = "".join(c for c, _ in line)
        assert line == textual, f"hovered at {hover}: {text!r} / Textual's {''.join(c for c, _ in textual)!r}"
    return "".join(c for c, _ in mine[0])


@sync
async def test_the_footer_follows_focus_and_is_not_redrawn_when_its_keys_stay(mini_world, tmp_path):
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
        keys = footer_of(main).keys
        await pilot.press("question_mark")  # a dialog over the screen, then back
        await pilot.pause()
        assert app.screen is not main and "Level" not in footer_text(app.screen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is main
        # the same keys as before the dialog: the very same records, not made again
        assert footer_of(main).keys is keys
        assert "Level" in footer_text(main)


@sync
async def test_the_games_footers_look_as_textuals_at_rest_and_hovered(mini_world, tmp_path):
    async with started(mini_world, tmp_path, scenario="test-run", seed=3) as pilot:
        app = pilot.app
        text = footer_text(app.screen)  # the lever list's keys, the palette's on the right
        assert "Level" in text and text.rstrip().endswith("palette")
        assert await same_as_textual(pilot, text.index("End turn"), text.rindex("palette")) == text
        await pilot.press("tab")
        await pilot.pause()
        assert "Level" not in await same_as_textual(pilot)
        await pilot.press("m")  # the Cartels screen's own keys
        await pilot.pause()
        assert "More columns" in await same_as_textual(pilot)
        await pilot.press("escape", "q")  # a dialog's keys
        await pilot.pause()
        await same_as_textual(pilot, 0)
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        await same_as_textual(pilot)
        assert app.is_running


class Keys(App[None]):
    """A small app with what the game's screens do not use yet: a group, a dimmed key, tooltips."""

    AUTO_FOCUS = None
    BINDINGS = [
        Binding("a", "press('a')", "Apples", tooltip="Pick an apple"),
        Binding("left", "move(-1)", "Left", group=Binding.Group("Move")),
        Binding("right", "move(1)", "Right", group=Binding.Group("Move")),
        Binding("up", "tilt(1)", "Up", group=Binding.Group("Tilt", compact=True)),
        Binding("down", "tilt(-1)", "Down", group=Binding.Group("Tilt", compact=True)),
        Binding("b", "press('b')", "Bananas (not now)"),
        Binding("c", "press('c')", "Cherries"),
        Binding("d", "press('d')", "Dates, dried and stoned, by the crate"),
    ]

    def __init__(self, compact: bool = True) -> None:
        super().__init__()
        self.compact = compact
        self.pressed: list[str] = []
        self.bells = 0

    def compose(self) -> ComposeResult:
        yield Label("fruit")
        yield KeysFooter(compact=self.compact)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if parameters == ("b",) else True  # b is shown dimmed: it cannot act now

    def action_press(self, what: str) -> None:
        self.pressed.append(what)

    def action_move(self, by: int) -> None:
        self.pressed.append(f"move {by}")

    def action_tilt(self, by: int) -> None:
        self.pressed.append(f"tilt {by}")

    def bell(self) -> None:
        self.bells += 1


@contextlib.asynccontextmanager
async def keys_app(width: int, compact: bool = True) -> AsyncIterator[tuple[Keys, KeysFooter, Any]]:
    """The small app running headless ``width`` columns wide: the app, its footer, the pilot."""
    app = Keys(compact)
    async with app.run_test(size=(width, 6)) as pilot:
        await pilot.pause()
        yield app, app.query_one(KeysFooter), pilot


@pytest.mark.parametrize("compact", [True, False])
@sync
async def test_groups_dimmed_keys_and_a_narrow_footer_look_as_textuals(compact):
    async with keys_app(150, compact) as (app, footer, pilot):
        text = footer_text(app.screen)
        assert "Move" in text and "Tilt" in text and "Bananas" in text
        words = [text.index(word) for word in ("Apples", "Bananas", "Tilt", "Move", "Dates", "palette")]
        gap = next(x for x in range(1, len(text)) if text[x] == " " and text[x - 1] != " ")
        assert await same_as_textual(pilot, *words, gap) == text  # a gap between keys: nothing lit
        await pilot.resize_terminal(60, 6)  # too narrow: the keys are cut before the palette's
        await pilot.pause()
        narrow = await same_as_textual(pilot)
        assert "Dates" not in narrow and "palette" in narrow


@sync
async def test_a_click_presses_the_key_a_dimmed_key_rings_and_the_hovered_key_says_its_tooltip():
    async with keys_app(150) as (app, footer, pilot):
        text = footer_text(app.screen)
        await pilot.click(footer, offset=(text.index("Apples"), 0))
        await pilot.click(footer, offset=(text.index("Cherries") - 2, 0))  # the key itself
        await pilot.click(footer, offset=(text.index("Apples") + len("Apples"), 0))  # a gap
        await pilot.pause()
        assert app.pressed == ["a", "c"] and app.bells == 0
        await pilot.click(footer, offset=(text.index("Bananas"), 0))
        await pilot.pause()
        assert app.pressed == ["a", "c"] and app.bells == 1  # dimmed: not pressed, the bell rings
        await pilot.click(footer, offset=(text.index("Tilt") - 2, 0))  # ↓, a key of the Tilt group
        await pilot.pause()
        assert app.pressed[-1] == "tilt -1"
        await pilot.hover(footer, offset=(text.index("Apples"), 0))
        assert footer.tooltip == "Pick an apple"
        await pilot.hover(footer, offset=(text.index("Cherries"), 0))
        assert footer.tooltip is None  # a key with no tooltip shows none
        await pilot.hover(footer, offset=(text.index("Tilt") - 2, 0))
        assert footer.tooltip == "Down"  # a group's key: its description as tooltip, as Textual's
        await pilot.hover(app.screen, offset=(0, 0))
        assert footer.tooltip is None


async def wheel(pilot, widget, down: int) -> None:
    """Turn the mouse wheel over the widget's fifth cell as a terminal reports it (Pilot has no wheel)."""
    x, y = widget.region.x + 5, widget.region.y
    kind = events.MouseScrollDown if down > 0 else events.MouseScrollUp
    pilot.app.post_message(kind(None, x, y, 0, down, 0, False, False, False, screen_x=x, screen_y=y))
    await pilot.pause()


@sync
async def test_the_wheel_scrolls_keys_that_do_not_fit_and_a_click_then_presses_what_is_shown():
    async with keys_app(60) as (app, footer, pilot):
        assert "Dates" not in footer_text(app.screen)
        for _ in range(30):  # far past the end: it stops at the last key
            await wheel(pilot, footer, 1)
        await pilot.pause()
        scrolled = footer_text(app.screen)
        # as Textual's Footer scrolls: to the keys' end, the palette's key still drawn over them
        assert "Dates, dried" in scrolled and "Apples" not in scrolled and "▏^p palette" in scrolled
        await pilot.click(footer, offset=(scrolled.index("Dates"), 0))
        await pilot.pause()
        assert app.pressed == ["d"]  # the key drawn there now, not the one that was there before
        for _ in range(30):
            await wheel(pilot, footer, -1)
        await pilot.pause()
        assert footer_text(app.screen).startswith("a Apples")
