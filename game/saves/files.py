"""Where saves live, what their files are called, and writing them so a crash never costs one.

Writing is atomic: the bytes go to a temporary file in the same folder, are flushed and
fsynced, and only then renamed over the target, and the folder itself is fsynced so the
rename survives a power cut. A kill, a crash or a full disk at any moment leaves either
the old save or the new one, whole. Names a player types are reduced to a safe file name
inside the saves folder; nothing is ever written anywhere else.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from game.locations import saves_folder
from game.saves.errors import SaveError, SaveExists

SUFFIX = ".json"
AUTOSAVE_FOLDER = "autosaves"
AUTOSAVE_PATTERN = re.compile(r"^autosave-(\d{6,})(?:-([0-9a-z]{1,32}))?-(turn\d+|over)\.json$")
"""``autosave-<sequence>-<game>-turn<NN>.json``: the turn being played, or ``over`` for a finished
game. Autosaves written before games had ids have no ``-<game>`` part."""
KEEP_AUTOSAVES = 5  # per game
KEEP_GAMES = 12  # games whose autosaves are kept; an older game's go when a new game needs room
GAME_ID = re.compile(r"^[0-9a-z]{1,32}$")
LOCK_NAME = ".lock"
LOCK_WAIT_SECONDS = 10.0
"""How long an autosave waits for another game autosaving into the same folder."""
ORPHAN_SECONDS = 60.0
"""A temp file this old is left over from a save that was killed mid-write, and is removed."""
_TEMP = re.compile(r"^\..+\.[0-9a-f]{12}\.tmp$")
MAX_NAME_BYTES = 120  # well under the 255-byte limit of common file systems, with room for temp names
_ALLOWED_PUNCTUATION = set(" -_.,()+'")
_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    "CONIN$",
    "CONOUT$",
    *(f"COM{i}" for i in "0123456789¹²³"),
    *(f"LPT{i}" for i in "0123456789¹²³"),
}


def saves_dir(folder: str | os.PathLike[str] | None = None) -> Path:
    """The saves folder: the given one, else where ``game.locations`` keeps saves."""
    if folder is not None and str(folder) != "":
        return Path(folder)
    return saves_folder()


def safe_name(name: str) -> str:
    """A file stem made from what a player typed: no folders, no reserved characters or names.

    Letters and digits of any script, spaces and ``-_.,()+'`` are kept; anything else
    becomes ``_``; leading and trailing dots, spaces and dashes go; Windows device names
    get a ``_``; the result is cut to a length every file system accepts. Raise SaveError
    if nothing usable is left. ``renamed`` says what of this was done to a name.
    """
    return _made_safe(name)[0]


def renamed(name: str) -> str:
    """What ``safe_name`` did to ``name``, in words ("'/', ':' became _; the leading '..' went"),
    or "" where the name is kept as typed."""
    return "; ".join(_made_safe(name)[1])


def _made_safe(name: str) -> tuple[str, list[str]]:
    said: list[str] = []
    text = unicodedata.normalize("NFC", str(name)).strip()
    if text.lower().endswith(SUFFIX):
        text = text[: -len(SUFFIX)]
    replaced = sorted({ch for ch in text if not (ch.isalnum() or ch in _ALLOWED_PUNCTUATION or ch.isspace())})
    if replaced:
        said.append(f"{', '.join(repr(ch) for ch in replaced)}, which a file name cannot hold, became _")
    kept = "".join(ch if ch.isalnum() or ch in _ALLOWED_PUNCTUATION else "_" for ch in text)
    kept = re.sub(r"\s+", " ", kept)
    kept = re.sub(r"_{2,}", "_", kept)
    if kept.strip(" .-") != kept:
        lead, trail = kept[: len(kept) - len(kept.lstrip(" .-"))], kept[len(kept.rstrip(" .-")) :]
        ends = [
            f"the leading {lead.strip()!r}" if lead.strip() else "",
            f"the trailing {trail.strip()!r}" if trail.strip() else "",
        ]
        if any(ends):
            said.append(f"{' and '.join(e for e in ends if e)} went (a file name cannot start or end so)")
    kept = kept.strip(" .-")
    cut = kept.encode("utf-8")[:MAX_NAME_BYTES].decode("utf-8", "ignore")
    if cut != kept:
        said.append(f"it was cut to {len(cut)} characters")
    kept = cut.rstrip(" .-")
    if not kept.strip("_"):
        raise SaveError(f"{name!r} cannot be used as a save name: type a name with a letter or a digit in it")
    first = kept.split(".")[0].rstrip(" ").upper()
    if first in _WINDOWS_RESERVED:
        kept = kept[: len(first)] + "_" + kept[len(first) :]
        said.append(f"{first} is a device's name on Windows, so it got a _")
    return kept, said


def save_path(name: str, folder: str | os.PathLike[str] | None = None) -> Path:
    """Where a save of this name goes, guaranteed to be directly inside the saves folder."""
    base = saves_dir(folder)
    path = base / (safe_name(name) + SUFFIX)
    if path.parent != base or path.name in ("", ".", "..") or os.sep in path.name:
        raise SaveError(f"{name!r} cannot be used as a save name")  # unreachable by construction
    return path


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:  # some file systems cannot sync a folder; the rename is still atomic
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, *, overwrite: bool) -> None:
    """Write ``data`` to ``path`` so that any interruption leaves the old file or the new, whole.

    With ``overwrite=False`` an existing file is never replaced (SaveExists), even if it
    appears while writing. Raise SaveError on any failure, after removing the temp file.
    """
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SaveError(f"cannot create the saves folder {folder}: {exc.strerror or exc}") from None
    if not overwrite and path.exists():
        raise SaveExists(path, _exists_message(path))
    sweep_orphans(folder)
    tmp_name = ""
    try:
        candidate = str(folder / f".{path.name[:40]}.{secrets.token_hex(6)}.tmp")
        # os.open rather than mkstemp: the save gets the usual permissions (0o666 less the umask)
        fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        tmp_name = candidate
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp_name, path)
        else:
            _link_new(Path(tmp_name), path)
        tmp_name = ""
        _fsync_folder(folder)
    except OSError as exc:
        raise SaveError(
            f"cannot write the save {path}: {exc.strerror or exc}; any earlier save of that name is untouched"
        ) from None
    finally:
        if tmp_name:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def _link_new(tmp: Path, path: Path) -> None:
    """Give the finished temp file its name only if that name is still free."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise SaveExists(path, _exists_message(path)) from None
    except OSError:  # no hard links here (some network and FAT file systems)
        if path.exists():
            raise SaveExists(path, _exists_message(path)) from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)


def _exists_message(path: Path) -> str:
    return f"a save named {path.stem!r} already exists ({path}): choose another name or overwrite it"


def autosave_paths(folder: str | os.PathLike[str] | None = None) -> list[Path]:
    """Autosaves in the folder, newest first (by their sequence number, not the clock)."""
    return [path for _, _, _, path in _autosaves(folder)]


def _autosaves(folder: str | os.PathLike[str] | None) -> list[tuple[int, str, str, Path]]:
    """(sequence, game id or "", turn tag, path) of every autosave, newest first."""
    where = saves_dir(folder) / AUTOSAVE_FOLDER
    try:
        entries = list(where.iterdir())
    except OSError:
        return []
    found = [
        (int(m.group(1)), m.group(2) or "", m.group(3), p)
        for p in entries
        if (m := AUTOSAVE_PATTERN.match(p.name)) and p.is_file()
    ]
    return sorted(found, key=lambda t: t[0], reverse=True)


def autosave_game(path: Path) -> str:
    """The id of the game an autosave belongs to, from its file name ("" for autosaves without one)."""
    match = AUTOSAVE_PATTERN.match(path.name)
    return (match.group(2) or "") if match else ""


def autosave_tag(turn: int, over: bool) -> str:
    """The file name's place in the game: ``turn07`` while turn 7 is being played, ``over`` at the end."""
    return "over" if over else f"turn{turn:02d}"


def next_autosave_path(
    turn: int, folder: str | os.PathLike[str] | None = None, game_id: str = "", *, over: bool = False
) -> Path:
    """A new autosave's path: the next sequence number, the game's id and the turn being played."""
    existing = _autosaves(folder)
    last = existing[0][0] if existing else 0
    game = f"-{game_id}" if game_id else ""
    name = f"autosave-{last + 1:06d}{game}-{autosave_tag(turn, over)}{SUFFIX}"
    return saves_dir(folder) / AUTOSAVE_FOLDER / name


def prune_autosaves(
    folder: str | os.PathLike[str] | None = None,
    keep: int = KEEP_AUTOSAVES,
    *,
    newest: Path | None = None,
    keep_games: int = KEEP_GAMES,
) -> None:
    """Keep each game's newest ``keep`` autosaves, one per turn, and the autosaves of the newest
    ``keep_games`` games; ``newest`` (just written) replaces any older autosave of its game and turn.

    The autosaves folder is opened without following a link, and files are deleted by name
    inside that open folder: if ``autosaves`` is a link to somewhere else (or becomes one),
    nothing is pruned rather than deleting files in the folder it leads to. Only regular
    files are deleted.
    """
    where = saves_dir(folder) / AUTOSAVE_FOLDER
    try:
        fd = os.open(where, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError:  # missing, not a folder, or a link (ELOOP): leave it alone
        return
    try:
        if not stat.S_ISDIR(os.fstat(fd).st_mode) or os.path.islink(where):
            return
        by_fd = os.unlink in os.supports_dir_fd and os.listdir in os.supports_fd  # POSIX
        found = []
        for name in os.listdir(fd if by_fd else where):
            match = AUTOSAVE_PATTERN.match(name)
            if match is None:
                continue
            try:
                info = os.stat(name, dir_fd=fd, follow_symlinks=False) if by_fd else os.lstat(where / name)
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):
                found.append((int(match.group(1)), match.group(2) or "", match.group(3), name))
        for name in _to_prune(sorted(found, reverse=True), keep, keep_games, newest.name if newest else None):
            with contextlib.suppress(OSError):
                os.unlink(name, dir_fd=fd) if by_fd else os.unlink(where / name)
    finally:
        os.close(fd)


def _to_prune(
    found: list[tuple[int, str, str, str]], keep: int, keep_games: int, newest: str | None
) -> list[str]:
    """Names of autosaves to delete, from (sequence, game, turn tag, name) newest first."""
    latest_turn = next(((game, tag) for _, game, tag, name in found if name == newest), None)
    kept: dict[str, int] = {}
    games: list[str] = []
    doomed = []
    for _, game, tag, name in found:
        if game not in kept:
            games.append(game)
            kept[game] = 0
        # a game without an id (an old autosave, or one written without it) cannot be told from
        # another such game, so its autosaves are only counted, never replaced turn for turn
        replaced = bool(game) and name != newest and (game, tag) == latest_turn
        if replaced or kept[game] >= keep or games.index(game) >= keep_games:
            doomed.append(name)
        else:
            kept[game] += 1
    return doomed


def sweep_orphans(folder: Path, older_than: float = ORPHAN_SECONDS) -> None:
    """Remove temp files a save killed mid-write left behind, once they are ``older_than`` seconds.

    Only our own temp names (``.NAME.<12 hex digits>.tmp``), only regular files, never
    through a link; a temp file still being written by another game is younger than that.
    """
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if not _TEMP.match(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and now - info.st_mtime > older_than:
                os.unlink(entry.path)
        except OSError:
            continue


@contextlib.contextmanager
def autosave_lock(folder: str | os.PathLike[str] | None = None) -> Iterator[None]:
    """Hold the autosaves folder's lock, so games autosaving at once take turns to number theirs.

    Waits up to LOCK_WAIT_SECONDS for another game to finish, then raises SaveError. The
    lock is released when the block ends, or when the process dies.
    """
    where = saves_dir(folder) / AUTOSAVE_FOLDER
    try:
        where.mkdir(parents=True, exist_ok=True)
        fd = os.open(where / LOCK_NAME, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o666)
    except OSError as exc:
        raise SaveError(f"cannot autosave in {where}: {exc.strerror or exc}") from None
    try:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while not _try_lock(fd):
            if time.monotonic() > deadline:
                raise SaveError(
                    f"cannot autosave in {where}: another game has been autosaving there for "
                    f"{LOCK_WAIT_SECONDS:.0f} seconds; try again"
                )
            time.sleep(0.01)
        yield
    finally:
        os.close(fd)  # closing the file releases the lock


def _try_lock(fd: int) -> bool:
    """Take an exclusive lock on an open file without waiting; False if another process has it."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
