"""New game: the scenarios with their briefing, difficulty and length, and the seed to play."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from game.app.widgets.reading import Reading

if TYPE_CHECKING:
    from game.app.app import BorderlineApp
    from game.engine import World


from game.app.screens.styled import StyledOnce
from game.app.widgets.keys_footer import KeysFooter
from game.app.widgets.marked_list import MarkedOptionList


def difficulty_text(world: World, difficulty_id: str | None) -> Content:
    """What a difficulty changes, in the content's words, under its name."""
    from game.app.readouts import display_name
    from game.app.words import reflow

    if difficulty_id is None or difficulty_id not in world.difficulties:
        return Content("")
    level = world.difficulties[difficulty_id]
    return Content.assemble(
        ("Difficulty: ", "bold"), (display_name(level.name, difficulty_id), "bold $text-accent"), "\n",
        reflow(level.description) + "\n\n" if level.description else "\n",
    )


def briefing_text(
    world: World, scenario_id: str, difficulty_id: str | None = None, length: int | None = None
) -> Content:
    """A scenario's briefing: the chosen difficulty, dates, the story, what is scored and how much,
    and the grade scale; ``length``: the turns played, where fewer than the scenario's (a class's)."""
    from game.app.readouts import display_name, grade_rows, objective_shares_of
    from game.app.words import percent, quarter, reflow, turns
    from game.engine.scoring import grade_scale

    sc = world.scenarios[scenario_id]
    played = sc.turns if length is None else min(length, sc.turns)
    months = played * sc.months_per_turn
    years = months / 12
    span = turns(played, sc.turn_name)
    if sc.months_per_turn != 12:  # ten years need no "(10 years)"
        span += f" ({years:g} year{'' if years == 1 else 's'})"
    start = quarter(f"{sc.start_year}Q{sc.start_quarter}")
    parts = [
        Content.styled(display_name(sc.name, scenario_id) + "\n", "bold"),
        Content(f"{'An' if sc.difficulty[:1].lower() in tuple('aeiou') else 'A'} {sc.difficulty} scenario"
                f" · starts {start} · {span}\n\n"),
        difficulty_text(world, difficulty_id),
        Content(reflow(sc.briefing) + "\n"),
    ]
    if sc.objectives:
        parts.append(Content.styled("\nYou are scored against the status quo on:\n", "bold"))
        shares = objective_shares_of(world, scenario_id, difficulty_id)
        for row in shares:
            parts.append(Content(f" • {row.label} ({row.how}): {percent(row.share)} of the score\n"))
        if any(row.valued for row in shares):
            currency = sc.score_currency or "one currency"
            parts.append(
                Content(
                    f"Each objective weighs what it costs, valued in {currency}. These shares are at "
                    "the starting levels; the debrief weighs each by what it costs in the status quo "
                    "over the whole game, so one that grows there weighs more.\n"
                )
            )
        if sc.horizon_years:
            parts.append(
                Content(
                    f"Measured over the game and {sc.horizon_years:g} more years played on without "
                    "changes: what you leave behind counts.\n"
                )
            )
    if sc.grades:
        parts.append(
            Content.styled("\nGrades", "bold")
            + Content(" (score: how much better than the status quo, in points; 0 is the status quo):\n")
        )
        rows = grade_rows(grade_scale(sc))
        width = max(len(label) for label, _ in rows)
        parts.append(Content("\n".join(f"   {label:<{width}}  {span}" for label, span in rows) + "\n"))
    return Content("").join(parts).rstrip()


class NewGameScreen(StyledOnce[None]):
    """Pick a scenario (↑↓), read its briefing, press enter to play."""

    HELP = (
        "Pick a scenario with ↑↓ and read its briefing on the right; tab moves to the difficulty "
        "(money, political capital and how uncertain the world is) and to the seed. The seed "
        "fixes the world's uncertain numbers and its luck: the same seed and difficulty give the "
        "same game, so a class can play the same world. Two players can share the game: name a "
        "player for each government and each plans their own side's levers in secret, turn by "
        "turn. Press enter to start."
    )

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("r", "reseed", "New seed"),
        Binding("enter", "start", "Start", priority=True),
    ]

    def __init__(self, world: World) -> None:
        super().__init__()
        self.world = world

    @property
    def borderline(self) -> BorderlineApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        from game.app.readouts import display_name, side_short
        from game.app.words import turns
        from game.engine.hotseat import MAX_PLAYER_NAME

        yield Label("New game · choose a scenario", classes="screen-title")
        options = [
            Option(
                Content(f"{display_name(sc.name, sid)}\n")
                + Content.styled(f"  {sc.difficulty} scenario, {turns(sc.turns, sc.turn_name)}", "dim"),
                id=sid,
            )
            for sid, sc in self.world.scenarios.items()
        ]
        with Horizontal(classes="split"):
            with Reading(classes="picker"):  # scrolls to the focused field at 80x24
                yield MarkedOptionList(*options, id="scenarios")
                if self.world.difficulties:
                    yield Label("Difficulty:")
                    levels = [
                        Option(display_name(level.name, did), id=did)
                        for did, level in self.world.difficulties.items()
                    ]
                    yield MarkedOptionList(*levels, id="difficulties")
                yield Static("Seed (same seed, same world):", classes="field-label")  # wraps when narrow
                seed = self.borderline.start_seed
                field = Input(
                    str(seed if seed is not None else random.randrange(1, 100_000)), id="seed", type="integer"
                )
                field.cursor_blink = self.borderline.cursor_blink
                yield field
                yield Static("Two players? Name each:", id="players-label", classes="field-label")
                for sid in self.world.sides:
                    name = Input(
                        placeholder=f"{side_short(self.world, sid)} player (or empty)",
                        id=f"player-{sid}",
                        compact=True,
                        max_length=MAX_PLAYER_NAME,
                    )
                    name.cursor_blink = self.borderline.cursor_blink
                    yield name
            with Reading(classes="reading", id="briefing"):
                yield Static("", id="briefing-text")
        yield KeysFooter()

    def on_mount(self) -> None:
        scenarios = self.query_one("#scenarios", OptionList)
        scenarios.focus()
        levels = self.query("#difficulties")
        if levels:
            ids = list(self.world.difficulties)
            chosen = self.borderline.start_difficulty or self.world.default_difficulty
            levels.first(OptionList).highlighted = ids.index(chosen) if chosen in ids else 0
        if scenarios.option_count:
            scenarios.highlighted = 0
        self._brief()

    @property
    def difficulty(self) -> str | None:
        levels = self.query("#difficulties")
        option = levels.first(OptionList).highlighted_option if levels else None
        return option.id if option is not None else None

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._brief()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_start()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_start()

    def _brief(self) -> None:
        option = self.query_one("#scenarios", OptionList).highlighted_option
        if option is not None and option.id is not None:
            text = briefing_text(self.world, option.id, self.difficulty)
            self.query_one("#briefing-text", Static).update(text)
            # another scenario or difficulty is read from its start (it kept the last one's place)
            self.query_one("#briefing", Reading).scroll_home(animate=False)

    def action_reseed(self) -> None:
        self.query_one("#seed", Input).value = str(random.randrange(1, 100_000))

    def action_start(self) -> None:
        option = self.query_one("#scenarios", OptionList).highlighted_option
        if option is None or option.id is None:
            return
        raw = self.query_one("#seed", Input).value.strip()
        try:
            seed = int(raw) if raw else random.randrange(1, 100_000)
        except ValueError:
            self.notify("The seed must be a whole number.", severity="error")
            return
        if seed < 0:
            self.notify("The seed must be zero or more.", severity="error")
            return
        players = self.players()
        if players is None:
            return
        self.borderline.start_game(option.id, seed, players or None, self.difficulty)

    def players(self) -> dict[str, str] | None:
        """The names typed for each side: {} for one player, None (and a message) if they
        cannot make a two-player game."""
        from game.engine import GameError
        from game.engine.hotseat import check_players

        typed = {sid: self.query_one(f"#player-{sid}", Input).value for sid in self.world.sides}
        if not any(name.strip() for name in typed.values()):
            return {}
        try:
            return check_players(list(self.world.sides), typed)
        except GameError as exc:
            self.notify(
                f"{exc}. Name a player for every side, or leave every name empty for one player.",
                severity="error",
                markup=False,
            )
            return None
