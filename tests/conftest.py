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
    """Saves, mods, reports and settings of the test run go to a temporary folder, never the checkout's."""
    home = tmp_path_factory.mktemp("home")
    names = {
        "BORDERLINE_SAVES": "saves",
        "BORDERLINE_MODS": "mods",
        "BORDERLINE_REPORTS": "reports",
        "BORDERLINE_SETTINGS": "settings.toml",
    }
    before = {name: os.environ.get(name) for name in names}
    for name, folder in names.items():
        os.environ[name] = str(home / folder)
    yield home
    for name, value in before.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
