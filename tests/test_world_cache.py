"""Packs loaded again with the same bytes give the world built before; any change loads afresh."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import MINI
from pydantic import BaseModel

from game import __version__
from game.content.errors import ContentErrors
from game.content.tomlpos import TomlDocument
from game.engine import World, load_world
from game.engine import loaded as loaded_worlds
from game.engine.frozen import FrozenDict, FrozenList


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    return folder


def budget_of(folder: Path) -> float:
    return load_world([folder]).parameters["us_budget"].value


def test_the_same_packs_load_once_and_a_changed_byte_loads_afresh(pack: Path) -> None:
    first = load_world([pack])
    assert load_world([str(pack) + "/"]) is first  # the same folder, however it is written
    world_file = pack / "world.toml"
    stat = world_file.stat()
    # the same length and modification time: only the bytes tell the change
    world_file.write_text(world_file.read_text().replace("value = 10.0", "value = 12.0", 1))
    os.utime(world_file, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert world_file.stat().st_size == stat.st_size
    changed = load_world([pack])
    assert changed is not first and changed.parameters["us_budget"].value == 12.0
    assert first.parameters["us_budget"].value == 10.0  # the world handed out before is untouched


def test_a_new_file_in_a_pack_loads_afresh(pack: Path) -> None:
    first = load_world([pack])
    (pack / "more.toml").write_text('[parameter.extra]\nvalue = 1.0\nsource = "illustrative"\n')
    again = load_world([pack])
    assert again is not first and "extra" in again.parameters


def test_broken_packs_are_reported_every_time(pack: Path) -> None:
    (pack / "broken.toml").write_text("[parameter.x\n")
    for _ in range(2):
        with pytest.raises(ContentErrors, match="broken.toml"):
            load_world([pack])


def test_another_working_folder_loads_afresh(pack: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a world's items name their files relative to the folder the game was started in
    first = load_world([pack])
    monkeypatch.chdir(pack)
    assert load_world([pack]) is not first


def test_a_file_changed_while_it_was_loaded_is_not_kept(pack: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    world_file = pack / "world.toml"
    real_key = loaded_worlds.content_key

    def key_then_edit(folders: list[Path], version: str) -> loaded_worlds.Key | None:
        key = real_key(folders, version)  # the bytes as they were, then a change before the load
        world_file.write_text(world_file.read_text().replace("value = 10.0", "value = 11.0", 1))
        return key

    monkeypatch.setattr(loaded_worlds, "content_key", key_then_edit)
    assert budget_of(pack) == 11.0
    monkeypatch.undo()
    world_file.write_text(world_file.read_text().replace("value = 11.0", "value = 10.0", 1))
    assert budget_of(pack) == 10.0  # not the world of 11.0 kept under the key of 10.0


def test_only_the_last_few_worlds_are_kept(tmp_path: Path) -> None:
    folders = []
    for index in range(loaded_worlds.KEPT + 1):
        folder = tmp_path / f"p{index}"
        shutil.copytree(MINI, folder)
        folders.append(folder)
    first = load_world([folders[0]])
    for folder in folders[1:]:
        load_world([folder])
    assert loaded_worlds.content_key([folders[0]], __version__) is not None
    assert load_world([folders[0]]) is not first  # the oldest was dropped


@pytest.mark.parametrize("edit", ["replace an entry", "write into an array", "add to a list"])
def test_a_kept_world_refuses_every_change_and_is_handed_out_intact(pack: Path, edit: str) -> None:
    first = load_world([pack])
    name = next(iter(first.fields))
    with pytest.raises((TypeError, ValueError), match="read-only"):
        if edit == "replace an entry":
            first.parameters["us_budget"] = first.parameters["quit_rate"]
        elif edit == "write into an array":
            first.fields[name][...] = first.fields[name] + 1.0
        else:
            first.stock_order.append("nothing")
    again = load_world([pack])
    assert again is first
    assert again.parameters["us_budget"].value == 10.0 and "nothing" not in again.stock_order


def test_everything_a_world_holds_is_read_only(mini_world: World) -> None:
    """Every dict, list, set and array reachable from a built world refuses a change, down through
    its dataclasses (content models and parsed files are frozen or kept as they are)."""
    seen: set[int] = set()
    stack: list[object] = [mini_world]
    kinds: set[str] = set()
    while stack:
        item = stack.pop()
        if id(item) in seen or isinstance(item, str | bytes | int | float | BaseModel | TomlDocument | None):
            continue
        seen.add(id(item))
        if isinstance(item, np.ndarray):
            assert not item.flags.writeable
            kinds.add("array")
        elif isinstance(item, dict):
            assert isinstance(item, FrozenDict), type(item)
            stack += [*item.keys(), *item.values()]
            kinds.add("dict")
        elif isinstance(item, list):
            assert isinstance(item, FrozenList)
            stack += item
            kinds.add("list")
        elif isinstance(item, set):
            raise AssertionError(f"a set in a world: {item!r}")
        elif isinstance(item, tuple | frozenset):
            stack += list(item)
        elif dataclasses.is_dataclass(item):
            stack += [getattr(item, f.name) for f in dataclasses.fields(item)]
    assert kinds == {"array", "dict", "list"}


def test_a_kept_world_whose_content_set_was_changed_is_not_handed_out_again(pack: Path) -> None:
    """The content set and its packs are plain dataclasses: an attribute set again is seen."""
    first = load_world([pack])
    first.content.warnings = [*first.content.warnings]
    again = load_world([pack])
    assert again is not first and load_world([pack]) is again


def test_threads_loading_the_same_packs_all_get_a_whole_world(pack: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        worlds = list(pool.map(lambda _: load_world([pack]), range(8)))
    assert all(w.parameters["us_budget"].value == 10.0 for w in worlds)
    assert load_world([pack]) in worlds  # and one of them is the one kept
