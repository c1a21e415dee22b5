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
