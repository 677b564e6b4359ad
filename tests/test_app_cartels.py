"""The Cartels screen: the organizations ranked, and the designation run from it."""

from __future__ import annotations

import asyncio

from driving import answer_whatever_pops_up, play_turns, started, sync

from game.app.widgets.action_panel import ActionPanel


@sync
async def test_cartels_rank_the_organizations_and_run_the_designation(mini_world, tmp_path):
    async with started(mini_world, tmp_path, scenario="test-run", seed=3) as pilot:
        app = pilot.app
        game = app.game
        await pilot.press("m")
        await pilot.pause()
        table = app.screen.query_one("#organizations")
        assert table.row_count == 3
        assert [c.key.value for c in table.columns.values()][:3] == ["rank", "organization", "share"]
        assert str(table.get_row_at(0)[1]) == "beta"  # the largest share ranks first
        await pilot.press("plus")
        await pilot.pause()
        assert game.level("designation") == 1
        await pilot.press("escape")
        await play_turns(pilot, 1)
        shares = game.value("share")[0]
        assert shares[1] < game.status_quo.value("share")[0][1]  # the designated one loses share


def test_the_base_world_plays_a_turn_and_its_cartels_table_shows_every_organization_at_80x24_and_scrolls(
    base_world, tmp_path
):
    world = base_world

    async def look() -> None:
        async with started(world, tmp_path, scenario="both-sides", seed=1) as pilot:
            app = pilot.app
            # The base world plays a turn.
            assert "2012 Q1, quarter 1 of 40" in str(app.screen.query_one("#turn-header").render())
            await pilot.press("e")
            await pilot.pause()
            await answer_whatever_pops_up(pilot)
            assert app.game.turn == 1
            # Then its Cartels screen shows every organization at 80x24, and scrolls by [ and ].
            await pilot.press("m")
            await pilot.pause()
            table = app.screen.query_one("#organizations")
            assert table.row_count >= 6
            assert app.screen.query_one(ActionPanel).option_count >= 3
            shown_rows = table.scrollable_content_region.height - table.header_height
            assert shown_rows >= table.row_count  # every organization, no scrolling down
            headers = " ".join(str(c.label) for c in table.columns.values())
            assert "(per year)" in headers
            footer = " ".join(
                b.binding.description for b in app.screen.active_bindings.values() if b.binding.show
            )
            assert "More columns" in footer  # [ and ]: ←/→ change levels (issue 12)
            await pilot.press("right_square_bracket")
            await pilot.pause()
            assert table.scroll_x > 0

    asyncio.run(look())
