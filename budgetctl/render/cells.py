"""A table's cells as people read them (shared by the Rich and the plain renderers)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from budgetctl.diagnostics import UNPRINTABLE, printable
from budgetctl.model.money import format_pounds, needs_pence
from budgetctl.reports.table import Cell, Column, Table


def table_pence(table: Table) -> bool:
    """Whether any amount in the table (rows and total) has pence: then every amount shows them."""
    amounts = [c for row in [*table.rows, table.total or []] for c in row if isinstance(c, Decimal)]
    return needs_pence(amounts)


def human_cell(column: Column, cell: Cell, pence: bool) -> str:
    """A cell for people: money with thousands separators, percentages with %."""
    if cell is None:
        return "—" if column.kind in ("percent", "money") else ""
    if column.kind == "money" and isinstance(cell, Decimal):
        return format_pounds(cell, pence=pence)
    if column.kind == "percent":
        return f"{cell}%"
    return printable(str(cell))


def human_column(column: Column, cells: Sequence[Cell], pence: bool) -> list[str]:
    """``human_cell`` of each of a column's cells, the same text, at a fraction of the cost for a
    long table: money is formatted without a call per cell, and text is escaped only when some
    cell of the column has a character to escape (``UNPRINTABLE`` matches single characters,
    so searching the column joined together finds exactly the cells' matches)."""
    if column.kind == "money":
        if not pence:
            return [human_cell(column, c, pence) for c in cells]
        return [format_pounds(c) if type(c) is Decimal else human_cell(column, c, pence) for c in cells]
    if column.kind != "text":
        return [human_cell(column, c, pence) for c in cells]
    texts = ["" if c is None else str(c) for c in cells]
    if UNPRINTABLE.search("".join(texts)) is None:
        return texts
    return [printable(t) for t in texts]


def human_columns(table: Table, pence: bool) -> list[list[str]]:
    """Each column's cells (rows only) as ``human_cell`` writes them."""
    return [human_column(c, [row[i] for row in table.rows], pence) for i, c in enumerate(table.columns)]


def as_rows(columns: list[list[str]], count: int) -> list[list[str]]:
    """Columns of ``count`` cells each, as rows."""
    return [list(cells) for cells in zip(*columns, strict=True)] if columns else [[] for _ in range(count)]
