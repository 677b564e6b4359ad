"""The main screen: briefing, decisions and the end of each turn.

Header (date, turn, money and capital per side), the indicator dashboard with the news below
it, and the action panel with the highlighted action's detail. Ending a turn resolves the
turn, autosaves, shows the news and asks the turn's dilemmas one by one.

Why one long module: the main screen is where a turn is played, and its handlers (levels, undo,
hints, previews, the end of a turn, the hand-over between players) share the screen's state and
its workers; its parts that stand alone (panels, dashboard, detail) already live in
game/app/widgets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static
from textual.worker import get_current_worker

from game.app.screens.styled import StyledOnce
from game.app.widgets import unchanged
from game.app.widgets.action_panel import ActionPanel
from game.app.widgets.dashboard import Dashboard
from game.app.widgets.detail_pane import DetailPane
from game.app.widgets.keys_footer import KeysFooter
from game.app.widgets.news_feed import NewsFeed
from game.app.widgets.turn_header import TurnHeader

if TYPE_CHECKING:
    from game.app.app import BorderlineApp
    from game.app.guide import Hint
    from game.engine import Debrief, Game

PREVIEW_TURNS = 4


class PreviewReady(Message):
    """The model's expectation for a level change, computed off the UI thread."""

    def __init__(self, action: str, level: int, turn: int, effects: dict[str, float]) -> None:
        super().__init__()
        self.action, self.level, self.turn, self.effects = action, level, turn, effects


class DependenceReady(Message):
    """What a forecast depends on most, worked out off the UI thread (``key``: the forecast's)."""

    def __init__(self, key: tuple[object, ...], line: str) -> None:
        super().__init__()
        self.key, self.line = key, line


WEIGHING = "Depends most on: weighing the model's uncertain assumptions…"


class StatusLine(Static):
    """One line saying what just happened: a change planned, refused, saved."""

    DEFAULT_CSS = """
    StatusLine { height: 1; padding: 0 1; background: $boost; text-wrap: nowrap; text-overflow: ellipsis; }
    """


class GameScreen(StyledOnce[None]):
    """Base of the screens that show a game: level changes with their confirmations and refusals.

    ``version`` goes up whenever the game changes; each screen redraws in ``refresh_panes``.
    """

    version: reactive[int] = reactive(0, init=False)

    def __init__(self, game: Game) -> None:
        super().__init__()
        self.game = game

    @property
    def borderline(self) -> BorderlineApp:
        return self.app  # type: ignore[return-value]

    @property
    def turn_word(self) -> str:
        """What one turn is called in this game's scenario ("quarter", "month", "year")."""
        return self.game.scenario.turn_name

    def help_text(self) -> str:
        """The screen's ``HELP``, in the scenario's word for a turn (``{turn}`` in the text)."""
        return str(getattr(self, "HELP", "")).format(turn=self.turn_word)

    def _seated(self) -> str | None:
        """In a two-player game, the side whose player is planning now (None otherwise)."""
        seats = self.borderline.hotseat
        return seats.seated if seats is not None and not self.game.is_over else None

    def refresh_panes(self) -> None:
        """Redraw from the game; screens override."""

    def watch_version(self) -> None:
        self.refresh_panes()

    # Set by a screen whose mount has drawn its panes: Textual resumes a screen straight after
    # mounting it, and drawing the same game twice in a row was a tenth of opening a game.
    _drawn_on_mount = False

    def on_screen_resume(self) -> None:
        if self._drawn_on_mount:
            self._drawn_on_mount = False
            return
        self.refresh_panes()

    def say(self, text: str | Content, *, error: bool = False, title: str = "Refused") -> None:
        """Tell the player what just happened, on the status line if the screen has one.

        Routine news (a change planned, a save written) stays on the status line and never
        pops up. A refusal or failure is also shown in full in a notification, so its reason
        can always be read, and so is anything said on a screen without a status line; ``title``
        heads that notification (a refusal by default; a failure names itself).
        """
        content = text if isinstance(text, Content) else Content(text)
        lines = self.query(StatusLine)
        if lines:
            unchanged.update(lines.first(), content)
            if not error:
                return
        self.notify(
            content.plain,
            title=title if error else "",
            severity="error" if error else "information",
            markup=False,
            timeout=8 if error else 5,
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo" and not (self.game.scenario.undo and self.game.undo_allowed):
            return False  # a scenario or a class (a teacher) turned undo off: the key is not offered at all
        return True

    @property
    def can_undo(self) -> bool:
        """Whether u takes back the last turn: the scenario and class allow it, and it is not a
        two-player game (a turn both players planned is not one player's to take back)."""
        game = self.game
        return bool(game.scenario.undo and game.undo_allowed and self.borderline.hotseat is None)

    def action_undo(self) -> None:
        """Take back the last turn: the game goes back to its start, with its plan to change."""
        from game.app.screens.dialogs import ConfirmDialog
        from game.app.words import quarter

        game = self.game
        if not game.scenario.undo:
            self.say("This scenario does not allow undoing a turn.", error=True)
            return
        if not game.undo_allowed:  # a class with undo = false (its briefing says so too)
            self.say(f"✗ No taking back a {self.turn_word} in this class.", error=True)
            return
        if self.borderline.hotseat is not None:
            # one player may not take back a turn both played (and a sealed plan is out of the game)
            self.say(
                f"✗ A two-player game cannot undo a {self.turn_word}: it was played by both of you.",
                error=True,
            )
            return
        if game.turn < 1:
            self.say(f"No {self.turn_word} has been played yet: there is nothing to undo.")
            return
        when = quarter(game.date(game.turn))
        self.app.push_screen(
            ConfirmDialog(
                f"Undo {when}?",
                f"The game goes back to the start of {when}, with the changes you planned for it "
                "still planned, to keep or change before you play it again. Its news and your "
                f"answers to its dilemmas are undone. Played again with the same plan and answers, "
                f"the {self.turn_word} comes out exactly the same.",
                yes="Undo",
                no="Keep it",
                default_yes=False,
            ),
            lambda yes: self._undo() if yes else None,
        )

    def _undo(self) -> None:
        from game.app.screens.dialogs import BusyDialog
        from game.app.words import quarter

        app = self.borderline
        game, game_id = self.game, app.game_id
        when = quarter(game.date(game.turn))
        # the game in view is read by the replay and replaced when it lands: until then nothing
        # may change it (a turn ended meanwhile would be silently lost)
        busy = BusyDialog(f"Undoing {when}…", f"Replaying the game to the start of {when}.")
        app.push_screen(busy)

        def failed(message: str) -> None:
            if busy.is_attached:
                busy.dismiss(None)
            self.say(message, error=True)

        def replay() -> None:
            from game.engine import GameError, undo_last_turn

            try:
                earlier = undo_last_turn(game)
            except GameError as exc:
                app.call_from_thread(failed, f"✗ Cannot undo: {exc}")
                return
            session = app.classroom if app.game is game else None  # a class game stays one
            if session is not None:
                session.rules.apply(earlier)  # its length and locks again
            app.call_from_thread(app.open_game, earlier, (), game_id, autosave=True, session=session)

        app.run_worker(replay, thread=True, group="undo", exclusive=True, exit_on_error=False)

    def on_action_panel_step_requested(self, message: ActionPanel.StepRequested) -> None:
        from game.app.readouts import action_name, level_label
        from game.app.screens.dialogs import ConfirmDialog

        game, aid = self.game, message.action
        if game.is_over:
            self.say("The game is over: press e for the debrief.")
            return
        seats = self.borderline.hotseat
        if seats is not None and not seats.owns(aid):
            side = seats.side_of_action(aid)
            self.say(
                Content.styled(
                    f"✗ Read-only: {action_name(game.world, aid)} is {seats.player(side)}'s lever "
                    f"({seats.side_name(side)}); {seats.player(seats.seated)} plays "
                    f"{seats.side_name(seats.seated)}.",
                    "$text-error",
                ),
                error=True,
            )
            return
        info = game.world.actions[aid]
        new = game.level(aid) + message.step
        if not 0 <= new < info.levels:
            edge = "highest" if message.step > 0 else "lowest"
            self.say(f"{action_name(game.world, aid)} is already at its {edge} level.")
            return
        warning = info.spec.irreversible_warning
        if message.step > 0 and warning and new > game.committed_level(aid):
            if game.check_level(aid, new):  # cannot be paid or not allowed: refuse, do not ask first
                self.set_level(aid, new)
                return
            from game.app.screens.dialogs import cost_line

            self.app.push_screen(
                ConfirmDialog(
                    f"Raise {action_name(game.world, aid)} to {level_label(game.world, aid, new)}?",
                    warning,
                    cost=cost_line(game, aid, new),
                    yes="Do it",
                    no="Cancel",
                    default_yes=False,
                ),
                lambda yes: self._confirmed(aid, new, bool(yes)),
            )
            return
        self.set_level(aid, new)

    def _confirmed(self, aid: str, level: int, yes: bool) -> None:
        if yes:
            self.set_level(aid, level)
        else:
            self.say("Cancelled.")

    def set_level(self, aid: str, level: int) -> bool:
        """Ask the engine for a level; say what it costs, or why it was refused."""
        from game.app.readouts import action_cost, action_name, level_label, planned_capital, side_short
        from game.app.words import money
        from game.engine import ActionRefused

        game = self.game
        name, label = action_name(game.world, aid), level_label(game.world, aid, level)
        seats = self.borderline.hotseat
        try:
            if seats is not None:
                seats.set_level(aid, level)
            else:
                game.set_level(aid, level)
        except ActionRefused as refused:
            self.say(
                # why first: a status line cut at 80 columns kept the lever's name and lost the reason
                Content.styled(f"✗ Refused, {'; '.join(refused.reasons)}: {name} → {label}", "$text-error"),
                error=True,
            )
            self.app.bell()
            return False
        committed = game.committed_level(aid)
        side_id = game.world.actions[aid].spec.side
        planned = sum(amount for _, amount in planned_capital(game, side_id))
        side = game.world.sides.get(side_id)
        of_all = ""
        if side is not None and planned:
            available = game.capital(side_id)
            of_all = f" · {side_short(game.world, side_id)} planned: {planned:g} of {available:.0f} capital"
        if level == committed:
            self.say(f"Back to {label}: no change planned for {name}{of_all}.")
        else:  # the change first: the name is on the highlighted row, and a long one would push it off
            capital = game.world.actions[aid].capital_to_change(committed, level)
            cost = money(action_cost(game, aid, level), side.money_unit if side else "$B")
            self.say(f"Planned {label}: {cost} a {self.turn_word}, {capital:g} capital{of_all} ({name}).")
        self.tell_dropped()
        self.version += 1
        return True

    def tell_dropped(self) -> None:
        """Say which planned changes went because what they rested on went (in full, not in passing)."""
        from game.app.readouts import action_name, level_label

        game = self.game
        if not game.dropped:
            return
        gone = "; ".join(
            f"{action_name(game.world, aid)} → {level_label(game.world, aid, level)} ({'; '.join(why)})"
            for aid, level, why in game.dropped
        )
        game.dropped.clear()
        self.say(Content.styled(f"✗ Dropped the planned {gone}", "$text-error"), error=True, title="Dropped")


class StandingReady(Message):
    """The score the game would get if it ended now, worked out off the UI thread."""

    def __init__(self, key: tuple[int, int, bool], standing: Debrief | str) -> None:
        """``standing``: the debrief, or why the score cannot be worked out (playing the game on
        past its end to score it broke the world: a mod's rule, most likely)."""
        super().__init__()
        self.key, self.standing = key, standing


class MainScreen(GameScreen):
    """Where the game is played, turn after turn."""

    # the debrief if the game ended now (the header's score), or why it cannot be worked out
    standing: Debrief | str | None = None
    standing_key: tuple[int, int, bool] | None = None

    HELP = (
        "Each turn is a {turn}. Raise or lower the actions on the right with + and - (or → and ←), "
        "within each side's budget (money a {turn}) and political capital (spent when a "
        "change takes effect). Press e to end the {turn}. The dashboard shows each "
        "headline indicator now, its trend, the change since last turn (▲/▼) and how far it "
        "is from the status quo: the same world with no changes from you (✓ better, ✗ worse). "
        "The score in the header is what the game would score if it ended now: the {turn}s played, "
        "then the scenario's years after them played on with your levels as they stand, against "
        "the status quo (0 by definition). It moves as that future does, and counts a dilemma's "
        "answer once it is given; the debrief splits it by objective."
    )

    BINDINGS = [
        Binding("e", "end_turn", "End turn"),
        Binding("c", "charts", "Charts"),
        Binding("w", "why", "Why"),
        Binding("m", "cartels", "Cartels"),
        Binding("s", "save", "Save"),
        Binding("u", "undo", "Undo turn", show=False),
        Binding("g", "hint(False)", "Next hint", show=False),
        Binding("G", "hint(True)", "No more hints", show=False),
        Binding("escape", "leave", "Back / title", show=False),
        # + and - belong to the lever list; elsewhere they said nothing and did nothing (a playtester)
        Binding("plus,equals_sign,minus,underscore", "levels_elsewhere", "", show=False),
        Binding("tab", "cycle(1)", "", show=False),
        Binding("shift+tab", "cycle(-1)", "", show=False),
    ]

    PANES = ("#actions", "#dashboard", "#detail", "#news")

    detail_subject = "action"
    _forecast: tuple[str, dict[str, float]] | None = None  # the forecast shown in the detail pane
    _dependence_wanted: tuple[object, ...] | None = None  # the forecast whose dependence is awaited
    seat_shown: str | None = None  # two players: the side whose player the status line last greeted

    def _remember_place(self, pane: str, option: str | None) -> None:
        """Keep the row the player is on, for the main screen of the game after an undo or a load."""
        if option is not None:
            self.borderline.cursor_places[pane] = option

    def compose(self) -> ComposeResult:
        places = self.borderline.cursor_places
        yield TurnHeader(id="turn-header")
        with Horizontal(id="main-body"):
            with Vertical(id="main-left"):
                yield Dashboard(id="dashboard").resume_on(places.get("dashboard"))
                news = NewsFeed(id="news")
                news.border_title = "Report & news · • decision  ! event  ? choice"
                yield news
            with Vertical(id="main-right"):
                yield ActionPanel(id="actions").resume_on(places.get("actions"))
                yield DetailPane(id="detail")
        yield StatusLine("", id="status")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.refresh_panes()
        self._drawn_on_mount = True
        self.query_one(ActionPanel).focus()
        if self.game.turn == 0:
            self.say(f"↑↓ action · ←/→ level · enter: details, evidence · e: end {self.turn_word} · ?: help")
        if self.game.pending_dilemmas:
            self.ask_dilemmas()
        elif self.game.is_over:
            self.call_after_refresh(self.borderline.show_debrief, self.game)

    def refresh_panes(self) -> None:
        game, seats = self.game, self.borderline.hotseat
        seated = self._seated()
        self.tell_dropped()  # an answer to a dilemma can take away what a planned change rested on
        key = (game.turn, len(game.choices_made), game.is_over)
        if self.standing_key != key:  # a turn or an answer changed the score: work it out again
            self.standing_key, self.standing = key, None
            self._work_out_standing()
        self._show_header()
        self.query_one(Dashboard).show(game)
        self.query_one(ActionPanel).show(game, seated)
        if seats is not None and seated is not None and seated != self.seat_shown:
            self.seat_shown = seated
            self.say(
                f"{seats.player(seated)} plans {seats.side_name(seated)}: +/- on your levers, the "
                f"others are read-only · e: end your plan"
            )
        self.query_one(NewsFeed).show(game)
        self._show_detail()
        self._show_hint()

    # ------------------------------------------------------------------ the first-game guide

    def _current_hint(self) -> Hint | None:
        from game.app.guide import next_hint

        app = self.borderline
        return next_hint(self.game.turn, app.settings.dismissed_hints) if app.guide else None

    def _show_hint(self) -> None:
        from game.app.guide import HINTS, hint_text

        hint = self._current_hint()
        for other in HINTS:
            for widget in self.query(other.target):
                widget.set_class(hint is not None and other.target == hint.target, "-guided")
        if hint is None:
            self.query_one(NewsFeed).show_hint(None)
            return
        number = next(i for i, h in enumerate(HINTS, 1) if h is hint)
        text = hint_text(hint, self.turn_word, self.can_undo)  # not offered in a two-player game
        self.query_one(NewsFeed).show_hint(
            Content.assemble(
                (f"Guide {number}/{len(HINTS)}", "bold $text-accent"),
                (" · g next hint · G no more hints\n", "$text-muted"),
                text,
            )
        )

    def action_levels_elsewhere(self) -> None:
        """+ or - with the focus off the lever list: where levels change."""
        self.say("+ and - change the highlighted lever in the list on the right: tab to it first.")

    def action_hint(self, all_of_them: bool) -> None:
        """g: this hint is read (it will not come back); G: no more hints, in this game or the next."""
        from game.app.guide import HINTS

        app = self.borderline
        hint = self._current_hint()
        if hint is None:
            return
        app.settings.dismiss(*([h.id for h in HINTS] if all_of_them else [hint.id]))
        if app.settings.problem:
            self.say(
                f"✗ The guide cannot remember this: {app.settings.problem}",
                error=True,
                title="Not remembered",
            )
        elif self._current_hint() is None and any(h.id not in app.settings.dismissed_hints for h in HINTS):
            # the guide went quiet with hints still to come: it had seemed to vanish (a playtester)
            self.say(f"The guide's next hint comes after you end the {self.turn_word} (G: no more hints).")
        self._show_hint()

    def _work_out_standing(self) -> None:
        """Score the game as it stands, in a worker, on copies (the player may change levels meanwhile)."""
        game = self.game
        if game.status_quo is None:
            return
        twin = game.fork()
        twin.status_quo = game.status_quo.fork()
        for aid in list(twin.pending):  # the score of what has happened, not of plans
            twin.unset_level(aid)
        self._score_copy(twin, (game.turn, len(game.choices_made), game.is_over))

    @work(thread=True, group="standing", exit_on_error=False)  # not exclusive: tests wait on it whole
    def _score_copy(self, twin: Game, key: tuple[int, int, bool]) -> None:
        from game.errors import BorderlineError

        try:
            standing: Debrief | str = twin.debrief()
        except BorderlineError as exc:  # the play-on that scores the game broke the world
            standing = str(exc)
        if not get_current_worker().is_cancelled:
            self.post_message(StandingReady(key, standing))

    _unscored_said = False  # the reason the score cannot be worked out is told once a game

    def on_standing_ready(self, message: StandingReady) -> None:
        if message.key == self.standing_key:
            self.standing = message.standing
            self._show_header()
            if isinstance(message.standing, str) and not self._unscored_said:
                self._unscored_said = True
                self.say(
                    "✗ The score cannot be worked out: playing the game on past its end to score it "
                    f"breaks the world: {message.standing}",
                    error=True,
                    title="No score",
                )

    _deciding: str | None = None  # two players: the side whose dilemma is being asked

    def _show_header(self) -> None:
        """The header, naming who has the keyboard: the player who plans, or while a dilemma is
        asked the player of its side, who decides it (the seat has gone back to the first player
        by then, and the other side's dilemma was asked under her name)."""
        header = self.query_one(TurnHeader)
        if self._deciding is not None:
            header.show(self.game, self.standing, seated=self._deciding, doing="decides for")
        else:
            header.show(self.game, self.standing, seated=self._seated())

    # ------------------------------------------------------------------ actions and levels

    def _show_detail(
        self, preview: tuple[str, dict[str, float]] | None = None, depends: str | None = None
    ) -> None:
        """Detail of what is highlighted in the list that last had focus."""
        pane = self.query_one(DetailPane)
        if self.detail_subject == "indicator":
            pane.show_indicator(self.game, self.query_one(Dashboard).highlighted_indicator)
        else:
            pane.show_action(self.game, self.query_one(ActionPanel).highlighted_action, preview, depends)

    def on_descendant_focus(self, event: object) -> None:
        focused = self.focused
        subject = (
            "indicator"
            if isinstance(focused, Dashboard)
            else "action"
            if isinstance(focused, ActionPanel)
            else None
        )
        if subject is not None and subject != self.detail_subject:
            self.detail_subject = subject
            self._show_detail()
            aid = self.query_one(ActionPanel).highlighted_action
            if subject == "action" and aid is not None:
                self._start_preview(aid)

    def on_dashboard_indicator_highlighted(self, message: Dashboard.IndicatorHighlighted) -> None:
        self._remember_place("dashboard", message.indicator)
        if self.detail_subject == "indicator":
            self._show_detail()

    def on_action_panel_action_highlighted(self, message: ActionPanel.ActionHighlighted) -> None:
        self._remember_place("actions", message.action)
        if self.detail_subject != "action":
            return
        self._show_detail()
        if message.action is not None:
            self._start_preview(message.action)

    def _preview_level(self, aid: str) -> int | None:
        game = self.game
        chosen, committed = game.level(aid), game.committed_level(aid)
        if chosen != committed:
            return chosen
        levels = game.world.actions[aid].levels
        return committed + 1 if committed + 1 < levels else committed - 1

    def _start_preview(self, aid: str) -> None:
        if not self.borderline.previews or self.game.is_over:
            return
        level = self._preview_level(aid)
        if level is None or level < 0:
            return
        future = self.game.fork()
        future.unset_level(aid)
        self._compute_preview(future, aid, level, self.game.turn)

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False)
    def _compute_preview(self, future: Game, aid: str, level: int, turn: int) -> None:
        effects = future.preview({aid: level}, PREVIEW_TURNS)
        if not get_current_worker().is_cancelled:
            self.post_message(PreviewReady(aid, level, turn, effects))

    def on_preview_ready(self, message: PreviewReady) -> None:
        aid = self.query_one(ActionPanel).highlighted_action
        if aid == message.action and message.turn == self.game.turn:
            if self._preview_level(aid) == message.level:
                self._forecast = (self._preview_title(aid, message.level), message.effects)
                self._start_dependence(aid, message.level, message.effects)

    # ------------------------------------------------------------------ what a forecast depends on

    def _dependence_key(self, aid: str, level: int) -> tuple[object, ...]:
        game = self.game
        return (aid, level, game.turn, game.state_digest(), tuple(sorted(game.pending.items())))

    def _start_dependence(self, aid: str, level: int, effects: dict[str, float]) -> None:
        """Show the forecast now, and what it depends on once known (cached per lever and state)."""
        from game.app.readouts import forecast_lead

        lead = forecast_lead(self.game.world, effects)
        if lead is None:
            self._show_detail(self._forecast)
            return
        key = self._dependence_key(aid, level)
        self._dependence_wanted = key
        cached = self.borderline.dependence_cache.get(key)
        self._show_detail(self._forecast, cached or WEIGHING)
        if cached is None:
            future = self.game.fork()
            future.unset_level(aid)
            self._compute_dependence(future, aid, level, lead, key)

    @work(thread=True, exclusive=True, group="dependence", exit_on_error=False)
    def _compute_dependence(
        self, future: Game, aid: str, level: int, lead: str, key: tuple[object, ...]
    ) -> None:
        from game.app.readouts import dependence_line
        from game.engine.sensitivity import forecast_dependence

        found = forecast_dependence(future, {aid: level}, PREVIEW_TURNS, [lead])
        if not get_current_worker().is_cancelled:
            self.post_message(DependenceReady(key, dependence_line(future.world, found[lead])))

    def on_dependence_ready(self, message: DependenceReady) -> None:
        self.borderline.dependence_cache[message.key] = message.line
        if message.key == self._dependence_wanted and self.detail_subject == "action":
            aid = self.query_one(ActionPanel).highlighted_action
            if aid is not None and message.key[:2] == (aid, self._preview_level(aid)):
                self._show_detail(self._forecast, message.line)

    def _preview_title(self, aid: str, level: int) -> str:
        from game.app.readouts import level_label
        from game.app.words import turns

        game = self.game
        label = level_label(game.world, aid, level)
        ahead = turns(PREVIEW_TURNS, game.scenario.turn_name)
        if level != game.committed_level(aid) and game.level(aid) == level:
            return f"Your planned change to {label}, {ahead} on (the model's expectation):"
        verb = "raise" if level > game.committed_level(aid) else "lower"
        seats, seated = self.borderline.hotseat, self._seated()
        side = game.world.actions[aid].spec.side
        if seats is not None and seated is not None and side != seated:  # not this player's to move
            owner = seats.player(side)
            return (
                f"{owner}'s lever ({seats.side_name(side)}), not yours: if {owner} were to {verb} it "
                f"to {label}, {ahead} on the model expects:"
            )
        return f"If you {verb} it to {label}, {ahead} on the model expects:"

    def on_action_panel_action_chosen(self, message: ActionPanel.ActionChosen) -> None:
        self.query_one(DetailPane).focus()

    def on_dashboard_indicator_chosen(self, message: Dashboard.IndicatorChosen) -> None:
        self.open_why(message.indicator)

    def action_cycle(self, step: int) -> None:
        """Tab goes actions → dashboard → detail → news and round again."""
        panes = [self.query_one(selector) for selector in self.PANES]
        current = next((i for i, pane in enumerate(panes) if pane is self.focused), -1)
        panes[(current + step) % len(panes)].focus()

    # ------------------------------------------------------------------ ending a turn

    def action_end_turn(self) -> None:
        from game.app.screens.dialogs import ConfirmDialog

        game = self.game
        if game.is_over:
            self.borderline.show_debrief(game)
            return
        if game.pending_dilemmas:
            self.ask_dilemmas()
            return
        seats = self.borderline.hotseat
        if seats is not None and seats.seated != seats.order[-1]:
            self._seal_plan()
            return
        if game.turn + 1 >= game.turns:
            self.app.push_screen(
                ConfirmDialog(
                    f"End the last {self.turn_word}?",
                    "This ends the game and shows your debrief against the status quo.",
                    yes="End the game",
                    no="Not yet",
                    default_yes=False,
                ),
                lambda yes: self._end_game(bool(yes)),
            )
            return
        self.resolve_turn()

    def _seal_plan(self) -> None:
        """Two players: the seated player's plan is sealed and the next player takes the seat."""
        seats = self.borderline.hotseat
        assert seats is not None
        side = seats.seated
        self.workers.cancel_group(self, "preview")  # a preview of this player's plan is theirs alone
        seats.seal()
        self.version += 1
        after = seats.seated
        word, me, next_player = self.turn_word, seats.player(side), seats.player(after)
        self.borderline.hand_over(
            after,
            f"{me} ({seats.side_name(side)}) has finished planning for this {word}. The plan is sealed: "
            f"{next_player} will not see it until the {word} resolves, and {me} will not see "
            f"{next_player}'s. {next_player} now plans the levers of {seats.side_name(after)}.",
        )

    def _end_game(self, yes: bool) -> None:
        if yes:
            self.resolve_turn()

    @work(exclusive=True, group="turn")
    async def resolve_turn(self) -> None:
        from game.app.screens.dialogs import NewsDialog
        from game.app.words import quarter
        from game.engine import SimulationError

        game, app = self.game, self.borderline
        seats = app.hotseat
        try:
            if seats is not None:
                seats.seal()
                report = seats.resolve_turn()
            else:
                report = game.resolve_turn()
        except SimulationError as exc:  # a pack's arithmetic broke: the game cannot go on
            app.cannot_go_on(exc)
            return
        self.version += 1
        app.autosave(game)
        undo = " · u undoes it" if self.can_undo else ""
        self.say(f"{quarter(report.date)} resolved: w why things moved · c charts{undo}.")
        news = [e for e in report.events if e.event not in {d.event for d in report.dilemmas}]
        taken = {c.event: c for c in game.choices_made if c.turn == report.turn and c.by_default}
        if news:
            played = game.played_sides()
            unplayed = {sid: side.name or sid for sid, side in game.world.sides.items() if sid not in played}
            await app.push_screen_wait(
                NewsDialog(
                    quarter(report.date), news, game.world, self.turn_word, game.turn_scale, game.env, taken,
                    unplayed, final=game.is_over,
                )
            )
        await self._answer_dilemmas()
        if game.is_over:
            app.show_debrief(game)
        elif seats is not None:
            first = seats.seated
            await app.hand_over_wait(
                first,
                f"{quarter(report.date)} has resolved with both plans. {seats.player(first)} plans "
                f"the levers of {seats.side_name(first)} first for the next {self.turn_word}; press w on the "
                "main screen to see what each side's choices did.",
            )

    @work(exclusive=True, group="turn")
    async def ask_dilemmas(self) -> None:
        await self._answer_dilemmas()
        if self.game.is_over:
            self.borderline.show_debrief(self.game)

    async def _answer_dilemmas(self) -> None:
        from game.app.screens.dialogs import DilemmaDialog

        game, app = self.game, self.borderline
        answered = False
        seats = app.hotseat
        while game.pending_dilemmas:
            dilemma = game.pending_dilemmas[0]
            decider = ""
            if seats is not None:
                side = seats.side_of_dilemma(dilemma) or app.at_keyboard or seats.seated
                await app.hand_over_wait(
                    side,
                    f"A dilemma for {seats.side_name(side)}: {dilemma.title}. "
                    f"{seats.player(side)} decides it.",
                )
                self._deciding = side  # the header and the dialog say who decides
                self._show_header()
                decider = f"{seats.player(side)} decides for {seats.side_name(side)}"
            choice = await app.push_screen_wait(
                DilemmaDialog(game.world, dilemma, self.turn_word, game.turn_scale, game.env, decider)
            )
            self._deciding = None
            self._show_header()
            game.choose(dilemma.event, choice)
            label = next(c.label for c in dilemma.choices if c.id == choice)
            undo = f" · u undoes the {self.turn_word}" if self.can_undo else ""
            self.say(f"{dilemma.title}: you chose {label}{undo}.")
            answered = True
            self.version += 1
        if answered:
            app.autosave(game)

    # ------------------------------------------------------------------ other screens

    def _highlighted_indicator(self) -> str | None:
        return self.query_one(Dashboard).highlighted_indicator

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "why" and not self.borderline.shows("why"):
            return False  # a class hides the Why screen: the key is not offered at all
        return super().check_action(action, parameters)

    def action_why(self) -> None:
        self.open_why(self._highlighted_indicator())

    def open_why(self, indicator: str | None) -> None:
        from game.app.screens.why import WhyScreen

        if not self.borderline.shows("why"):
            self.say("This class hides the Why screen.")
            return
        self.app.push_screen(WhyScreen(self.game, indicator))

    def action_charts(self) -> None:
        from game.app.screens.charts import ChartsScreen

        self.app.push_screen(ChartsScreen(self.game, self._highlighted_indicator()))

    def action_cartels(self) -> None:
        from game.app.screens.cartels import CartelsScreen

        self.app.push_screen(CartelsScreen(self.game))

    def action_save(self) -> None:
        from game.app.screens.load_game import save_with_dialogs

        save_with_dialogs(self.borderline, self.game, self.say)

    def action_leave(self) -> None:
        """Escape: from any pane back to the action list; from the action list, ask to leave."""
        from game.app.screens.dialogs import ConfirmDialog

        panel = self.query_one(ActionPanel)
        if self.focused is not panel:
            panel.focus()
            return
        detail = self.borderline.saved_note(self.game, self.turn_word)
        if self.game.pending:
            detail = f"Changes you planned this {self.turn_word} are not saved. {detail}"
        self.app.push_screen(
            ConfirmDialog(
                "Leave this game for the title screen?",
                detail,
                yes="Leave",
                no="Stay",
                default_yes=False,
            ),
            lambda yes: self.borderline.back_to_title() if yes else None,
        )
