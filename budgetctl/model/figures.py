"""The figures of a stream in a year: THE definitions every rule and report reads.

Approved budget, revised budget, allocated, and (with the in-year files)
committed, actual, forecast and variance are defined here once, so summary,
monitor, the board paper, diff and the rules cannot disagree about what
"budget" means. Values only: these functions read a ``Ledger`` and return money.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from budgetctl.model.actuals import ActualRow
from budgetctl.model.ledger import AdjustmentEntry, Ledger, ProjectEntry, QuarterForecast
from budgetctl.model.money import ZERO, total
from budgetctl.model.periods import previous_year, year_bounds
from budgetctl.model.records import Adjustment


def approved_budget(ledger: Ledger, stream_id: str, year: str) -> Decimal:
    """The budget the board approved: ``budget:`` in streams.yaml (zero when the stream has none that year)."""
    return ledger.streams[stream_id].budget.get(year, ZERO)


Effect = tuple[str, str | None, Decimal]  # (stream, source or None, signed change)


def effects(record: Adjustment) -> list[Effect]:
    """What one adjustment does to revised budgets: a virement moves money from one stream
    (and source) to another, a grant variation adds or takes away, a carry-forward and a
    reserve drawdown add."""
    if record.type == "virement":
        if record.from_ is None or record.to is None:  # loading refuses such a record
            return []
        return [
            (record.from_.stream, record.from_.source, -record.amount),
            (record.to.stream, record.to.source, record.amount),
        ]
    if record.stream is None:
        return []
    sign = -1 if record.type == "grant-variation" and record.change == "decrease" else 1
    return [(record.stream, record.source, sign * record.amount)]


def in_order(entries: Iterable[AdjustmentEntry]) -> list[AdjustmentEntry]:
    """Adjustments in the order they apply: by ``date``, then file name (a stable order for running totals)."""
    return sorted(entries, key=lambda e: (e.record.date, e.file_name, e.source.path))


def year_adjustments(ledger: Ledger, year: str, as_at: datetime.date | None = None) -> list[AdjustmentEntry]:
    """The year's adjustments (with ``as_at``: those approved on or before it), in date then file-name order."""
    return in_order(
        e for e in ledger.adjustments if e.year == year and (as_at is None or e.record.approval.date <= as_at)
    )


def stream_adjustments(
    ledger: Ledger, stream_id: str, year: str, as_at: datetime.date | None = None
) -> list[tuple[AdjustmentEntry, Decimal]]:
    """The adjustments that change the stream's budget in the year, each with its net effect on it."""
    found = []
    for entry in year_adjustments(ledger, year, as_at):
        changes = [amount for stream, _, amount in effects(entry.record) if stream == stream_id]
        if changes:
            found.append((entry, total(changes)))
    return found


def recorded_adjustments(ledger: Ledger, stream_id: str, year: str, as_at: datetime.date | None = None) -> Decimal:
    """The net effect of the year's adjustment records on the stream's budget (approved on or before ``as_at``)."""
    return total(amount for _, amount in stream_adjustments(ledger, stream_id, year, as_at))


def adjustments(ledger: Ledger, stream_id: str, year: str, as_at: datetime.date | None = None) -> Decimal:
    """Everything that changes the stream's approved budget in the year: its adjustment records
    (approved on or before ``as_at``) and, for a ``balance`` stream, its opening balance."""
    return recorded_adjustments(ledger, stream_id, year, as_at) + opening_balance(ledger, stream_id, year, as_at)


def has_adjustments(ledger: Ledger, year: str) -> bool:
    """Whether any adjustment record or opening balance changes a budget of ``year``."""
    return any(e.year == year for e in ledger.adjustments) or any(
        opening_balance(ledger, s, year) for s in ledger.streams
    )


def approved_source(ledger: Ledger, stream_id: str, source: str, year: str) -> Decimal:
    """A source's approved amount: ``sources:`` in streams.yaml (zero when absent)."""
    return ledger.streams[stream_id].sources.get(source, {}).get(year, ZERO)


def revised_source(
    ledger: Ledger, stream_id: str, source: str, year: str, as_at: datetime.date | None = None
) -> Decimal:
    """A source's approved amount plus the effects of the adjustments naming it."""
    changes = [
        amount
        for entry in year_adjustments(ledger, year, as_at)
        for stream, named, amount in effects(entry.record)
        if stream == stream_id and named == source
    ]
    return total((approved_source(ledger, stream_id, source, year), *changes))


def revised_budget(ledger: Ledger, stream_id: str, year: str, as_at: datetime.date | None = None) -> Decimal:
    """Approved budget plus the effects of the year's adjustments (those approved on or before ``as_at``)."""
    return approved_budget(ledger, stream_id, year) + adjustments(ledger, stream_id, year, as_at)


def allocations(ledger: Ledger, stream_id: str, year: str) -> list[tuple[ProjectEntry, Decimal]]:
    """The projects on the stream with their allocation in the year, in path order."""
    return ledger.allocated(stream_id, year)


def allocated(ledger: Ledger, stream_id: str, year: str) -> Decimal:
    """The sum of the stream's project allocations in the year."""
    return total(amount for _, amount in ledger.allocated(stream_id, year))


def allocated_by_stream(ledger: Ledger) -> dict[str, dict[str, tuple[int, Decimal]]]:
    """Each stream's number of allocations and ``allocated`` money per year its projects allocate in."""
    years = sorted({y for entry in ledger.projects for y in entry.project.allocations})
    return {
        stream_id: {y: (len(ledger.allocated(stream_id, y)), allocated(ledger, stream_id, y)) for y in years}
        for stream_id in ledger.streams
    }


def carried_forward(ledger: Ledger, stream_id: str, from_year: str) -> Decimal:
    """Money carried forward out of ``from_year`` into the next year by the stream's carry-forwards."""
    return total(
        e.record.amount
        for e in ledger.adjustments
        if e.record.type == "carry-forward" and e.record.stream == stream_id and e.record.from_year == from_year
    )


def year_end(ledger: Ledger, stream_id: str) -> str | None:
    """What happens to the stream's unspent money at year end (``return``, ``carry-with-consent``,
    ``carry-with-approval``, ``balance``); None when streams.yaml does not say."""
    return ledger.streams[stream_id].year_end


def year_end_split(
    ledger: Ledger, stream_id: str, year: str, spent: Decimal, as_at: datetime.date | None = None
) -> dict[str, Decimal]:
    """Where a stream's unspent money of ``year`` goes, given what was ``spent`` (the outturn):
    ``carry`` (what carry-forwards into the next year take), ``balance`` (a fund that keeps it)
    and ``return`` (the rest: to the grantor, or back to the office's funds).

    Unspent is the revised budget (as at ``as_at``) minus ``spent``; an overspend leaves nothing to split.
    """
    unspent = max(revised_budget(ledger, stream_id, year, as_at) - spent, ZERO)
    if year_end(ledger, stream_id) == "balance":
        return {"carry": ZERO, "balance": unspent, "return": ZERO}
    carried = min(carried_forward(ledger, stream_id, year), unspent)
    return {"carry": carried, "balance": ZERO, "return": unspent - carried}


def carried_beyond_unspent(
    ledger: Ledger, stream_id: str, year: str, spent: Decimal, as_at: datetime.date | None = None
) -> Decimal:
    """How much the carry-forwards out of ``year`` exceed what was left unspent (zero when they fit):
    once the year is closed, a carry-forward may take only money that was not spent."""
    unspent = max(revised_budget(ledger, stream_id, year, as_at) - spent, ZERO)
    return max(carried_forward(ledger, stream_id, year) - unspent, ZERO)


def closed_on(ledger: Ledger, year: str) -> datetime.date | None:
    """The date the year's outturn became final (``years: {Y: {closed: ...}}``), None while it is open."""
    state = ledger.streams_file.years.get(year)
    return state.closed if state is not None else None


def is_closed(ledger: Ledger, year: str) -> bool:
    """Whether the year's outturn is final (``years: {Y: {closed: ...}}``)."""
    return closed_on(ledger, year) is not None


def is_outturn(ledger: Ledger, year: str, as_at: datetime.date) -> bool:
    """Whether figures as at ``as_at`` are the year's final outturn: the year is closed and
    ``as_at`` is its last day (or later)."""
    return is_closed(ledger, year) and as_at >= year_bounds(year)[1]


def overspend(ledger: Ledger, stream_id: str, year: str, spent: Decimal, as_at: datetime.date | None = None) -> Decimal:
    """How much ``spent`` exceeds the revised budget (zero when it does not)."""
    return max(spent - revised_budget(ledger, stream_id, year, as_at), ZERO)


def outturn_split(ledger: Ledger, stream_id: str, year: str, as_at: datetime.date | None = None) -> dict[str, Decimal]:
    """The year-end figures of a stream: its actual spend for the whole year, the money left
    unspent and where it goes (``year_end_split``), any overspend, and what carry-forwards
    take beyond the unspent money. ``return + carry + balance - overspend`` is always the
    revised budget minus the actual."""
    spent = actual(ledger, stream_id, year, as_at)
    split = year_end_split(ledger, stream_id, year, spent, as_at)
    return {
        "actual": spent,
        "unspent": total(split.values()),
        "return": split["return"],
        "carry": split["carry"],
        "balance": split["balance"],
        "overspend": overspend(ledger, stream_id, year, spent, as_at),
        "carry_beyond_unspent": carried_beyond_unspent(ledger, stream_id, year, spent, as_at),
    }


def needs_actuals(ledger: Ledger) -> bool:
    """Whether budgets depend on actual spend: a ``balance`` stream's opening balance is what it
    left unspent in a closed year, so even a report of the plan must read that year's actuals."""
    return any(s.year_end == "balance" for s in ledger.streams.values()) and any(
        state.closed is not None for state in ledger.streams_file.years.values()
    )


def opening_balance(ledger: Ledger, stream_id: str, year: str, as_at: datetime.date | None = None) -> Decimal:
    """What a ``balance`` stream (a fund that keeps its money, such as Proceeds of Crime money)
    brings into ``year``: the previous year's unspent revised budget, once that year is closed.

    It is the ``balance`` of the previous year's outturn as at its last day (what the outturn
    report shows), and counts from the day that year closed, like an adjustment approved that
    day: a report as at an earlier date leaves it out. Zero for any other stream, or while the
    previous year is open. No record holds it: it is derived from the previous year's figures.
    """
    if year_end(ledger, stream_id) != "balance":
        return ZERO
    before = previous_year(year)
    closed = closed_on(ledger, before)
    if closed is None or (as_at is not None and closed > as_at):
        return ZERO
    return outturn_split(ledger, stream_id, before, year_bounds(before)[1])["balance"]


def committed(ledger: Ledger, stream_id: str, year: str) -> Decimal:
    """Money the stream's projects' signed agreements commit in the year."""
    return total(
        e.project.agreement.committed.get(year, ZERO)
        for e in ledger.projects_by_stream.get(stream_id, ())
        if e.project.agreement is not None
    )


def is_indicative(ledger: Ledger, stream_id: str, year: str) -> bool:
    """Whether the stream's budget for the year is indicative (not yet confirmed by the grantor)."""
    return ledger.streams[stream_id].budget_status.get(year) == "indicative"


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
    """Spend up to ``as_at``: the signed amounts of the project's rows of the year dated on or before it
    (the sum of ``actual_rows``, kept as running totals by the ledger)."""
    return ledger.actual_as_at(project_id, year, as_at)


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
    file = ledger.latest_forecasts(year, as_at).get(entry.id)
    if file is not None:
        return file.forecast.projects[entry.id].outturn, file
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
