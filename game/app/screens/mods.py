"""Mods: the packs in the mods folder, enabled or not and in load order, with each one's
errors and conflicts; the packs in play, their versions and folders.

Space (or enter) enables or disables the highlighted mod, u and d (or shift+up and
shift+down) move it in the load order, r reads every pack again. Each change is saved to
the settings file at once and the packs reload, so the errors and conflicts shown are
always those of the mods as they now stand.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from game.app.screens.styled import StyledOnce
from game.app.widgets.keys_footer import KeysFooter
from game.app.widgets.marked_list import MarkedOptionList
from game.app.widgets.reading import Reading
from game.content.printable import printable

if TYPE_CHECKING:
    from game.app.app import BorderlineApp
    from game.app.mod_list import ModEntry, ModList
    from game.content.errors import ContentError
    from game.content.patching import Conflict

CORE = "core:"  # option ids of packs that are not in the mods folder (the base game, --pack)


def mods_text(app: BorderlineApp, mods_folder: Path) -> Content:
    """The packs in play, in load order, or the errors that stopped them."""
    from game.app.words import plural, reflow

    parts: list[Content] = []
    world = app.world
    if app.mods is not None and app.mods.notes:  # the mods folder or the settings file, unread
        parts.append(Content.styled("⚠ The mods could not be read as set:\n", "bold $text-warning"))
        parts.extend(Content(f" • {printable(note)}\n") for note in app.mods.notes)
        parts.append(Content("\n"))
    if app.world_status == "loading":
        return Content("").join([*parts, Content("Loading the packs…")])
    if world is not None:
        parts.append(Content.styled("Packs in play, in load order:\n", "bold"))
        for pack in world.content.packs:
            m = pack.manifest
            deps = ", ".join(f"{d.id} {d.version}" for d in m.dependencies) or "none"
            parts.append(
                Content.assemble(("✓ ", "$text-success"), (f"{m.name}", "bold"), f" ({m.id} {m.version})\n")
            )
            folder = printable(str(pack.folder), newlines=False)  # a folder's name may be anything
            parts.append(Content(f"   {folder}\n   needs game {m.game_version}; depends on {deps}\n"))
            if m.description:
                # indented as a block: every wrapped line under the first, not flush left
                width = max(30, app.size.width - 8)
                text = textwrap.fill(
                    reflow(m.description), width, initial_indent="   ", subsequent_indent="   "
                )
                parts.append(Content.styled(f"{text}\n", "italic"))
        counts = [
            plural(len(world.scenarios), "scenario"),
            plural(len(world.actions), "action"),
            plural(len(world.indicators), "indicator"),
            plural(len(world.events), "event"),
        ]
        parts.append(Content(f"\n{', '.join(counts)}.\n"))
    else:
        folders = ", ".join(printable(str(p), newlines=False) for p in app.pack_folders(reread=False))
        parts.append(Content.styled(f"✗ The packs could not be loaded ({folders}):\n", "bold $text-error"))
        for error in app.world_errors:
            parts.append(Content(f" • {error}\n"))
    parts.append(
        Content(
            f"\nA mod is a folder in the mods folder ({_shown(mods_folder)}); one elsewhere loads with "
            "borderline --pack PATH. Check one with: borderline validate PATH. "
            "New one: borderline new-pack NAME. The guide is docs/MODDING.md."
        )
    )
    return Content("").join(parts)


def _inside(file: str, folder: Path) -> bool:
    try:
        Path(file).resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return False
    return True


def entry_problems(
    entry: ModEntry, app: BorderlineApp
) -> tuple[list[ContentError], list[Conflict], list[ContentError]]:
    """The errors, conflicts and warnings of the packs as loaded that are this mod's."""
    errors = [e for e in app.world_located_errors if _inside(e.file, entry.folder)]
    if app.world is None or not entry.loads:
        return errors, [], []
    content = app.world.content
    conflicts = [c for c in content.conflicts if entry.pack_id in (c.loser.pack, c.winner.pack)]
    warnings = [w for w in content.warnings if _inside(w.file, entry.folder)]
    return errors, conflicts, warnings


def entry_text(entry: ModEntry, app: BorderlineApp, place: int | None) -> Content:
    """Everything about one mod: who it is, whether and where it loads, and its problems."""
    from game.app.words import plural, reflow

    parts: list[Content] = []
    m = entry.manifest
    if m is None:
        parts.append(
            Content.assemble(
                ("✗ ", "$text-error"), (_shown(entry.name), "bold"), " is not a pack that can load\n"
            )
        )
        parts.append(Content(f"   {_shown(entry.folder)}\n   {printable(entry.problem)}\n"))
        return Content("").join(parts)
    state = (
        ("✓ enabled", "$text-success") if entry.enabled else ("· disabled (space enables it)", "$text-muted")
    )
    where = f", loads {_ordinal(place)}" if place is not None and entry.enabled else ""
    parts.append(Content.assemble((m.name, "bold"), f" ({m.id} {m.version}) ", state, f"{where}\n"))
    deps = ", ".join(f"{d.id} {d.version}" for d in m.dependencies) or "none"
    parts.append(Content(f"   {_shown(entry.folder)}\n   needs game {m.game_version}; depends on {deps}\n"))
    if m.description:
        width = max(30, app.size.width - 8)
        text = textwrap.fill(reflow(m.description), width, initial_indent="   ", subsequent_indent="   ")
        parts.append(Content.styled(f"{text}\n", "italic"))
    if app.world_status == "loading":
        parts.append(Content("\nChecking the packs…\n"))
        return Content("").join(parts)
    errors, conflicts, warnings = entry_problems(entry, app)
    for mark, word, style, found in (
        ("✗", "error", "bold $text-error", [str(e) for e in errors]),
        ("⚠", "conflict", "bold $text-warning", [str(c).removeprefix("conflict: ") for c in conflicts]),
        ("!", "warning", "bold $text-warning", [str(w) for w in warnings]),
    ):
        if found:
            parts.append(Content.styled(f"\n{mark} {plural(len(found), word)}:\n", style))
            parts.extend(Content(f" • {line}\n") for line in found)
    if entry.loads and not (errors or conflicts or warnings) and app.world is not None:
        parts.append(Content("\nNo errors and no conflicts.\n"))
    return Content("").join(parts)


def _shown(path: Path | str) -> str:
    """A folder or file name as the screen may show it: its control characters escaped."""
    return printable(str(path), newlines=False)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class ModsScreen(StyledOnce[None]):
    """The mods folder's packs: enable, disable and order them; read each one's problems."""

    HELP = (
        "Mods are folders in the mods folder. Space or enter enables or disables the highlighted "
        "mod (a mod's dependencies come with it, its dependents go with it); u and d move it up or "
        "down the load order (where two mods set the same thing, the later one wins); r reads every "
        "pack again after you edit one. Changes are saved at once."
    )

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("space", "switch", "On/off", tooltip="Enable or disable the highlighted mod"),
        Binding("u,shift+up", "move(-1)", "Up", tooltip="Load the highlighted mod earlier"),
        Binding("d,shift+down", "move(1)", "Down", tooltip="Load the highlighted mod later"),
        Binding("r", "reload", "Reload", tooltip="Read every pack again"),
    ]

    DEFAULT_CSS = """
    ModsScreen #mods-list {
        height: auto;
        max-height: 40%;
    }
    ModsScreen #mods-status {
        height: auto;
        padding: 0 1;
        color: $text-muted;
    }
    """

    @property
    def borderline(self) -> BorderlineApp:
        return self.app  # type: ignore[return-value]

    @property
    def mods(self) -> ModList:
        app = self.borderline
        if app.mods is None:
            from game.app.mod_list import ModList

            app.mods = ModList.read()
        return app.mods

    _note = ""  # what the last change was, said again with its outcome once the packs reload

    def compose(self) -> ComposeResult:
        yield Label("Mods · content packs", classes="screen-title")
        yield MarkedOptionList(id="mods-list")  # its ▸ marker shows the highlighted row
        with Reading(id="mods-body", classes="reading"):
            yield Static("", id="mods-text")
        yield Static("", id="mods-status")
        yield KeysFooter()

    def on_mount(self) -> None:
        self._fill_list()
        self.watch(self.app, "world_status", self._show)
        self.query_one("#mods-list", OptionList).focus()

    # ------------------------------------------------------------------ drawing

    def _fill_list(self, keep: str | None = None) -> None:
        options = self.query_one("#mods-list", OptionList)
        highlighted = keep or self._highlighted_id()
        app = self.borderline
        entries = self.mods.entries
        rows: list[Option] = []
        core = app.packs if app.packs is not None else None
        rows.append(Option(self._core_prompt(core), id=f"{CORE}core", disabled=True))
        rows.extend(Option(self._entry_prompt(entry, self._place(entry)), id=entry.name) for entry in entries)
        for extra in app.extra_packs:
            rows.append(Option(f"  +  {extra}  (--pack, loads last)", id=f"{CORE}{extra}", disabled=True))
        options.set_options(rows)
        if not entries:
            self._say(f"No mods yet: put a pack's folder in {self.mods.folder}, then press r.")
        elif not self._note:
            self._say(f"Mods folder: {self.mods.folder}")
        ids = [o.id for o in rows]
        target = highlighted if highlighted in ids else next((o.id for o in rows if not o.disabled), None)
        if target is not None:
            options.highlighted = ids.index(target)
        self._show()

    def _core_prompt(self, core: list[Path] | None) -> str:
        if core is None:
            return "  ■  the base game (always loaded first)"
        return "  ■  " + ", ".join(p.name for p in core) + " (always loaded first)"

    def _entry_prompt(self, entry: ModEntry, place: int | None) -> Content:
        if entry.manifest is None:
            mark = ("✗", "$text-error")
        else:
            mark = ("✓", "$text-success") if entry.enabled else ("·", "$text-muted")
        number = f"{place:>2}" if place is not None else " -"
        version = f"{entry.pack_id} {entry.manifest.version}" if entry.manifest is not None else "not a pack"
        problems = self._problem_words(entry)
        return Content.assemble("  ", mark, f" {number} ", (entry.title, "bold"), f"  {version}", problems)

    def _problem_words(self, entry: ModEntry) -> Content:
        if not entry.loads:
            return Content("  disabled" if entry.manifest is not None else "")
        if self.borderline.world_status == "loading":
            return Content("")
        from game.app.words import plural

        errors, conflicts, warnings = entry_problems(entry, self.borderline)
        for mark, word, style, found in (
            ("✗", "error", "$text-error", errors),
            ("⚠", "conflict", "$text-warning", conflicts),
            ("!", "warning", "$text-warning", warnings),
        ):
            if found:
                return Content.styled(f"  {mark} {plural(len(found), word)}", style)
        return Content("")

    def _highlighted_id(self) -> str | None:
        option = self.query_one("#mods-list", OptionList).highlighted_option
        return option.id if option is not None else None

    def _highlighted_entry(self) -> ModEntry | None:
        ident = self._highlighted_id()
        if ident is None or ident.startswith(CORE):
            return None
        return next((e for e in self.mods.entries if e.name == ident), None)

    def _show(self, _status: str | None = None) -> None:
        entry = self._highlighted_entry()
        overall = mods_text(self.borderline, self.mods.folder)
        if entry is None:
            text = overall
        else:
            place = self._place(entry)
            text = Content("").join([entry_text(entry, self.borderline, place), Content("\n"), overall])
        self.query_one("#mods-text", Static).update(text)
        if _status is not None:  # the packs finished (re)loading: the marks in the list change too
            self._refresh_prompts()
            if _status != "loading" and self._note:
                self._say(f"{self._note}. {self._outcome()}")
                self._note = ""

    def _refresh_prompts(self) -> None:
        options = self.query_one("#mods-list", OptionList)
        for entry in self.mods.entries:
            options.replace_option_prompt(entry.name, self._entry_prompt(entry, self._place(entry)))

    def _place(self, entry: ModEntry) -> int | None:
        if not entry.loads:
            return None
        core = len(self.borderline.packs) if self.borderline.packs is not None else 1
        loading = [e for e in self.mods.entries if e.loads]
        return core + loading.index(entry) + 1

    def _outcome(self) -> str:
        from game.app.words import plural

        app = self.borderline
        if app.world is None:
            return f"✗ The packs have {plural(len(app.world_errors), 'error')}: see the mods marked ✗."
        content = app.world.content
        counts = ((len(content.conflicts), "conflict"), (len(content.warnings), "warning"))
        notes = [plural(count, word) for count, word in counts if count]
        return "The packs load" + (f", with {' and '.join(notes)}." if notes else " cleanly.")

    def _say(self, text: str) -> None:
        self.query_one("#mods-status", Static).update(Content(printable(text)))

    # ------------------------------------------------------------------ keys

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_switch()

    def action_switch(self) -> None:
        entry = self._highlighted_entry()
        if entry is None:
            self._say("The base game always loads; pick a mod to enable or disable it.")
            return
        message = self.mods.toggle(entry.name)
        if entry.manifest is None:
            self._say(message or "")
            return
        state = "enabled" if entry.enabled else "disabled"
        self._changed(f"{entry.title} {state}" + (f"; {message}" if message else ""), entry.name)

    def action_move(self, step: int) -> None:
        entry = self._highlighted_entry()
        if entry is None:
            self._say("The base game always loads first; pick a mod to move it.")
            return
        refused = self.mods.move(entry.name, step)
        if refused is not None:
            self._say(f"Not moved: {refused}.")
            return
        self._changed(f"{entry.title} moved {'up' if step < 0 else 'down'}", entry.name)

    def action_reload(self) -> None:
        from game.app.mod_list import ModList

        keep = self._highlighted_id()
        self.borderline.mods = ModList.read()
        self._note = "Read every pack again"
        self._fill_list(keep)
        self._say("Reading every pack again…")
        self.borderline.reload_packs(reread=False, announce=False)

    def _changed(self, what: str, keep: str) -> None:
        """Save the change, redraw, and load the packs as they now stand."""
        from game.app.mod_list import SettingsError

        try:
            self.mods.save()
        except SettingsError as exc:
            self._note = f"{what}, for this session only ({exc})"
        else:
            self._note = f"{what} (saved in {self.mods.settings})"
        self._fill_list(keep)
        self._say(f"{self._note}. Checking the packs…")
        self.borderline.reload_packs(reread=False, announce=False)
