"""A save made on another kind of machine verifies: within the tolerance, never by weakening
tamper detection.

Another machine is simulated in two ways, never by skipping: a save's numbers moved a few
units in the last place with a foreign ``numerics`` key written into the file (as a machine
computing exp, log and power with other routines would save it), and, to measure the drift
that tolerance must cover, a world compiled and played with every exp, log and power result
one ulp off (tests/numerics_drift.py).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from driving import new_game, ready, resolve_turns, started, sync
from numerics_drift import one_ulp_off

from game import __version__
from game.cli import main
from game.content.loader import load_content
from game.engine import run_plan
from game.engine.numerics import numerics_key
from game.engine.world import compile_world
from game.saves import ReplayMismatch, load_save, save_game, write_save
from game.saves.replay import Difference, _diff, snapshot
from game.saves.verdict import TOLERANCE

BASE = Path(__file__).parent.parent / "content" / "base"
NOTE = "made on a machine that computes exp, log and power differently"


def foreign_key() -> dict[str, str]:
    """The key of a machine whose routines differ from this one's (numpy's own against the C
    library's, or the other way round), as its saves record it."""
    here = numerics_key()
    other = "C library" if here["routines"] == "numpy's own" else "numpy's own"
    return {**here, "routines": other, "numpy_bits": "0123456789abcdef"}


def ulps_off(value: float, ulps: int = 3) -> float:
    for _ in range(ulps):
        value = math.nextafter(value, math.inf)
    return value


def _each_float(tree: Any, change: Callable[[float], float]) -> Any:
    if isinstance(tree, dict):
        return {k: _each_float(v, change) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_each_float(v, change) for v in tree]
    return change(tree) if isinstance(tree, float) else tree


def edited(path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def drifted(doc: dict[str, Any]) -> None:
    """Every non-zero float of the saved state (stocks, indicators, their history) a few ulps
    off, as another machine's routines leave them (zeros are exact everywhere)."""
    state = doc["state"]
    for part in ("stocks", "indicators", "history"):
        state[part] = _each_float(state[part], lambda v: ulps_off(v) if v else v)


def keyed(key: dict[str, str] | None) -> Callable[[dict[str, Any]], None]:
    """The save's numerics set to ``key``; None: an old save, before saves recorded them."""

    def change(doc: dict[str, Any]) -> None:
        if key is None:
            del doc["numerics"]
            doc["version"] = 3
        else:
            doc["numerics"] = key

    return change


def one_part_in_a_million(doc: dict[str, Any]) -> None:
    """One indicator edited by 1e-6 relative: invisible on screen, far beyond any machine's drift."""
    indicators = doc["state"]["indicators"]
    name = next(k for k, v in sorted(indicators.items()) if isinstance(v, float) and v)
    indicators[name] *= 1 + 1e-6


@pytest.fixture
def saved(mini_world, tmp_path) -> Path:
    game = new_game(mini_world, seed=3)
    game.set_level("enforcement", 2)
    resolve_turns(game, 6)
    return save_game(game, "Ana", folder=tmp_path / "saves")


KEYS = {"this machine's": numerics_key, "another machine's": foreign_key, "no": lambda: None}


# --------------------------------------------------------------------------- load_save


def test_a_few_ulps_under_another_machines_key_verify_with_one_note(saved, mini_world):
    edited(saved, drifted)
    edited(saved, keyed(foreign_key()))
    loaded = load_save(saved, mini_world)
    assert loaded.differences == [] and loaded.checked > 100
    assert loaded.numerics_note is not None and NOTE in loaded.numerics_note
    assert f"to within {TOLERANCE:g}" in loaded.numerics_note
    assert not any("exp, log and power" in w for w in loaded.warnings)  # said once, as the note
    assert loaded.game.turn == 6


def test_the_same_ulps_under_this_machines_key_are_refused_as_before(saved, mini_world):
    edited(saved, drifted)
    with pytest.raises(ReplayMismatch) as caught:
        load_save(saved, mini_world)
    assert "does not give the state it recorded" in str(caught.value)
    assert "edited after it was saved, or the game's engine changed" in str(caught.value)
    assert len(caught.value.differences) > 10


@pytest.mark.parametrize("key", list(KEYS), ids=lambda k: f"{k} key")
def test_one_part_in_a_million_is_refused_under_any_key(saved, mini_world, key):
    edited(saved, drifted)
    edited(saved, one_part_in_a_million)
    edited(saved, keyed(KEYS[key]()))
    with pytest.raises(ReplayMismatch) as caught:
        load_save(saved, mini_world)
    assert "does not give the state it recorded" in str(caught.value)


@pytest.mark.parametrize(
    "structure",
    [
        lambda d: d["state"]["history"]["heavy_users"].pop(),  # a list of another length
        lambda d: d["state"]["indicators"].pop(sorted(d["state"]["indicators"])[0]),  # a key missing
        lambda d: d["state"].update(over=True),  # the game ended
        lambda d: d["log"][0]["decisions"][0].update(level=1),  # another decision
    ],
    ids=["shorter history", "missing indicator", "ending", "log"],
)
def test_under_another_machines_key_anything_but_drift_is_still_a_difference(saved, mini_world, structure):
    edited(saved, drifted)
    edited(saved, structure)
    edited(saved, keyed(foreign_key()))
    with pytest.raises(ReplayMismatch):
        load_save(saved, mini_world)


def test_an_old_save_without_the_field_still_loads(saved, mini_world):
    edited(saved, keyed(None))
    loaded = load_save(saved, mini_world)  # to the bit: nothing to say
    assert loaded.differences == [] and loaded.numerics_note is None
    edited(saved, drifted)  # its numerics are unknown, so drift is taken as another machine's
    loaded = load_save(saved, mini_world)
    assert loaded.differences == [] and loaded.numerics_note is not None


def test_a_save_records_this_machines_numerics(saved):
    doc = json.loads(saved.read_text(encoding="utf-8"))
    assert doc["version"] == 4 and doc["numerics"] == numerics_key()


# --------------------------------------------------------------------------- the three users


def test_replay_exits_0_naming_the_tolerance_and_1_under_this_machines_key(mini_as_base, tmp_path, capsys):
    path = tmp_path / "run.json"
    simulate = ["simulate", "--scenario", "test-run", "--seed", "7", "--save", str(path)]
    assert main([*simulate, "--out", os.devnull]) == 0
    edited(path, drifted)
    capsys.readouterr()
    assert main(["replay", str(path)]) == 1  # this machine's key: any difference is one
    out, err = capsys.readouterr()
    assert "does not give the state it recorded" in err and "the file was edited after it was saved" in err
    assert main(["replay", "--allow-mismatch", str(path)]) == 1
    out, err = capsys.readouterr()
    assert "the replay differs from the saved state in" in err and "matches" not in out
    edited(path, keyed(foreign_key()))
    assert main(["replay", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "matches the saved state to within the tolerance" in out and NOTE in out
    assert out.count(NOTE) == 1 and NOTE not in err and "exactly" not in out
    edited(path, one_part_in_a_million)
    assert main(["replay", str(path)]) == 1
    out, err = capsys.readouterr()
    assert f"agrees to within {TOLERANCE:g}, and this one does not" in err and "(1 difference;" in err
    assert main(["replay", "--allow-mismatch", str(path)]) == 1
    out, err = capsys.readouterr()
    assert "differs from the saved state in 1 value" in err and "matches" not in out


@sync
async def test_the_load_screen_opens_another_machines_save_without_asking(saved, mini_world, tmp_path):
    from game.app.screens.dialogs import ConfirmDialog
    from game.app.screens.load_game import load_in_background
    from game.app.screens.main import MainScreen

    edited(saved, drifted)
    mine = Path(str(saved).replace("Ana", "Ana mine"))
    mine.write_bytes(saved.read_bytes())  # the same drift under this machine's key
    edited(saved, keyed(foreign_key()))
    async with started(mini_world, tmp_path, autosave=False) as pilot:
        app = pilot.app
        load_in_background(app, mine)
        await ready(pilot)
        assert isinstance(app.screen, ConfirmDialog) and app.screen.question == "Load this save anyway?"
        await pilot.press("n")
        await ready(pilot)
        load_in_background(app, saved)
        await ready(pilot)
        assert isinstance(app.screen, MainScreen) and app.game is not None and app.game.turn == 6
        said = [n.message for n in app._notifications if NOTE in n.message]
        assert len(said) == 1 and f"to within {TOLERANCE:g}" in said[0]


def test_the_class_report_counts_another_machines_save_and_catches_edits(saved, mini_world, tmp_path):
    from game.classroom.class_files import class_markdown
    from game.classroom.report import collect

    edited(saved, drifted)
    edited(saved, keyed(foreign_key()))
    report = collect([saved], world=mini_world)
    assert report.not_counted == [] and [e.path for e in report.counted] == [saved]
    assert report.counted[0].other_machine
    md = class_markdown(report)
    assert "tampered" not in md and f"numbers within {TOLERANCE:g}: Ana" in md

    ben = saved.with_name("Ben.json")
    ben.write_bytes(saved.read_bytes())
    edited(ben, keyed(numerics_key()))  # the same drift, but this machine's numerics
    cara = saved.with_name("Cara.json")
    cara.write_bytes(saved.read_bytes())
    edited(cara, one_part_in_a_million)  # another machine's key, a number edited
    report = collect([saved.parent], world=mini_world)
    assert [e.path.name for e in report.counted] == ["Ana.json"]
    statuses = {r.path.name: r.status for r in report.not_counted}
    assert statuses == {"Ben.json": "tampered", "Cara.json": "tampered"}


# --------------------------------------------------------------------------- the drift measured


def test_a_machine_one_ulp_off_drifts_far_below_the_tolerance_and_its_save_verifies(
    base_world, tmp_path, monkeypatch
):
    """The base game's 40 quarters under a plan, played here and on a world whose exp, log and
    power are each one ulp off: every value a save records stays within a thousandth of the
    tolerance, and the other machine's save verifies here (refused under this machine's key)."""
    plan = BASE / "plans" / "kleiman_package.toml"
    here = run_plan(base_world, "both-sides", plan, seed=42, status_quo=False).game
    with one_ulp_off(monkeypatch) as routines:
        world = compile_world(load_content([BASE], __version__))
        there = run_plan(world, "both-sides", plan, seed=42, status_quo=False).game
        path = write_save(there, tmp_path / "there.json")
    assert all(r.calls for r in (routines[0], routines[2]))  # exp and power were both moved
    found: list[Difference] = []
    checked = _diff(snapshot(here).model_dump(), snapshot(there).model_dump(), "state", found)
    largest = max(d.size for d in found)
    assert len(found) > checked // 10  # the perturbation reached a good share of the state
    assert 0 < largest < TOLERANCE / 1000, f"drift {largest:.3g} over {len(found)} of {checked} values"
    with pytest.raises(ReplayMismatch):  # as it was written: this machine's key, so to the bit
        load_save(path, base_world)
    edited(path, keyed(foreign_key()))
    loaded = load_save(path, base_world)
    assert loaded.differences == [] and loaded.numerics_note is not None
