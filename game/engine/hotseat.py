"""Hot-seat: two players share one game, each governing one side, and plan each turn in secret.

Each turn the sides plan in the order the content lists them (``[side.*]``): the player at
the keyboard (the *seated* side) may change only their own side's levers. Ending their plan
*seals* it: their planned changes are taken out of the game and kept here, so the next
player plans on a game that holds none of them (nothing to hide, nothing to leak: the
dashboard, the header's budgets and the model's previews all read the game). When every
side has sealed, the plans go back in together and the turn resolves once for both.

>>> seats = HotSeat(game, {"us": "Ana", "mx": "Beto"})
>>> seats.set_level("hope", 2)        # Ana's lever
>>> seats.seal()                      # Ana is done: False, Beto still to plan
>>> seats.set_level("mx_transparency", 1)
>>> seats.seal()                      # True: both have planned
>>> report = seats.resolve_turn()     # one turn, both plans
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from game.engine.errors import ActionRefused, GameError
from game.engine.records import Dilemma, TurnReport

if TYPE_CHECKING:  # the game module is the caller's; this module needs only its type
    from game.engine.game import Game

MAX_PLAYER_NAME = 40


def player_name(raw: str) -> str:
    """A player's name as the game shows and saves it: printable, on one line, not too long."""
    cleaned = " ".join("".join(ch for ch in str(raw) if ch.isprintable()).split())
    return cleaned[:MAX_PLAYER_NAME]


def check_players(side_ids: list[str], players: Mapping[str, str]) -> dict[str, str]:
    """The players by side, checked: one name for each side, names that differ.

    Raise GameError naming the side or the name that is wrong and what is expected.
    """
    unknown = sorted(set(players) - set(side_ids))
    if unknown:
        raise GameError(
            f"no side {unknown[0]!r} in this world; its sides are: {', '.join(side_ids)}"
        )
    names: dict[str, str] = {}
    for sid in side_ids:
        name = player_name(players.get(sid, ""))
        if not name:
            raise GameError(f"a two-player game needs a name for the player of side {sid!r}")
        names[sid] = name
    if len({n.casefold() for n in names.values()}) != len(names):
        raise GameError("the players need different names, so the game can tell them apart")
    return names


class HotSeat:
    """Whose turn it is to plan, and the plans already sealed this turn."""

    def __init__(self, game: Game, players: Mapping[str, str]) -> None:
        self.game = game
        self.order: list[str] = list(game.world.sides)
        if len(self.order) < 2:
            raise GameError("a two-player game needs a world with two sides or more")
        game.players = check_players(self.order, players)
        self._sealed: dict[str, dict[str, int]] = {}
        # Changes already in the game for a side that plans later (a game saved mid-turn): kept
        # out of sight until that side's player sits down, then put back as their own plan.
        self._carried: dict[str, dict[str, int]] = {}
        first = self.order[0]
        for aid, level in list(game.pending.items()):
            side = self.side_of_action(aid)
            if side != first:
                self._carried.setdefault(side, {})[aid] = level
                game.unset_level(aid)

    # ------------------------------------------------------------------ reading

    @property
    def players(self) -> dict[str, str]:
        return dict(self.game.players)

    @property
    def seated(self) -> str:
        """The side whose player plans now (the last side while the turn resolves)."""
        return next((sid for sid in self.order if sid not in self._sealed), self.order[-1])

    @property
    def ready(self) -> bool:
        """Every side has sealed its plan: the turn may resolve."""
        return all(sid in self._sealed for sid in self.order)

    def player(self, side: str) -> str:
        return self.game.players[side]

    def side_name(self, side: str) -> str:
        spec = self.game.world.sides.get(side)
        return spec.name if spec is not None and spec.name else side

    def side_of_action(self, aid: str) -> str:
        return self.game.world.actions[aid].spec.side

    def owns(self, aid: str, side: str | None = None) -> bool:
        """Whether the action is a lever of ``side`` (by default the seated side)."""
        return self.side_of_action(aid) == (side or self.seated)

    def sealed_sides(self) -> list[str]:
        return [sid for sid in self.order if sid in self._sealed]

    def side_of_dilemma(self, dilemma: Dilemma) -> str | None:
        """The side a dilemma concerns, as its event says (None: it concerns both)."""
        event = self.game.world.events.get(dilemma.event)
        return event.spec.side if event is not None else None

    # ------------------------------------------------------------------ planning

    def set_level(self, aid: str, level: int) -> None:
        """Plan a level for one of the seated side's levers; another side's is refused."""
        side = self.side_of_action(aid)
        if side != self.seated:
            raise ActionRefused(
                aid,
                level,
                [
                    f"it is {self.player(side)}'s lever ({self.side_name(side)}); "
                    f"{self.player(self.seated)} plays {self.side_name(self.seated)}"
                ],
            )
        self.game.set_level(aid, level)

    def seal(self) -> bool:
        """The seated player ends their plan: take their changes out of the game and keep them
        sealed. Return whether every side has now planned (the turn may resolve)."""
        if self.ready:
            raise GameError("every side has planned already: resolve the turn")
        side = self.seated
        plan = {aid: lvl for aid, lvl in self.game.pending.items() if self.owns(aid, side)}
        if side != self.order[-1]:  # the last side's plan stays in the game: nobody plans after it
            for aid in plan:
                self.game.unset_level(aid)
        self._sealed[side] = plan
        if not self.ready:
            for aid, level in sorted(self._carried.pop(self.seated, {}).items()):
                try:
                    self.game.set_level(aid, level)
                except ActionRefused:  # no longer allowed: the player plans it again
                    pass
        return self.ready

    def unseal_all(self) -> None:
        """Put every sealed plan back in the game as planned changes and start the turn's planning
        over (a game left mid-turn keeps its plans as a one-player game would)."""
        self._restore()
        self._sealed = {}
        for plan in self._carried.values():
            for aid, level in plan.items():
                try:
                    self.game.set_level(aid, level)
                except ActionRefused:
                    pass
        self._carried = {}

    def _restore(self) -> None:
        """Every sealed plan back in the game at once: each was checked when its player made it,
        and one side's plan can take away what the other's rested on (Mexico withdraws the
        designation the US planned to support), which drops that change and says so, rather
        than refusing the whole turn."""
        plans: dict[str, int] = {}
        for sid in self.order:
            plans.update(self._sealed.get(sid, {}))
        self.game.restore_plan(plans)

    def resolve_turn(self) -> TurnReport:
        """Put the sealed plans back together and resolve the turn once for both sides."""
        if not self.ready:
            waiting = ", ".join(f"{self.player(s)} ({s})" for s in self.order if s not in self._sealed)
            raise GameError(f"not every side has planned: waiting for {waiting}")
        self._restore()
        self._sealed = {}
        return self.game.resolve_turn()
