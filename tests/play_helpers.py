"""Helpers shared by the play lane's tests (issue 12): the screen's text, and turns played headless."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from game.engine import Game


def screen_lines(app: Any) -> list[str]:
    """The text of every line of the screen in view, as the terminal shows it."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def lines_over(app: Any, *widgets: Any) -> list[str]:
    """The text of the screen's lines across the widgets (the rectangle holding them all), as
    the terminal shows it: only the widgets there are drawn, not the whole screen."""
    crop = widgets[0].region.union(*(widget.region for widget in widgets[1:]))
    rows = range(crop.y, crop.bottom)
    chops = app.screen._compositor._render_chops(crop, rows.__contains__)
    return ["".join(strip.text for strip in chops[y].values() if strip is not None) for y in rows]


def play(game: Game, turns: int | None = None) -> Game:
    """Play ``turns`` turns (default: to the end), answering each dilemma with its default."""
    for _ in range(game.turns - game.turn if turns is None else turns):
        if game.is_over:
            break
        game.resolve_turn()
        for dilemma in list(game.pending_dilemmas):
            game.choose(dilemma.event, next(c.id for c in dilemma.choices if c.default))
    return game


async def scrolled_down(pilot: Any, pane: Any) -> None:
    """Scroll a pane to its end, waiting for the layout (on a busy machine it can lag a frame)."""
    for _ in range(20):
        pane.scroll_end(animate=False, immediate=True)
        await pilot.pause(0.05)
        if pane.scroll_y > 0:
            return
    raise AssertionError(f"{pane!r} did not scroll: is its content taller than it is?")


async def eventually(pilot: Any, condition: Callable[[], bool]) -> bool:
    """Whether ``condition`` holds within a few frames."""
    for _ in range(20):
        if condition():
            return True
        await pilot.pause(0.05)
    return condition()


def mini_mod(tmp_path: Path, text: str, name: str, file: str = "content.toml") -> Path:
    """A pack named ``name`` on top of the test world (tests/packs/mini) with ``text`` in one file."""
    folder = tmp_path / name
    folder.mkdir()
    (folder / "pack.toml").write_text(
        f'id = "{name}"\nname = "{name}"\nversion = "1.0"\ndependencies = [{{ id = "mini" }}]\n'
    )
    (folder / file).write_text(text)
    return folder
