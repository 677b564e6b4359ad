"""The one way the game reads a file it did not write itself: packs, plans, saves, hashes.

A pack or a save may come from anyone, so a file is read only if it is a regular file,
inside the folder it belongs to, and not too big:

- anything that is not a regular file (a folder, a FIFO, a device such as /dev/zero, a
  socket) is refused before a byte is read, so nothing can block or stream forever;
- a symlink is followed only when it resolves inside the pack's own folder (``inside``);
  a file the user named on the command line has no such folder and may be a link;
- the file is opened without blocking and checked again through its open descriptor, so
  swapping it for a FIFO between the check and the open does not hang either;
- at most ``cap + 1`` bytes are ever read, so a huge or growing file costs ``cap`` bytes
  of memory, and a ``ReadBudget`` caps the bytes of a whole pack.

Every refusal is a ``FileRefused`` whose message says what the file is and what was
expected; callers turn it into their own error (a ContentError, a SaveError).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from game.limits import MAX_PACK_BYTES, MAX_PACK_FILES, MAX_PACK_FOLDER_DEPTH, describe_bytes

_CHUNK = 1024 * 1024
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once instead of waiting for a writer
    | getattr(os, "O_NOCTTY", 0)  # a terminal device never becomes our controlling terminal
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


class FileRefused(Exception):
    """A file that will not be read; the message says why, without the file's path.

    ``cause`` lets a caller word it its own way: "missing", "folder", "too big",
    "not regular", "outside", "budget" or "unreadable".
    """

    def __init__(self, reason: str, cause: str = "unreadable") -> None:
        super().__init__(reason)
        self.reason = reason
        self.cause = cause


@dataclass
class ReadBudget:
    """Bytes and files still allowed for one pack (or any group of files read together)."""

    bytes_left: int = MAX_PACK_BYTES
    files_left: int = MAX_PACK_FILES
    what: str = "a pack"

    def take(self, size: int) -> None:
        if size > self.bytes_left:
            raise FileRefused(
                f"{self.what} may hold at most {describe_bytes(MAX_PACK_BYTES)} of files in all, "
                "and this file goes over that",
                "budget",
            )
        self.bytes_left -= size


def _kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a directory (a folder), not a file"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a regular file"
    return "not a regular file"


def is_inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` (resolved, links and all) lies inside ``folder`` (resolved too)."""
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(folder))
    except ValueError:
        return False
    return True


def _check_link(path: Path, inside: Path | None) -> Path:
    """The path to open: the file itself, or where its links lead if that is allowed."""
    if inside is None:
        return path
    real = Path(os.path.realpath(path))
    if not is_inside(real, inside):
        if os.path.islink(path):
            raise FileRefused(
                "it is a link to a file outside its pack's folder, which a pack may not read", "outside"
            )
        raise FileRefused("it lies outside its pack's folder (through a linked folder)", "outside")
    return real


def read_limited(
    path: str | os.PathLike[str],
    cap: int,
    *,
    inside: Path | None = None,
    budget: ReadBudget | None = None,
    what: str = "file",
) -> bytes:
    """The bytes of a regular file of at most ``cap`` bytes; raise FileRefused otherwise.

    ``inside``: the folder the file must stay in (its pack), links included. ``budget``:
    the bytes left for the group the file belongs to. ``what`` names the file's kind in
    messages ("content file", "save").
    """
    target = _check_link(Path(path), inside)
    try:
        before = os.stat(target)
    except FileNotFoundError:
        if os.path.islink(target):
            raise FileRefused("it is a link to a file that does not exist", "missing") from None
        raise FileRefused("it does not exist", "missing") from None
    except PermissionError:
        raise FileRefused("permission denied") from None
    except OSError as exc:
        raise FileRefused(exc.strerror or str(exc)) from None
    if not stat.S_ISREG(before.st_mode):
        cause = "folder" if stat.S_ISDIR(before.st_mode) else "not regular"
        raise FileRefused(f"it is {_kind(before.st_mode)}", cause)
    if before.st_size > cap:
        raise FileRefused(
            f"it is {describe_bytes(before.st_size)}; a {what} may be at most {describe_bytes(cap)}",
            "too big",
        )
    try:
        fd = os.open(target, _OPEN_FLAGS)
    except PermissionError:
        raise FileRefused("permission denied") from None
    except OSError as exc:
        raise FileRefused(exc.strerror or str(exc)) from None
    try:
        now = os.fstat(fd)
        if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (before.st_dev, before.st_ino):
            raise FileRefused("it changed while being opened; try again")
        chunks: list[bytes] = []
        size = 0
        while size <= cap:
            chunk = os.read(fd, min(_CHUNK, cap + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise FileRefused(exc.strerror or str(exc)) from None
    finally:
        os.close(fd)
    if size > cap:
        raise FileRefused(
            f"it grew past {describe_bytes(cap)} while being read; a {what} may not be bigger", "too big"
        )
    if budget is not None:
        budget.take(size)
    return b"".join(chunks)


@dataclass(frozen=True)
class FolderProblem:
    """Something in a pack's folder that was skipped, and why."""

    path: Path
    reason: str


def walk_pack(
    folder: Path, suffix: str, skip_folders: frozenset[str] = frozenset()
) -> tuple[list[Path], list[FolderProblem]]:
    """Files ending in ``suffix`` below ``folder``, sorted, and what was skipped and why.

    Linked folders are never followed (a link could lead anywhere, or back up in a loop),
    folders deeper than MAX_PACK_FOLDER_DEPTH are not searched, and the search stops at
    MAX_PACK_FILES files. Folders named in ``skip_folders`` and hidden entries (names
    starting with a dot) are left out.
    """
    files: list[Path] = []
    problems: list[FolderProblem] = []
    todo: list[tuple[Path, int]] = [(folder, 0)]
    while todo:
        current, depth = todo.pop()
        try:
            with os.scandir(current) as entries:
                listed = [(entry.name, Path(entry.path), _entry_kind(entry)) for entry in entries]
        except OSError as exc:
            problems.append(FolderProblem(current, f"cannot list the folder: {exc.strerror or exc}"))
            continue
        for name, path, kind in listed:
            if name.startswith(".") or kind == "other":
                continue
            if kind == "linked folder":
                problems.append(
                    FolderProblem(path, "it is a link to a folder; a pack's folders must be real folders")
                )
            elif kind == "folder":
                if name in skip_folders:
                    continue
                if depth + 1 > MAX_PACK_FOLDER_DEPTH:
                    problems.append(
                        FolderProblem(path, f"folders are nested more than {MAX_PACK_FOLDER_DEPTH} deep")
                    )
                else:
                    todo.append((path, depth + 1))
            elif name.endswith(suffix):
                files.append(path)
                if len(files) > MAX_PACK_FILES:
                    problems.append(
                        FolderProblem(folder, f"the pack has more than {MAX_PACK_FILES} {suffix} files")
                    )
                    return sorted(files[:MAX_PACK_FILES]), problems
    return sorted(files), problems


def _entry_kind(entry: os.DirEntry[str]) -> str:
    """'folder', 'linked folder', 'file' (anything else with a name, links included) or 'other'."""
    try:
        if entry.is_dir(follow_symlinks=False):
            return "folder"
        if entry.is_symlink():
            return "linked folder" if entry.is_dir(follow_symlinks=True) else "file"
    except OSError:
        return "other"
    return "file"
