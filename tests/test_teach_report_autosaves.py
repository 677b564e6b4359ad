"""The class report counts a game that only autosaved.

A playtester pointed `borderline report` at a saves folder whose student never pressed s:
the game was there, in the autosave folder, and the report counted nothing.
"""

from __future__ import annotations

from game.classroom.report import collect
from game.engine import Game
from game.saves import autosave, save_game


def test_each_games_newest_autosave_is_counted_and_its_older_ones_are_not(mini_world, tmp_path):
    saves = tmp_path / "saves"
    only_autosaved = Game(mini_world, "test-run", seed=4, interactive=True)
    for _ in range(3):
        only_autosaved.resolve_turn()
        for dilemma in list(only_autosaved.pending_dilemmas):
            only_autosaved.choose(dilemma.event, next(c.id for c in dilemma.choices if c.default))
        newest = autosave(only_autosaved, saves, game_id="abc123")
    pressed_s = Game(mini_world, "test-run", seed=5, interactive=True)
    pressed_s.resolve_turn()
    saved = save_game(pressed_s, "Beto", folder=saves)

    report = collect([saves], world=mini_world)
    assert sorted(e.path for e in report.counted) == sorted([newest, saved])
    assert report.not_counted == []  # the game's earlier autosaves are not read as other games
    assert {e.game.turn for e in report.counted} == {3, 1}
