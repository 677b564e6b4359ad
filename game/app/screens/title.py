"""The title screen: new game, continue, load, mods, how to play, quit.

It appears before the world has finished loading, so everything that needs the world waits
for ``BorderlineApp.world_status`` and says so instead of freezing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from game.app.screens.styled import StyledOnce
from game.app.widgets import unchanged
from game.app.widgets.keys_footer import KeysFooter
from game.app.widgets.marked_list import MarkedOptionList

if TYPE_CHECKING:
    from game.app.app import BorderlineApp

_LOGO_LINES = r"""
 ___              _         _ _
| _ ) ___ _ _ __| |___ _ _| (_)_ _  ___
| _ \/ _ \ '_/ _` / -_) '_| | | ' \/ -_)
|___/\___/_| \__,_\___|_| |_|_|_||_\___|
""".strip("\n").splitlines()
# every line as wide as the widest, so centring the block keeps its columns in line
LOGO = "\n".join(line.ljust(max(map(len, _LOGO_LINES))) for line in _LOGO_LINES)

TAGLINE = "Drug policy on both sides of the US-Mexico border, one quarter at a time."

MENU = (
    ("new", "New game", "pick a scenario, read its briefing"),
    ("continue", "Continue", "the latest autosave"),
    ("load", "Load", "a saved game"),
    ("class", "Join a class", "open your teacher's class file"),
    ("mods", "Mods", "content packs, versions and errors"),
    ("how", "How to play", "the rules in two minutes"),
    ("quit", "Quit", ""),
)


class TitleScreen(StyledOnce[None]):
    """The first screen: a menu that works before the world has loaded."""

    HELP = (
        "Borderline: you run drug policy for the United States and Mexico, a quarter at a time, "
        "and are judged against the status quo. Start with New game, or How to play for the rules "
        "in two minutes. Every game is autosaved each turn: Continue picks up the latest. "
        "Editing a mod? r reads every pack again without restarting, and Mods shows what it found."
    )

    BINDINGS = [
        Binding("n", "menu('new')", "New game"),
        Binding("c", "menu('continue')", "Continue"),
        Binding("l", "menu('load')", "Load"),
        Binding("j", "menu('class')", "Join a class", show=False),
        Binding("m", "menu('mods')", "Mods"),
        Binding("h", "menu('how')", "How to play"),
        # not in the footer (it would push Help and Quit off an 80-column one): help and the palette say it
        Binding("r", "reload", "Reload packs", show=False, tooltip="Read every pack again after an edit"),
    ]

    @property
    def borderline(self) -> BorderlineApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Vertical(id="title-box"):
            yield Static(LOGO, id="logo")
            yield Static(TAGLINE, id="tagline")
            with Center():
                yield MarkedOptionList(*self._options(), id="menu")
            yield Static("Loading the world…", id="world-status")
        yield KeysFooter()

    def _options(self) -> list[Option]:
        out = []
        for ident, label, hint in MENU:
            prompt = f"{label:<12} [dim]{hint}[/]" if hint else label
            out.append(Option(prompt, id=ident))
        return out

    def on_mount(self) -> None:
        self.watch(self.app, "world_status", self._world_status_changed)

    _waiting: str | None = None  # a menu choice made while the world was loading

    def _world_status_changed(self, status: str) -> None:
        app = self.borderline
        if status != "loading" and self._waiting is not None:
            choice, self._waiting = self._waiting, None
            if status == "ready" and app.screen is self:
                self.call_later(self.action_menu, choice)
        label = self.query_one("#world-status", Static)
        if status == "loading":
            unchanged.update(label, "Loading the world…")
        elif status == "ready" and app.world is not None:
            packs = ", ".join(f"{pid} {version}" for pid, version in app.world.packs)
            scenarios = len(app.world.scenarios)
            ready = f"Ready: {packs} · {scenarios} scenario{'s' if scenarios != 1 else ''}"
            unchanged.update(label, ready + self._mods_warning())
        else:
            errors = len(app.world_errors)
            said = f"✗ The content has {errors} error(s): open Mods to read them."
            unchanged.update(label, said + self._mods_warning())

    def _mods_warning(self) -> str:
        """A second line when the mods folder or the settings file could not be read as set."""
        mods = self.borderline.mods
        if mods is None or not mods.notes:
            return ""
        if mods.settings_damaged:
            return "\n⚠ The settings file could not be read, so no mod loads: open Mods to read why."
        return "\n⚠ The mods folder could not be read in full: open Mods to read why."

    def action_reload(self) -> None:
        """Read every pack again without restarting: for a modder editing a pack."""
        app = self.borderline
        if app.loaded is not None or app.world_status == "loading":
            self.notify("Still loading: one moment.")
            return
        app.reload_packs()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id is not None:
            self.action_menu(event.option_id)

    def action_menu(self, choice: str) -> None:
        app = self.borderline
        if choice == "quit":
            app.action_quit_game()
            return
        if choice == "how":
            from game.app.screens.how_to_play import HowToPlayScreen

            app.push_screen(HowToPlayScreen())
            return
        if choice == "mods" and app.served:
            self.notify("In a served room the teacher chooses the mods.", markup=False)
            return
        if choice == "mods":
            from game.app.screens.mods import ModsScreen

            app.push_screen(ModsScreen())
            return
        if choice == "load":
            from game.app.screens.load_game import LoadScreen

            app.push_screen(LoadScreen())
            return
        if app.world_status == "loading":  # taken up when the world is ready: not a key to press again
            self._waiting = choice
            self.notify("Loading the world: it opens as soon as the world is ready.")
            return
        if app.world is None:
            self.notify("The content has errors: open Mods to read them.", severity="error")
            return
        if choice in ("new", "class", "continue") and app.room_rules is not None:
            self._room_choice(choice)  # a room of a class: every game is a game of the class
            return
        if choice == "new":
            from game.app.screens.new_game import NewGameScreen

            app.push_screen(NewGameScreen(app.world))
        elif choice == "continue":
            self._continue()
        elif choice == "class":
            from game.app.screens.classroom import JoinClassDialog, class_files

            app.push_screen(
                JoinClassDialog(class_files(app.world)), lambda path: app.join_class(path) if path else None
            )

    def _room_choice(self, choice: str) -> None:
        from game.app import saving

        app = self.borderline
        if app.student is None or app.room_rules is None:  # the class's dialog is still to come
            self.notify("Type your name first.", markup=False)
        elif choice != "continue":
            app.new_room_game()
        else:
            folder = saving.folder_or_default(app.saves_folder)  # the student's, once seated
            ongoing = saving.class_game_in_progress(folder, app.room_rules.settings)
            if ongoing is None:
                self.notify("No game of the class in progress: press n for a new one.", markup=False)
            else:
                app.continue_student(ongoing)

    def _continue(self) -> None:
        from game.app.screens.load_game import load_in_background

        load_in_background(self.borderline, None)
