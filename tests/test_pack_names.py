"""A pack in the mods folder can be named from any folder, as MODDING.md's first steps do.

A playtester ran `borderline new-pack fentanyl_era` (which writes into the mods folder), then,
as the guide says, `borderline validate fentanyl_era` from their own folder, and was told
"fentanyl_era:1:1: no such file or folder".
"""

from __future__ import annotations

from conftest import base_mod

from game.cli import main


def test_validate_and_simulate_find_a_pack_and_its_plan_in_the_mods_folder(
    mods, tmp_path, monkeypatch, capsys
):
    world = '[parameter.my_number]\nvalue = 1.0\nunit = "index"\nsource = "illustrative: a test mod"\n'
    pack = base_mod(mods / "my_mod", {"world.toml": world})
    (pack / "plans").mkdir()
    (pack / "plans" / "nothing.toml").write_text('scenario = "both-sides"\n', encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)

    assert main(["validate", "my_mod"]) == 0, capsys.readouterr().err
    assert "packs in load order: base 0.1.0, my_mod 0.1.0" in capsys.readouterr().out
    assert main(["simulate", "--pack", "my_mod", "--plan", "my_mod/plans/nothing.toml", "--turns", "1"]) == 0
    capsys.readouterr()
    assert main(["validate", "not_a_pack"]) == 1
    said = capsys.readouterr().err
    assert f"not_a_pack:1:1: no such file or folder, here or in the mods folder ({mods})" in said


def test_a_pack_checked_without_the_base_game_is_told_how_the_game_loads_it(tmp_path, capsys):
    """A playtester's pack without a base dependency validated "ok" and then clashed with the
    base game in simulate: validate checks what it is given, and now says the game adds base."""
    pack = tmp_path / "alone"
    pack.mkdir()
    (pack / "pack.toml").write_text('id = "alone"\nname = "Alone"\nversion = "0.1.0"\n', encoding="utf-8")
    (pack / "w.toml").write_text('[parameter.p]\nvalue = 1.0\nunit = "x"\nsource = "illustrative"\n')
    assert main(["validate", str(pack)]) == 0
    said = capsys.readouterr().err
    assert "note: checked without the base game ('base'), which the game loads under every pack" in said
    assert f"content/base {pack}` checks them as the game loads them" in said
