"""The detail pane: everything about the highlighted action or indicator.

For an action: what it does, levels, cost, capital, ramp, prerequisites, the model's
expectation and the evidence, against as prominently as for. For an indicator: its full
name, unit, meaning, and where it stands against last turn and the status quo.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

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
    from game.app.words import arrow, judgement, reflow, signed
    from game.app.words import cost as money_cost

    world = game.world
    info = world.actions[aid]
    spec = info.spec
    side = world.sides.get(spec.side)
    unit = side.money_unit if side else "$"
    committed, chosen = game.committed_level(aid), game.level(aid)
    parts: list[Content] = [
        Content.styled(action_name(world, aid), "bold"),
        Content(f"  {side_name(world, spec.side)} · {spec.category}\n"),
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
    levels = []
    for i, label in enumerate(spec.levels):
        cost = action_cost(game, aid, i)
        here = "▸" if i == chosen else " "
        levels.append(f" {here}{i} {label} ({money_cost(cost, unit)})")
    parts.append(Content(f"Levels (cost a {game.scenario.turn_name}):\n" + "\n".join(levels) + "\n"))
    raise_cost = info.capital_to_change(chosen, chosen + 1) if chosen + 1 < info.levels else None
    capital = (
        f"Political capital: {raise_cost:g} to raise a step"
        if raise_cost is not None
        else ("Political capital: already at the top level")
    )
    capital += f", {spec.capital_cost_lower:g} to lower a step."
    parts.append(Content(capital + "\n"))
    ramp = "full effect next turn" if spec.ramp_turns == 1 else f"full effect after {spec.ramp_turns} turns"
    parts.append(Content(f"Ramp: {ramp}.\n"))
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
            lines.append(
                f"  {arrow(delta)} {signed(delta, ind_info.decimals)} {indicator_name(ind_info)}"
                + (f" ({verdict})" if verdict else "")
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


GOOD_WORDS = {"down": "lower is better", "up": "higher is better"}


def describe_indicator(game: Game, indicator: str) -> Content:
    from game.app.readouts import readout, side_name, unit_text
    from game.app.words import arrow, number, reflow, signed, signed_percent

    r = readout(game, indicator)
    info = game.world.indicators[indicator]
    good = GOOD_WORDS.get(r.good, "neither good nor bad in itself")
    parts = [
        Content.styled(f"{r.name}{unit_text(r.unit)}\n", "bold"),
        Content(f"{side_name(game.world, r.side)} · {good}\n"),
    ]
    if info.description:
        parts.append(Content(reflow(info.description) + "\n"))
    now = f"Now: {number(r.value, r.decimals)}"
    if r.change is not None:
        verdict = f", {r.change_judgement}" if r.change_judgement else ""
        since = f"since last {game.scenario.turn_name}"
        now += f" ({arrow(r.change, r.value)} {signed(r.change, r.decimals)} {since}{verdict})"
    parts.append(Content(now + "\n"))
    if r.status_quo is not None:
        verdict = f", {r.status_quo_judgement}" if r.status_quo_judgement else ""
        gap = signed_percent(r.vs_status_quo)
        if gap == "±0%":
            gap, verdict = "about the same", ""
        parts.append(Content(f"Status quo: {number(r.status_quo, r.decimals)} (you are {gap}{verdict})\n"))
    parts.append(Content.styled("enter or w: why it moved · c: chart", "$text-muted"))
    return Content("").join(parts)


class DetailPane(VerticalScroll):
    """A scrollable pane with the detail of the highlighted action or indicator."""

    DEFAULT_CSS = """
    DetailPane { height: 1fr; padding: 0 1; }
    DetailPane > Static { width: 100%; }
    """

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static("", id="detail-text")

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
            text.update("Highlight an action to see what it does, its cost and the evidence.")
        else:
            text.update(describe_action(game, aid, preview, depends))

    def show_indicator(self, game: Game, indicator: str | None) -> None:
        self.border_title = "Detail · indicator"
        if indicator is not None:
            self.query_one("#detail-text", Static).update(describe_indicator(game, indicator))
