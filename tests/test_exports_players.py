"""A two-player game's exported debrief grades each player and the pair, in the very lines the
debrief screen shows (one function writes both)."""

from __future__ import annotations

from game.app.readouts import player_lines as shown_lines
from game.classroom.exports import markdown, player_lines
from game.engine import Game, World
from game.engine.hotseat import HotSeat

PLAYERS = {"us": "Ana", "mx": "Beto"}


def two_player_game(world: World) -> Game:
    game = Game(world, "test-run", 3, status_quo=True, interactive=True)
    seats = HotSeat(game, dict(PLAYERS))
    while game.turn < game.turns:
        for _ in PLAYERS:
            seats.seal()
        seats.resolve_turn()
        for dilemma in list(game.pending_dilemmas):
            game.choose(dilemma.event, next(c.id for c in dilemma.choices if c.default))
    return game


def test_the_markdown_grades_each_player_and_the_pair_as_the_screen_does(mini_world: World) -> None:
    game = two_player_game(mini_world)
    debrief = game.debrief()
    lines = player_lines(game, debrief)
    assert shown_lines(game, debrief) == lines
    assert [line.split(" (")[0] for line in lines] == ["Ana", "Beto", "The pair"]
    assert lines[-1].startswith("The pair (Ana and Beto): ") and lines[-1].endswith(", on every objective")
    for side, line in zip(debrief.sides, lines, strict=False):
        assert f"{side.grade.upper()}, score {side.score:+.1f}, on " in line
    text = markdown(game)
    assert "## The players\n\n" + "\n".join(f"- {line}" for line in lines) in text


def test_a_one_player_debrief_has_no_players_section(mini_world: World) -> None:
    game = Game(mini_world, "test-run", 3, status_quo=True)
    while game.turn < game.turns:
        game.resolve_turn()
    assert player_lines(game, game.debrief()) == []
    assert "## The players" not in markdown(game)
