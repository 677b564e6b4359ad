"""The Borderline app: the title screen first, the world loaded off the UI thread, one game at a time.

Start-up stays fast because nothing heavy is imported here: the engine (numpy, pydantic)
loads in a worker thread once the title screen is on screen, and every other screen's
module is imported when the player first opens it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen

from game.app.commands import KeysProvider
from game.app.screens.title import TitleScreen
from game.content.printable import printable

if TYPE_CHECKING:
    from game.app.mod_list import ModList
    from game.content.errors import ContentError
    from game.engine import Game, World
    from game.saves import LoadedSave

WORLD_LOADING, WORLD_READY, WORLD_FAILED = "loading", "ready", "failed"


class WorldLoaded(Message):
    """Posted by the loading worker: the compiled world, or the errors that stopped it
    (as text, and as located errors the Mods screen can tell each pack's apart)."""

    def __init__(
        self, world: World | None, errors: list[str], located: Sequence[ContentError] = ()
    ) -> None:
        super().__init__()
        self.world = world
        self.errors = errors
        self.located = list(located)


class BorderlineApp(App[None]):
    """The game a player meets when typing ``borderline``."""

    TITLE = "Borderline"
    SUB_TITLE = "drug policy on both sides of the border"
    CSS_PATH = Path(__file__).parent / "borderline.tcss"
    COMMANDS = App.COMMANDS | {KeysProvider}
    BINDINGS = [
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit_game", "Quit"),
    ]

    world_status: reactive[str] = reactive(WORLD_LOADING)

    def __init__(
        self,
        packs: Sequence[str | Path] | None = None,
        *,
        extra_packs: Sequence[str | Path] = (),
        use_mods: bool = True,
        world: World | None = None,
        scenario: str | None = None,
        seed: int | None = None,
        saves_folder: str | Path | None = None,
        reports_folder: str | Path | None = None,
        autosave: bool = True,
        cursor_blink: bool = True,
        batch_runs: int = 200,
        previews: bool = True,
        loaded: LoadedSave | None = None,
    ) -> None:
        super().__init__()
        self.packs = [Path(p) for p in packs] if packs is not None else None
        self.extra_packs = [Path(p) for p in extra_packs]
        self.use_mods = use_mods
        self.mods: ModList | None = None  # the mods folder as last read (by pack_folders)
        self.world_located_errors: list[ContentError] = []
        self._reloading = False
        self.loaded = loaded
        self.world: World | None = loaded.game.world if loaded is not None else world
        self.world_errors: list[str] = []
        self.start_scenario = scenario
        self.start_seed = seed
        self.saves_folder = saves_folder
        self.reports_folder = reports_folder
        self.autosave_enabled = autosave
        self.cursor_blink = cursor_blink
        self.batch_runs = batch_runs
        self.previews = previews
        self.bands_cache: dict[tuple[int, int, int, int], Any] = {}
        self.dependence_cache: dict[tuple[object, ...], str] = {}  # forecast -> what it depends on most
        self.game: Game | None = None

    # ------------------------------------------------------------------ the world

    def get_default_screen(self) -> Screen[Any]:
        return TitleScreen()

    def on_ready(self) -> None:
        if self.loaded is not None:
            loaded, self.loaded = self.loaded, None
            self.post_message(WorldLoaded(loaded.game.world, []))
            self.open_game(loaded.game, loaded.warnings)
        elif self.world is not None:
            self.post_message(WorldLoaded(self.world, []))
        else:
            self.load_world()

    def pack_folders(self, *, reread: bool = True) -> list[Path]:
        """What loads: the base game (or the packs given instead), the mods enabled on the
        Mods screen in their order, then any ``--pack`` folders. ``reread``: look at the mods
        folder and the settings again, rather than use the list the Mods screen holds."""
        from game.app.mod_list import ModList  # the loader is heavy: not at start-up
        from game.content.packs import default_packs

        core = self.packs if self.packs is not None else default_packs()
        if self.use_mods and (reread or self.mods is None):
            self.mods = ModList.read()
        enabled = self.mods.enabled_folders() if self.use_mods and self.mods is not None else []
        return [*core, *enabled, *self.extra_packs]

    def reload_packs(self, *, reread: bool = True, announce: bool = True) -> None:
        """Read every pack again (after an edit, or a change on the Mods screen), off the UI
        thread; the title and Mods screens follow ``world_status``. A game being played
        keeps the world it started with. ``announce``: say how it went in a notification."""
        self._reloading = announce
        self.world_status = WORLD_LOADING
        self.load_world(reread=reread)

    @work(thread=True, exclusive=True, group="world", exit_on_error=False)
    def load_world(self, *, reread: bool = True) -> None:
        """Import the engine and compile the packs without blocking the title screen."""
        from game.content.errors import ContentErrors
        from game.engine import load_world

        try:
            world = load_world(self.pack_folders(reread=reread))
        except ContentErrors as exc:
            self.post_message(WorldLoaded(None, [str(e) for e in exc.errors], exc.errors))
        except OSError as exc:
            self.post_message(WorldLoaded(None, [printable(f"cannot read the content: {exc}")]))
        else:
            self.post_message(WorldLoaded(world, []))

    def on_world_loaded(self, message: WorldLoaded) -> None:
        self.world, self.world_errors = message.world, message.errors
        self.world_located_errors = message.located
        self.world_status = WORLD_READY if message.world is not None else WORLD_FAILED
        if self._reloading:
            self._reloading = False
            self._say_reloaded(message)
        if self.start_scenario is not None:
            scenario, self.start_scenario = self.start_scenario, None
            if message.world is None:
                self.notify("The content has errors: see Mods.", severity="error", timeout=10)
            elif scenario not in message.world.scenarios:
                known = ", ".join(sorted(message.world.scenarios))
                self.notify(
                    f"No scenario {scenario!r}; choose one of: {known}",
                    severity="error",
                    timeout=10,
                    markup=False,
                )
            else:
                self.start_game(scenario, self.start_seed)

    def _say_reloaded(self, message: WorldLoaded) -> None:
        if message.world is None:
            count = len(message.errors)
            self.notify(
                f"The packs have {count} error{'s' if count != 1 else ''}: open Mods to read them.",
                severity="error",
                timeout=8,
            )
            return
        content = message.world.content
        packs = ", ".join(pid for pid, _ in message.world.packs)
        notes = []
        if content.conflicts:
            notes.append(f"{len(content.conflicts)} conflict{'s' if len(content.conflicts) != 1 else ''}")
        if content.warnings:
            notes.append(f"{len(content.warnings)} warning{'s' if len(content.warnings) != 1 else ''}")
        extra = f" ({', '.join(notes)}: see Mods)" if notes else ""
        self.notify(f"Packs reloaded: {packs}{extra}", timeout=5, markup=False)

    # ------------------------------------------------------------------ games

    def start_game(self, scenario: str, seed: int | None = None) -> None:
        """A new game of a scenario, with its status-quo twin, dilemmas answered by the player."""
        import random

        from game.engine import Game

        assert self.world is not None
        if seed is None:
            seed = random.randrange(1, 100_000)
        game = Game(self.world, scenario, seed, status_quo=True, interactive=True)
        self.open_game(game)
        self.autosave(game)

    def open_game(self, game: Game, warnings: Sequence[str] = ()) -> None:
        from game.app.screens.main import MainScreen

        self.game = game
        for warning in warnings:  # they may quote a save's text or a file's name
            self.notify(printable(warning), severity="warning", timeout=8, markup=False)
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(MainScreen(game))

    def autosave(self, game: Game) -> None:
        if not self.autosave_enabled:
            return
        from game.app import saving

        try:
            saving.autosave(game, self.saves_folder)
        except saving.SaveError as exc:
            self.notify(f"Autosave failed: {printable(str(exc))}", severity="warning", markup=False)

    def show_debrief(self, game: Game) -> None:
        from game.app.screens.debrief import DebriefScreen

        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(DebriefScreen(game))

    def back_to_title(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    # ------------------------------------------------------------------ keys everywhere

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        from textual.command import CommandPalette

        from game.app.screens.dialogs import DilemmaDialog, HelpDialog, NewsDialog

        screen = self.screen
        if action == "quit_game" and isinstance(screen, DilemmaDialog | NewsDialog | HelpDialog):
            return True  # a question need not be answered before quitting (quitting still asks)
        if (
            action in ("help", "quit_game")
            and isinstance(screen, ModalScreen)
            and not isinstance(screen, CommandPalette)  # the palette offers the keys of the screen below
        ):
            return False
        return True

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's own commands, less its Quit: the game's Quit (q) asks first."""
        for command in super().get_system_commands(screen):
            if command.title != "Quit":
                yield command

    async def action_quit(self) -> None:
        """ctrl+q asks like q does; pressed again at the question, it quits."""
        from game.app.screens.dialogs import ConfirmDialog

        if isinstance(self.screen, ConfirmDialog) and self.screen.question == "Quit Borderline?":
            self.exit()
        else:
            self.action_quit_game()

    def action_help(self) -> None:
        from game.app.screens.dialogs import HelpDialog

        self.push_screen(HelpDialog(self.screen))

    def action_quit_game(self) -> None:
        from game.app.screens.dialogs import ConfirmDialog

        if self.game is None:
            detail = ""
        elif self.game.is_over:
            detail = "This game is over. To keep its debrief, press x on the debrief screen before quitting."
        else:
            detail = "Your game was autosaved at the start of this turn."
        self.push_screen(
            ConfirmDialog("Quit Borderline?", detail, yes="Quit", no="Stay"),
            lambda yes: self.exit() if yes else None,
        )
