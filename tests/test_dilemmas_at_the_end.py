"""No dilemma is posed once the game is over.

A playtester ended the last year of a class game and was then asked to answer a dilemma
under a header that said "game over"; the answer moved political capital after the end.
"""

from __future__ import annotations

from game.engine import Game


def test_a_dilemma_drawn_on_the_last_turn_takes_its_default_and_is_not_posed(mini_world, massacre_seed):
    def game() -> Game:
        return Game(mini_world, "test-run", seed=massacre_seed, interactive=True)

    probe, fires = game(), 0
    while not probe.pending_dilemmas:  # the turn whose end draws the dilemma (the fixture says: within four)
        probe.resolve_turn()
        fires = probe.turn
    event = probe.pending_dilemmas[0].event
    default = next(c.id for c in probe.pending_dilemmas[0].choices if c.default)

    last = game()
    last.turns = fires  # the same world, but that turn is the game's last
    for _ in range(fires):
        report = last.resolve_turn()
    assert last.is_over
    assert last.pending_dilemmas == [] and report.dilemmas == ()
    assert [(c.turn, c.event, c.choice) for c in last.choices_made] == [(fires, event, default)]
    probe.choose(event, default)  # answering it by hand gives the same world
    assert last.state_digest() == probe.state_digest()


def test_the_debrief_and_the_export_say_nobody_chose_a_default_taken_at_the_end(mini_world, massacre_seed):
    from game.app.readouts import timeline
    from game.classroom.exports import markdown

    probe = Game(mini_world, "test-run", seed=massacre_seed, interactive=True, status_quo=True)
    while not probe.pending_dilemmas:
        probe.resolve_turn()
    dilemma = probe.pending_dilemmas[0]
    last = Game(mini_world, "test-run", seed=massacre_seed, interactive=True, status_quo=True)
    last.turns = probe.turn
    for _ in range(probe.turn):
        last.resolve_turn()
    probe.choose(dilemma.event, next(c.id for c in dilemma.choices if c.default))

    [taken], [chosen] = last.choices_made, probe.choices_made
    assert taken.by_default and not chosen.by_default
    assert taken == chosen  # the same answer to the world: saves and replays compare equal
    said = [e.text for e in timeline(last) if e.kind == "choice"]
    assert said and "nobody chose" in said[0] and "chose " not in said[0].replace("nobody chose", "")
    assert [e.text for e in timeline(probe) if e.kind == "choice"][0].startswith(f"{dilemma.title}: chose ")
    assert f"nobody answered {dilemma.title!r}" in markdown(last)
    assert f"answered {dilemma.title!r}" in markdown(probe) and "nobody answered" not in markdown(probe)
