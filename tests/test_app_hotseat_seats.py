"""Hot-seat at the keyboard (playtest findings): each player who sits down is on the lever
list at once; a pair's resolved turn does not offer an undo it would refuse; the new-game
screen's player names can be reached and seen at 80x24."""

from __future__ import annotations

from driving import SIZE, ready, sync
from test_app_hotseat import PLAYERS, make_app, take_seat, through_popups

from game.app.screens.main import MainScreen, StatusLine
from game.app.screens.new_game import NewGameScreen
from game.app.widgets.action_panel import ActionPanel


@sync
async def test_each_player_who_sits_down_plans_on_the_lever_list_and_no_undo_is_offered(mini_world, tmp_path):
    app = make_app(mini_world, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.start_game("test-run", 5, dict(PLAYERS))
        await take_seat(pilot, "Ana")
        assert isinstance(app.focused, ActionPanel), app.focused
        app.screen.query_one("#dashboard").focus()  # Ana leaves the keyboard on the dashboard
        await pilot.press("e")
        await take_seat(pilot, "Beto")
        assert isinstance(app.focused, ActionPanel), "Beto's keys would move Ana's dashboard cursor"
        await pilot.press("e")
        await through_popups(pilot)
        await ready(pilot)
        assert app.game is not None and app.game.turn == 1
        main = next(s for s in app.screen_stack if isinstance(s, MainScreen))
        said = str(main.query_one(StatusLine).render())
        assert said and "u undoes" not in said, said  # the turn's last word offers no undo
        await take_seat(pilot, "Ana")  # the next turn: Ana on the lever list again
        assert isinstance(app.focused, ActionPanel)


@sync
async def test_the_new_game_form_scrolls_to_the_player_names_at_80x24(mini_world, base_world, tmp_path):
    app = make_app(mini_world, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        app.push_screen(NewGameScreen(base_world))  # three scenarios and the difficulties above them
        await ready(pilot)
        for sid in base_world.sides:
            field = app.screen.query_one(f"#player-{sid}")
            field.focus()
            await pilot.pause()
            await pilot.pause()
            region = field.region
            assert region.height > 0 and 0 <= region.y and region.bottom <= 24, (sid, region)


@sync
async def test_the_new_game_forms_name_boxes_show_and_the_briefing_starts_at_its_top(
    mini_world, base_world, tmp_path
):
    """The player boxes read as labels and Tab's focus did not show; a briefing scrolled down
    stayed scrolled when another scenario was picked, opening mid-sentence (a playtester)."""
    from textual.widgets import OptionList

    app = make_app(mini_world, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        app.push_screen(NewGameScreen(base_world))
        await ready(pilot)
        screen = app.screen
        us, mx = (screen.query_one(f"#player-{sid}") for sid in ("us", "mx"))
        assert us.styles.background != screen.styles.background  # a box to see
        us.focus()
        await ready(pilot)
        assert us.has_focus and us.styles.background != mx.styles.background  # focus shows
        briefing = screen.query_one("#briefing")
        briefing.scroll_end(animate=False)
        await pilot.pause()
        assert briefing.scroll_y > 0
        screen.query_one("#scenarios", OptionList).highlighted = 1
        await pilot.pause()
        assert briefing.scroll_y == 0
