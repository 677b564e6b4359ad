"""Pilot's waits for the app to settle, made short: ``install()`` replaces Textual's idle wait.

After every key and every ``pilot.pause()`` Textual's Pilot waits for "idle" by sleeping in
20 ms windows until one passes with the process under 5% busy (textual._wait.wait_for_idle):
about 1,700 waits a run of the app tests, each at least one whole window however little the
key changed, and polling all the while. Measured in one process at load 7 on test_app,
test_app_dialogs and test_app_play_fixes: 52.7 s wall and 21.5 s user with Textual's wait,
27.0 s and 15.1 s with this one.

The wait installed here asks the app itself whether it has settled, every 2 ms: no message
queued on the app, the screen or any widget, no callback waiting for the next refresh, no
layout, repaint or recompose pending, no animation running or scheduled, no resize waiting
on its debounce timer, and the process
quiet for the last window (a worker thread computing keeps it waiting, as Textual's does).
A test that waits for a worker's result still says so (``driving.ready``).

Installed once per process, by ``driving`` (imported by every app test module), it holds for
every Pilot in the process; a 1 s cap per wait stays as in Textual.
"""

from __future__ import annotations

import asyncio
import warnings
from time import monotonic, process_time

import textual.app
import textual.pilot

try:
    from textual._context import active_app
except ImportError:  # a Textual that moved it: its own wait stays (install() says so)
    active_app = None  # type: ignore[assignment]

# Textual's own wait, used instead wherever this Textual lacks what ``settled`` reads: the
# attributes are private and pyproject allows any Textual 8, so an update may rename them; it
# then costs the suite its speed, never its tests.
textual_wait = textual.pilot.wait_for_idle
_fallen_back = False

WINDOW = 0.002  # seconds a quiet window lasts
QUIET = WINDOW / 2  # processor seconds a window may use and still count as quiet


def settled() -> bool:
    """Whether the running app has nothing left to do that a test could see."""
    try:
        app = active_app.get()
    except LookupError:
        return True
    if app._closing or app._closed:  # it quit: nothing left to draw (its screen keeps its stale flags)
        return True
    if app.animator._animations or app.animator._scheduled:
        return False
    if app._resize_timer is not None or app._resize_event is not None:  # a resize, debounced
        return False
    screen = app.screen
    if (
        screen._layout_required
        or screen._scroll_required
        or screen._repaint_required
        or screen._recompose_required
        or screen._dirty_widgets
        or screen._callbacks
    ):
        return False
    pumps = [app, *screen.walk_children(with_self=True)]
    return all(pump._message_queue.empty() and not pump._next_callbacks for pump in pumps)


async def wait_until_settled(min_sleep: float = 0.0, max_sleep: float = 1.0) -> None:
    """textual._wait.wait_for_idle's signature and cap, ended as soon as the app has settled."""
    global _fallen_back
    if _fallen_back:
        await textual_wait(min_sleep, max_sleep)
        return
    start = monotonic()
    while True:
        busy = process_time()
        await asyncio.sleep(WINDOW)
        busy = process_time() - busy
        elapsed = monotonic() - start
        if elapsed >= max_sleep:
            return
        if elapsed > min_sleep and busy < QUIET:
            try:
                if settled():
                    return
            except AttributeError as missing:
                _fallen_back = True
                warnings.warn(
                    f"tests/pilot_waits.py: this Textual has no {missing.name!r}; Pilot waits as "
                    "Textual's own wait does from now on (slower, same results)",
                    stacklevel=2,
                )
                await textual_wait(min_sleep, max_sleep)
                return


def install() -> None:
    """Use ``wait_until_settled`` wherever Pilot waits for idle (pauses and key presses)."""
    if active_app is None:
        warnings.warn("tests/pilot_waits.py: no textual._context.active_app: Textual's wait", stacklevel=2)
        return
    textual.app.wait_for_idle = wait_until_settled  # App._press_keys, after each key
    textual.pilot.wait_for_idle = wait_until_settled  # Pilot.pause and the animation waits
