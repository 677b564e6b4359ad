"""The detail pane: everything about the highlighted action or indicator.

For an action: what it does, levels, cost, capital, ramp, prerequisites, the model's
expectation and the evidence, against as prominently as for. For an indicator: its full
name, unit, meaning, and where it stands against last turn and the status quo.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

from game.app.widgets import unchanged
from game.app.widgets.reading import Reading

if TYPE_CHECKING:
    from game.engine import Game


def describe_action(
    game: Game,
    aid: str,
    preview: tuple[str, dict[str, float]] | None = None,
    depends: str | None = None,
) -> Content:
    """The detail text of an action, as markup-free Content with styles."""
    from game.app.readouts import (
        action_cost,
        action_name,
        indicator_name,
        level_label,
        prerequisite_status,
        side_name,
    )
    from game.app.words import arrow, judgement, reflow, signed, signed_with_unit
    from game.app.words import cost as money_cost

    world = game.world
    info = world.actions[aid]
    spec = info.spec
    side = world.sides.get(spec.side)
    unit = side.money_unit if side else "$"
    committed, chosen = game.committed_level(aid), game.level(aid)
    parts: list[Content] = [
        Content.styled(action_name(world, aid), "bold"),
        Content(f"\n{side_name(world, spec.side)} · {spec.category}\n"),
    ]
    if spec.description:
        parts.append(Content(reflow(spec.description) + "\n"))
    if chosen != committed:
        parts.append(
            Content.assemble(
                ("Level: ", "bold"),
                f"{level_label(world, aid, committed)} ",
                (f"→ {level_label(world, aid, chosen)} (planned)", "bold $text-warning"),
                "\n",
            )
        )
    else:
        parts.append(Content.assemble(("Level: ", "bold"), f"{level_label(world, aid, chosen)}\n"))
    word = game.scenario.turn_name
    levels = []
    for i, label in enumerate(spec.levels):
        here = "▸" if i == chosen else " "
        price = money_cost(action_cost(game, aid, i), unit)
        if i == committed:
            change = "now"
        else:
            change = f"{info.capital_to_change(committed, i):g} capital"
        levels.append(f" {here}{i} {label}: {price} a {word}, {change}")
    parts.append(
        Content.styled("Levels", "bold")
        + Content(f" (money a {word}; capital to get there from now, in all):\n" + "\n".join(levels) + "\n")
    )
    parts.append(capital_plan(game, spec.side))
    parts.append(Content(f"Ramp: {ramp_words(game.turn_scale.ramp(spec.ramp_turns), word)}.\n"))
    for message, met in prerequisite_status(game, aid):
        # The engine's message says what is wrong when the prerequisite is NOT met.
        if met:
            parts.append(Content.assemble(("Prerequisite: ", "bold"), ("✓ met", "$text-success"), "\n"))
        else:
            parts.append(
                Content.assemble(
                    ("Prerequisite: ", "bold"), ("✗ not met", "$text-error"), f" — {message}\n"
                )
            )
    if spec.irreversible_warning:
        parts.append(
            Content.assemble(("⚠ Hard to undo: ", "bold $text-warning"), spec.irreversible_warning, "\n")
        )
    if preview:
        title, effects = preview
        shown = sorted(effects.items(), key=lambda kv: -abs(kv[1]))
        lines = []
        for ind, delta in shown:
            ind_info = world.indicators[ind]
            if not ind_info.headline or abs(delta) < 10 ** (-ind_info.decimals - 1):
                continue
            if signed(delta, ind_info.decimals) == "0":
                lines.append(f"  no change: {indicator_name(ind_info)}")
                continue
            verdict = judgement(delta, ind_info.good)
            change = signed_with_unit(delta, ind_info.decimals, ind_info.short_unit)
            lines.append(
                f"  {arrow(delta)} {change} {indicator_name(ind_info)}" + (f" ({verdict})" if verdict else "")
            )
        parts.append(Content.styled(title + "\n", "bold"))
        parts.append(
            Content("\n".join(lines[:6]) + "\n" if lines else "  no visible change in the headlines\n")
        )
        if depends:
            parts.append(Content.styled(reflow(depends) + "\n", "italic"))
    parts.append(Content.styled("Evidence for:\n", "bold $text-success"))
    if spec.evidence_for:
        for ev in spec.evidence_for:
            parts.append(Content(f" + {ev.claim}\n"))
            parts.append(Content.styled(f"   — {ev.source}\n", "italic $text-muted"))
    else:
        parts.append(Content(" (none given)\n"))
    parts.append(Content.styled("Evidence against:\n", "bold $text-error"))
    if spec.evidence_against:
        for ev in spec.evidence_against:
            parts.append(Content(f" − {ev.claim}\n"))
            parts.append(Content.styled(f"   — {ev.source}\n", "italic $text-muted"))
    else:
        parts.append(Content(" (none given)\n"))
    return Content("").join(parts).rstrip()


def ramp_words(turns: float, word: str) -> str:
    """How long a new level takes to reach full effect, in the game's turns (the content's ramp
    converted, as the engine converts it: four quarters are one year)."""
    if turns <= 1:
        return f"full effect next {word}"
    count = f"{turns:.1f}".rstrip("0").rstrip(".")
    return f"full effect after {count} {word}s"


def capital_plan(game: Game, side: str) -> Content:
    """The side's planned changes and the capital each takes, with the total against what it has."""
    from game.app.readouts import planned_capital, side_short

    if side not in game.world.sides:
        return Content("")
    shares = planned_capital(game, side)
    available = game.capital(side)
    if not shares:
        short = side_short(game.world, side)
        return Content(f"{short} political capital: {available:.0f}, no change planned yet.\n")
    total = sum(amount for _, amount in shares)
    listed = ", ".join(f"{name} {amount:g}" for name, amount in shares)
    style = "$text-error" if total > available + 1e-9 else ""
    return Content.assemble(
        (f"{side_short(game.world, side)} changes planned: ", "bold"),
        f"{listed}: ",
        (f"{total:g} of {available:.0f} capital", style),
        "\n",
    )


GOOD_WORDS = {"down": "lower is better", "up": "higher is better"}


def describe_indicator(game: Game, indicator: str) -> Content:
    from game.app.readouts import readout, side_name, unit_text
    from game.app.words import arrow, reflow, signed, signed_percent

    r = readout(game, indicator)
    info = game.world.indicators[indicator]
    good = GOOD_WORDS.get(r.good, "neither good nor bad in itself")
    parts = [
        Content.styled(f"{r.name}{unit_text(r.unit)}\n", "bold"),
        Content(f"{side_name(game.world, r.side)} · {good}\n"),
    ]
    if info.description:
        parts.append(Content(reflow(info.description) + "\n"))
    now = f"Now: {r.format(r.value)}"
    if r.change is not None:
        since = f"since last {game.scenario.turn_name}"
        shown = signed(r.change, r.decimals)
        if shown == "0":  # a change that rounds away has no direction worth an arrow or a verdict
            now += f" (about the same as last {game.scenario.turn_name})"
        else:
            verdict = f", {r.change_judgement}" if r.change_judgement else ""
            now += f" ({arrow(r.change, r.value)} {shown} {since}{verdict})"
    parts.append(Content(now + "\n"))
    if r.status_quo is not None:
        verdict = f", {r.status_quo_judgement}" if r.status_quo_judgement else ""
        gap = signed_percent(r.vs_status_quo)
        if gap == "±0%":
            gap, verdict = "about the same", ""
        parts.append(Content(f"Status quo: {r.format(r.status_quo)} (you are {gap}{verdict})\n"))
    source = str(getattr(game.world.item(indicator), "source", "") or "")
    if source:  # where the number comes from, for a teacher to point at
        parts.append(Content.styled("Source: ", "bold") + Content.styled(reflow(source) + "\n", "italic"))
    parts.append(Content.styled("enter or w: why it moved · c: chart", "$text-muted"))
    return Content("").join(parts)


class DetailPane(Reading):
    """A scrollable pane with the detail of the highlighted action or indicator.

    A new item starts at the top, so its heading is in view; the same item redrawn (a
    preview arriving, a level changed) keeps the place the player scrolled to.
    """

    DEFAULT_CSS = """
    DetailPane { height: 1fr; padding: 0 1; }
    DetailPane > Static { width: 100%; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.subject: tuple[str, str | None] | None = None

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static("", id="detail-text")

    def _about(self, kind: str, item: str | None) -> None:
        if (kind, item) != self.subject:
            self.subject = (kind, item)
            self.scroll_home(animate=False, immediate=True)

    def show_action(
        self,
        game: Game,
        aid: str | None,
        preview: tuple[str, dict[str, float]] | None = None,
        depends: str | None = None,
    ) -> None:
        text = self.query_one("#detail-text", Static)
        self.border_title = "Detail · action"
        if aid is None:
            unchanged.update(text, "Highlight an action to see what it does, its cost and the evidence.")
        else:
            unchanged.update(text, describe_action(game, aid, preview, depends))
        self._about("action", aid)

    def show_indicator(self, game: Game, indicator: str | None) -> None:
        self.border_title = "Detail · indicator"
        if indicator is not None:
            unchanged.update(self.query_one("#detail-text", Static), describe_indicator(game, indicator))
        self._about("indicator", indicator)
