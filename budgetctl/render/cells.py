"""A table's cells as people read them (shared by the Rich and the plain renderers)."""

from __future__ import annotations

from decimal import Decimal

from budgetctl.diagnostics import printable
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
