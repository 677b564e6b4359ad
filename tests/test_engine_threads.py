"""Games forked from one another share their compiled turn: threads playing them at once
(the app's forecast workers beside the game itself) still get their own numbers, to the bit."""

from __future__ import annotations

import threading

from engine_digests import BASE, game_digest

from game.engine import Game, load_world


def test_forks_played_in_threads_at_once_match_forks_played_alone():
    world = load_world([BASE])
    game = Game(world, "both-sides", seed=2)
    game.resolve_turn()
    forks = [game.fork() for _ in range(3)]
    for number, fork in enumerate(forks):  # each its own course, so a mix-up shows
        action = sorted(world.actions)[number]
        fork.set_level(action, world.actions[action].levels - 1, enforce=False)
    alone = []
    for fork in forks:
        twin = fork.fork()
        for _ in range(12):
            twin.resolve_turn()
        alone.append(game_digest(twin))
    start = threading.Barrier(len(forks))
    errors: list[BaseException] = []

    def play(fork: Game) -> None:
        try:
            start.wait()
            for _ in range(12):
                fork.resolve_turn()
        except BaseException as exc:  # noqa: BLE001 (reported by the assertion below)
            errors.append(exc)

    threads = [threading.Thread(target=play, args=(fork,)) for fork in forks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [game_digest(fork) for fork in forks] == alone
