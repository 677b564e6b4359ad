"""The tests' quick Pilot wait gives way to Textual's own where this Textual lacks what it reads."""

from __future__ import annotations

import asyncio

import pilot_waits
import pytest


def test_a_textual_without_the_attributes_read_gets_its_own_wait(monkeypatch):
    calls: list[tuple[float, float]] = []

    async def textual_wait(min_sleep: float, max_sleep: float) -> None:
        calls.append((min_sleep, max_sleep))

    def renamed() -> bool:
        raise AttributeError("'Screen' object has no attribute '_layout_required'", name="_layout_required")

    monkeypatch.setattr(pilot_waits, "textual_wait", textual_wait)
    monkeypatch.setattr(pilot_waits, "settled", renamed)
    monkeypatch.setattr(pilot_waits, "_fallen_back", False)
    with pytest.warns(UserWarning, match="_layout_required"):
        asyncio.run(pilot_waits.wait_until_settled(0.0, 1.0))
    asyncio.run(pilot_waits.wait_until_settled(0.0, 0.5))  # from then on, Textual's wait alone
    assert calls == [(0.0, 1.0), (0.0, 0.5)]
