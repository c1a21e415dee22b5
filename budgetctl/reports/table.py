"""A neutral table: what a report produces and every renderer consumes.

A report builds each row once, as a mapping from column key to raw value
(Decimal money, not formatted text), and ``keyed_table`` makes the table from
those rows: the cells of the ``shown`` columns, which the people's table, CSV
and Markdown format, and ``data``, the JSON of the ``exported`` columns.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from budgetctl.model.money import format_json

Kind = Literal["text", "money", "percent", "count"]
Cell = str | Decimal | int | None


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: Kind = "text"
    shown: bool = True  # a column of the table people and spreadsheets see; False: in JSON only
    exported: bool = True  # in the JSON rows (``Table.data``)
    json_key: str | None = None  # its name in JSON, when not ``key`` (the CSV header)
    joiner: str = ", "  # between the items of a list value, where it is shown
    for_people: bool = True  # False: only in CSV (an id beside its label, for spreadsheets and scripts)
    text: Callable[[Any], Cell] | None = None  # how a raw value is written in the cell, when not as it is
    optional: bool = False  # left out of a JSON row that has no value for it (a key only some records have)


@dataclass
class Table:
    """Rows of raw cells (Decimal money, not formatted text); renderers format them.

    ``data`` is the report's machine-readable form for ``--format json``.
    ``flags`` marks rows to highlight (e.g. over-allocated streams).
    """

    title: str
    columns: list[Column]
    rows: list[list[Cell]]
    total: list[Cell] | None = None
    flags: list[bool] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def for_people(self) -> Table:
        """The table without its CSV-only columns, for the terminal and Markdown."""
        keep = [i for i, c in enumerate(self.columns) if c.for_people]
        if len(keep) == len(self.columns):
            return self
        total = [self.total[i] for i in keep] if self.total else None
        if total is not None and self.total and not total[0]:
            total[0] = self.total[0]  # the total row's label ("Total") stays in the first column shown
        return Table(
            self.title,
            [self.columns[i] for i in keep],
            [[row[i] for i in keep] for row in self.rows],
            total,
            self.flags,
            self.notes,
            self.data,
        )


Row = Mapping[str, Any]  # raw values by column key; a list value is shown joined by its column's ``joiner``


def keyed_table(
    title: str,
    columns: Sequence[Column],
    rows: Sequence[Row],
    *,
    total: Row | None = None,
    head: Mapping[str, Any] | None = None,
    flags: list[bool] | None = None,
    notes: list[str] | None = None,
) -> Table:
    """The table of ``rows`` (each built once, keyed by column): cells for the shown columns,
    and as ``data`` the JSON ``{**head, "rows": [...], "total": {...}}`` of the exported columns,
    money as two-decimal strings; the JSON total holds the total row's money columns."""
    shown = [c for c in columns if c.shown]
    exported = [c for c in columns if c.exported]
    data: dict[str, Any] = {
        **(head or {}),
        "rows": [
            {c.json_key or c.key: json_value(row.get(c.key)) for c in exported if c.key in row or not c.optional}
            for row in rows
        ],
    }
    if total is not None:
        data["total"] = {
            c.json_key or c.key: json_value(total[c.key])
            for c in columns
            if c.kind == "money" and total.get(c.key) is not None
        }
    return Table(
        title,
        shown,
        [[_cell(c, row.get(c.key)) for c in shown] for row in rows],
        [_cell(c, total.get(c.key)) for c in shown] if total is not None else None,
        list(flags) if flags is not None else [False] * len(rows),
        list(notes or []),
        data,
    )


def json_value(value: Any) -> Any:
    """A raw value as JSON: money as a two-decimal string, lists and mappings item by item."""
    if isinstance(value, Decimal):
        return format_json(value)
    if isinstance(value, tuple | list):
        return [json_value(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):  # a nested record, as an object
        return {f.name: json_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _cell(column: Column, value: Any) -> Cell:
    if column.text is not None:
        return column.text(value)
    if isinstance(value, tuple | list):
        return column.joiner.join(str(v) for v in value)
    return value
