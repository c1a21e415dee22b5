"""A plain fixed-width text table for long listings: Rich lays a table out at about 2 ms a row,
this at a few microseconds. Nothing is cut: a table wider than the terminal is not written plain
(the caller lays it out to fit instead)."""

from __future__ import annotations

import sys
from typing import TextIO

from budgetctl.render.cells import human_cell, table_pence
from budgetctl.reports.table import Table

# Above this many rows a terminal table is written plain (Rich below: boxes, colour, wrapping;
# Rich lays out about a row a millisecond, so a 100-stream summary would cost 0.1 s).
PLAIN_MIN_ROWS = 50
GAP = "  "


def render_plain(table: Table, out: TextIO | None = None, max_width: int | None = None) -> bool:
    """The table as aligned columns: a header, a rule, the rows (an over-allocated row ends in OVER),
    a rule and the total; then the notes. Writes nothing and returns False when the table is
    wider than ``max_width`` (no cell is ever cut)."""
    out = out or sys.stdout
    pence = table_pence(table)
    columns = table.columns
    right = [c.kind != "text" for c in columns]
    rows = [[human_cell(c, v, pence) for c, v in zip(columns, row, strict=True)] for row in table.rows]
    total = [human_cell(c, v, pence) for c, v in zip(columns, table.total, strict=True)] if table.total else None
    if table.flags:
        for cells, flag in zip(rows, table.flags, strict=True):
            if flag:
                cells[-1] += " OVER"
    widths = []
    for index, column in enumerate(columns):
        longest = max((len(r[index]) for r in [*rows, *([total] if total else [])]), default=0)
        width = max(len(column.header), longest)
        widths.append(width)
    over = len(" OVER") if any(table.flags) else 0
    if max_width is not None and sum(widths) + len(GAP) * (len(widths) - 1) + over > max_width:
        return False

    def line(cells: list[str]) -> str:
        parts = [
            cell.rjust(width) if align else cell.ljust(width)
            for cell, width, align in zip(cells, widths, right, strict=True)
        ]
        return GAP.join(parts).rstrip()

    rule = GAP.join("-" * w for w in widths)
    lines = [table.title, line([c.header for c in columns]), rule, *(line(r) for r in rows)]
    if total:
        lines += [rule, line(total)]
    lines += table.notes
    out.write("\n".join(lines) + "\n")
    return True
