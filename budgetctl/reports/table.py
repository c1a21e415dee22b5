"""A neutral table: what a report produces and every renderer consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

Kind = Literal["text", "money", "percent", "count"]
Cell = str | Decimal | int | None


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: Kind = "text"
    for_people: bool = True  # False: only in CSV (an id beside its label, for spreadsheets and scripts)


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
