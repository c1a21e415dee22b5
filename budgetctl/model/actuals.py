"""Actuals rows as values: one payment, credit or accrual from the finance system.

The reader (``budgetctl.loading.actuals``) builds them from a CSV file; the
ledger, the figures and the rules read them. A row remembers its line and the
column where each cell starts, so every figure can be traced to its cells.
"""

from __future__ import annotations

import decimal
from array import array
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from datetime import date
from decimal import Decimal
from itertools import repeat
from operator import itemgetter
from typing import NamedTuple

from budgetctl.model.money import format_json
from budgetctl.plainclass import dataclass

HEADER = ("date", "project", "kind", "amount", "reference", "supplier", "description")
KINDS = ("payment", "accrual", "credit", "accrual-reversal")
REDUCING = frozenset(("credit", "accrual-reversal"))
KIND_INDEX = {kind: i for i, kind in enumerate(KINDS)}


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
class ActualColumns:
    """The figures of a file's good rows as columns, in file order: row ``i`` is dated
    ``date.fromordinal(days[i])``, names ``projects[who[i]]`` and adds ``pence[i]`` (the
    amount in pence with the sign of its kind). Sums per project and date are then plain
    integer additions, and the columns are cached as bytes, not as a row object per payment.
    Row ``i``'s reference and kind (``KINDS[kinds[i]]``) are its finance-system key, held
    unique across the ledger (M002) without building the rows.
    """

    projects: tuple[str, ...]
    days: array[int]
    who: array[int]
    pence: array[int]
    references: tuple[str, ...]
    kinds: bytes

    def keys(self) -> zip[tuple[str, int]]:
        """Each row's (reference, kind index): the pair M002 holds unique."""
        return zip(self.references, self.kinds, strict=True)

    @classmethod
    def of(cls, rows: Sequence[ActualRow]) -> ActualColumns:
        # Column by column with map (the loops run in C): a year of 120,000 rows costs a
        # few hundredths of a second more on the run that reads them, and is then cached.
        projects = list(map(itemgetter(1), rows))
        index = {project: i for i, project in enumerate(dict.fromkeys(projects))}
        scaled = list(map(Decimal.scaleb, map(itemgetter(3), rows), repeat(2)))
        cents = list(map(int, scaled))
        if cents != scaled:  # money is whole pence; anything else is a bug, never rounded
            raise ValueError("an amount with more than two decimals")
        reducing = [kind in REDUCING for kind in map(itemgetter(2), rows)]
        return cls(
            tuple(index),
            array("i", map(date.toordinal, map(itemgetter(0), rows))),
            array("i", map(index.__getitem__, projects)),
            array("q", [-c if r else c for c, r in zip(cents, reducing, strict=True)]),
            tuple(map(itemgetter(4), rows)),
            bytes(map(KIND_INDEX.__getitem__, map(itemgetter(2), rows))),
        )


class ActualsFile:
    """One actuals file of a financial year (``2023/24``): its good rows in file order, and
    their figures as columns. Either may be given and the other is made on first use: a
    run holds the columns (read, or cached) and reads the rows from the file only if a
    command asks for them (a trace, a rule that reports a row), so both always describe
    the same bytes."""

    __slots__ = ("_columns", "_read", "_rows", "path", "year")

    def __init__(
        self,
        path: str,
        year: str,
        rows: tuple[ActualRow, ...] | None = None,
        *,
        columns: ActualColumns | None = None,
        read: Callable[[AbstractSet[str] | None], tuple[ActualRow, ...]] | None = None,
    ) -> None:
        if rows is None and (columns is None or read is None):
            raise ValueError("an actuals file without its rows needs its columns and a way to read the rows")
        self.path = path
        self.year = year
        self._rows = rows
        self._columns = columns
        self._read = read

    @property
    def rows(self) -> tuple[ActualRow, ...]:
        if self._rows is None:
            assert self._read is not None
            self._rows = self._read(None)
        return self._rows

    def rows_of(self, projects: AbstractSet[str]) -> tuple[ActualRow, ...]:
        """The rows naming one of ``projects``, in file order: where the rows are not read yet and
        the file names other projects too, only those rows are made (a trace of one stream
        reads a year of every stream's payments)."""
        if self._rows is None and not projects >= set(self.columns.projects):
            assert self._read is not None
            return self._read(projects)
        return tuple(row for row in self.rows if row.project in projects)

    @property
    def columns(self) -> ActualColumns:
        if self._columns is None:
            self._columns = ActualColumns.of(self.rows)
        return self._columns

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ActualsFile):
            return NotImplemented
        return (self.path, self.year, self.rows) == (other.path, other.year, other.rows)

    __hash__ = None  # type: ignore[assignment]  # compared by value, like the dataclass it replaced

    def __repr__(self) -> str:
        return f"ActualsFile({self.path!r}, {self.year!r})"


def pounds(pence: int) -> Decimal:
    """Whole pence as money with two decimals: the Decimal that adding the rows' amounts gives
    (exact: a sum too large for it raises rather than rounds)."""
    return Decimal(pence).scaleb(-2, context=_EXACT)


_EXACT = decimal.Context(prec=40, traps=[decimal.Inexact, decimal.Rounded, decimal.InvalidOperation])
