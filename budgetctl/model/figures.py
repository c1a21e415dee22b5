"""The figures of a stream in a year: THE definitions every rule and report reads.

Approved budget, revised budget, allocated, and (with the in-year files)
committed, actual, forecast and variance are defined here once, so summary,
monitor, the board paper, diff and the rules cannot disagree about what
"budget" means. Values only: these functions read a ``Ledger`` and return money.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from budgetctl.model.actuals import ActualRow
from budgetctl.model.ledger import Ledger, ProjectEntry, QuarterForecast
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


# --- In-year monitoring: actual, forecast, variance and RAG of a project or stream ------
# Actual and forecast are defined per project, then summed per stream, so a trace of
# any stream figure lists exactly the values these functions add.

AMBER_DEFAULT = Decimal(2)
RED_DEFAULT = Decimal(5)


def actual_rows(
    ledger: Ledger, project_id: str, year: str, as_at: datetime.date | None = None
) -> list[tuple[str, ActualRow]]:
    """The project's actuals rows of the year dated on or before ``as_at``, as (file, row)."""
    rows = ledger.actuals_by_project.get((project_id, year), [])
    return [pair for pair in rows if as_at is None or pair[1].date <= as_at]


def project_actual(ledger: Ledger, project_id: str, year: str, as_at: datetime.date | None = None) -> Decimal:
    """Spend up to ``as_at``: the signed amounts of the project's rows of the year dated on or before it."""
    return total(row.signed for _, row in actual_rows(ledger, project_id, year, as_at))


def stream_projects(ledger: Ledger, stream_id: str) -> list[ProjectEntry]:
    """Every project on the stream, in path order (with or without an allocation in a year)."""
    return ledger.projects_by_stream.get(stream_id, [])


def actual(ledger: Ledger, stream_id: str, year: str, as_at: datetime.date | None = None) -> Decimal:
    """The sum of the stream's projects' actual as at ``as_at``."""
    return total(project_actual(ledger, p.id, year, as_at) for p in stream_projects(ledger, stream_id))


def forecast_source(
    ledger: Ledger, entry: ProjectEntry, year: str, as_at: datetime.date
) -> tuple[Decimal, QuarterForecast | None]:
    """A project's forecast as at ``as_at`` and the forecast file it comes from: the outturn of
    the latest forecast with ``as_at`` on or before that date listing the project; failing
    that, its allocation for the year (zero without one), and None."""
    for file in reversed(ledger.forecasts_of(year)):
        listed = file.forecast.projects.get(entry.id)
        if listed is not None and file.forecast.as_at <= as_at:
            return listed.outturn, file
    return entry.project.allocations.get(year, ZERO), None


def project_forecast(ledger: Ledger, entry: ProjectEntry, year: str, as_at: datetime.date) -> Decimal:
    """A project's forecast outturn for the year as at ``as_at`` (see ``forecast_source``)."""
    return forecast_source(ledger, entry, year, as_at)[0]


def forecast(ledger: Ledger, stream_id: str, year: str, as_at: datetime.date) -> Decimal:
    """The sum of the stream's projects' forecast as at ``as_at``."""
    return total(project_forecast(ledger, p, year, as_at) for p in stream_projects(ledger, stream_id))


def variance(ledger: Ledger, stream_id: str, year: str, as_at: datetime.date) -> Decimal:
    """Forecast minus the revised budget as at ``as_at`` (negative: an underspend)."""
    return forecast(ledger, stream_id, year, as_at) - revised_budget(ledger, stream_id, year, as_at)


def rag_thresholds(ledger: Ledger) -> tuple[Decimal, Decimal]:
    """(amber, red) in per cent of the revised budget: ``monitoring.rag`` in streams.yaml, else 2 and 5."""
    monitoring = ledger.streams_file.monitoring
    if monitoring is None:
        return AMBER_DEFAULT, RED_DEFAULT
    return monitoring.rag.amber, monitoring.rag.red


def rag_of(
    variance: Decimal, revised: Decimal, *, thresholds: tuple[Decimal, Decimal], ring_fenced: bool = False
) -> str:
    """green when |variance| is at most amber% of the revised budget, amber when at most red%,
    else red; a forecast above the revised budget of a ring-fenced stream is always red."""
    if ring_fenced and variance > 0:
        return "red"
    amber, red = thresholds
    size = abs(variance) * 100  # compared with percent x revised: exact, no division
    if size <= amber * revised:
        return "green"
    if size <= red * revised:
        return "amber"
    return "red"


def rag(ledger: Ledger, stream_id: str, year: str, as_at: datetime.date) -> str:
    """The stream's RAG status as at ``as_at``."""
    return rag_of(
        variance(ledger, stream_id, year, as_at),
        revised_budget(ledger, stream_id, year, as_at),
        thresholds=rag_thresholds(ledger),
        ring_fenced=ledger.streams[stream_id].ring_fenced,
    )
