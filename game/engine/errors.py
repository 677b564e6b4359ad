"""What the engine raises: a request it cannot honour, or content that broke the arithmetic."""

from __future__ import annotations

from game.errors import BorderlineError


class GameError(BorderlineError):
    """A request the game cannot honour (unknown id, bad level, game over); the message says why."""


class ActionRefused(GameError):
    """Setting an action's level was refused; ``reasons`` says why, one line each."""

    def __init__(self, action: str, level: int, reasons: list[str]) -> None:
        self.action, self.level, self.reasons = action, level, reasons
        super().__init__(f"cannot set {action} to level {level}: " + "; ".join(reasons))


class PinOutOfRange(GameError):
    """A parameter was pinned outside the range its sources support; allowed only when asked."""

    def __init__(self, parameter: str, value: float, low: float, high: float, where: str) -> None:
        self.parameter, self.value, self.low, self.high = parameter, value, low, high
        super().__init__(
            f"parameter {parameter} = {value:g} lies outside the range its sources support, "
            f"[{low:g}, {high:g}]{where}"
        )


class SimulationError(GameError):
    """The content produced a value that is not a finite number: a bug in a pack, not the player's."""
