"""The Mods screen: enabling, disabling and reordering the packs of the mods folder, each
change saved to the settings file and loaded at once, with each pack's errors and
conflicts; and `r` on the title screen reading edited packs again without a restart."""

from __future__ import annotations

from pathlib import Path

from play_helpers import screen_lines
from test_app import sync

from game.app.app import BorderlineApp
from game.app.mod_list import ModList

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "packs" / "mini"
SIZE = (100, 30)


def add_mod(mods: Path, pack_id: str, text: str, deps: tuple[str, ...] = ("mini",), name: str = "") -> Path:
    folder = mods / pack_id
    folder.mkdir()
    dependencies = ", ".join(f'{{ id = "{d}" }}' for d in deps)
    (folder / "pack.toml").write_text(
        f'id = "{pack_id}"\nname = "{name or pack_id}"\nversion = "0.1.0"\ndependencies = [{dependencies}]\n'
    )
    (folder / "content.toml").write_text(text)
    return folder


def level(value: int) -> str:
    return f"[patch.scenario.test-run.action_levels]\ntreatment = {value}\n"


def make_app(tmp_path: Path) -> BorderlineApp:
    options = dict(saves_folder=tmp_path, reports_folder=tmp_path, cursor_blink=False, previews=False)
    return BorderlineApp([MINI], **options)


async def settle(pilot) -> None:  # noqa: ANN001 - a Pilot
    """Wait for the packs to (re)load and the screens to redraw."""
    app = pilot.app
    for _ in range(3):
        await pilot.pause()
        background = [w for w in app.workers if w.group == "world"]
        if background:
            await app.workers.wait_for_complete(background)
    await pilot.pause()


async def open_mods(pilot) -> None:  # noqa: ANN001
    await settle(pilot)
    await pilot.press("m")
    await settle(pilot)


def loaded_ids(app: BorderlineApp) -> list[str]:
    assert app.world is not None, app.world_errors
    return [pid for pid, _ in app.world.packs]


def screen_text(app: BorderlineApp) -> str:
    """The Mods screen's details and its status line."""
    return "".join(str(app.screen.query_one(part).render()) for part in ("#mods-text", "#mods-status"))


async def highlight(pilot, name: str) -> None:  # noqa: ANN001
    options = pilot.app.screen.query_one("#mods-list")
    options.highlighted = [o.id for o in options.options].index(name)
    await pilot.pause()


@sync
async def test_a_mod_dropped_in_the_mods_folder_loads_and_space_disables_it(mods, tmp_path):
    add_mod(mods, "extra_rows", "[patch.table.org.rows.delta]\npropensity = 1.0\n")
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_mods(pilot)
        assert loaded_ids(app) == ["mini", "extra_rows"]
        assert "extra_rows 0.1.0" in str(app.screen.query_one("#mods-list").get_option("extra_rows").prompt)
        # the folder named where the text speaks of it (it said "(above)" of a path printed below)
        assert f"A mod is a folder in the mods folder ({mods})" in screen_text(app).replace("\n", " ")
        await highlight(pilot, "extra_rows")
        # the highlighted mod is marked, as every list is, not only shaded (NO_COLOR drops shades)
        marked = [line for line in screen_lines(app) if "▸" in line]
        assert len(marked) == 1 and "extra_rows 0.1.0" in marked[0]
        await pilot.press("space")
        await settle(pilot)
        assert loaded_ids(app) == ["mini"]
        assert "delta" not in app.world.tables["org"].rows
        assert 'disabled = ["extra_rows"]' in (tmp_path / "settings.toml").read_text()
        assert "extra_rows disabled (saved in" in screen_text(app)


@sync
async def test_space_enables_a_disabled_mod_and_the_mods_it_needs(mods, tmp_path):
    add_mod(mods, "first", "[patch.table.org.rows.delta]\npropensity = 1.0\n")
    add_mod(mods, "second", "[patch.table.org.rows.delta]\npropensity = 2.0\n", deps=("first",))
    settings = '[mods]\norder = ["first", "second"]\ndisabled = ["first", "second"]\n'
    (tmp_path / "settings.toml").write_text(settings)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_mods(pilot)
        assert loaded_ids(app) == ["mini"]
        await highlight(pilot, "second")
        await pilot.press("space")
        await settle(pilot)
        assert loaded_ids(app) == ["mini", "first", "second"]
        assert app.world.content.of("table")["org"].item.rows["delta"] == {"propensity": 2.0}
        assert "also enabled, as second needs them: first" in screen_text(app)
        assert ModList.read().enabled_folders() == [mods / "first", mods / "second"]


@sync
async def test_disabling_a_mod_disables_the_mods_that_need_it(mods, tmp_path):
    add_mod(mods, "first", "[patch.table.org.rows.delta]\npropensity = 1.0\n")
    add_mod(mods, "second", "[patch.table.org.rows.delta]\npropensity = 2.0\n", deps=("first",))
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_mods(pilot)
        await highlight(pilot, "first")
        await pilot.press("enter")
        await settle(pilot)
        assert loaded_ids(app) == ["mini"]
        assert "also disabled, as they need first: second" in screen_text(app)


@sync
async def test_reordering_two_conflicting_mods_changes_the_winner_and_is_saved(mods, tmp_path):
    add_mod(mods, "alpha", level(1))
    add_mod(mods, "beta", level(2))
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_mods(pilot)
        assert loaded_ids(app) == ["mini", "alpha", "beta"]
        assert app.world.scenarios["test-run"].action_levels["treatment"] == 2
        await highlight(pilot, "alpha")
        assert "⚠ 1 conflict" in str(app.screen.query_one("#mods-list").get_option("alpha").prompt)
        assert "'beta' loads later and wins" in screen_text(app)
        await pilot.press("d")
        await settle(pilot)
        assert loaded_ids(app) == ["mini", "beta", "alpha"]
        assert app.world.scenarios["test-run"].action_levels["treatment"] == 1
        assert "'alpha' loads later and wins" in screen_text(app)
        assert 'order = ["beta", "alpha"]' in (tmp_path / "settings.toml").read_text()
        await pilot.press("u")  # shift+up does the same
        await settle(pilot)
        assert loaded_ids(app) == ["mini", "alpha", "beta"]


@sync
async def test_a_move_the_loader_would_undo_is_refused_with_the_reason(mods, tmp_path):
    add_mod(mods, "first", level(1), name="First mod")
    add_mod(mods, "second", level(2), deps=("first",), name="Second mod")
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_mods(pilot)
        await highlight(pilot, "second")
        await pilot.press("u")
        await settle(pilot)
        assert "Not moved: Second mod depends on First mod, so it loads after it." in screen_text(app)
        assert loaded_ids(app) == ["mini", "first", "second"]
        assert not (tmp_path / "settings.toml").exists()


@sync
async def test_each_mod_shows_its_own_errors_and_the_game_cannot_start_until_they_are_fixed(mods, tmp_path):
    add_mod(mods, "fine", level(1))
    add_mod(mods, "broken", "[patch.table.org.rows.delta]\npropensity = \"high\"\n")
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_mods(pilot)
        assert app.world is None
        listing = app.screen.query_one("#mods-list")
        assert "✗ 1 error" in str(listing.get_option("broken").prompt)
        assert "error" not in str(listing.get_option("fine").prompt)
        await highlight(pilot, "broken")
        expected = 'broken/content.toml:2:14: propensity: must be a number, got the text "high"'
        assert expected in screen_text(app)
        await pilot.press("space")
        await settle(pilot)
        assert loaded_ids(app) == ["mini", "fine"]
        assert "broken disabled" in screen_text(app) and "The packs load cleanly." in screen_text(app)


@sync
async def test_r_on_the_title_screen_reads_an_edited_pack_again(mods, tmp_path):
    folder = add_mod(mods, "tuning", level(1))
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert app.world.scenarios["test-run"].action_levels["treatment"] == 1
        (folder / "content.toml").write_text(level(2))
        await pilot.press("r")
        await settle(pilot)
        assert app.world.scenarios["test-run"].action_levels["treatment"] == 2
        (folder / "content.toml").write_text("[patch.scenario.test-run.action_levels\n")
        await pilot.press("r")
        await settle(pilot)
        assert app.world is None and app.world_status == "failed"
        assert any("content.toml:1:" in e for e in app.world_errors)
        assert "error" in str(app.screen.query_one("#world-status").render())


# --------------------------------------------------------------------------- the list itself


def test_new_mods_are_placed_by_load_order_then_name_and_known_ones_keep_their_place(mods, tmp_path):
    add_mod(mods, "zeta", level(1))
    add_mod(mods, "alpha", level(1))
    late = add_mod(mods, "late", level(1))
    (late / "pack.toml").write_text((late / "pack.toml").read_text() + "load_order = 5\n")
    assert [e.name for e in ModList.read().entries] == ["alpha", "zeta", "late"]
    (tmp_path / "settings.toml").write_text('[mods]\norder = ["zeta", "alpha"]\n')
    listed = ModList.read()
    assert [e.name for e in listed.entries] == ["zeta", "alpha", "late"]
    assert listed.move("late", -1) == (
        "late has load_order 5 in its pack.toml and alpha 0: a lower load_order always loads first"
    )
    assert listed.move("zeta", -1) == "zeta is already first"


def test_a_folder_that_is_not_a_pack_is_listed_with_the_reason_and_never_loads(mods):
    (mods / "notes").mkdir()
    listed = ModList.read()
    (entry,) = listed.entries
    assert not entry.loads and "no pack.toml in it" in entry.problem
    assert "is not a pack that can load" in (listed.toggle("notes") or "")
    assert listed.enabled_folders() == []


def test_a_damaged_settings_file_is_reported_loads_no_mod_and_is_kept_aside_when_changed(mods, tmp_path):
    # the mods loaded as if every one were enabled, the one the player turned off for its errors
    # among them, and nothing said why (a playtester)
    add_mod(mods, "alpha", level(1))
    settings = tmp_path / "settings.toml"
    settings.write_text('[mods]\norder = "alpha"\n')
    listed = ModList.read()
    (note,) = listed.notes
    assert "settings.toml:2:9: order: must be a list" in note
    assert "no mod loads" in note and "settings.toml.bad" in note and listed.settings_damaged
    assert listed.enabled_folders() == []
    listed.toggle("alpha")
    listed.save()
    assert (tmp_path / "settings.toml.bad").read_text() == '[mods]\norder = "alpha"\n'
    assert listed.notes == [] and not listed.settings_damaged  # the new file holds the list as it stands
    assert ModList.read().enabled_folders() == [mods / "alpha"]


@sync
async def test_the_title_and_mods_screens_say_the_settings_file_could_not_be_read(mods, tmp_path):
    add_mod(mods, "alpha", level(1))
    (tmp_path / "settings.toml").write_text('[mods\norder = 5\n')
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert loaded_ids(app) == ["mini"]
        said = " ".join(str(app.screen.query_one("#world-status").render()).split())
        assert "⚠ The settings file could not be read, so no mod loads: open Mods to read why." in said
        await open_mods(pilot)
        text = " ".join(screen_text(app).split())
        assert "⚠ The mods could not be read as set:" in text and "settings.toml:1:" in text
        await highlight(pilot, "alpha")
        await pilot.press("space")
        await settle(pilot)
        assert loaded_ids(app) == ["mini", "alpha"]
        assert "could not be read" not in " ".join(screen_text(app).split())
    assert (tmp_path / "settings.toml.bad").read_text() == "[mods\norder = 5\n"


def test_saving_keeps_the_other_sections_of_the_settings_file(mods, tmp_path):
    add_mod(mods, "alpha", level(1))
    settings = tmp_path / "settings.toml"
    settings.write_text('[mods]\norder = ["alpha"]\n\n[display]\ntheme = "dark"\n')
    listed = ModList.read()
    listed.toggle("alpha")
    listed.save()
    text = settings.read_text()
    assert '[display]\ntheme = "dark"' in text and 'disabled = ["alpha"]' in text
    assert text.count("\n[mods]\n") == 1


def test_headless_verbs_load_the_enabled_mods_only_when_asked(mods, tmp_path, capsys):
    from game.cli import main

    add_mod(mods, "on_mod", "[patch.scenario.both-sides.action_levels]\nhope = 1\n", deps=("base",))
    add_mod(mods, "off_mod", "[patch.scenario.both-sides.action_levels]\nhope = 2\n", deps=("base",))
    (tmp_path / "settings.toml").write_text('[mods]\ndisabled = ["off_mod"]\n')
    assert main(["validate", "--mods"]) == 0
    assert "packs in load order: base 0.1.0, on_mod 0.1.0)" in capsys.readouterr().out
    assert main(["validate", "--mods", "--pack", str(mods / "off_mod")]) == 0  # --pack loads a disabled one
    captured = capsys.readouterr()
    assert "base 0.1.0, on_mod 0.1.0, off_mod 0.1.0" in captured.out
    assert "'off_mod' loads later and wins" in captured.err
    assert main(["validate"]) == 1
    assert "name the packs or files to check" in capsys.readouterr().err
