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
