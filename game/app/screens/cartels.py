"""Cartels: Mexico's trafficking organizations and the designation workflow.

The table is found in the world, not named in code: the entity table whose id mentions
organizations (or DTOs), with every stock and variable over it as a column and its fields
(each organization's profile) after them. The workflow is the world's own actions whose
category or id is about designation or violence targeting, changed with + and - as on the
main screen: set the scoring weights, announce, designate the top scorer, follow through.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import DataTable, Label, Static

from game.app.screens.main import GameScreen, StatusLine
from game.app.widgets.action_panel import ActionPanel
from game.app.widgets.detail_pane import DetailPane
from game.app.widgets.keys_footer import KeysFooter

if TYPE_CHECKING:
    from game.engine import Game, World

HEADER_WIDTH = 14  # a column's name wraps at this width (or its longest word), never cut


def pick_decimals(values: list[float]) -> int:
    biggest = max((abs(v) for v in values), default=0.0)
    return 0 if biggest >= 100 else 1 if biggest >= 10 else 2


def in_percent(unit: str) -> tuple[float, str]:
    """How a quantity is shown: a fraction as a percentage ("fraction per year" is "% per year")."""
    if unit.startswith("fraction"):
        return 100.0, "%" + unit[len("fraction") :]
    return 1.0, unit


def header_lines(label: str, unit: str) -> list[str]:
    """A column's name wrapped whole onto short lines, then its unit: columns stay narrow, nothing cut."""
    width = max([HEADER_WIDTH, *(len(word) for word in label.split())])
    lines = textwrap.wrap(label, width) or [label]
    return [*lines, f"({unit})" if unit and unit != "yes/no" else ""]


def header(lines: list[str], height: int) -> Text:
    """Header lines padded to the table's header height, the unit kept on the last line."""
    *name, unit = lines
    return Text("\n".join([*name, *[""] * (height - len(lines)), unit]))


class OrganizationsTable(DataTable[object]):
    """The organizations, one a row. ←/→ slide the columns sideways a whole column at a time, so
    the fixed rank and name columns never overlap part of one (which left stray digits)."""

    BINDINGS = [
        Binding("left", "columns(-1)", "Columns", key_display="←→", show=False),
        Binding("right", "columns(1)", "", show=False),
    ]

    first_column = 0  # the first sliding column in view

    def on_resize(self) -> None:
        # Textual's DataTable repaints only the rows' old width when the terminal grows: the
        # rows' background stopped where the old screen ended. The whole table is drawn again.
        self.refresh()

    def action_columns(self, step: int) -> None:
        sliding = self.ordered_columns[self.fixed_columns :]
        if not sliding:
            return
        self.first_column = max(0, min(self.first_column + step, len(sliding) - 1))
        self.fit_whole_columns()
        x = sum(column.get_render_width(self) for column in sliding[: self.first_column])
        self.scroll_to(x=x, animate=False, immediate=True)

    def fit_whole_columns(self) -> None:
        """The table only as wide as the whole columns that fit from the first in view: the next
        column, cut at the screen's edge, showed a few letters of its header ("Rev", "($B") and
        digits that read as numbers of their own."""
        parent = self.parent
        if not isinstance(parent, Widget) or not self.ordered_columns:
            return
        columns = self.ordered_columns
        fixed = sum(column.get_render_width(self) for column in columns[: self.fixed_columns])
        gutter = self.styles.scrollbar_size_vertical if self.row_count > self.size.height else 0
        room = parent.size.width - fixed - gutter
        used = 0
        for column in columns[self.fixed_columns + self.first_column :]:
            width = column.get_render_width(self)
            if used + width > room:
                break
            used += width
        self.styles.max_width = fixed + used + gutter if used else None


def quantity_label(world: World, name: str) -> tuple[str, str]:
    """(human name, unit) of a stock, variable or table field."""
    from game.app.readouts import display_name

    sym = world.symbols.get(name)
    if sym is not None and sym.kind == "field" and sym.axis is not None:
        spec = world.tables[sym.axis].spec.fields.get(name)
        return display_name(spec.name if spec else "", name), spec.unit if spec else ""
    label, _ = world.describe(name)
    item = world.item(name)
    short = getattr(item, "short_name", "") if item is not None else ""  # the name for narrow places
    return display_name(short or label, name), getattr(item, "unit", "") if item is not None else ""


def workflow_status(game: Game, names: list[str]) -> Content:
    """Where the workflow stands: the single-number quantities the organizations table names."""
    from game.app.words import number

    parts = []
    for name in names:
        label, unit = quantity_label(game.world, name)
        value = float(game.value(name).mean())
        scale, unit = in_percent(unit)
        if unit == "yes/no":
            shown = "yes" if value >= 0.5 else "no"
        else:
            shown = number(value * scale, 0 if scale != 1 else 2) + ("%" if scale != 1 else "")
        parts.append(f"{label}: {shown}")
    return Content(" · ".join(parts))


class CartelsScreen(GameScreen):
    """The organizations table, ranked, and the designation actions under it."""

    HELP = (
        "Each row is a trafficking organization; the columns are what the model tracks for it "
        "(market share, revenue, killings, the violence score and its parts), ranked by the "
        "score designation uses. Below, the designation workflow: set the scoring weights, "
        "announce the system, follow through on the top scorer, add forensics and "
        "transparency, and let the US target its distributors. + and - change a level as on "
        "the main screen (or ←/→); tab moves between the table and the actions. [ and ] slide "
        "the table sideways to more columns (←/→ too when it has focus), ↑↓ move through the "
        "organizations when it has focus. Units "
        "are under each column's name: killings and revenue here are per year, while the "
        "dashboard's homicides are per month."
    )

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("left_square_bracket", "scroll_table(-1)", "More columns", key_display="[ ]"),
        Binding("right_square_bracket", "scroll_table(1)", "", show=False),
    ]

    def __init__(self, game: Game) -> None:
        super().__init__(game)
        from game.app.readouts import quantities_over

        world = game.world
        self.table_id = world.table_with_role("organizations")
        self.columns: list[str] = []
        self.rank_by: str | None = None
        self.workflow: list[str] = []
        self.status: list[str] = []
        if self.table_id is not None:
            spec = world.tables[self.table_id].spec
            self.columns = list(spec.columns) or [*quantities_over(world, self.table_id), *spec.fields]
            self.rank_by = spec.rank_by or next(iter(self.columns), None)
            self.workflow = [aid for aid in spec.actions if not world.actions[aid].spec.hidden]
            self.status = list(spec.status)

    def compose(self) -> ComposeResult:
        yield Label("Cartels", id="cartels-title", classes="screen-title")
        yield Static("", id="workflow-status")
        yield OrganizationsTable(id="organizations", zebra_stripes=True, cursor_type="row", fixed_columns=2)
        with Horizontal(id="cartels-bottom"):
            with Vertical(id="cartels-actions"):
                if self.workflow:
                    yield ActionPanel(only=self.workflow, id="workflow")
                else:
                    yield Static("The organizations table names no actions to show with it.")
            yield DetailPane(id="workflow-detail")
        yield StatusLine("", id="status")
        yield KeysFooter()

    def on_resize(self) -> None:
        # the table's width is the whole columns that fit: worked out again for the new width
        table = self.query_one(OrganizationsTable)
        table.call_after_refresh(table.fit_whole_columns)

    def on_mount(self) -> None:
        self.refresh_panes()
        self._drawn_on_mount = True
        panels = self.query(ActionPanel)
        (panels.first() if panels else self.query_one(OrganizationsTable)).focus()

    def refresh_panes(self) -> None:
        self._fill_table()
        self.query_one("#workflow-status", Static).update(workflow_status(self.game, self.status))
        panels = self.query(ActionPanel)
        if panels:
            panel = panels.first()
            panel.show(self.game, self._seated())  # two players: the other side's levers read-only
            self.query_one(DetailPane).show_action(self.game, panel.highlighted_action)

    def _fill_table(self) -> None:
        from game.app.readouts import display_name, row_values
        from game.app.words import number, quarter

        game, world = self.game, self.game.world
        table = self.query_one(OrganizationsTable)
        cursor, first = table.cursor_row, table.first_column
        table.clear(columns=True)
        title = self.query_one("#cartels-title", Label)
        if self.table_id is None:
            title.update('Cartels · no table in this world has role = "organizations"')
            return
        info = world.tables[self.table_id]
        when = (
            f"start of {quarter(game.date(game.turn + 1))}"
            if not game.is_over
            else quarter(game.date(game.turn))
        )
        by = f" · ranked by {quantity_label(world, self.rank_by)[0]}" if self.rank_by else ""
        name = display_name(info.spec.name, self.table_id)
        full = f"Cartels · {name}, {when}{by}"
        title.update(Content(full if len(full) <= self.app.size.width - 2 else f"Cartels · {when}{by}"))
        names = self.columns
        shown_as = {name: in_percent(quantity_label(world, name)[1]) for name in names}
        values = {name: [v * shown_as[name][0] for v in row_values(game, name)] for name in names}
        units = {name: shown_as[name][1] for name in names}
        order = list(range(len(info.rows)))
        if self.rank_by:
            order.sort(key=lambda i: -values[self.rank_by][i])  # type: ignore[index]
        headers = {name: header_lines(quantity_label(world, name)[0], units[name]) for name in names}
        height = max([2, *(len(lines) for lines in headers.values())])
        table.header_height = height
        table.add_column(header(["#", ""], height), key="rank")
        longest = max([len("organization"), *(len(info.row_names.get(r, r)) for r in info.rows)])
        table.add_column(header(["organization", ""], height), key="organization", width=longest)
        for name in names:
            table.add_column(header(headers[name], height), key=name)
        decimals = {name: pick_decimals(values[name]) for name in names}
        for rank, i in enumerate(order, 1):
            rid = info.rows[i]
            cells: list[object] = [f" {rank}", Text(info.row_names.get(rid, rid))]
            for name in names:
                v = values[name][i]
                if units[name] == "yes/no":
                    cells.append(Text("◆ yes", style="bold") if v >= 0.5 else "no")
                else:
                    cells.append(Text(number(v, decimals[name]), justify="right"))
            table.add_row(*cells, key=rid)
        if cursor:
            table.move_cursor(row=min(cursor, table.row_count - 1))
        self._mark_cursor_row()
        if first:
            table.first_column = 0
            table.call_after_refresh(table.action_columns, first)
        else:
            table.call_after_refresh(table.fit_whole_columns)

    def _mark_cursor_row(self) -> None:
        """The highlighted organization's rank carries ▸, which survives NO_COLOR (a shade does not)."""
        table = self.query_one(OrganizationsTable)
        for n, row in enumerate(table.ordered_rows):
            table.update_cell(row.key, "rank", f"{'▸' if n == table.cursor_row else ' '}{n + 1}")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._mark_cursor_row()

    def action_scroll_table(self, step: int) -> None:
        """[ and ] from anywhere on the screen (and ←/→ on the table): the columns slide sideways."""
        self.query_one(OrganizationsTable).action_columns(step)

    def on_action_panel_action_highlighted(self, message: ActionPanel.ActionHighlighted) -> None:
        self.query_one(DetailPane).show_action(self.game, message.action)
