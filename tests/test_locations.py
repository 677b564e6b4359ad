"""Where the game finds its content and keeps saves, mods and reports, checked out or installed."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import MINI, ROOT, write_pack

from game import locations
from game.content.packs import find_pack, with_dependencies


@pytest.fixture
def plain(monkeypatch):
    for name in ("BORDERLINE_CONTENT", "BORDERLINE_MODS", "BORDERLINE_SAVES", "BORDERLINE_REPORTS"):
        monkeypatch.delenv(name, raising=False)


def test_a_source_checkout_keeps_everything_at_its_top_wherever_the_game_starts(plain, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert locations.checkout() == ROOT
    assert locations.content_root() == ROOT / "content"
    assert locations.base_pack() == ROOT / "content" / "base"
    assert locations.saves_folder() == ROOT / "saves"
    assert locations.mods_folder() == ROOT / "mods"
    assert locations.reports_folder() == ROOT / "reports"


def test_an_installed_game_keeps_its_files_in_the_users_data_folder(plain, tmp_path, monkeypatch):
    monkeypatch.setattr(locations, "checkout", lambda: None)
    monkeypatch.setattr(locations, "user_data", lambda: tmp_path / "data")
    assert locations.saves_folder() == tmp_path / "data" / "saves"
    assert locations.mods_folder() == tmp_path / "data" / "mods"
    assert locations.reports_folder() == tmp_path / "data" / "reports"
    import game

    assert locations.content_root() == Path(game.__file__).resolve().parent / "bundled"


def test_the_users_data_folder_is_the_platforms_own():
    import platformdirs

    assert locations.user_data() == platformdirs.user_data_path("borderline", appauthor=False)


def test_environment_variables_override_every_folder(tmp_path, monkeypatch):
    for name, folder in (
        ("BORDERLINE_CONTENT", "c"),
        ("BORDERLINE_MODS", "m"),
        ("BORDERLINE_SAVES", "s"),
        ("BORDERLINE_REPORTS", "r"),
    ):
        monkeypatch.setenv(name, str(tmp_path / folder))
    assert locations.content_root() == tmp_path / "c"
    assert locations.base_pack() == tmp_path / "c" / "base"
    assert locations.mods_folder() == tmp_path / "m"
    assert locations.saves_folder() == tmp_path / "s"
    assert locations.reports_folder() == tmp_path / "r"
    assert locations.pack_roots() == [tmp_path / "c", tmp_path / "m"]


def test_moving_the_saves_folder_moves_the_reports_beside_it(plain, tmp_path, monkeypatch):
    monkeypatch.setenv("BORDERLINE_SAVES", str(tmp_path / "class7" / "saves"))
    assert locations.saves_folder() == tmp_path / "class7" / "saves"
    assert locations.reports_folder() == tmp_path / "class7" / "reports"
    monkeypatch.setenv("BORDERLINE_REPORTS", str(tmp_path / "elsewhere"))
    assert locations.reports_folder() == tmp_path / "elsewhere"


def test_bundled_packs_inside_a_zipped_install_are_copied_out_once(plain, tmp_path, monkeypatch):
    archive = tmp_path / "game.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("bundled/base/pack.toml", 'id = "base"\n')
        z.writestr("bundled/base/plans/p.toml", "[[step]]\n")
        z.writestr("bundled/base/README.md", "# base\n")
    monkeypatch.setattr(locations, "user_data", lambda: tmp_path / "data")
    target = tmp_path / "out"
    locations._copy_out(zipfile.Path(archive, "bundled/"), target)
    assert (target / "base" / "pack.toml").read_text() == 'id = "base"\n'
    assert (target / "base" / "plans" / "p.toml").is_file() and (target / "base" / "README.md").is_file()


def make_pack(folder: Path, pack_id: str, needs: tuple[str, ...] = ()) -> Path:
    return write_pack(folder, pack_id=pack_id, needs=needs, version="1.0")


def test_a_pack_is_found_by_its_id_even_in_a_folder_of_another_name(tmp_path):
    root = tmp_path / "mods"
    make_pack(root / "cartel_mod_v2", "cartels")
    assert find_pack("cartels", [root]) == root / "cartel_mod_v2"
    assert find_pack("nothing", [root]) is None


def test_a_pack_brings_its_dependencies_from_beside_it_then_from_the_mods_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("BORDERLINE_CONTENT", str(tmp_path / "bundled"))
    monkeypatch.setenv("BORDERLINE_MODS", str(tmp_path / "mods"))
    (tmp_path / "bundled").mkdir()
    (tmp_path / "bundled" / "mini").symlink_to(MINI)
    top = make_pack(tmp_path / "work" / "top", "top", ("middle",))
    make_pack(tmp_path / "mods" / "middle-1.0", "middle", ("mini",))
    found = with_dependencies(top)
    assert found == [top, tmp_path / "mods" / "middle-1.0", tmp_path / "bundled" / "mini"]


def test_the_wheel_lists_every_package_of_the_game_and_ships_content_as_game_bundled():
    import tomllib

    setup = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    on_disk = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "game").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    assert set(setup["packages"]) == on_disk | {"game.bundled"}
    assert setup["package-dir"] == {"game.bundled": "content"}
