"""A neutral table: what a report produces and every renderer consumes.

A report builds each row once, as a mapping from column key to raw value
(Decimal money, not formatted text); every renderer works from those rows:
the people's table, CSV and Markdown show the ``shown`` columns, and JSON
(``Table.data``) holds the ``exported`` ones, money as two-decimal strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from budgetctl.model.money import format_json

Kind = Literal["text", "money", "percent", "count"]
Cell = str | Decimal | int | None
# A row by column key. A value may be a list (shown joined by the column's ``joiner``) or,
# in a column that is not shown, any JSON-able value of raw cells (e.g. money by year).
Row = dict[str, Any]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: Kind = "text"
    shown: bool = True  # in the table, CSV and Markdown
    exported: bool = True  # in JSON rows (``Table.data``)
    json_key: str | None = None  # its name in JSON, when not ``key`` (the CSV header)
    joiner: str = ", "  # between the items of a list value, where it is shown


@dataclass
class Table:
    """Rows of raw cells keyed by column; renderers format them.

    ``total`` is a row of the same columns (its money columns are the JSON total);
    ``flags`` marks rows to highlight (e.g. over-allocated streams); ``head`` holds
    the JSON's fields before the rows (``{"year": ...}``).
    """

    title: str
    columns: list[Column]
    rows: list[Row]
    total: Row | None = None
    flags: list[bool] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    head: dict[str, Any] = field(default_factory=dict)

    @property
    def shown(self) -> list[Column]:
        """The columns people see, in order."""
        return [c for c in self.columns if c.shown]

    def cells(self, row: Row) -> list[Cell]:
        """One row's cells for the shown columns (a list joined into text)."""
        return [_joined(c, row.get(c.key)) for c in self.shown]

    def body(self) -> list[list[Cell]]:
        return [self.cells(row) for row in self.rows]

    def footer(self) -> list[Cell] | None:
        return self.cells(self.total) if self.total is not None else None

    @property
    def data(self) -> dict[str, Any]:
        """The report's machine-readable form for ``--format json``."""
        exported = [c for c in self.columns if c.exported]
        found: dict[str, Any] = {
            **self.head,
            "rows": [{c.json_key or c.key: json_value(row.get(c.key)) for c in exported} for row in self.rows],
        }
        if self.total is not None:
            found["total"] = {
                c.json_key or c.key: json_value(self.total[c.key])
                for c in self.columns
                if c.kind == "money" and self.total.get(c.key) is not None
            }
        return found


def json_value(value: Any) -> Any:
    """A raw value as JSON: money as a two-decimal string, lists and mappings item by item."""
    if isinstance(value, Decimal):
        return format_json(value)
    if isinstance(value, tuple | list):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _joined(column: Column, value: Any) -> Cell:
    if isinstance(value, tuple | list):
        return column.joiner.join(str(v) for v in value)
    return value
