"""Mods: the content packs in play, their versions and folders, and any errors that stopped them."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Label, Static

from game.content.printable import printable

if TYPE_CHECKING:
    from game.app.app import BorderlineApp


def mods_text(app: BorderlineApp) -> Content:
    from game.app.words import plural, reflow

    parts: list[Content] = []
    world = app.world
    if app.world_status == "loading":
        return Content("Loading the packs…")
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
        folders = ", ".join(printable(str(p), newlines=False) for p in app.pack_folders())
        parts.append(Content.styled(f"✗ The packs could not be loaded ({folders}):\n", "bold $text-error"))
        for error in app.world_errors:
            parts.append(Content(f" • {error}\n"))
    parts.append(
        Content(
            "\nAdd a mod with: borderline --pack PATH/TO/PACK (repeatable). "
            "Check one with: borderline validate PATH. The guide is docs/MODDING.md."
        )
    )
    return Content("").join(parts)


class ModsScreen(Screen[None]):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        yield Label("Mods · content packs", classes="screen-title")
        with VerticalScroll(id="mods-body", classes="reading"):
            yield Static("", id="mods-text")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.watch(self.app, "world_status", self._show)
        self.query_one("#mods-body").focus()

    def _show(self, _status: str) -> None:
        self.query_one("#mods-text", Static).update(mods_text(self.app))  # type: ignore[arg-type]
