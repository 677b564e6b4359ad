"""The command palette's game commands: every key of the current screen, by name.

Built from the screen's active bindings, so whatever the footer and the help show is also
in the palette (ctrl+p), and a key added to a screen appears here without further work.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from textual.app import App
from textual.binding import ActiveBinding, Binding
from textual.command import DiscoveryHit, Hit, Hits
from textual.screen import Screen
from textual.system_commands import SystemCommandsProvider


def own_actions(node: object) -> set[str]:
    """Actions bound by the game's own classes (not Textual's built-in tab, copy, palette...)."""
    actions = set()
    for cls in type(node).__mro__:
        if cls.__module__.startswith("game.") and "BINDINGS" in cls.__dict__:
            actions |= {b.action for b in cls.__dict__["BINDINGS"] if isinstance(b, Binding)}
    return actions


def game_keys(screen: Screen[object]) -> list[tuple[str, ActiveBinding]]:
    """The keys a player uses on a screen, its own first, then the focused widget's, then the app's.

    Widget plumbing (cursor movement, scrolling, focus, copy) is left out; one entry per action.
    """
    found: list[tuple[int, str, ActiveBinding]] = []
    seen: set[tuple[str, str]] = set()
    for key, active in screen.active_bindings.items():
        binding, node = active.binding, active.node
        if not binding.description or binding.action not in own_actions(node):
            continue
        ident = (binding.action, binding.description)
        if ident not in seen:
            seen.add(ident)
            rank = 0 if isinstance(node, Screen) else 2 if isinstance(node, App) else 1
            found.append((rank, key, active))
    return [(key, active) for _, key, active in sorted(found, key=lambda t: t[0])]


# What each key does, for the palette: what happens or what the screen shows, not the key again.
DESCRIPTIONS = {
    "help": "Every key of this screen and what the screen is for",
    "quit_game": "Leave Borderline (asks first; games are autosaved every turn)",
    "end_turn": "Play the turn with your planned changes, then read the news and answer dilemmas",
    "charts": "An indicator over time: your run against the status quo, with a band of likely outcomes",
    "why": "What moved an indicator last turn, part by part",
    "cartels": "The trafficking organizations ranked by violence, and the designation workflow",
    "save": "Save the game under a name of your choosing",
    "undo": "Take back the last turn: back to its start, with its plan to change (if the scenario allows)",
    "leave": "Back to the title screen (asks first if changes are planned)",
    "app.pop_screen": "Back to the previous screen",
    "turn(-1)": "Explain an earlier turn",
    "turn(1)": "Explain a later turn",
    "band": "Show or hide the band of likely outcomes on the chart",
    "export": "Write this debrief as a Markdown file, e.g. for a teacher",
    "title": "Back to the title screen, to start another game",
    "reseed": "Draw a new random seed: the same scenario with different luck",
    "start": "Start the highlighted scenario",
    "menu('new')": "Pick a scenario and read its briefing",
    "menu('continue')": "Resume the newest autosave",
    "menu('load')": "Pick one of your saved games or autosaves",
    "menu('mods')": "Content packs, their versions and any errors",
    "menu('how')": "The rules in two minutes",
    "step(1)": "Raise the highlighted action one level (takes effect when the turn ends)",
    "step(-1)": "Lower the highlighted action one level (takes effect when the turn ends)",
}


def describe(binding: Binding) -> str:
    """What a key does, in words, for the palette."""
    return binding.tooltip or DESCRIPTIONS.get(binding.action, binding.description)


def key_label(key: str, display: str | None) -> str:
    if display:
        return display
    names = {"question_mark": "?", "plus": "+", "minus": "-", "escape": "esc", "enter": "enter"}
    return names.get(key, key)


class KeysProvider(SystemCommandsProvider):
    """Offers each key of the screen the palette was opened from, as a named command, and then
    Textual's own commands (Keys, Maximize, Screenshot, Theme).

    One provider for both, so the palette lists them in the same order at every launch: as two
    providers their hits arrived in an order that changed from one launch to the next.
    """

    def _commands(self) -> Iterator[tuple[str, str, partial[Any]]]:
        for key, active in game_keys(self.screen):
            binding = active.binding
            if not active.enabled:
                continue
            label = f"{binding.description} ({key_label(key, binding.key_display)})"
            help_text = describe(binding)
            yield label, help_text, partial(self.app.run_action, binding.action, active.node)

    async def discover(self) -> Hits:
        for label, help_text, command in self._commands():
            yield DiscoveryHit(label, command, help=help_text)
        async for hit in super().discover():
            yield hit

    def _indicator_commands(self) -> Iterator[tuple[str, str, partial[Any]]]:
        """On a game's screens: "Chart: X" and "Why: X" for every indicator, by name."""
        game = getattr(self.screen, "game", None)
        if game is None:
            return
        from game.app.readouts import indicator_name, scalar_indicators
        from game.app.screens.charts import ChartsScreen
        from game.app.screens.why import WhyScreen

        shows = getattr(self.app, "shows", None)
        why = shows is None or shows("why")  # a class can hide the Why screen
        for info in scalar_indicators(game.world):
            name = indicator_name(info)
            yield (
                f"Chart: {name}",
                "the indicator over time against the status quo",
                partial(self.app.push_screen, ChartsScreen(game, info.id)),
            )
            if not why:
                continue
            yield (
                f"Why: {name}",
                "what moved it last turn",
                partial(self.app.push_screen, WhyScreen(game, info.id)),
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, help_text, command in [*self._commands(), *self._indicator_commands()]:
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), command, help=help_text)
        async for hit in super().search(query):
            yield hit
