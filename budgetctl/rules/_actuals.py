"""What the actuals rules share: where a row's cell is, and a project-year's running total."""

from __future__ import annotations

from decimal import Decimal

from budgetctl.model.actuals import HEADER, ActualRow
from budgetctl.model.ledger import Place
from budgetctl.model.money import ZERO


def cell(path: str, row: ActualRow, name: str) -> Place:
    """Where the cell ``name`` (a header column) of ``row`` starts."""
    return Place(path, row.line, row.columns[HEADER.index(name)])


def crossing(rows: list[tuple[str, ActualRow]], over: bool, limit: Decimal = ZERO) -> tuple[str, ActualRow]:
    """The row at which the running total, in date order, last went above ``limit`` (``over``)
    or below it: the row a reader looks at first to see why the year ends there."""
    ordered = sorted(rows, key=lambda pair: (pair[1].date, pair[0], pair[1].line))
    running = ZERO
    found = ordered[-1]
    for pair in ordered:
        before = running
        running += pair[1].signed
        if (over and before <= limit < running) or (not over and before >= limit > running):
            found = pair
    return found
