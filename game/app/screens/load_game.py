"""Load and save: the list of saves, loading off the UI thread, saving with overwrite confirmation."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from game.app.screens.styled import StyledOnce
from game.app.widgets.keys_footer import KeysFooter
from game.app.widgets.marked_list import MarkedOptionList
from game.content.printable import printable

if TYPE_CHECKING:
    from game.app.app import BorderlineApp
    from game.app.saving import PackMismatch, ReplayMismatch
    from game.engine import Game


SHOWN = 5  # differences a "load anyway?" question lists; it counts the rest


def load_in_background(app: BorderlineApp, path: Path | None, *, allow_mismatch: bool = False) -> None:
    """Replay a save (None: the newest autosave of a game in progress) in a worker thread, then open it.

    The game opened is autosaved at once, so Continue later resumes it rather than whatever
    game was autosaved before. A save made with other content (other packs, or packs changed
    since) is not opened silently: when nothing else loads, the player is asked whether to load
    it anyway on the content loaded now (``allow_mismatch``), and is told what differs.
    """
    if path is not None:
        app.notify(f"Loading {printable(Path(path).name, newlines=False)}…", timeout=3, markup=False)

    def replay() -> None:
        from game.app import saving

        packs: Any = app.world if app.world is not None else app.packs
        if path is not None:
            candidates = [path]
        else:  # newest autosave first by sequence number, not file time; skip ones that no longer load
            candidates = saving.autosave_paths(app.saves_folder)
            if not candidates:
                app.call_from_thread(app.notify, "No autosave yet: start a new game.", severity="warning")
                return
            app.call_from_thread(app.notify, "Loading the latest autosave…", timeout=3, markup=False)
        problem = finished = ""
        mismatched: tuple[Path, saving.PackMismatch | saving.ReplayMismatch] | None = None
        ended: set[str] = set()  # games whose newest autosave is of the game over
        for candidate in candidates:
            game_id = saving.autosave_game(candidate) if path is None else ""
            if game_id in ended:
                continue
            if path is None and saving.is_finished(candidate):  # Continue resumes, it does not re-open
                finished = finished or candidate.name
                if game_id:  # an older autosave of a finished game is not "the game in progress"
                    ended.add(game_id)
                continue
            try:
                loaded = saving.load_save(candidate, packs, allow_pack_mismatch=allow_mismatch)
            except (saving.PackMismatch, saving.ReplayMismatch) as exc:
                mismatched = mismatched or (candidate, exc)  # refused only for its content
                continue
            except saving.SaveError as exc:
                problem = problem or printable(str(exc))  # it names the file, whose name may be anything
                continue
            app.call_from_thread(app.open_loaded, loaded)
            return
        if mismatched is not None:
            app.call_from_thread(ask_to_load_anyway, app, *mismatched)
            return
        if finished and not problem:
            problem = (
                "No game in progress: your last game is over. Start a new game, or Load its "
                "autosave to read the debrief again."
            )
        app.call_from_thread(
            app.notify, problem, title="Cannot load", severity="error", timeout=12, markup=False
        )

    app.run_worker(replay, thread=True, group="load", exclusive=True, exit_on_error=False)


def ask_to_load_anyway(app: BorderlineApp, path: Path, refusal: PackMismatch | ReplayMismatch) -> None:
    """Say how a save's content differs from what is loaded now, and load it on a yes."""
    from game.app.saving import PackMismatch
    from game.app.screens.dialogs import ConfirmDialog

    name = printable(Path(path).stem, newlines=False)
    if isinstance(refusal, PackMismatch):
        said = f"“{name}” was made with other content than is loaded now:"
    else:
        said = f"Replaying “{name}” does not give the game it recorded:"
    shown = [f"• {printable(line, newlines=False)}" for line in refusal.differences[:SHOWN]]
    if len(refusal.differences) > SHOWN:
        shown.append(f"… and {len(refusal.differences) - SHOWN} more")
    app.push_screen(
        ConfirmDialog(
            "Load this save anyway?",
            "\n\n".join([said, *shown])
            + "\n\nLoaded anyway, the game goes on from its replay on the content loaded "
            "now, so its numbers will not be the ones it was saved with.",
            yes="Load anyway",
            no="Cancel",
            default_yes=False,
        ),
        lambda yes: load_in_background(app, path, allow_mismatch=True) if yes else None,
    )


def save_with_dialogs(app: BorderlineApp, game: Game, say: Callable[..., None]) -> None:
    """Ask for a name, confirm before overwriting, save, and say where it went."""
    from game.app import saving
    from game.app.screens.dialogs import ConfirmDialog, SaveDialog

    def write(name: str, overwrite: bool) -> None:
        try:
            path = saving.save_game(
                game,
                name,
                overwrite=overwrite,
                folder=app.saves_folder,
                game_id=app.game_id or None,
                classroom=app.classroom_record(game),
            )
        except saving.SaveExists:
            app.push_screen(
                ConfirmDialog(
                    f"Overwrite the save {name!r}?",
                    "The game saved under this name will be replaced by this one.",
                    yes="Overwrite",
                    no="Cancel",
                    default_yes=False,
                ),
                lambda yes: write(name, True) if yes else say("Not saved."),
            )
            return
        except saving.SaveError as exc:
            say(f"✗ Not saved: {printable(str(exc))}", error=True, title="Not saved")
            return
        changes = saving.renamed(name)
        if changes:
            say(f"Saved as {path.stem!r}: {printable(changes)}: {path}")
        else:
            say(f"Saved to {path}")

    def named(name: str | None) -> None:
        if name:
            write(name, False)
        else:
            say("Not saved.")

    # the turn being played, as the header numbers it ("turn 1 of 40" before any turn is played)
    who = f"{app.classroom.student} " if app.classroom is not None and game is app.game else ""
    suggestion = f"{who}{game.scenario_id} {'end' if game.is_over else f'turn {game.turn + 1}'}"
    app.push_screen(SaveDialog(suggestion), named)


def turn_words(turn: int, date: str, over: bool = False) -> str:
    """A save's place in its game as the header says it: the turn being played and its quarter.

    Saves record the turns completed and the last quarter played (``2016Q1`` after turn 17);
    the header of that game read "2016 Q2, turn 18". A finished game's save says so.
    """
    from game.app.words import quarter

    if over:
        return f"game over after turn {turn} ({quarter(date)})"
    year, sep, q = date.partition("Q")
    if sep and year.isdigit() and q.isdigit() and 1 <= int(q) <= 4:
        y, n = (int(year), int(q) + 1) if int(q) < 4 else (int(year) + 1, 1)
        return f"turn {turn + 1} ({y} Q{n})"
    if date.isdigit():  # a game of yearly turns: the save's year is the last one played
        return f"turn {turn + 1} ({int(date) + 1})"
    return f"turn {turn + 1} (after {quarter(date)})"


AUTOSAVE_NAME = re.compile(r"Autosave, turn \d+")


class LoadScreen(StyledOnce[None]):
    """Saved games, newest first; enter loads."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    # the list takes the height left by the title and the note, and scrolls on its own: an
    # OptionList is as tall as the screen at most by default, which pushed the title and the
    # note off a screen holding twenty saves and scrolled the whole screen with a second bar
    DEFAULT_CSS = """
    LoadScreen #saves {
        height: 1fr;
    }
    """

    @property
    def borderline(self) -> BorderlineApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Label("Load a saved game", classes="screen-title")
        yield MarkedOptionList(id="saves")
        yield Static("", id="saves-note")
        yield KeysFooter()

    def on_mount(self) -> None:
        from game.app import saving

        note = self.query_one("#saves-note", Static)
        saves_list = self.query_one("#saves", OptionList)
        try:
            saves = saving.list_saves(self.borderline.saves_folder)
        except saving.SaveError as exc:
            note.update(Content(f"✗ {printable(str(exc))}"))
            return
        self._paths: dict[str, Path] = {}
        for i, save in enumerate(saves):
            self._paths[str(i)] = save.path
            kind = "autosave" if save.autosave else "save"
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(save.modified))
            if save.error:  # the name may be a file's, the error may quote it: both escaped
                line = Content(f"✗ {printable(save.name, newlines=False)}\n") + Content.styled(
                    f"  cannot be loaded: {printable(save.error)}", "dim"
                )
            else:
                who = f" · {' + '.join(save.players)}" if save.players else ""
                which = f"{save.scenario}, seed {save.seed}{who}" if save.seed is not None else save.scenario
                about = f"{kind} · {which} · {turn_words(save.turn, save.date, save.over)} · {when}"
                name = printable(save.name, newlines=False)
                if save.autosave and AUTOSAVE_NAME.fullmatch(name):  # old autosaves: turns completed
                    name = "Autosave, game over" if save.over else f"Autosave, turn {save.turn + 1}"
                elif not save.autosave and save.path.stem != save.name:  # a copy, or a name made safe
                    name += f"  (file {printable(save.path.name, newlines=False)})"
                line = Content(f"{name}\n") + Content.styled(f"  {about}", "dim")
            saves_list.add_option(Option(line, id=str(i), disabled=bool(save.error)))
        folder = printable(str(saving.folder_or_default(self.borderline.saves_folder)), newlines=False)
        if not saves:
            note.update(Content(f"No saves yet in {folder}. Start a new game: it is autosaved every turn."))
        else:
            note.update(Content(f"Saves in {folder} · enter to load"))
            # the newest save that loads is highlighted, so enter loads it and ↓ goes to the next
            first = next((i for i, save in enumerate(saves) if not save.error), None)
            if first is not None:
                saves_list.highlighted = first
        saves_list.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id is not None:
            load_in_background(self.borderline, self._paths[event.option_id])
