"""The debrief's hidden numbers, as a student reads them: said against their best estimates (a
draw above its best estimate is never "low"), those that strayed furthest first, the rest shorter
or counted; the export lists every one, in the same groups."""

from __future__ import annotations

from teach_helpers import base_world

from game.app.readouts import DrawnParameter, drawn_parameters, parameter_line, report_sections
from game.app.screens.debrief import hidden_text
from game.engine import Game


def test_a_draw_above_its_best_estimate_is_said_to_be_above_it_wherever_it_sits_in_its_range() -> None:
    # in the low third of its range, but above a best estimate nearer the low end (seed 7 drew one)
    above = DrawnParameter("p", "Police effort", "fraction", 0.25, 0.15, 0.1, 0.9)
    assert above.position < 1 / 3
    assert parameter_line(above) == (
        "Police effort: 0.25, above its best estimate of 0.15 (range 0.1 to 0.9, fraction)"
    )
    below = DrawnParameter("q", "Quit rate", "", 0.8, 0.9, 0.2, 0.95)
    assert "0.8, below its best estimate of 0.9" in parameter_line(below)


def test_the_debriefs_hidden_numbers_lead_with_the_furthest_and_count_the_close_ones() -> None:
    game = Game(base_world(), "both-sides", seed=7)
    drawn = drawn_parameters(game)
    assert len(drawn) > 60  # the list a playtester found unreadable: ~100 lines of parameters
    text = hidden_text(game).plain
    lines = text.splitlines()
    for word in (", low ", ", high ", ", middling "):
        assert word not in text
    far = [d for d in drawn if d.surprise >= 0.25]
    close = [d for d in drawn if d.surprise < 0.1]
    assert far and close
    headings = [line for line in lines if line.endswith(")") and not line.startswith("•")]
    assert headings == [
        f"Far from their best estimates ({len(far)})",
        f"Off their best estimates ({len(drawn) - len(far) - len(close)})",
        f"Close to their best estimates ({len(close)})",
    ]
    bullets = [line for line in lines if line.startswith("• ")]
    assert bullets[: len(far)] == [f"• {parameter_line(d)}" for d in far]  # whole, furthest first
    assert len(bullets) == len(drawn) - len(close)  # the close ones counted, not listed
    assert f"{len(close)} more were drawn within a tenth of their range" in text
    assert all(" (range " not in line for line in bullets[len(far) :])  # the others shorter

    sections = dict(report_sections(game))  # the exported debrief's: every one, whole, in the groups
    assert sections[f"The hidden numbers of this world: close to their best estimates ({len(close)})"] == [
        parameter_line(d) for d in close
    ]
    assert sum(len(lines) for title, lines in sections.items() if "hidden numbers" in title) == len(drawn)


def test_a_revealed_number_drops_the_hidden_in_its_name() -> None:
    """Revealed in the list of the hidden numbers, "HOPE efficacy (hidden)" read oddly (a playtester)."""
    world = base_world()
    assert world.parameters["hope_efficacy"].name.endswith(" (hidden)")  # as the game names it in play
    drawn = {d.id: d for d in drawn_parameters(Game(world, "both-sides", seed=7))}
    assert drawn["hope_efficacy"].name == "HOPE efficacy"
    assert not any("(hidden)" in d.name for d in drawn.values())
