"""Builder step for what the screens are told by the content: table roles and what goes with them."""

from __future__ import annotations

from game.engine.building.builder import Builder
from game.errors import did_you_mean


def check_table_roles(b: Builder) -> None:
    """At most one table per role; a table's ranking, columns, actions and status name real items."""
    by_role: dict[str, str] = {}
    for tid, info in b.tables.items():
        loc, spec = b.items["table"][tid], info.spec
        if spec.role is not None:
            if spec.role in by_role:
                b.error(
                    loc,
                    f"table {by_role[spec.role]!r} already has role {spec.role!r}; a role names one table",
                    "role",
                    at_value=True,
                )
            by_role.setdefault(spec.role, tid)
        over = [n for n, s in b.symbols.items() if s.axis == tid and s.kind in ("stock", "variable", "field")]
        if spec.rank_by is not None:
            sym = b.symbols.get(spec.rank_by)
            if sym is None or sym.axis != tid or sym.kind not in ("stock", "variable"):
                b.error(
                    loc,
                    f"rank_by must name a stock or variable over table {tid!r}"
                    f"{did_you_mean(spec.rank_by, over)}",
                    "rank_by",
                    at_value=True,
                )
        for i, name in enumerate(spec.columns):
            if name not in over:
                b.error(
                    loc,
                    f"column {name!r} is not a stock, variable or field over table {tid!r}"
                    f"{did_you_mean(name, over)}",
                    "columns",
                    i,
                )
        for i, aid in enumerate(spec.actions):
            if aid not in b.items["action"]:
                b.error(loc, f"unknown action {aid!r}{did_you_mean(aid, b.items['action'])}", "actions", i)
        scalars = [n for n, s in b.symbols.items() if s.axis is None and s.kind in ("stock", "variable")]
        for i, name in enumerate(spec.status):
            if name not in scalars:
                b.error(
                    loc,
                    f"status {name!r} is not a single-number stock or variable{did_you_mean(name, scalars)}",
                    "status",
                    i,
                )
