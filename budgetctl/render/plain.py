"""A plain fixed-width text table for long listings: Rich lays a table out at about 2 ms a row,
this at a few microseconds. Nothing is cut: a table wider than the terminal is not written plain
(the caller lays it out to fit instead)."""

from __future__ import annotations

import sys

from budgetctl.render.cells import as_rows, human_cell, human_columns, table_pence
from budgetctl.reports.table import Table

TYPE_CHECKING = False  # typing itself is not imported: a warm summary does without it
if TYPE_CHECKING:
    from typing import IO

# Above this many rows a terminal table is written plain (Rich below: boxes, colour, wrapping;
# Rich lays out about a row a millisecond, so a 100-stream summary would cost 0.1 s).
PLAIN_MIN_ROWS = 50
GAP = "  "


def render_plain(table: Table, out: IO[str] | None = None, max_width: int | None = None) -> bool:
    """The table as aligned columns: a header, a rule, the rows (an over-allocated row ends in OVER),
    a rule and the total; then the notes. Writes nothing and returns False when the table is
    wider than ``max_width`` (no cell is ever cut)."""
    out = out or sys.stdout
    pence = table_pence(table)
    columns = table.columns
    right = [c.kind != "text" for c in columns]
    cells = human_columns(table, pence)
    if columns and any(table.flags):
        cells[-1] = [text + " OVER" if flag else text for text, flag in zip(cells[-1], table.flags, strict=True)]
    rows = as_rows(cells, len(table.rows))
    total = [human_cell(c, v, pence) for c, v in zip(columns, table.total, strict=True)] if table.total else None
    widths = [
        max(len(column.header), max(map(len, found), default=0), len(total[index]) if total else 0)
        for index, (column, found) in enumerate(zip(columns, cells, strict=True))
    ]
    over = len(" OVER") if any(table.flags) else 0
    if max_width is not None and sum(widths) + len(GAP) * (len(widths) - 1) + over > max_width:
        return False

    # One format for every line: each cell padded (never cut: a width is its column's longest cell).
    layout = GAP.join(f"{{:{'>' if align else '<'}{width}}}" for width, align in zip(widths, right, strict=True))

    def line(cells: list[str]) -> str:
        return layout.format(*cells).rstrip()

    rule = GAP.join("-" * w for w in widths)
    lines = [table.title, line([c.header for c in columns]), rule, *(line(r) for r in rows)]
    if total:
        lines += [rule, line(total)]
    lines += table.notes
    out.write("\n".join(lines) + "\n")
    return True
