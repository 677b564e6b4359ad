"""Where things are: the bundled content, the mods folder, saves and reports. The one place that knows.

Two homes, told apart by where this package sits:

- A source checkout (``game/`` beside ``pyproject.toml`` and ``content/base/pack.toml``):
  everything lives in the checkout: ``content/``, ``mods/``, ``saves/`` and ``reports/``
  at its top, whatever folder the game is started from.
- Installed (a wheel, ``pip install .``, ``pipx``): the bundled content is the package's
  data (``game/bundled``, built from ``content/``), and mods, saves and reports go in the
  user's data folder (``platformdirs``: ``~/.local/share/borderline`` on Linux).

The player's settings (which mods are enabled, in what order; which hints of the first-game
guide were dismissed) are one small file beside them: ``settings.toml``.

Environment variables override either: ``BORDERLINE_CONTENT`` (the folder holding the
bundled packs), ``BORDERLINE_MODS``, ``BORDERLINE_SAVES`` (which moves ``reports`` with it,
beside it), ``BORDERLINE_REPORTS`` and ``BORDERLINE_SETTINGS`` (the settings file itself).
This module imports nothing of the game's layers; every layer may import it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

APP_NAME = "borderline"
CONTENT_ENV = "BORDERLINE_CONTENT"
MODS_ENV = "BORDERLINE_MODS"
SAVES_ENV = "BORDERLINE_SAVES"
REPORTS_ENV = "BORDERLINE_REPORTS"
SETTINGS_ENV = "BORDERLINE_SETTINGS"
BASE_PACK = "base"

_PACKAGE = Path(__file__).resolve().parent


def checkout() -> Path | None:
    """The top folder of the source checkout this package runs from, or None when installed."""
    top = _PACKAGE.parent
    if (top / "pyproject.toml").is_file() and (top / "content" / BASE_PACK / "pack.toml").is_file():
        return top
    return None


def user_data() -> Path:
    """The user's data folder for the game (where an installed game keeps mods, saves, reports)."""
    import platformdirs  # only installed games need it; keeps the checkout's start-up lean

    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def _overridden(variable: str) -> Path | None:
    value = os.environ.get(variable, "")
    return Path(value).expanduser() if value else None


def _home(name: str) -> Path:
    top = checkout()
    return top / name if top is not None else user_data() / name


def content_root() -> Path:
    """The folder holding the bundled packs (``base`` and any others shipped with the game)."""
    env = _overridden(CONTENT_ENV)
    if env is not None:
        return env
    top = checkout()
    if top is not None:
        return top / "content"
    return _bundled()


def base_pack() -> Path:
    """The base game's pack folder."""
    return content_root() / BASE_PACK


def default_packs(extra: Iterable[str | Path] = ()) -> list[Path]:
    """The packs a game loads: the base game, then any given on top of it (``--pack``)."""
    return [base_pack(), *(Path(p) for p in extra)]


def in_mods_folder(raw: str) -> str:
    """A path named on the command line; one that is not here but is under the mods folder (a
    pack's name as ``new-pack`` made it, or a file in it: ``fentanyl_era/plans/x.toml``) is
    taken from there, so a pack can be named from any folder."""
    if not raw or os.path.isabs(raw) or os.path.lexists(raw):
        return raw
    there = mods_folder() / raw
    return str(there) if os.path.lexists(there) else raw


def mods_folder() -> Path:
    """Where players put mod packs, one folder each."""
    return _overridden(MODS_ENV) or _home("mods")


def saves_folder() -> Path:
    """Where saves and the ``autosaves`` folder go."""
    return _overridden(SAVES_ENV) or _home("saves")


def reports_folder() -> Path:
    """Where exported debriefs and class reports go: ``reports`` beside the saves folder.

    A saves folder moved with ``BORDERLINE_SAVES`` takes the reports with it (a teacher who
    points saves at a shared drive finds the exports there too), unless ``BORDERLINE_REPORTS``
    says otherwise.
    """
    moved_saves = _overridden(SAVES_ENV)
    return _overridden(REPORTS_ENV) or (moved_saves.parent / "reports" if moved_saves else _home("reports"))


def settings_file() -> Path:
    """The player's settings: the mods enabled on the Mods screen and their order, and the
    first-game guide's dismissed hints (one TOML file, each part in its own table)."""
    return _overridden(SETTINGS_ENV) or _home("settings.toml")


def pack_roots() -> list[Path]:
    """The folders searched for a pack by its id: the bundled packs, then the mods folder."""
    return [content_root(), mods_folder()]


def _bundled() -> Path:
    """The bundled packs inside the installed package, as a real folder the loader can read."""
    from importlib.resources import files

    root = files("game").joinpath("bundled")
    if isinstance(root, Path):  # installed as files, as pip and pipx do
        return root
    # a zipped install (zipapp, egg): copy the packs out once, to a folder named by the version
    from game import __version__

    target = user_data() / "bundled" / __version__
    if not (target / BASE_PACK / "pack.toml").is_file():
        _copy_out(root, target)
    return target


def _copy_out(node: Traversable, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for child in node.iterdir():
        if child.is_dir():
            _copy_out(child, target / child.name)
        elif child.name.endswith((".toml", ".md")):
            (target / child.name).write_bytes(child.read_bytes())
