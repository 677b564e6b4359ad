"""How to play: the rules in two minutes, for someone who has never seen the game."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Label, Markdown

from game.app.screens.styled import StyledOnce
from game.app.widgets.keys_footer import KeysFooter
from game.app.widgets.reading import Reading

GUIDE = """\
## What you are doing
You run drug policy for **both** governments, the United States and Mexico, one turn at a
time (a quarter of a year in the base game; a scenario says how long its turns are).
The simulation resolves drug markets, violence and prisons from rules written with their
sources; you decide the policies.

## A turn
1. **Read** the header (date, turn, each side's money and political capital) and the
   dashboard: each headline indicator now, its trend, its change since last turn
   (▲ up, ▼ down) and its gap from the **status quo**: the same world, same luck, with no
   changes from you. ✓ means better than the status quo, ✗ worse.
2. **Decide** on the action panel: ↑↓ to pick an action, **+** / **-** (or **→** / **←**) to
   raise or lower its level. The detail pane shows what it does, its cost a turn, the political capital a
   change needs, how many turns it takes to ramp up, its prerequisites, what the model
   expects it to do, and the evidence *for and against* it. A change a side cannot pay for
   is refused with the reason.
3. **End the turn** with **e**. News and dilemmas appear; a dilemma needs your answer.
4. **Understand**: **w** (why) splits an indicator's change into the signed contributions of
   each rule, action and event. **c** charts any indicator against the status quo, with the
   range of many runs. **m** shows Mexico's trafficking organizations and the designation
   workflow.

## Political capital
Changing a lever costs political capital as well as money (the detail pane gives the price;
lowering some levers costs capital too). Capital moves a little every turn even when you do
nothing: each side earns some while its approval is above a floor (more, the higher its
approval), and capital left unspent fades slowly. Elections won, and some answers to
dilemmas, add capital; others take it. A change is refused when the side's capital cannot
pay for it together with the other changes already planned.

## The end
After the last turn (or a lost election or a collapse) the **debrief** grades your run
against the status quo, from "catastrophic" to "merely distasteful", the best anyone can do.

## Keys
e end turn · c charts · w why · m cartels · s save · u undo the last turn · g next hint ·
enter on a lever: its details and evidence · ? help on any screen · q quit · escape back ·
tab next pane · ctrl+p every command by name.
The game autosaves every turn: **Continue** on the title screen picks it up.
"""


class HowToPlayScreen(StyledOnce[None]):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        yield Label("How to play", classes="screen-title")
        with Reading(id="guide", classes="reading"):
            yield Markdown(GUIDE)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#guide").focus()
