"""Events are told under the words the player read when they fired: a repeat's own title."""

from __future__ import annotations

from teach_helpers import base_world

from game.engine import run_plan


def test_an_answer_is_told_under_the_title_its_event_was_read_with():
    """A repeat of an event reads "Another massacre shocks Mexico"; its answer was logged under
    the first one's title in the timeline, the export and the What if? list (a playtester)."""
    from game.app.readouts import timeline

    game = run_plan(base_world(), "both-sides", None, seed=0, status_quo=False).game
    first = {eid: info.spec.title for eid, info in base_world().events.items()}
    repeat = next((c for c in game.choices_made if game.event_title(c.turn, c.event) != first[c.event]), None)
    assert repeat is not None, "the case needs a dilemma that fired under a variant's title"
    title = game.event_title(repeat.turn, repeat.event)
    said = [e.text for e in timeline(game) if e.kind == "choice" and e.turn == repeat.turn]
    assert any(text.startswith(f"{title}: ") for text in said), (title, said)
