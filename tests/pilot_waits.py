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

Frames are drawn lazily: a headless app under test otherwise paints its screen (every dirty
widget's lines, cut and joined) at each tick of the screen's update timer, about four frames a
key, which the headless driver then throws away, and even one frame a settled state was a fifth
of the app tests' processor time. Here the screen notes that it owes a frame, and the frame is
drawn, by Textual's own code, when
- a screen the test has not seen drawn settles on top (each screen and dialog a test opens is
  drawn as it first appears; a dialog draws the screen beneath it too), and
- the test ends with the app still running (its last state is drawn before the app shuts down).
A widget that fails to draw in either of those states fails the test, as it would in a
terminal. The states in between, on the same screen, are not drawn: a test that reads the
screen draws what it reads itself (``render_strips``, ``export_screenshot``), and ``draw()``
draws the frame owed now for a test that wants one at a given moment.

The heap is set for many short-lived apps: each app started leaves tens of thousands of objects
in reference cycles, and Python's full collections, which walk every object alive, came about
once a test and took a third of the app tests' processor time. At the first wait in a process
(collection, imports and the session's worlds done) everything alive is frozen out of the
collector's walks (``gc.freeze``), and collections run a tenth as often (a young generation of
7,000 allocations, not 700): apps' garbage is still collected, ~10 MB more at the peak.

Installed once per process, by ``driving`` (imported by every app test module), it holds for
every Pilot in the process; a 1 s cap per wait stays as in Textual.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import warnings
import weakref
from collections.abc import Iterator
from time import monotonic, process_time
from typing import Any

import textual.app
import textual.pilot
import textual.screen

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

YOUNG = 7000  # allocations between collections of the youngest generation (Python's default: 700)
_heap_set = False


def set_heap() -> None:
    """Once per process: freeze what is alive now out of the collector's walks, collect less often."""
    global _heap_set
    if _heap_set:
        return
    _heap_set = True
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG, *gc.get_threshold()[1:])


paint = getattr(textual.screen.Screen, "_compositor_refresh", None)  # Textual's: draw the dirty regions
owed: weakref.WeakSet[Any] = weakref.WeakSet()  # screens whose frame waits to be drawn
drawn: weakref.WeakSet[Any] = weakref.WeakSet()  # screens drawn at least once on top


def defer_frame(screen: Any) -> None:
    """``Screen._compositor_refresh`` for a headless app's top screen: note the frame, draw it later.

    The compositor keeps its dirty regions until ``paint_owed`` draws them, all in one frame."""
    app = screen.app
    if not app.is_headless or app.is_inline or screen is not app.screen:
        paint(screen)
        return
    owed.add(screen)
    screen._dirty_widgets.clear()  # as paint does: their regions are in the compositor now
    app._update_mouse_over(screen)


def paint_owed(app: Any = None) -> None:
    """Draw the frame the app's top screen owes, if it owes one (``app``: the running app)."""
    if app is None:
        try:
            app = active_app.get()
        except LookupError:
            return
    screen = app.screen
    drawn.add(screen)
    if screen in owed and not (app._closing or app._closed):
        owed.discard(screen)
        paint(screen)


def draw(pilot: Any) -> None:
    """Draw the frame the pilot's app owes now: for a test that wants this very state drawn."""
    paint_owed(pilot.app)


def first_sight() -> bool:
    """Whether the running app's top screen has never been drawn on top: it is drawn once settled."""
    try:
        return active_app.get().screen not in drawn
    except LookupError:
        return False


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
    set_heap()
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
                    if not first_sight():
                        return
                    paint_owed()  # drawing may ask for more (a widget sized on its first draw)
                    if settled():
                        return
            except AttributeError as missing:
                _fallen_back = True
                textual.screen.Screen._compositor_refresh = paint  # frames as Textual draws them
                warnings.warn(
                    f"tests/pilot_waits.py: this Textual has no {missing.name!r}; Pilot waits as "
                    "Textual's own wait does from now on (slower, same results)",
                    stacklevel=2,
                )
                await textual_wait(min_sleep, max_sleep)
                return


textual_shutdown = textual.app.App._shutdown


async def shutdown(app: Any) -> None:
    """``App._shutdown``, first drawing the frame the app owes if it is still running (a test's end).

    A widget that fails to draw fails the test once the app has shut down, as Textual reports
    an app's own failures."""
    failure: BaseException | None = None
    if app._running and not (app._closing or app._closed) and not _fallen_back:
        try:
            if not settled():
                await wait_until_settled(0.0, 1.0)  # the last key's work, done (and drawn) first
            paint_owed(app)
        except Exception as error:  # noqa: BLE001 (re-raised once the app is down)
            failure = error
    await textual_shutdown(app)
    if failure is not None:
        raise failure


def install() -> None:
    """Use ``wait_until_settled`` wherever Pilot waits for idle (pauses and key presses)."""
    if active_app is None:
        warnings.warn("tests/pilot_waits.py: no textual._context.active_app: Textual's wait", stacklevel=2)
        return
    textual.app.wait_for_idle = wait_until_settled  # App._press_keys, after each key
    textual.pilot.wait_for_idle = wait_until_settled  # Pilot.pause and the animation waits
    if paint is not None and hasattr(textual.app.App, "_update_mouse_over"):
        textual.screen.Screen._compositor_refresh = defer_frame  # frames drawn when settled
        textual.app.App._shutdown = shutdown  # type: ignore[method-assign]  # ... and at the end


@contextlib.contextmanager
def as_textual() -> Iterator[None]:
    """Frames and waits as Textual does them, inside the block: each layout and paint when Textual
    asks for it, not one deferred frame once settled. For a test about what a sequence of layouts
    leaves on the screen: the deferred frame lays everything out afresh in one pass, which hides
    a widget kept at a size worked out in an earlier layout (the dashboard after the terminal
    shrinks kept its wrapped rows' height under the deferred frames' harness only in a terminal)."""
    global _fallen_back
    kept = _fallen_back, textual.screen.Screen._compositor_refresh
    if paint is not None:
        textual.screen.Screen._compositor_refresh = paint
    _fallen_back = True
    try:
        yield
    finally:
        _fallen_back, textual.screen.Screen._compositor_refresh = kept
