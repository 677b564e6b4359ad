"""Saves as a player and a teacher rely on them: a saved game comes back identical, to the bit,
bad files are refused with a clear message and change nothing, names never escape the saves
folder, different content is named and refused unless allowed, old formats still load."""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from game.engine import Game, load_world, run_plan
from game.engine.numerics import numerics_key
from game.saves import (
    LoadedSave,
    PackMismatch,
    ReplayMismatch,
    SaveError,
    SaveExists,
    autosave,
    latest_autosave,
    list_saves,
    load_save,
    save_game,
    saves_dir,
    write_save,
)
from game.saves.files import KEEP_AUTOSAVES, LOCK_NAME, renamed, safe_name

MINI = Path(__file__).parent / "packs" / "mini"


@pytest.fixture(scope="module")
def world():
    return load_world([MINI])


def _seed_with_early_massacre(world) -> int:
    """A seed whose massacre dilemma comes within the first turns, so games answer one."""
    for seed in range(200):
        game = Game(world, "test-run", seed=seed, interactive=True)
        for _ in range(4):
            game.resolve_turn()
            if game.pending_dilemmas:
                return seed
    raise AssertionError("no seed with an early massacre in the mini pack")


def play(world, turns: int = 8, seed: int | None = None) -> Game:
    """A game a player might have played: levels changed, a dilemma answered, a level pending."""
    seed = _seed_with_early_massacre(world) if seed is None else seed
    game = Game(world, "test-run", seed=seed, status_quo=True, interactive=True, pins={"quit_rate": 0.17})
    game.set_level("enforcement", 2)
    for turn in range(1, turns + 1):
        if turn == 5:
            game.set_level("treatment", 1)
        game.resolve_turn()
        for dilemma in list(game.pending_dilemmas):  # crack_down is not offered where it changes nothing
            offered = [c.id for c in dilemma.choices]
            game.choose(dilemma.event, "crack_down" if "crack_down" in offered else offered[0])
    game.set_level("enforcement", 0)
    return game


def bits(a: np.ndarray) -> bytes:
    return np.ascontiguousarray(a, dtype=np.float64).tobytes()


def assert_identical(a: Game, b: Game) -> None:
    """Two games agree on everything a player could see or the future could depend on, to the bit."""
    assert (a.scenario_id, a.seed, a.pins, a.turn, a.date()) == (
        b.scenario_id,
        b.seed,
        b.pins,
        b.turn,
        b.date(),
    )
    assert a.log == b.log and a.choices_made == b.choices_made and a.events_fired == b.events_fired
    assert a.pending == b.pending and [d.event for d in a.pending_dilemmas] == [
        d.event for d in b.pending_dilemmas
    ]
    assert a.ending_id == b.ending_id
    assert a.state_digest() == b.state_digest()
    names = set(a.world.indicators) | {s.capital for s in a.world.sides.values()}
    for name in names:
        assert bits(a.history(name)) == bits(b.history(name)), name
        if a.status_quo is not None and b.status_quo is not None:
            assert bits(a.status_quo.history(name)) == bits(b.status_quo.history(name)), name


def files_in(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------- round trips


def test_a_saved_game_comes_back_identical_to_the_bit(world, tmp_path):
    game = play(world)
    assert game.choices_made, "the test game should have answered a dilemma"
    path = save_game(game, "Tuesday class", folder=tmp_path)
    assert path == tmp_path / "Tuesday class.json"
    loaded = load_save(path, world)
    assert isinstance(loaded, LoadedSave) and loaded.warnings == [] and loaded.differences == []
    assert loaded.name == "Tuesday class" and loaded.checked > 100
    assert loaded.game.interactive and loaded.game.status_quo is not None
    assert_identical(game, loaded.game)


def test_continuing_a_loaded_game_is_the_same_as_never_stopping(world, tmp_path):
    game = play(world, turns=5)
    loaded = load_save(save_game(game, "midway", folder=tmp_path), world).game
    for g in (game, loaded):
        g.set_level("treatment", 0)
        while not g.is_over:
            g.resolve_turn()
            for dilemma in list(g.pending_dilemmas):
                g.choose(dilemma.event, "deny")
    assert_identical(game, loaded)
    assert game.debrief().score == loaded.debrief().score


def test_a_save_is_human_readable_and_floats_read_back_to_the_same_bits(world, tmp_path):
    game = play(world)
    text = save_game(game, "readable", folder=tmp_path).read_text(encoding="utf-8")
    doc = json.loads(text)
    assert doc["format"] == "borderline-save" and doc["version"] == 4
    assert doc["numerics"] == numerics_key()  # the routines that computed its numbers
    assert doc["scenario"] == "test-run" and doc["seed"] == game.seed and doc["pins"] == {"quit_rate": 0.17}
    assert doc["packs"][0]["id"] == "mini" and doc["packs"][0]["hash"].startswith("sha256:")
    assert set(doc["packs"][0]["files"]) == {"pack.toml", "world.toml"}
    assert {"action": "enforcement", "level": 2, "previous": 1} in doc["log"][0]["decisions"]
    assert doc["pending"] == {"enforcement": 0}
    assert "\n  " in text and '"heavy_users": [' in text  # indented, series on one line
    history = game.history("heavy_users")[:, 0]
    assert bits(np.array(doc["state"]["history"]["heavy_users"])) == bits(history)


def test_a_headless_plan_game_saves_and_continues_interactively(world, tmp_path):
    seed = _seed_with_early_massacre(world)
    result = run_plan(world, "test-run", None, seed=seed, turns=4, status_quo=False)
    path = write_save(result.game, tmp_path / "plan.json")
    loaded = load_save(path, world)
    assert_identical(result.game, loaded.game)
    game = loaded.game
    for _ in range(6):  # now a player: dilemmas wait for an answer
        game.resolve_turn()
        for dilemma in list(game.pending_dilemmas):
            game.choose(dilemma.event, "deny")
    again = load_save(save_game(game, "continued", folder=tmp_path), world)
    assert_identical(game, again.game)


def test_games_past_an_ending_replay_as_they_were_played(world, tmp_path):
    # initiation = 3 is ten times the top of its range: a collapse, allowed on purpose
    pins = {"initiation": 3.0}
    headless = run_plan(
        world, "test-run", None, seed=1, pins=pins, status_quo=False, allow_out_of_range=True
    ).game
    assert headless.ending_id == ["collapse"] and int(headless.ended_turn[0, 0]) < headless.turn == 12
    path = write_save(headless, tmp_path / "collapse.json")
    with pytest.raises(SaveError, match="pins parameter initiation = 3 lies outside the range"):
        load_save(path, world)
    loaded = load_save(path, world, allow_out_of_range=True)
    assert_identical(headless, loaded.game)
    player = Game(
        world, "test-run", seed=1, pins=pins, interactive=True, status_quo=True, allow_out_of_range=True
    )
    while not player.is_over:  # an interactive game stops at the ending
        player.resolve_turn()
        for dilemma in list(player.pending_dilemmas):
            player.choose(dilemma.event, "deny")
    again = load_save(save_game(player, "fallen", folder=tmp_path), world, allow_out_of_range=True).game
    assert_identical(player, again)
    assert again.is_over and again.turn < 12 and again.ending is not None


def test_a_game_waiting_for_a_dilemma_answer_is_saved_waiting(world, tmp_path):
    game = Game(world, "test-run", seed=_seed_with_early_massacre(world), interactive=True, status_quo=True)
    while not game.pending_dilemmas:
        game.resolve_turn()
    loaded = load_save(save_game(game, "waiting", folder=tmp_path), world).game
    assert [d.event for d in loaded.pending_dilemmas] == ["massacre"]
    loaded.choose("massacre", "deny")
    loaded.resolve_turn()


def test_only_single_run_games_can_be_saved(world, tmp_path):
    game = Game(world, "test-run", seed=1, runs=3)
    with pytest.raises(SaveError, match="single-run"):
        save_game(game, "batch", folder=tmp_path)
    assert not any(tmp_path.iterdir())


# --------------------------------------------------------------------------- writing


def test_an_existing_save_is_only_replaced_when_asked(world, tmp_path):
    first = play(world, turns=2)
    path = save_game(first, "mine", folder=tmp_path)
    before = path.read_bytes()
    with pytest.raises(SaveExists, match="already exists"):
        save_game(play(world, turns=3), "mine", folder=tmp_path)
    assert path.read_bytes() == before
    save_game(play(world, turns=3), "mine", folder=tmp_path, overwrite=True)
    assert load_save(path, world).game.turn == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.json"]  # no temp files left


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_failure_mid_write_keeps_the_old_save_and_leaves_no_litter(world, tmp_path, monkeypatch, failing):
    path = save_game(play(world, turns=2), "precious", folder=tmp_path)
    before = path.read_bytes()

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, failing, disk_full)
    with pytest.raises(SaveError, match="No space left on device.*untouched"):
        save_game(play(world, turns=4), "precious", folder=tmp_path, overwrite=True)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["precious.json"]
    assert load_save(path, world).game.turn == 2


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_save_gets_the_usual_file_permissions_not_a_temp_files(world, tmp_path):
    old = os.umask(0o022)
    try:
        path = save_game(play(world, turns=1), "shared with the class", folder=tmp_path)
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644


HOSTILE = [
    "../x",
    "../../../../../../tmp/escaped",
    "/etc/passwd",
    "C:\\Windows\\system32\\x",
    "\\\\server\\share\\x",
    "a/b/c",
    "./.hidden",
    "x" * 1000,
    "é" * 400,
    "日本語のセーブ" * 40,
    "CON",
    "con.txt",
    "Lpt1",
    "nul .json",
    "COM¹",
    'a<b>c:d"e|f?g*h',
    "name\x00with\x01controls\n\t",
    "\u202etxt.exe",
    "-rf",
    "trailing dots...",
    "save.json",
    "~/x",
    "$HOME",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_never_write_outside_the_saves_folder(world, tmp_path, name):
    folder = tmp_path / "deep" / "saves"
    game = play(world, turns=1)
    path = save_game(game, name, folder=folder)
    assert path.parent == folder and path.resolve().parent == folder.resolve()
    assert path.suffix == ".json" and not path.name.startswith((".", "-"))
    assert len(path.name.encode("utf-8")) <= 130
    assert path.stem.split(".")[0].strip().upper() not in {"CON", "PRN", "AUX", "NUL", "LPT1", "COM¹"}
    assert all(ch.isprintable() and ch not in '<>:"/\\|?*' for ch in path.name)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [path]
    shown = " ".join(name.replace("\x00", "").replace("\x01", "").replace("\u202e", "").split())
    assert load_save(path, world).name == shown  # control characters never reach the file


@pytest.mark.parametrize(
    "name", ["", "   ", ".", "..", "...", "/", "../", "..\\..", "\x00", "<>|", ".json", "_"]
)
def test_names_with_nothing_usable_are_refused_clearly(world, tmp_path, name):
    with pytest.raises(SaveError, match="type a name with a letter or a digit"):
        save_game(play(world, turns=1), name, folder=tmp_path)
    assert not any(tmp_path.iterdir())


def test_safe_names_keep_what_a_player_typed_when_it_is_harmless():
    assert safe_name("Tuesday class (group 2)") == "Tuesday class (group 2)"
    assert safe_name("Ciudad Juárez, 2012") == "Ciudad Juárez, 2012"
    assert safe_name("../x") == "_x"
    assert safe_name("CON") == "CON_"


def test_a_name_changed_to_be_a_file_name_says_each_change():
    # the game said "characters a file name cannot hold became _" where a leading '..' had also gone
    assert safe_name("../mid:game") == "_mid_game"
    said = renamed("../mid:game")
    assert "'/', ':', which a file name cannot hold, became _" in said and "the leading '..' went" in said
    said = renamed("- x .")
    assert said == "the leading '-' and the trailing '.' went (a file name cannot start or end so)"
    assert renamed("CON") == "CON is a device's name on Windows, so it got a _"
    assert renamed("Ciudad Juárez, 2012") == renamed("Tuesday class.json") == ""


def test_the_saves_folder_is_the_option_then_the_environment_then_the_checkouts_saves(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # wherever the game is started from
    monkeypatch.delenv("BORDERLINE_SAVES", raising=False)
    assert saves_dir() == Path(__file__).resolve().parent.parent / "saves"
    monkeypatch.setenv("BORDERLINE_SAVES", str(tmp_path / "env"))
    assert saves_dir() == tmp_path / "env"
    assert saves_dir(tmp_path / "option") == tmp_path / "option"


# --------------------------------------------------------------------------- autosaves and listing


def test_autosaves_keep_the_last_few_and_continue_takes_the_newest_that_loads(world, tmp_path):
    game = Game(world, "test-run", seed=2, interactive=True, status_quo=True)
    written = []
    for _ in range(KEEP_AUTOSAVES + 3):
        game.resolve_turn()
        for dilemma in list(game.pending_dilemmas):
            game.choose(dilemma.event, "deny")
        written.append(autosave(game, tmp_path))
    kept = sorted(p for p in (tmp_path / "autosaves").iterdir() if p.name != LOCK_NAME)
    assert kept == sorted(written[-KEEP_AUTOSAVES:])
    assert latest_autosave(tmp_path, world) == written[-1]
    written[-1].write_bytes(written[-1].read_bytes()[:200])  # the newest is damaged
    assert latest_autosave(tmp_path, world) == written[-2]
    assert load_save(written[-2], world).game.turn == KEEP_AUTOSAVES + 2
    assert latest_autosave(tmp_path / "nothing-here") is None


def test_the_load_list_shows_saves_autosaves_and_why_a_file_cannot_load(world, tmp_path):
    game = play(world, turns=3)
    save_game(game, "good one", folder=tmp_path)
    autosave(game, tmp_path)
    (tmp_path / "broken.json").write_text('{"format": "borderline-save", "version": 1, "scen')
    (tmp_path / ".good one.json.abc123.tmp").write_text("half a save")  # left by a crash
    (tmp_path / "notes.txt").write_text("not a save")
    infos = {i.path.name: i for i in list_saves(tmp_path)}
    [auto] = (tmp_path / "autosaves").glob("autosave-*")
    assert set(infos) == {"good one.json", "broken.json", auto.name}
    good = infos["good one.json"]
    assert (good.name, good.scenario, good.turn, good.date, good.error) == (
        "good one",
        "test-run",
        3,
        "2012Q3",
        None,
    )
    assert good.modified > 0 and not good.autosave
    assert good.seed == game.seed and good.players == ()  # two games' autosaves told apart by it
    assert "cut short" in infos["broken.json"].error
    assert sum(i.autosave for i in infos.values()) == 1
    assert list_saves(tmp_path / "missing") == []


# --------------------------------------------------------------------------- bad files


@pytest.fixture
def good_save(world, tmp_path) -> Path:
    return save_game(play(world), "good", folder=tmp_path)


def edited(path: Path, change) -> Path:
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    out = path.with_name("edited.json")
    out.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    return out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\xff\xfe\x00garbage", "not UTF-8 text"),
        (b"[1, 2, 3]", "not a Borderline save"),
        (b'{"name": "package", "version": "1.0.0"}', "not a Borderline save"),
        (b"title = 'a TOML file'", "not valid JSON"),
        (b"[" * 100_000, "nested too deeply|cut short"),
        (b'{"format": "borderline-save", "version": 1, "seed": NaN}', "not a number a save can hold"),
        (b'{"format": "borderline-save", "version": 1, "seed": 1e999}', "too large"),
        (b'{"format": "borderline-save", "format": "borderline-save"}', "appears twice"),
        (b'{"format": "borderline-save", "version": 9}', "newer version of Borderline.*update the game"),
        (b'{"format": "borderline-save", "version": "1"}', "not a format version number"),
        (b'{"format": "borderline-save", "version": 1}', r"edited.*scenario: missing \(it is required\)"),
    ],
)
def test_bad_files_get_a_clear_message_and_change_nothing(world, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    before = files_in(tmp_path)
    with pytest.raises(SaveError, match=message) as caught:
        load_save(path, world)
    assert str(path) in str(caught.value)
    assert files_in(tmp_path) == before


def test_a_missing_file_or_a_folder_is_named(world, tmp_path):
    with pytest.raises(SaveError, match="no such save"):
        load_save(tmp_path / "nope.json", world)
    with pytest.raises(SaveError, match="a folder, not a save"):
        load_save(tmp_path, world)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(seed=-1), "seed: must be 0 or more, got -1"),
        (lambda d: d.update(scenario="nowhere"), "unknown scenario 'nowhere'"),
        (lambda d: d["log"][0]["decisions"][0].update(level=99), "enforcement has levels 0 to 2"),
        (lambda d: d["log"][0]["decisions"][0].update(action="enforcment"), 'did you mean "enforcement"'),
        (lambda d: d["log"].reverse(), "each turn once, in order"),
        (lambda d: d["pins"].update(quit_rate="fast"), 'pins.quit_rate: must be a number, got the text "fa'),
        (lambda d: d["pins"].update(nothing=1.0), "unknown parameter 'nothing'"),
        (lambda d: d.update(turn=99), "the game is over"),
        (lambda d: d.update(extra="key"), r"extra: not a field of a save \(it may have been edited"),
        (lambda d: d["state"]["stocks"].update(violence=1.0), "state.stocks.violence: saved 1.0, replayed"),
        (lambda d: d["state"]["history"]["heavy_users"].pop(), "state.history.heavy_users: 8 entries"),
        (lambda d: d["log"][0]["decisions"][0].update(previous=0), r"log\[0\].decisions\[0\].previous"),
        (lambda d: d.update(date="1999Q1"), "date: saved '1999Q1'"),
        (lambda d: d.update(numerics="AVX-512"), r'numerics: must be an object \(\{\.\.\.\}\), got the t'),
        (lambda d: d["numerics"].update(routines=1), r"numerics\.routines: must be a string, got the wh"),
    ],
)
def test_bad_edits_are_caught_and_explained(good_save, world, change, message):
    path = edited(good_save, change)
    before = files_in(path.parent)
    with pytest.raises(SaveError, match=message):
        load_save(path, world)
    assert files_in(path.parent) == before


def test_a_changed_number_in_the_snapshot_is_a_replay_mismatch_that_can_be_overridden(good_save, world):
    def nudge(doc):
        value = doc["state"]["indicators"]["revenue"]
        doc["state"]["indicators"]["revenue"] = float(np.nextafter(value, np.inf))  # one bit

    path = edited(good_save, nudge)
    with pytest.raises(ReplayMismatch) as caught:
        load_save(path, world)
    assert caught.value.differences == [
        next(line for line in caught.value.differences if line.startswith("state.indicators.revenue"))
    ]
    loaded = load_save(path, world, allow_pack_mismatch=True)
    assert loaded.differences and any("differs from the saved one in 1 value" in w for w in loaded.warnings)


# --------------------------------------------------------------------------- packs


@pytest.fixture
def own_mini(tmp_path) -> Path:
    folder = tmp_path / "packs" / "mini"
    shutil.copytree(MINI, folder)
    return folder


def test_changed_content_is_named_and_refused_unless_allowed(own_mini, tmp_path):
    game = play(load_world([own_mini]))
    path = save_game(game, "before the patch", folder=tmp_path / "saves")
    world_file = own_mini / "world.toml"
    world_file.write_text(world_file.read_text().replace("value = 0.05", "value = 0.08"))
    with pytest.raises(
        PackMismatch, match=r"pack 'mini' 1\.0\.0: its content differs.*changed: world\.toml"
    ) as caught:
        load_save(path, [own_mini])
    assert caught.value.differences and "Install the packs it was made with" in str(caught.value)
    loaded = load_save(path, [own_mini], allow_pack_mismatch=True)
    assert any("different content" in w for w in loaded.warnings)
    assert loaded.differences  # the new numbers do not replay the old game
    assert loaded.game.turn == game.turn


def test_a_different_version_a_missing_pack_and_an_extra_pack_are_each_named(own_mini, tmp_path):
    world = load_world([own_mini])
    path = save_game(play(world), "v1", folder=tmp_path / "saves")
    manifest = own_mini / "pack.toml"
    manifest.write_text(manifest.read_text().replace('version = "1.0.0"', 'version = "1.1.0"'))
    with pytest.raises(PackMismatch, match=r"pack 'mini': version 1\.0\.0 in the save, 1\.1\.0 loaded now"):
        load_save(path, [own_mini])
    extra = tmp_path / "packs" / "extra"
    extra.mkdir()
    (extra / "pack.toml").write_text('id = "extra"\nname = "Extra"\nversion = "0.1.0"\n')
    (extra / "more.toml").write_text('[parameter.extra_knob]\nvalue = 1.0\nsource = "test"\n')
    with pytest.raises(
        PackMismatch, match=r"pack 'extra' 0\.1\.0 is loaded now but was not used by the save"
    ):
        load_save(path, [own_mini, extra])
    shutil.rmtree(own_mini)
    with pytest.raises(SaveError, match=r"pack 'mini' 1\.0\.0 was used by the save but is not installed"):
        load_save(path)


def test_the_folder_a_save_names_is_never_loaded_without_the_players_say_so(own_mini, tmp_path):
    """A save is untrusted: the pack folder it recorded is a hint, not a place to load from."""
    path = save_game(play(load_world([own_mini])), "from a mod", folder=tmp_path / "saves")
    with pytest.raises(SaveError, match="is not installed") as caught:
        load_save(path)  # mini is not among the bundled packs; its folder is only named
    assert f"--pack {own_mini}" in str(caught.value)
    assert load_save(path, [own_mini]).game.turn > 0  # named by the player: loads


def test_a_saves_pack_id_is_an_id_never_a_path(world, tmp_path):
    path = save_game(play(world), "escape", folder=tmp_path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["packs"][0]["id"] = "../../outside/victim"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(SaveError, match=r"packs\.0\.id: '\.\./\.\./outside/victim' is not a pack id"):
        load_save(path)


# --------------------------------------------------------------------------- format versions


def test_a_version_0_save_is_migrated_and_replays(world, tmp_path):
    game = play(world)
    v0 = {
        "format": "borderline-save",
        "version": 0,
        "scenario": "test-run",
        "seed": game.seed,
        "pins": game.pins,
        "packs": [["mini", "1.0.0"]],
        "turn": game.turn,
        "actions": [[d.turn, d.action, d.level] for d in game.log],
        "choices": [[c.turn, c.event, c.choice] for c in game.choices_made],
    }
    path = tmp_path / "old.json"
    path.write_text(json.dumps(v0))
    before = path.read_bytes()
    loaded = load_save(path, world)
    assert any("older version of the game (format 0)" in w for w in loaded.warnings)
    assert loaded.game.log == game.log and loaded.game.choices_made == game.choices_made
    assert bits(loaded.game.history("violence")) == bits(game.history("violence"))
    assert path.read_bytes() == before  # migrating never rewrites the file
    v0["actions"] = "nonsense"
    path.write_text(json.dumps(v0))
    with pytest.raises(SaveError, match="cannot update this format 0 save|damaged or badly edited"):
        load_save(path, world)
    v0["actions"] = []
    del v0["seed"]
    path.write_text(json.dumps(v0))
    with pytest.raises(SaveError, match="cannot update this format 0 save \\(missing 'seed'\\)"):
        load_save(path, world)


def test_a_v1_save_without_its_snapshot_or_hashes_is_refused(good_save, world):
    with pytest.raises(SaveError, match="state is missing"):
        load_save(edited(good_save, lambda d: d.update(state=None)), world)
    with pytest.raises(SaveError, match="every pack needs its hash"):
        load_save(edited(good_save, lambda d: d["packs"][0].update(hash=None)), world)


def test_the_save_system_never_imports_the_user_interface(fresh_process):
    # a new interpreter imported game.saves, before anything else (tests/fresh_process.py)
    assert fresh_process["saves_ui"] == []


def test_two_answers_of_one_turn_replay_whatever_order_the_save_lists_them_in(base_world, tmp_path):
    """A class report called an honest student's save tampered: two dilemmas of one year, one left
    to its default, were saved in one order and replayed in the other ("log[3].choices[0].event:
    saved 'hope_replication_null', replayed 'massacre'"). A turn's answers are a set."""
    game = Game(base_world, "one-period", seed=1, interactive=True)
    while not game.is_over:
        game.resolve_turn()
        while game.pending_dilemmas:
            dilemma = game.pending_dilemmas[0]
            game.choose(dilemma.event, next(c.id for c in dilemma.choices if c.default))
    saved = save_game(game, "Ana", folder=tmp_path)
    doc = json.loads(saved.read_text(encoding="utf-8"))
    turn = next(t for t in doc["log"] if len(t["choices"]) > 1)  # seed 1 answers two in year 1
    turn["choices"].reverse()  # as the live game may list them
    saved.write_text(json.dumps(doc), encoding="utf-8")
    loaded = load_save(saved, base_world)
    assert not loaded.differences and loaded.game.turn == game.turn


def test_a_dilemma_nobody_chose_is_still_nobodys_choice_after_a_load(base_world, tmp_path):
    """What if? said "answered Stay the course" after a load where the live game had said
    "nobody answered" (a playtester): the save now keeps who chose, and the load restores it."""
    game = Game(base_world, "one-period", seed=2, interactive=True)
    while not game.is_over:
        game.resolve_turn()
        while game.pending_dilemmas:
            dilemma = game.pending_dilemmas[0]
            game.choose(dilemma.event, dilemma.choices[0].id)
    nobody = [(c.turn, c.event) for c in game.choices_made if c.by_default]
    assert nobody, "seed 2 leaves HOPE's replication dilemma to its default in year 5"
    loaded = load_save(save_game(game, "Ana", folder=tmp_path), base_world)
    assert not loaded.differences
    assert [(c.turn, c.event) for c in loaded.game.choices_made if c.by_default] == nobody
    assert [c for c in loaded.game.choices_made] == [c for c in game.choices_made]
