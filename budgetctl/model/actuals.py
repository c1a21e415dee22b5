"""Actuals rows as values: one payment, credit or accrual from the finance system.

The reader (``budgetctl.loading.actuals``) builds them from a CSV file; the
ledger, the figures and the rules read them. A row remembers its line and the
column where each cell starts, so every figure can be traced to its cells.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from budgetctl.model.money import format_json

HEADER = ("date", "project", "kind", "amount", "reference", "supplier", "description")
KINDS = ("payment", "accrual", "credit", "accrual-reversal")
REDUCING = frozenset(("credit", "accrual-reversal"))


class ActualRow(NamedTuple):
    """One actuals row, its values checked; ``line`` and ``columns`` locate it (not compared).

    A named tuple, not a frozen dataclass: a ledger holds a row per payment (120,000 in a
    year of 10,000 projects), and a tuple is built in a quarter of the time.
    """

    date: date
    project: str
    kind: str
    amount: Decimal
    reference: str
    supplier: str
    description: str
    line: int = 0
    columns: tuple[int, ...] = (1, 1, 1, 1, 1, 1, 1)

    def __eq__(self, other: object) -> bool:
        """The values only: the same row read from another line is the same row."""
        if not isinstance(other, ActualRow):
            return NotImplemented
        return self[:7] == other[:7]

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(self[:7])

    @property
    def signed(self) -> Decimal:
        """The amount with the sign of its kind: credits and accrual reversals reduce spend."""
        return -self.amount if self.kind in REDUCING else self.amount

    def cells(self) -> tuple[str, ...]:
        """The row's cells as the canonical file writes them."""
        return (
            self.date.isoformat(),
            self.project,
            self.kind,
            format_json(self.amount),
            self.reference,
            self.supplier,
            self.description,
        )


@dataclass(frozen=True, slots=True)
class ActualsFile:
    """One actuals file of a financial year (``2023/24``) and its good rows, in file order."""

    path: str
    year: str
    rows: tuple[ActualRow, ...]
