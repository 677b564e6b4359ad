"""Builder steps for what formulas name: entity tables and their fields, then every other symbol."""

from __future__ import annotations

import numpy as np

from game.content.schema import Parameter, Table
from game.content.validation import wrong_type
from game.engine.building.builder import Builder
from game.engine.world import BUILTINS, Symbol, TableInfo
from game.errors import did_you_mean


def build_tables(b: Builder) -> None:
    """Entity tables: their rows, row names and the per-row fields formulas read."""
    items = b.items
    for tid, loc in items["table"].items():
        spec: Table = loc.item
        rows = tuple(spec.rows)
        if not rows:
            b.error(loc, "an entity table needs at least one row", "rows")
        names = {}
        for rid, row in spec.rows.items():
            names[rid] = str(row.get("name", rid))
            for key, value in row.items():
                if key == "name":
                    if not isinstance(value, str):
                        b.error(loc, "a row's `name` must be a string", "rows", rid, key, at_value=True)
                elif key not in spec.fields:
                    b.error(
                        loc,
                        f"unknown field {key!r}{did_you_mean(key, spec.fields)}; "
                        f"declare it under [table.{tid}.fields]",
                        "rows",
                        rid,
                        key,
                    )
                elif isinstance(value, str):
                    b.error(loc, f"{key}: {wrong_type('a number', value)}", "rows", rid, key, at_value=True)
            for fid, field_spec in spec.fields.items():
                if fid not in row and field_spec.default is None:
                    b.error(
                        loc,
                        f"row {rid!r} has no value for field {fid!r}: give it one, or give the "
                        f"field a `default` under [table.{tid}.fields.{fid}]",
                        "rows",
                        rid,
                    )
        b.tables[tid] = TableInfo(tid, spec, rows, names)
        for fid, field_spec in spec.fields.items():
            fallback = field_spec.default if field_spec.default is not None else 0.0
            cells = [spec.rows[r].get(fid, fallback) for r in rows]
            values = [float(v) if not isinstance(v, str) else 0.0 for v in cells]
            b.fields[fid] = np.asarray(values, dtype=np.float64).reshape(1, -1)
    for tid, info in b.tables.items():
        loc = items["table"][tid]
        for fid in info.spec.fields:
            if (
                fid in b.symbols
                or fid in items["parameter"]
                or any(fid in items[k] for k in ("stock", "variable", "flow", "action"))
            ):
                b.error(
                    loc,
                    f"field id {fid!r} is already the name of another item; "
                    "field ids are global names in formulas",
                    "fields",
                    fid,
                )
            b.symbols[fid] = Symbol(fid, "field", tid, loc)


def declare_names(b: Builder) -> None:
    """A symbol for every name a formula may use: parameters, stocks, variables, flows,
    actions, the built-ins and each side's action cost."""
    items = b.items
    for pid, loc in items["parameter"].items():
        spec_p: Parameter = loc.item
        axis = b.table_check(loc, spec_p.over, "over")
        if spec_p.over and spec_p.range is not None:
            b.error(
                loc,
                "a parameter with `over` cannot have a `range`; make the rows' values "
                "depend on a scalar uncertain parameter instead",
                "range",
            )
        if axis and spec_p.values:
            for rid in spec_p.values:
                if rid not in b.tables[axis].rows:
                    b.error(
                        loc,
                        f"{rid!r} is not a row of table {axis!r}{did_you_mean(rid, b.tables[axis].rows)}",
                        "values",
                        rid,
                    )
        b.symbols[pid] = Symbol(pid, "parameter", axis, loc)
    for kind in ("stock", "variable"):
        for sid, loc in items[kind].items():
            axis = b.table_check(loc, loc.item.over, "over")
            b.symbols[sid] = Symbol(sid, kind, axis, loc)
    for fid, loc in items["flow"].items():
        b.symbols[fid] = Symbol(fid, "flow", None, loc)  # axis fixed after compiling
    for aid, loc in items["action"].items():
        b.symbols[aid] = Symbol(aid, "action", None, loc)
    for name in BUILTINS:
        if name in b.symbols:
            b.error(b.symbols[name].located, f"{name!r} is a built-in name; choose another id")  # type: ignore[arg-type]
        b.symbols[name] = Symbol(name, "builtin", None)
    for sid, loc in items["side"].items():
        builtin = f"{sid}_action_cost"
        if builtin in b.symbols:
            b.error(loc, f"{builtin!r} is the built-in cost of side {sid!r}; rename the other item")
        b.symbols[builtin] = Symbol(builtin, "builtin", None, loc)
