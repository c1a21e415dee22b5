"""The figures of a stream in a year: THE definitions every rule and report reads.

Approved budget, revised budget, allocated, and (with the in-year files)
committed, actual, forecast and variance are defined here once, so summary,
monitor, the board paper, diff and the rules cannot disagree about what
"budget" means. Values only: these functions read a ``Ledger`` and return money.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from budgetctl.model.ledger import Ledger, ProjectEntry
from budgetctl.model.money import ZERO, total


def approved_budget(ledger: Ledger, stream_id: str, year: str) -> Decimal:
    """The budget the board approved: ``budget:`` in streams.yaml (zero when the stream has none that year)."""
    return ledger.streams[stream_id].budget.get(year, ZERO)


def adjustments(ledger: Ledger, stream_id: str, year: str, as_at: datetime.date | None = None) -> Decimal:
    """The net effect of the year's adjustments on the stream's budget (approved on or before ``as_at``).

    Zero until the ledger records adjustments.
    """
    return ZERO


def revised_budget(ledger: Ledger, stream_id: str, year: str, as_at: datetime.date | None = None) -> Decimal:
    """Approved budget plus the effects of the year's adjustments (those approved on or before ``as_at``)."""
    return approved_budget(ledger, stream_id, year) + adjustments(ledger, stream_id, year, as_at)


def allocations(ledger: Ledger, stream_id: str, year: str) -> list[tuple[ProjectEntry, Decimal]]:
    """The projects on the stream with their allocation in the year, in path order."""
    return ledger.allocated(stream_id, year)


def allocated(ledger: Ledger, stream_id: str, year: str) -> Decimal:
    """The sum of the stream's project allocations in the year."""
    return total(amount for _, amount in ledger.allocated(stream_id, year))
