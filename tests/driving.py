"""Driving the game's app in tests: make one, wait for it, press keys, or play turns through the engine.

Keys cost time (every press redraws the screen), so a test presses only the keys it is
about: it plays the turns before them with ``play_turns``, which resolves them through the
engine and redraws once, as a player would find the game after pressing e that many times.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator, Callable, Coroutine
from pathlib import Path
from typing import Any

import css_cache
import pilot_waits
from textual.pilot import Pilot

from game.app.app import BorderlineApp
from game.app.screens.dialogs import ConfirmDialog, DilemmaDialog, NewsDialog
from game.app.screens.main import StatusLine
from game.app.widgets.action_panel import ActionPanel
from game.engine import Dilemma, Game

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "content" / "base"
MINI = ROOT / "tests" / "packs" / "mini"
SIZE = (80, 24)
DILEMMA_SEED = 2  # test-run with seed 2 fires the massacre dilemma in its first turn, and no other news

pilot_waits.install()  # Pilot's waits end when the app has settled, not after 20 ms windows
css_cache.install()  # each piece of Textual CSS parsed once per process, not once per app


def sync(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async test to completion (no async plugin is required)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


def make_app(world: Any, tmp_path: Path, **kwargs: Any) -> BorderlineApp:
    """The app on ``world`` (None: it loads the mini pack itself), writing only into ``tmp_path``."""
    options: dict[str, Any] = dict(
        world=world, saves_folder=tmp_path, reports_folder=tmp_path, previews=False
    )
    options.update(batch_runs=20, cursor_blink=False)
    options.update(kwargs)
    return BorderlineApp([MINI], **options)


@contextlib.asynccontextmanager
async def started(
    world: Any, tmp_path: Path, *, size: tuple[int, int] = SIZE, **kwargs: Any
) -> AsyncIterator[Pilot[Any]]:
    """``make_app(world, tmp_path, **kwargs)`` running headless at ``size``, its start-up work done
    (with ``scenario=`` and ``seed=``, on the main screen of that new game)."""
    app = make_app(world, tmp_path, **kwargs)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        yield pilot


async def ready(pilot: Pilot[Any]) -> None:
    """Wait for background work, but not for a turn waiting on a dialog's answer."""
    app = pilot.app
    background = [w for w in app.workers if w.group != "turn"]
    if background:  # an empty list would mean "every worker"
        await app.workers.wait_for_complete(background)
    await pilot.pause()


def status(app: BorderlineApp) -> str:
    return str(app.screen.query_one(StatusLine).render())


async def highlight_action(pilot: Pilot[Any], action: str) -> None:
    panel = pilot.app.screen.query_one(ActionPanel)
    panel.focus()
    for _ in range(panel.option_count):
        if panel.highlighted_action == action:
            return
        await pilot.press("down")
    raise AssertionError(f"{action} is not on the action panel")


async def end_turn(pilot: Pilot[Any]) -> None:
    """Press e, answer whatever the turn brings up, and wait for the main screen again."""
    await pilot.press("e")
    await pilot.pause()
    await answer_whatever_pops_up(pilot)
    await ready(pilot)


async def answer_whatever_pops_up(pilot: Pilot[Any]) -> None:
    """Dismiss news, take the first choice of a dilemma, confirm the last turn."""
    for _ in range(6):
        screen = pilot.app.screen
        if isinstance(screen, DilemmaDialog | NewsDialog):
            await pilot.press("enter")
        elif isinstance(screen, ConfirmDialog):
            await pilot.press("y")
        else:
            return
        await pilot.pause()


async def end_turn_into_the_dilemma(pilot: Pilot[Any]) -> DilemmaDialog:
    """Press e in a game of DILEMMA_SEED's first turn: the massacre dilemma is asked."""
    await pilot.press("e")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, DilemmaDialog), (
        f"test-run with seed {DILEMMA_SEED} is known to fire the massacre dilemma in its first turn; "
        f"the screen shows {type(screen).__name__}"
    )
    return screen


def new_game(world: Any, seed: int = 3, scenario: str = "test-run") -> Game:
    """A game as the app starts one (a status-quo twin, dilemmas asked), for screens pushed on their own."""
    return Game(world, scenario, seed, status_quo=True, interactive=True)


def default_choice(dilemma: Dilemma) -> str:
    """The choice a dilemma takes when nobody chooses."""
    return next(c.id for c in dilemma.choices if c.default)


def resolve_turns(
    game: Game,
    turns: int,
    *,
    choose: Callable[[Dilemma], str] = default_choice,
    plan: Callable[[Game], None] | None = None,
    after: Callable[[Game], None] | None = None,
) -> Game:
    """Resolve ``turns`` turns through the engine, answering each dilemma with ``choose``.

    ``plan(game)`` runs before each turn, to change levels as a player would (``game.turn``
    is the number of turns played so far); ``after(game)`` runs after each turn's dilemmas.
    """
    for _ in range(turns):
        if plan is not None:
            plan(game)
        game.resolve_turn()
        for dilemma in list(game.pending_dilemmas):
            game.choose(dilemma.event, choose(dilemma))
        if after is not None:
            after(game)
    return game


async def play_turns(
    pilot: Pilot[Any],
    turns: int,
    *,
    choose: Callable[[Dilemma], str] = default_choice,
    plan: Callable[[Game], None] | None = None,
    autosave: bool = False,
) -> Game:
    """Play ``turns`` turns of the app's game through the engine, then redraw the screen once.

    With ``autosave`` the app autosaves after each turn, as it does when e is pressed.
    """
    app: Any = pilot.app
    game = app.game
    assert game is not None, "no game is open"
    resolve_turns(game, turns, choose=choose, plan=plan, after=app.autosave if autosave else None)
    app.screen.version += 1
    await ready(pilot)
    return game
