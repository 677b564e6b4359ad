"""The order the suite's tests start in: the longest work first, so both xdist workers finish together.

Each run remembers how long every test took (setup, call and teardown), in pytest's own cache
(.pytest_cache), written once by the process that saw every report (xdist's controller, or
the only process under ``-n 0``). The next run sorts its collection by the time each unit of
work took last time, longest first: a unit is a module marked ``xdist_group`` (it runs whole
on one worker) or a single test. Starting the long ones first is what keeps one worker from
finishing alone on a minute-long test while the other sits idle. A test never timed before
counts as long if it is marked ``slow``, short otherwise; so a fresh clone starts the slow ones
first. Sorting changes only the order: every worker reads the same cache before any test runs
(xdist hands out no test until every worker has collected), so they all collect alike.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

CACHE_KEY = "borderline/durations"
UNTIMED_SLOW = 10.0  # seconds assumed for a slow test never timed: most take several seconds
UNTIMED = 0.5  # and for any other test never timed

_timed: dict[str, float] = defaultdict(float)


def group(item: pytest.Item) -> str | None:
    """The test's xdist group, if its module has one."""
    mark = item.get_closest_marker("xdist_group")
    return None if mark is None else str(mark.args[0] if mark.args else mark.kwargs.get("name", ""))


def unit(item: pytest.Item) -> str:
    """What one worker runs whole: the module's xdist group, or the test alone."""
    name = group(item)
    return item.nodeid if name is None else "group:" + name


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    cache = getattr(config, "cache", None)
    known: dict[str, float] = cache.get(CACHE_KEY, {}) if cache is not None else {}
    if not isinstance(known, dict):  # a damaged cache only loses the order
        known = {}
    length: dict[str, float] = defaultdict(float)
    for item in items:
        untimed = UNTIMED_SLOW if item.get_closest_marker("slow") is not None else UNTIMED
        # xdist reports a grouped test as NODEID@GROUP (it renames the items after this hook)
        name = group(item)
        timed = known.get(item.nodeid if name is None else f"{item.nodeid}@{name}", known.get(item.nodeid))
        length[unit(item)] += float(timed) if isinstance(timed, int | float) else untimed
    place = {id(item): index for index, item in enumerate(items)}
    items.sort(key=lambda item: (-length[unit(item)], unit(item), place[id(item)]))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _timed[report.nodeid] += report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    cache = getattr(config, "cache", None)
    if cache is None or hasattr(config, "workerinput") or not _timed:  # workers: the controller writes
        return
    known = cache.get(CACHE_KEY, {})
    known = dict(known) if isinstance(known, dict) else {}
    known.update({nodeid: round(seconds, 3) for nodeid, seconds in _timed.items()})
    cache.set(CACHE_KEY, known)
