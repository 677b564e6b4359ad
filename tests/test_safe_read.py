"""The one safe reader: regular files only, links kept inside their pack, sizes capped."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from game.content import safe_read
from game.content.errors import ContentErrors
from game.content.loader import load_content
from game.content.safe_read import FileRefused, ReadBudget, read_limited, walk_pack
from game.limits import MAX_PACK_FILES, MAX_PACK_FOLDER_DEPTH

MINI = Path(__file__).parent / "packs" / "mini"
posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs, devices and links: POSIX here")


def refused(path: Path, cap: int = 1000, **kwargs: object) -> FileRefused:
    with pytest.raises(FileRefused) as caught:
        read_limited(path, cap, **kwargs)  # type: ignore[arg-type]
    return caught.value


def test_a_regular_file_is_read_whole(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_bytes(b"x = 1\n")
    assert read_limited(tmp_path / "a.toml", 6) == b"x = 1\n"


def test_a_file_over_the_cap_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    with open(big, "wb") as handle:  # sparse: 3 GB on paper, nothing on disk
        handle.truncate(3 * 1024**3)
    error = refused(big, cap=4 * 1024**2, what="content file")
    assert error.cause == "too big"
    assert "3.0 GB" in error.reason and "4.0 MB" in error.reason


@posix_only
def test_a_fifo_is_refused_at_once_instead_of_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pack.toml"
    os.mkfifo(fifo)
    outcome: list[BaseException | bytes] = []
    reader = threading.Thread(target=lambda: outcome.append(_try_read(fifo)), daemon=True)
    reader.start()
    reader.join(10)
    if reader.is_alive():  # unblock the reader so the test run can end, then fail
        with open(fifo, "wb"):
            pass
        pytest.fail("reading a FIFO blocked")
    [error] = outcome
    assert isinstance(error, FileRefused) and "named pipe" in error.reason


def _try_read(path: Path) -> BaseException | bytes:
    try:
        return read_limited(path, 1000)
    except FileRefused as exc:
        return exc


@posix_only
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_link_to_a_device_is_refused(tmp_path: Path, device: str) -> None:
    if not os.path.exists(device):
        pytest.skip(f"{device} does not exist here")
    link = tmp_path / "zero.toml"
    link.symlink_to(device)
    assert "device" in refused(link).reason


@posix_only
def test_a_link_out_of_the_pack_is_refused_and_its_target_never_read(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    secret = tmp_path / "secret.toml"
    secret.write_text("password = 'hunter2'\n")
    (pack / "steal.toml").symlink_to(secret)
    error = refused(pack / "steal.toml", inside=pack)
    assert error.cause == "outside" and "hunter2" not in error.reason
    assert read_limited(pack / "steal.toml", 1000) == secret.read_bytes()  # a file the user names may link


@posix_only
def test_a_link_inside_the_pack_is_followed(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    (pack / "shared").mkdir(parents=True)
    (pack / "shared" / "drugs.toml").write_text("x = 1\n")
    (pack / "drugs.toml").symlink_to(pack / "shared" / "drugs.toml")
    assert read_limited(pack / "drugs.toml", 1000, inside=pack) == b"x = 1\n"


@posix_only
def test_a_pack_folder_that_is_itself_a_link_still_reads_its_own_files(tmp_path: Path) -> None:
    linked = tmp_path / "linked"
    linked.symlink_to(MINI)
    assert read_limited(linked / "pack.toml", 10_000, inside=linked) == (MINI / "pack.toml").read_bytes()


def test_a_folder_and_a_missing_file_are_named_as_such(tmp_path: Path) -> None:
    assert refused(tmp_path).cause == "folder"
    assert refused(tmp_path / "nope.toml").cause == "missing"


def test_a_file_that_grows_past_the_cap_while_read_is_refused(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "growing.toml"
    path.write_bytes(b"x" * 10)
    real_read = os.read

    def grow(fd: int, size: int) -> bytes:  # the file is appended to after it was checked
        return real_read(fd, size) or (b"y" * size)

    monkeypatch.setattr(safe_read.os, "read", grow)
    assert refused(path, cap=100).cause == "too big"


def test_a_budget_caps_the_bytes_of_a_whole_pack(tmp_path: Path) -> None:
    for name in "abc":
        (tmp_path / f"{name}.toml").write_bytes(b"x" * 400)
    budget = ReadBudget(bytes_left=1000, what="the pack 'p'")
    read_limited(tmp_path / "a.toml", 500, budget=budget)
    read_limited(tmp_path / "b.toml", 500, budget=budget)
    with pytest.raises(FileRefused, match="the pack 'p' may hold at most"):
        read_limited(tmp_path / "c.toml", 500, budget=budget)


@posix_only
def test_the_walk_never_follows_a_linked_folder_or_loops(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    (pack / "sub").mkdir(parents=True)
    (pack / "sub" / "a.toml").write_text("")
    (pack / "sub" / "loop").symlink_to(pack)  # a link back up: following it would never end
    (pack / "etc").symlink_to("/etc")
    files, problems = walk_pack(pack, ".toml")
    assert files == [pack / "sub" / "a.toml"]
    assert sorted(p.path.name for p in problems) == ["etc", "loop"]
    assert all("link to a folder" in p.reason for p in problems)


def test_the_walk_stops_at_the_depth_and_file_limits(tmp_path: Path) -> None:
    deep = tmp_path / "pack"
    for _ in range(MAX_PACK_FOLDER_DEPTH + 2):
        deep = deep / "d"
    deep.mkdir(parents=True)
    (deep / "lost.toml").write_text("")
    files, problems = walk_pack(tmp_path / "pack", ".toml")
    assert files == [] and "nested more than" in problems[0].reason
    crowded = tmp_path / "crowded"
    crowded.mkdir()
    for i in range(MAX_PACK_FILES + 1):
        (crowded / f"f{i}.toml").touch()
    files, problems = walk_pack(crowded, ".toml")
    assert len(files) == MAX_PACK_FILES and f"more than {MAX_PACK_FILES}" in problems[0].reason


@posix_only
def test_a_pack_with_a_fifo_a_device_link_and_an_outside_link_loads_nothing_and_names_each(
    tmp_path: Path,
) -> None:
    pack = tmp_path / "mini"
    shutil.copytree(MINI, pack)
    os.mkfifo(pack / "fifo.toml")
    (pack / "zero.toml").symlink_to("/dev/zero")
    (pack / "passwd.toml").symlink_to("/etc/passwd")
    with pytest.raises(ContentErrors) as caught:
        load_content([pack], "0.1.0")
    text = str(caught.value)
    assert "fifo.toml:1:1: cannot read the file: it is a named pipe" in text
    assert "zero.toml:1:1: cannot read the file: it is a link to a file outside its pack" in text
    assert "passwd.toml:1:1: cannot read the file: it is a link to a file outside its pack" in text
    assert ":0:0:" not in text and "/bin/" not in text  # nothing of /etc/passwd is read or shown
