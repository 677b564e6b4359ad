"""The Borderline app: the title screen first, the world loaded off the UI thread, one game at a time.

Start-up stays fast because nothing heavy is imported here: the engine (numpy, pydantic)
loads in a worker thread once the title screen is on screen, and every other screen's
module is imported when the player first opens it.

Why one long module: the app object owns the screen stack, the world's loading, autosaves, class
sessions and hot-seat hand-overs, all of which Textual routes through the App; each screen lives
in its own module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App, ScreenStackError, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen

from game import locations
from game.app.commands import KeysProvider
from game.app.screens.title import TitleScreen
from game.app.settings import Settings
from game.app.widgets.size_notice import (
    HORIZONTAL_BREAKPOINTS,
    MIN_HEIGHT,
    MIN_WIDTH,
    VERTICAL_BREAKPOINTS,
    SizeNotice,
)
from game.content.printable import printable
from game.errors import did_you_mean

if TYPE_CHECKING:
    from textual import events
    from textual.driver import Driver
    from textual.geometry import Size
    from textual.notifications import SeverityLevel

    from game.app.mod_list import ModList
    from game.app.screens.classroom import Seated
    from game.classroom import ClassRules, ClassSession
    from game.content.errors import ContentError
    from game.engine import Game, World
    from game.engine.hotseat import HotSeat
    from game.saves import ClassroomRecord, LoadedSave

WORLD_LOADING, WORLD_READY, WORLD_FAILED = "loading", "ready", "failed"


class WorldLoaded(Message):
    """Posted by the loading worker: the compiled world, or the errors that stopped it
    (as text, and as located errors the Mods screen can tell each pack's apart)."""

    def __init__(self, world: World | None, errors: list[str], located: Sequence[ContentError] = ()) -> None:
        super().__init__()
        self.world = world
        self.errors = errors
        self.located = list(located)


class BorderlineApp(App[None]):
    """The game a player meets when typing ``borderline``."""

    TITLE = "Borderline"
    SUB_TITLE = "drug policy on both sides of the border"
    CSS_PATH = Path(__file__).parent / "borderline.tcss"
    COMMANDS = {KeysProvider}  # the game's keys, then Textual's own commands (one provider: one order)
    BINDINGS = [
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit_game", "Quit"),
    ]

    HORIZONTAL_BREAKPOINTS = HORIZONTAL_BREAKPOINTS  # below 80x24 every screen shows SizeNotice
    VERTICAL_BREAKPOINTS = VERTICAL_BREAKPOINTS

    world_status: reactive[str] = reactive(WORLD_LOADING)

    def get_driver_class(self) -> type[Driver]:
        """Textual's choice of driver; in a browser, one that also ends the game when the
        server goes (game/app/served_driver.py says why)."""
        driver = super().get_driver_class()
        if driver.__module__ == "textual.drivers.web_driver" and driver.__name__ == "WebDriver":
            from game.app.served_driver import ServedDriver  # only a served game needs it

            return ServedDriver
        return driver

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
        difficulty: str | None = None,
        settings_file: str | Path | None = None,
        guide: bool = True,
        class_file: str | Path | None = None,
        served: bool = False,
        players: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        # each notice showing, by what it says: the time its display ends (``notify``)
        self._notices_until: dict[tuple[str, str, str], float] = {}
        self.class_file = Path(class_file) if class_file is not None else None
        self.classroom: ClassSession | None = None  # the class and student of the game in play
        # Served to a browser (borderline serve): the student's name picks a folder of their own
        # under the saves folder for saves, autosaves and exports; the Mods screen is the teacher's.
        self.served = served
        self.refused = ""  # why the game asked for on the command line could not start
        self.student: str | None = None
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
        self.start_difficulty = difficulty
        self.start_players = dict(players or {})  # with start_scenario: a two-player game
        self.saves_folder = saves_folder
        self.reports_folder = reports_folder
        self.autosave_enabled = autosave
        self.cursor_blink = cursor_blink
        self.batch_runs = batch_runs
        self.previews = previews
        self.bands_cache: dict[tuple[int, int, int, int], Any] = {}
        self.dependence_cache: dict[tuple[object, ...], str] = {}  # forecast -> what it depends on most
        self.game: Game | None = None
        self.game_id = ""  # the game's id in its saves: its autosaves are kept apart from others'
        self.autosaved: tuple[int, int, int] | None = None  # (game, turn, answers) last autosaved
        self.autosave_problem = ""  # why the last autosave failed ("" if it did not)
        self.settings = Settings(settings_file)
        self.guide = guide  # the first-game guide's hints, until the player dismisses them
        self.room_rules: ClassRules | None = None  # served with --class: every game is the class's
        self.room_players: dict[str, str] = {}  # ... and in a hot-seat class, the pair seated
        self.class_world: World | None = None  # the class's packs, which class games play on
        self.hotseat: HotSeat | None = None  # a two-player game: whose turn it is to plan
        self.at_keyboard: str | None = None  # the side whose player has the keyboard now
        # the row each pane of the main screen was on (pane id -> option id), kept when an undo or a
        # load builds the main screen anew, so the cursor stays where the player was
        self.cursor_places: dict[str, str] = {}

    # ------------------------------------------------------------------ the world

    def get_default_screen(self) -> Screen[Any]:
        return TitleScreen()

    def on_mount(self) -> None:
        self.screen_change_signal.subscribe(self, self._add_size_notice)

    def on_resize(self, event: events.Resize) -> None:
        # runs before App's own handler: the screen in view still shows its widgets and focus
        try:
            screen = self.screen
        except ScreenStackError:  # no screen yet: the first one gets its notice when it appears
            return
        self._add_size_notice(screen, event.size)

    def _add_size_notice(self, screen: Screen[Any], size: Size | None = None) -> None:
        """Give the screen in view the notice it shows while the terminal is too small (see
        SizeNotice), once it is too small: a notice mounted on every screen as it appeared cost
        each screen a mount, its styling and a layout pass, for a widget almost never shown."""
        width, height = self.size if size is None else size
        if (width < MIN_WIDTH or height < MIN_HEIGHT) and not screen.query(SizeNotice):
            screen.mount(SizeNotice(id="size-notice", last_focus=screen.focused))

    def on_ready(self) -> None:
        if self.served and self.class_file is None:  # a room of a class: the class's dialog asks
            from game.app.screens.student import StudentNameScreen

            self.push_screen(StudentNameScreen(), self.seat_student)
        if self.loaded is not None:
            loaded, self.loaded = self.loaded, None
            self.post_message(WorldLoaded(loaded.game.world, []))
            self.open_loaded(loaded)
        elif self.world is not None:
            self.post_message(WorldLoaded(self.world, []))
        else:
            self.load_world()

    def seat_student(self, name: str | None, players: dict[str, str] | None = None) -> None:
        """A served game: keep the student's files in their own folder; offer their newest
        autosave (only theirs: Continue and Load read only that folder). In a room of a class
        (``room_rules``), start their game of the class unless they continue one; ``players``:
        a hot-seat class's pair (``name`` is the pair's)."""
        from game.app import saving
        from game.app.screens.dialogs import ConfirmDialog

        if not name:
            return
        rules = self.room_rules
        root = saving.folder_or_default(self.saves_folder)
        folder = root / saving.safe_name(name)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.notify(f"Cannot keep your saves: {printable(str(exc))}", severity="error", markup=False)
        self.student, self.saves_folder, self.reports_folder = name, folder, folder
        self.sub_title = f"{name}'s game"
        self.room_players = dict(players or {})
        if rules is not None:  # a room of a class continues only a game of this class
            ongoing = saving.class_game_in_progress(folder, rules.settings)
            if ongoing is None:
                self.new_room_game()
                return
            self.push_screen(
                ConfirmDialog(
                    f"Welcome back, {name}",
                    "Continue your game of the class from your newest autosave, or start a new one?",
                    yes="Continue",
                    no="New game",
                ),
                lambda yes: self.continue_student(ongoing) if yes else self.new_room_game(),
            )
        elif saving.autosave_paths(folder):
            self.push_screen(
                ConfirmDialog(
                    f"Welcome back, {name}",
                    "Continue your game from your newest autosave, or go to the title screen?",
                    yes="Continue",
                    no="Title screen",
                ),
                lambda yes: self.continue_student() if yes else None,
            )

    def new_room_game(self) -> None:
        """In a room of a class, a new game of the class for the student (or pair) seated; else nothing."""
        if self.room_rules is not None and self.student is not None and (self.class_world or self.world):
            self.start_class_game(self.room_rules, self.student, self.room_players or None)

    def continue_student(self, path: Path | None = None) -> None:
        from game.app.screens.load_game import load_in_background

        load_in_background(self, path)

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
        if self.class_file is not None and message.world is not None:
            path, self.class_file = self.class_file, None
            self.join_class(path)
        if self.start_scenario is not None:
            scenario, self.start_scenario = self.start_scenario, None
            asked = self.start_difficulty
            if message.world is None:
                self.notify("The content has errors: see Mods.", severity="error", timeout=10)
            elif scenario not in message.world.scenarios:
                known = sorted(message.world.scenarios)
                meant = did_you_mean(scenario, known)
                self._refuse_start(f"unknown scenario {scenario!r}{meant}; choose one of: {', '.join(known)}")
            elif asked is not None and (level := message.world.difficulty_named(asked)) is None:
                listed = message.world.difficulties_listed()
                self._refuse_start(f"unknown difficulty {asked!r}; choose one of: {listed}")
            else:
                from game.engine import GameError

                try:
                    level = None if asked is None else level
                    self.start_game(scenario, self.start_seed, self.start_players or None, level)
                except GameError as exc:  # a --player side the world does not have
                    self._refuse_start(str(exc))

    def _refuse_start(self, why: str) -> None:
        """A new game asked for on the command line that the packs cannot start: the command
        fails with the reason (exit 1, as ``simulate`` does), not a title screen and a toast.
        (A served game never has one: ``borderline serve`` starts each at the title or a class.)"""
        self.refused = why
        self.exit(return_code=1)

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

    def start_game(
        self,
        scenario: str,
        seed: int | None = None,
        players: dict[str, str] | None = None,
        difficulty: str | None = None,
    ) -> None:
        """A new game of a scenario at a difficulty (default: the packs'), with its status-quo twin,
        dilemmas answered by the player.

        ``players`` (side id -> name) makes it a two-player game: each plays one side."""
        import random

        from game.engine import Game

        assert self.world is not None
        if seed is None:
            seed = random.randrange(1, 100_000)
        game = Game(self.world, scenario, seed, status_quo=True, interactive=True, difficulty=difficulty)
        if players:
            from game.engine.hotseat import check_players

            game.players = check_players(list(self.world.sides), players)
        self.open_game(game, autosave=True)

    # ------------------------------------------------------------------ classes

    def join_class(self, path: Path) -> None:
        """Read a class file (untrusted: the safe reader and the schema), play on the class's
        packs (the base game and the class's own ``packs``: never the mods the student has
        enabled), then ask the student's name. The class's world is loaded off the UI thread
        when the one in memory is not it."""
        from game.classroom import ClassRules
        from game.content.errors import ContentErrors
        from game.content.packs import default_packs, manifest

        try:
            rules = ClassRules.from_file(path)
        except ContentErrors as exc:
            self._cannot_join([str(e) for e in exc.errors])
            return
        core = self.packs if self.packs is not None else default_packs()
        folders = rules.pack_folders(core, self.extra_packs)
        wanted = sorted(found.id for found in map(manifest, folders) if found is not None)
        if self.world is not None and sorted(pid for pid, _ in self.world.packs) == wanted:
            self._join_class_on(path, self.world)
            return
        self.notify("Loading the class's packs…", timeout=3)

        def load() -> None:
            from game.engine import load_world

            try:
                world = load_world(folders)
            except ContentErrors as exc:
                self.call_from_thread(self._cannot_join, [f"its packs have errors: {e}" for e in exc.errors])
            except OSError as exc:
                self.call_from_thread(self._cannot_join, [f"cannot read its packs: {exc}"])
            else:
                self.call_from_thread(self._join_class_on, path, world)

        self.run_worker(load, thread=True, group="class-world", exclusive=True, exit_on_error=False)

    def _cannot_join(self, errors: Sequence[str]) -> None:
        first = printable(errors[0])
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        self.notify(f"Cannot join this class: {first}{more}", severity="error", timeout=12, markup=False)

    def _join_class_on(self, path: Path, world: World) -> None:
        """The class file checked against the class's world, then the student's name asked."""
        from game.classroom import ClassRules
        from game.content.errors import ContentErrors

        try:
            rules = ClassRules.from_file(path, world)
        except ContentErrors as exc:
            self._cannot_join([str(e) for e in exc.errors])
            return
        self.class_world = world
        if self.served:  # a room of this class: the name seats the student, then their game starts
            self.room_rules = rules
        self._ask_name(rules, world)

    def _ask_name(self, rules: ClassRules, world: World, typed: Seated | None = None) -> None:
        """The class card and the student's name (``typed``: as typed before, back from the
        briefing); then, in a room, the student seated; else the briefing."""
        from game.app.screens.classroom import StudentNameDialog

        if self.served:
            self.push_screen(
                StudentNameDialog(rules, world, served=True, typed=typed),
                lambda seated: self.seat_student(seated.student, seated.players) if seated else None,
            )
            return
        self.push_screen(
            StudentNameDialog(rules, world, typed=typed),
            lambda seated: self.start_class_game(rules, seated.student, seated.players) if seated else None,
        )

    def start_class_game(
        self, rules: ClassRules, student: str, players: dict[str, str] | None = None, *, briefed: bool = False
    ) -> None:
        """The student's game of the class: its scenario, their seed, the pins, the locks; a
        hot-seat class's is played by ``players`` (side id -> name), ``student`` being the pair.
        First the scenario's briefing (``briefed``: read), as the new-game screen shows it; going
        back from it asks the name again."""
        from game.app.screens.classroom import ClassBriefingDialog, Seated

        world = self.class_world or self.world
        assert world is not None
        if not briefed:
            self.push_screen(
                ClassBriefingDialog(rules, world),
                lambda start: self.start_class_game(rules, student, players, briefed=True)
                if start
                else self._ask_name(rules, world, Seated(student, dict(players or {}))),
            )
            return
        game = rules.new_game(world, student, players=players or None)
        self.open_game(game, session=rules.session(student), autosave=True)

    def open_loaded(self, loaded: LoadedSave) -> None:
        """A game brought back from a save; a class game keeps its class, student and answers."""
        self.open_game(
            loaded.game, loaded.warnings, loaded.game_id, autosave=True, session=self._session_of(loaded)
        )
        if loaded.numerics_note is not None:  # verified across kinds of machine: said once, not asked
            note = f"Loaded. {loaded.numerics_note[0].upper()}{loaded.numerics_note[1:]}."
            self.notify(note, title="Save verified", timeout=10, markup=False)

    def _session_of(self, loaded: LoadedSave) -> ClassSession | None:
        """A loaded class game's session, its rules applied to the game again (locks, undo)."""
        from game.classroom import ClassError, ClassRules

        record = loaded.classroom
        if record is None:
            return None
        try:
            rules = ClassRules.from_settings(record.settings, str(loaded.path))
        except ClassError as exc:
            self.notify(printable(str(exc)), severity="warning", timeout=10, markup=False)
            return None
        rules.apply(loaded.game)
        return rules.session(record.student, record.answers)

    def shows(self, what: str) -> bool:
        """Whether the player sees ``what`` ("status_quo", "why", "bands"): a class can hide them."""
        return self.classroom is None or self.classroom.rules.shows(what)

    def classroom_record(self, game: Game) -> ClassroomRecord | None:
        """What a save of the game in play records about its class (None outside a class)."""
        if self.classroom is None or game is not self.game:
            return None
        return self.classroom.record(game.world)

    def open_game(
        self,
        game: Game,
        warnings: Sequence[str] = (),
        game_id: str | None = None,
        *,
        autosave: bool = False,
        session: ClassSession | None = None,
    ) -> None:
        """Show a game; ``game_id`` continues a saved game's (a new one gets a fresh id);
        ``session``: a class game's class and student.

        With ``autosave`` it is autosaved at once, so Continue resumes the game in view (a new
        one, or one just loaded), not whatever was autosaved last.
        """
        from game.app.screens.main import MainScreen

        self.game = game
        self.game_id = game_id or self._new_game_id()
        self.classroom = session
        self.autosaved, self.autosave_problem = None, ""
        self.hotseat, self.at_keyboard = None, None
        if autosave:
            self.autosave(game)
        for warning in warnings:  # they may quote a save's text or a file's name
            self.notify(printable(warning), severity="warning", timeout=8, markup=False)
        while len(self.screen_stack) > 1:
            self.pop_screen()
        if game.players:
            from game.engine.hotseat import HotSeat

            self.hotseat = HotSeat(game, game.players)
        self.push_screen(MainScreen(game))
        if self.hotseat is not None and not game.is_over:
            seats = self.hotseat
            who = " and ".join(f"{seats.player(s)} plays {seats.side_name(s)}" for s in seats.order)
            self.hand_over(
                seats.seated,
                f"A two-player game: {who}. Each of you plans your own government's levers in "
                "secret; the other's stay read-only. When both have ended the turn, it resolves "
                "once for both.",
            )

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Textual's notice, but not again while the same notice still shows: a key pressed
        again (escape on a dilemma, a refused change) stacked a copy per press over the screen
        it was about. Another press once it has gone shows it again."""
        key = (message, title, severity)
        now = monotonic()
        if self._notices_until.get(key, 0.0) > now:
            return
        self._notices_until = {k: t for k, t in self._notices_until.items() if t > now}
        self._notices_until[key] = now + (self.NOTIFICATION_TIMEOUT if timeout is None else timeout)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def clear_notifications(self) -> None:
        self._notices_until.clear()  # gone from the screen: the same notice may show again
        super().clear_notifications()

    def hand_over(self, side: str, reason: str, then: Callable[[], None] | None = None) -> None:
        """Cover the game until the player of ``side`` takes the keyboard; then run ``then``."""
        from game.app.screens.hand_over import HandOverScreen

        seats = self.hotseat
        assert seats is not None
        self.at_keyboard = side
        self.clear_notifications()  # what the last player was told is theirs alone

        def taken(_: None) -> None:
            self.focus_levers()
            if then is not None:
                then()

        self.push_screen(HandOverScreen(seats.player(side), seats.side_name(side), reason), taken)

    def focus_levers(self) -> None:
        """Put the keyboard on the lever list of the game in view: the player who just sat
        down plans with +/- at once, not on whatever the last player left focused."""
        from game.app.screens.main import MainScreen
        from game.app.widgets.action_panel import ActionPanel

        main = next((s for s in reversed(self.screen_stack) if isinstance(s, MainScreen)), None)
        if main is not None:
            main.set_focus(main.query_one(ActionPanel))

    async def hand_over_wait(self, side: str, reason: str) -> None:
        """From a worker: hand over to the player of ``side`` unless they have the keyboard."""
        from game.app.screens.hand_over import HandOverScreen

        seats = self.hotseat
        if seats is None or self.at_keyboard == side:
            return
        self.at_keyboard = side
        self.clear_notifications()
        await self.push_screen_wait(HandOverScreen(seats.player(side), seats.side_name(side), reason))
        self.focus_levers()

    @staticmethod
    def _new_game_id() -> str:
        import secrets

        return secrets.token_hex(4)  # as game.saves.new_game_id, without loading the save system

    def autosave(self, game: Game) -> None:
        """Autosave the game as it stands; remember whether it worked, for what the game tells the player."""
        if not self.autosave_enabled:
            return
        from game.app import saving

        try:
            saving.autosave(
                game, self.saves_folder, game_id=self.game_id, classroom=self.classroom_record(game)
            )
        except saving.SaveError as exc:
            self.autosave_problem = str(exc)
            self.notify(f"Autosave failed: {printable(str(exc))}", severity="warning", markup=False)
        else:
            self.autosaved = (id(game), game.turn, len(game.choices_made))
            self.autosave_problem = ""

    def saved_note(self, game: Game, turn_word: str = "turn") -> str:
        """Whether leaving now loses anything, said only as far as it is true."""
        if game.is_over:
            return "This game is over. To keep its debrief, press x on the debrief screen before quitting."
        if not self.autosave_enabled:
            return "Autosave is off: stay and press s to save this game if you want to come back to it."
        if self.autosaved == (id(game), game.turn, len(game.choices_made)):
            return f"Your game was autosaved at the start of this {turn_word}; Continue resumes it."
        if self.autosave_problem:
            return (
                f"The last autosave failed ({self.autosave_problem}). Stay and press s to save the "
                "game somewhere you can write, or it is lost."
            )
        return "This game has not been autosaved yet: stay and press s to save it first."

    def show_debrief(self, game: Game) -> None:
        from game.app.screens.debrief import DebriefScreen
        from game.engine import SimulationError

        try:  # scoring plays the world on to the scenario's horizon, which the content may break
            debrief = DebriefScreen(game)
        except SimulationError as exc:
            self.cannot_go_on(exc, "scoring it")
            return
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(debrief)

    def cannot_go_on(self, exc: Exception, doing: str = "") -> None:
        """Back to the title, saying why: the content's rules broke the world (a stock or an
        indicator left its range, a number went infinite) while playing a turn or ``doing``."""
        while_ = f" while {doing}" if doing else ""
        self.back_to_title()
        self.notify(
            f"The content stopped this game{while_}: {printable(str(exc))}. The last autosave is from "
            "the turn before; fix the pack (borderline validate) or play without it.",
            title="The game cannot go on",
            severity="error",
            timeout=30,
            markup=False,
        )

    def back_to_title(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    # ------------------------------------------------------------------ keys everywhere

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        from textual.command import CommandPalette

        from game.app.screens.dialogs import DilemmaDialog, HelpDialog, NewsDialog

        screen = self.screen
        if action == "help":
            # ? works on any screen and dialog; on the help itself it closes it (its own key)
            return not isinstance(screen, HelpDialog)
        if action == "quit_game" and isinstance(screen, DilemmaDialog | NewsDialog | HelpDialog):
            return True  # a question need not be answered before quitting (quitting still asks)
        if (
            action == "quit_game"
            and isinstance(screen, ModalScreen)
            and not isinstance(screen, CommandPalette)  # the palette offers the keys of the screen below
        ):
            return False
        return True

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's own commands, less its Quit (the game's q asks first), and a Screenshot that
        writes into the saves folder and says where."""
        for command in super().get_system_commands(screen):
            if command.title == "Screenshot":
                yield SystemCommand(
                    "Screenshot",
                    "Save a picture of this screen (SVG) in the saves folder",
                    lambda: self.set_timer(0.1, self.action_screenshot),
                )
            elif command.title != "Quit":
                yield command

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Save an SVG of the screen into the saves folder (or ``path``) and say where it went."""
        import time

        folder = Path(path) if path else Path(self.saves_folder or locations.saves_folder()).absolute()
        name = filename or f"screenshot-{time.strftime('%Y-%m-%d-%H%M%S')}.svg"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            saved = self.save_screenshot(name, str(folder))
        except OSError as exc:
            self.notify(
                f"Could not save the screenshot in {folder}: {exc.strerror or exc}",
                title="Screenshot failed",
                severity="error",
                markup=False,
            )
            return
        self.notify(f"Screenshot saved: {saved}", title="Screenshot", markup=False, timeout=8)

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

        game = self.game
        detail = "" if game is None else self.saved_note(game, game.scenario.turn_name)
        self.push_screen(
            ConfirmDialog("Quit Borderline?", detail, yes="Quit", no="Stay"),
            lambda yes: self.exit() if yes else None,
        )
