"""The Why screen: each change split into signed parts that add up to what the dashboard shows."""

from __future__ import annotations

from driving import new_game, play_turns, resolve_turns, started, sync

from game.app.screens.why import WhyScreen
from game.app.widgets.dashboard import Dashboard


@sync
async def test_why_explains_a_change_in_signed_words(mini_world, tmp_path):
    async with started(mini_world, tmp_path, scenario="test-run", seed=3) as pilot:
        app = pilot.app
        await play_turns(pilot, 1, plan=lambda game: game.set_level("enforcement", 2))
        dashboard = app.screen.query_one(Dashboard)
        dashboard.focus()
        dashboard.highlighted = [o.id for o in dashboard.options].index("revenue")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, WhyScreen) and app.screen.indicator == "revenue"
        text = str(app.screen.query_one("#why-text").render())
        assert "Revenue ($B) went from 2.09 to" in text
        assert "Enforcement (action)" in text
        assert "in all" in text
        await pilot.press("escape")
        await play_turns(pilot, 1)
        await pilot.press("w")
        await pilot.pause()
        assert "2012 Q2" in str(app.screen.query_one("#why-text").render())
        await pilot.press("left")
        assert "2012 Q1" in str(app.screen.query_one("#why-text").render())


def test_why_parts_add_up_to_the_total_shown_and_a_tie_is_about_the_same(mini_world):
    import re

    from game.app.screens.why import explanation_text

    game = resolve_turns(new_game(mini_world), 1)  # the text the Why screen shows, after a quarter
    added_up = 0
    for indicator, info in game.world.indicators.items():
        if not info.headline:
            continue
        text = explanation_text(game, indicator, game.turn).plain
        assert "±0%" not in text and "1 tiny parts" not in text
        lines = text.split("What moved it, largest first:\n")
        if len(lines) < 2:
            continue
        body, _, after = lines[1].partition("─")
        figures = [float(m.group(1).replace(",", "")) for m in re.finditer(r"^\s*([+-][\d,.]+)", body, re.M)]
        total = float(re.search(r"([+-]?[\d,.]+)\s+in all", after).group(1).replace(",", ""))
        assert abs(sum(figures) - total) < 1e-9, (indicator, figures, total)
        added_up += 1
    assert added_up, "no headline indicator moved in the first quarter: nothing was checked"


@sync
async def test_why_and_charts_indicator_lists_widen_at_120_columns(mini_world, tmp_path):
    async with started(mini_world, tmp_path, scenario="test-run", seed=3, size=(120, 40)) as pilot:
        app = pilot.app
        await pilot.press("w")
        await pilot.pause()
        assert app.screen.query_one("#why-indicators").size.width > 28


def test_a_rule_that_moves_another_stock_is_shown_as_acting_through_it(base_world):
    """Starting substitution moves people into treatment, not out of heavy use (a twin rule does
    that); switched on alone it changes heavy users only through the places it fills. It read as
    "+0.01✗ Patients start substitution (rule)", as if starting substitution made heavy users (a
    playtester): it says what it acts through."""
    from game.app.readouts import contribution_line
    from game.app.screens.why import explanation_text
    from game.engine import Game

    game = Game(base_world, "both-sides", seed=1)
    game.set_level("opiate_substitution", 3)
    game.resolve_turn()
    parts = {p.id: p for p in game.attribution("us_heavy_users")}
    assert parts["ost_patients_arrive"].via == "Patients in opiate substitution"
    assert parts["ost_enrolment"].via == "" and parts["heavy_users_stop"].via == ""  # they move heavy users
    line = contribution_line(parts["ost_patients_arrive"], 2)
    assert line.endswith(
        "Patients start substitution (Opiate substitution (methadone, buprenorphine)) "
        "(rule, via Patients in opiate substitution)"
    )
    text = " ".join(explanation_text(game, "us_heavy_users", 1).plain.split())
    assert "Heavy users stop (rule)" in text and "rule, via" not in text  # none of its shown parts
    # overdose deaths count heavy and light users: people starting or quitting act through them
    text = " ".join(explanation_text(game, "us_overdose_deaths", 1).plain.split())
    assert "Light users quit (rule, via Americans 12 and over not using hard drugs)" in text
    assert "rule, via X: a flow into or out of X, which moved this through X's other flows" in text


def test_a_change_smaller_than_the_indicators_decimals_shows_the_values_it_lies_between():
    """"Retail drug violence went from 100 to 100 in 2012 Q1: ▼ -0.5" (a playtester)."""
    from game.app.readouts import Explanation

    small = Explanation("v", "Retail violence", "idx", 0, 1, "2012Q1", 100.2, 99.7, ())
    assert small.headline().startswith("Retail violence (idx) went from 100.2 to 99.7 in 2012 Q1: ")
    assert small.headline().endswith("-0.5")
    large = Explanation("v", "Retail violence", "idx", 0, 1, "2012Q1", 100.2, 90.1, ())
    assert "went from 100 to 90 in" in large.headline()  # at the indicator's own decimals otherwise
