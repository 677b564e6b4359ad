"""Shared fixtures: where the test packs are, and a home of its own for everything the game writes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "content" / "base"
MINI = Path(__file__).resolve().parent / "packs" / "mini"


@pytest.fixture(scope="session", autouse=True)
def own_folders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Saves, mods and reports of the test run go to a temporary folder, never the checkout's."""
    home = tmp_path_factory.mktemp("home")
    names = {"BORDERLINE_SAVES": "saves", "BORDERLINE_MODS": "mods", "BORDERLINE_REPORTS": "reports"}
    before = {name: os.environ.get(name) for name in names}
    for name, folder in names.items():
        os.environ[name] = str(home / folder)
    yield home
    for name, value in before.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session", autouse=True)
def no_app_in_the_terminal() -> Iterator[None]:
    """A test that starts the game for real (not run_test or a headless snapshot) fails at once.

    Without a terminal such an app waits for input for ever, and the whole run hangs.
    """
    from textual.app import App

    real_run = App.run

    def run(self: App, *args: object, headless: bool = False, **kwargs: object) -> object:
        if not headless:
            name = type(self).__name__
            pytest.fail(f"a test started {name} in the terminal; use run_test() or mock run_app")
        return real_run(self, *args, headless=headless, **kwargs)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(App, "run", run)
        yield
