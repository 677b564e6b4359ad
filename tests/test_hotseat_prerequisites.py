"""Two players: one side's plan can take away what the other side's plan rested on.

The US player planned to support Mexico's designation; the Mexican player, planning after
in secret, withdrew it. Putting the sealed plans together refused the whole turn (and the
app, which did not expect a refusal there, stopped). The US change is now dropped, and said.
"""

from __future__ import annotations

from game.engine import Game
from game.engine.hotseat import HotSeat

SUPPORT, DESIGNATION = "us_target_designated_suppliers", "mx_violence_targeting"


def designated(world) -> Game:
    game = Game(world, "both-sides", seed=1, runs=1, interactive=True)
    game.set_level(DESIGNATION, 1)
    game.resolve_turn()
    for dilemma in list(game.pending_dilemmas):
        game.choose(dilemma.event, next(c.id for c in dilemma.choices if c.default))
    return game


def test_a_change_the_other_players_plan_took_away_is_dropped_and_the_turn_resolves(base_world):
    game = designated(base_world)
    seats = HotSeat(game, {"us": "Ana", "mx": "Beto"})
    seats.set_level(SUPPORT, 1)  # Ana supports the designation in force
    seats.set_level("hope", 1)
    seats.seal()
    seats.set_level(DESIGNATION, 0)  # Beto withdraws it, unseen by Ana
    seats.seal()
    turn = game.turn
    seats.resolve_turn()
    assert game.turn == turn + 1
    assert game.level(DESIGNATION) == 0 and game.level(SUPPORT) == 0
    assert game.level("hope") == 1  # the rest of Ana's plan stands
    assert [(aid, level) for aid, level, _ in game.dropped] == [(SUPPORT, 1)]
    assert not any(d.action == SUPPORT for d in game.log)


def test_plans_that_still_fit_together_resolve_as_planned(base_world):
    game = designated(base_world)
    seats = HotSeat(game, {"us": "Ana", "mx": "Beto"})
    seats.set_level(SUPPORT, 1)
    seats.seal()
    seats.set_level(DESIGNATION, 2)  # Beto follows through: the support still has its designation
    seats.seal()
    seats.resolve_turn()
    assert game.level(SUPPORT) == 1 and game.level(DESIGNATION) == 2 and game.dropped == []
