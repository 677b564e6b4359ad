"""Whatever bytes a save file holds, loading it gives a game or a SaveError, and never touches disk.

Random bytes, truncations, byte-level damage and field-level edits of real saves (a value
replaced by any JSON, a key deleted or added, a number nudged by one bit or blown up) are
thrown at the loader. Run more cases with BORDERLINE_FUZZ_EXAMPLES=20000.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.engine import Game, load_world, run_plan
from game.saves import LoadedSave, SaveError, load_save, save_game, write_save

pytestmark = [
    pytest.mark.slow,  # exhaustive: plain pytest skips it, .ci/run runs it
    # one xdist worker runs the module (--dist loadgroup): its real saves to damage are played once
    pytest.mark.xdist_group("saves_fuzz"),
]

MINI = Path(__file__).parent / "packs" / "mini"
EXAMPLES = int(os.environ.get("BORDERLINE_FUZZ_EXAMPLES", "120"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(["test-run", "enforcement", "treatment", "massacre", "deny", "crack_down", "mini"])
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@pytest.fixture(scope="module")
def world():
    return load_world([MINI])


@pytest.fixture(scope="module")
def saves(world, tmp_path_factory) -> list[bytes]:
    """Real saves to damage: a played game with a dilemma answered and a headless plan game."""
    folder = tmp_path_factory.mktemp("originals")
    game = Game(world, "test-run", seed=5, interactive=True, status_quo=True)
    game.set_level("enforcement", 2)
    for turn in range(1, 8):
        if turn == 3:
            game.set_level("treatment", 1)
        game.resolve_turn()
        for dilemma in list(game.pending_dilemmas):
            game.choose(dilemma.event, "crack_down")
    game.set_level("enforcement", 0)
    played = save_game(game, "played", folder=folder)
    planned = write_save(run_plan(world, "test-run", None, seed=3, turns=6).game, folder / "plan.json")
    return [played.read_bytes(), planned.read_bytes()]


@pytest.fixture(scope="module")
def target(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "fuzzed.json"


def load_only_cleanly(path: Path, data: bytes, world: Any) -> LoadedSave | None:
    """Load ``data`` from ``path``: a LoadedSave or None for a SaveError; nothing else may escape."""
    path.write_bytes(data)
    before = sorted(path.parent.iterdir())
    try:
        loaded = load_save(path, world)
    except SaveError as exc:
        assert str(path) in str(exc)
        loaded = None
    assert sorted(path.parent.iterdir()) == before and path.read_bytes() == data
    return loaded


@FUZZ
@given(data=st.binary(max_size=4096))
def test_random_bytes_give_only_save_errors(world, target, data):
    load_only_cleanly(target, data, world)


@FUZZ
@given(
    doc=st.dictionaries(st.text(max_size=12), json_values, max_size=8),
    version=st.one_of(st.integers(-3, 4), json_values),
)
def test_random_json_documents_give_only_save_errors(world, target, doc, version):
    doc = {**doc, "format": "borderline-save", "version": version}
    assert load_only_cleanly(target, json.dumps(doc).encode(), world) is None


@FUZZ
@given(which=st.integers(0, 1), cut=st.floats(0.0, 1.0))
def test_truncated_saves_give_only_save_errors(world, saves, target, which, cut):
    original = saves[which]
    keep = int(cut * (len(original) - 1))
    if not original[keep:].strip():
        keep = max(0, len(original.rstrip()) - 1)
    assert load_only_cleanly(target, original[:keep], world) is None


@FUZZ
@given(
    which=st.integers(0, 1),
    edits=st.lists(
        st.tuples(st.sampled_from(["flip", "set", "insert", "delete"]), st.floats(0, 1), st.integers(0, 255)),
        min_size=1,
        max_size=4,
    ),
)
def test_damaged_bytes_give_a_game_or_a_save_error(world, saves, target, which, edits):
    data = bytearray(saves[which])
    for kind, where, byte in edits:
        i = int(where * (len(data) - 1))
        if kind == "flip":
            data[i] ^= 1 << (byte % 8)
        elif kind == "set":
            data[i] = byte
        elif kind == "insert":
            data.insert(i, byte)
        else:
            del data[i]
    load_only_cleanly(target, bytes(data), world)


def _paths(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [here]
    if isinstance(value, dict):
        for key, inner in value.items():
            out += _paths(inner, (*here, key))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            out += _paths(inner, (*here, i))
    return out


def _nudged(value: Any, how: int) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if isinstance(value, int):
        return [value + 1, value - 1, -value, 2**64, 0, float(value)][how % 6]
    return [math.nextafter(value, math.inf), -value, value * 1e300, 0.0, -0.0, int(value)][how % 6]


@FUZZ
@given(
    which=st.integers(0, 1),
    pick=st.floats(0, 1),
    op=st.sampled_from(["replace", "delete", "add_key", "nudge", "duplicate"]),
    value=json_values,
    how=st.integers(0, 5),
)
def test_edited_fields_give_a_game_or_a_save_error(world, saves, target, which, pick, op, value, how):
    doc = json.loads(saves[which])
    paths = _paths(doc)[1:]
    path = paths[int(pick * (len(paths) - 1))]
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    if op == "replace":
        parent[key] = value
    elif op == "delete":
        del parent[key]
    elif op == "add_key":
        target_obj = parent[key] if isinstance(parent[key], dict) else parent
        if isinstance(target_obj, dict):
            target_obj["unexpected"] = value
    elif op == "nudge":
        parent[key] = _nudged(parent[key], how)
    elif isinstance(parent, list):
        parent.insert(key, parent[key])
    loaded = load_only_cleanly(target, json.dumps(doc).encode(), world)
    if loaded is not None:
        assert loaded.game.turn == doc["turn"]
