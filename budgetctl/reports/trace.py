"""Trace a figure to the values that make it: each with its file, line and column.

For any figure of ``summary`` or ``monitor`` (a stream or a project, a year, a
measure and, for in-year measures, an as-at date) ``trace`` returns the terms
whose sum is the figure, reading the same selections as ``model.figures``
(``actual_rows``, ``forecast_source``), so a trace cannot disagree with a report.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import NoReturn

from budgetctl.model import figures
from budgetctl.model.actuals import HEADER
from budgetctl.model.ledger import Ledger, Place, ProjectEntry
from budgetctl.model.money import format_json, total
from budgetctl.model.periods import previous_year, year_bounds
from budgetctl.plainclass import dataclass
from budgetctl.reports.monitor import Monitor

# Every figure trace follows, in the order ``budgetctl trace --help`` lists them; a project has the last four of these.
MEASURES = (
    *("budget", "approved_budget", "adjustments", "revised_budget", "allocated", "unallocated"),
    *("actual", "forecast", "variance", "opening_balance", "unspent", "to_return", "to_carry", "to_balance"),
)
PROJECT_MEASURES = ("allocated", "actual", "forecast", "variance")
AMOUNT = HEADER.index("amount")


@dataclass(frozen=True)
class Term:
    """One value behind a figure: its amount (signed as it counts), where it is, and what it is."""

    amount: Decimal
    place: Place
    what: str

    def as_json(self) -> dict[str, object]:
        return {
            "file": self.place.file,
            "line": self.place.line,
            "column": self.place.column,
            "amount": format_json(self.amount),
            "what": self.what,
        }


@dataclass(frozen=True)
class Trace:
    """How one figure is made: its subject, year and measure, and the terms that sum to it."""

    subject: str
    year: str
    measure: str
    as_at: datetime.date | None
    terms: list[Term]

    @property
    def total(self) -> Decimal:
        return total(t.amount for t in self.terms)

    def as_json(self) -> dict[str, object]:
        return {"total": format_json(self.total), "values": [t.as_json() for t in self.terms]}


def _negated(terms: list[Term]) -> list[Term]:
    return [Term(-t.amount, t.place, f"minus {t.what}") for t in terms]


# --- the terms of each measure ----------------------------------------------------------


def _approved(ledger: Ledger, stream: str, year: str) -> list[Term]:
    if year not in ledger.streams[stream].budget:
        return []
    amount = figures.approved_budget(ledger, stream, year)
    return [Term(amount, ledger.stream_at(stream, "budget", year), f"approved budget of {stream} for {year}")]


def _adjustments(ledger: Ledger, stream: str, year: str, as_at: datetime.date | None) -> list[Term]:
    """Each adjustment record approved by ``as_at`` that changes the stream's budget, at its
    ``amount:`` with its net effect on the stream (signed), then a balance fund's opening balance."""
    found = [
        Term(amount, entry.at("amount"), f"{entry.record.type} {entry.id} of {entry.record.date.isoformat()}")
        for entry, amount in figures.stream_adjustments(ledger, stream, year, as_at)
    ]
    return found + _opening_balance(ledger, stream, year, as_at)


def _opening_balance(ledger: Ledger, stream: str, year: str, as_at: datetime.date | None) -> list[Term]:
    """A balance stream's opening balance: the previous year's revised budget less its actual, as at its last day."""
    if not figures.opening_balance(ledger, stream, year, as_at):
        return []
    before = previous_year(year)
    terms = _unspent(ledger, stream, before, year_bounds(before)[1])
    return [Term(t.amount, t.place, f"opening balance from {before}: {t.what}") for t in terms]


def _closing(ledger: Ledger, stream: str, year: str) -> Place:
    """Where a year-end figure is decided: the year's ``closed`` date, else the stream's budget."""
    if figures.is_closed(ledger, year):
        return ledger.streams_at("years", year, "closed")
    return (
        ledger.stream_at(stream, "budget", year) if year in ledger.streams[stream].budget else ledger.stream_at(stream)
    )


def _unspent(ledger: Ledger, stream: str, year: str, as_at: datetime.date) -> list[Term]:
    """Revised budget less actual; an overspend is cancelled by one term, as nothing is left unspent."""
    terms = _revised(ledger, stream, year, as_at) + _negated(
        _per_project(ledger, stream, lambda e: _project_actual(ledger, e, year, as_at))
    )
    over = figures.overspend(ledger, stream, year, figures.actual(ledger, stream, year, as_at), as_at)
    if over:
        terms.append(Term(over, _closing(ledger, stream, year), f"overspend of {stream}: nothing is left unspent"))
    return terms


def _to_carry(ledger: Ledger, stream: str, year: str, as_at: datetime.date) -> list[Term]:
    """The carry-forwards out of ``year``, less what they take beyond the unspent money."""
    if figures.year_end(ledger, stream) == "balance":
        return []
    terms = [
        Term(e.record.amount, e.at("amount"), f"carry-forward {e.id} from {year}")
        for e in figures.in_order(ledger.adjustments)
        if e.record.type == "carry-forward" and e.record.stream == stream and e.record.from_year == year
    ]
    split = figures.outturn_split(ledger, stream, year, as_at)
    if split["carry_beyond_unspent"]:
        terms.append(
            Term(-split["carry_beyond_unspent"], _closing(ledger, stream, year), "carried beyond the unspent money")
        )
    return terms


def _year_end_terms(ledger: Ledger, stream: str, year: str, as_at: datetime.date, part: str) -> list[Term]:
    balance = figures.year_end(ledger, stream) == "balance"
    if part == "to_balance":
        return _unspent(ledger, stream, year, as_at) if balance else []
    if part == "to_carry":
        return _to_carry(ledger, stream, year, as_at)
    return [] if balance else _unspent(ledger, stream, year, as_at) + _negated(_to_carry(ledger, stream, year, as_at))


def _revised(ledger: Ledger, stream: str, year: str, as_at: datetime.date | None) -> list[Term]:
    return _approved(ledger, stream, year) + _adjustments(ledger, stream, year, as_at)


def _allocation(entry: ProjectEntry, year: str) -> list[Term]:
    amount = entry.project.allocations.get(year)
    if amount is None:
        return []
    return [Term(amount, entry.at("allocations", year), f"allocation of {entry.id} for {year}")]


def _project_actual(ledger: Ledger, entry: ProjectEntry, year: str, as_at: datetime.date | None) -> list[Term]:
    return [
        Term(
            row.signed,
            Place(path, row.line, row.columns[AMOUNT]),
            f"{row.kind} {row.reference} of {row.date.isoformat()} to {entry.id}",
        )
        for path, row in figures.actual_rows(ledger, entry.id, year, as_at)
    ]


def _project_forecast(ledger: Ledger, entry: ProjectEntry, year: str, as_at: datetime.date) -> list[Term]:
    amount, source = figures.forecast_source(ledger, entry, year, as_at)
    if source is None:
        found = _allocation(entry, year)
        return [Term(t.amount, t.place, f"{t.what} (no forecast lists it)") for t in found]
    place = source.at("projects", entry.id, "outturn")
    return [Term(amount, place, f"q{source.quarter} forecast outturn of {entry.id}")]


def _per_project(ledger: Ledger, stream: str, each: Callable[[ProjectEntry], list[Term]]) -> list[Term]:
    return [t for entry in figures.stream_projects(ledger, stream) for t in each(entry)]


def answer(
    ledger: Ledger, subject: str, year: str, measure: str, as_at: str | None, refuse: Callable[[str], NoReturn]
) -> Trace:
    """``budgetctl trace``: the terms of ``measure`` for a stream or project id in ``year``, as at
    ``as_at`` as written (a quarter or a date; None: monitor's default). ``refuse(message)`` for a
    subject the ledger does not hold, a stream's measure asked of a project, or a bad date."""
    from budgetctl.infra.gcpause import paused_gc
    from budgetctl.model.records import did_you_mean
    from budgetctl.reports.monitor import AsAtError, default_as_at, parse_as_at

    if subject not in ledger.streams and subject not in ledger.projects_by_id:
        known = [*ledger.streams, *ledger.projects_by_id]
        refuse(f"no stream or project {subject!r}{did_you_mean(subject, known)}")
    if subject not in ledger.streams and measure not in PROJECT_MEASURES:
        refuse(f"a project's figures are {', '.join(PROJECT_MEASURES)}; {measure} is a stream's")
    try:
        when = parse_as_at(as_at, year) if as_at is not None else default_as_at(ledger, year, datetime.date.today())
    except AsAtError as exc:
        refuse(f"--as-at: {exc}")
    with paused_gc():  # indexes every actuals row: see paused_gc
        return trace(ledger, subject, year, measure, when)


def trace(ledger: Ledger, subject: str, year: str, measure: str, as_at: datetime.date) -> Trace:
    """The terms of ``measure`` for a stream or project id in ``year`` as at ``as_at``.

    ``budget``, ``allocated`` and ``unallocated`` are summary's figures (every
    adjustment of the year counts); the others are monitor's at ``as_at``.
    """
    if subject in ledger.streams:
        terms = _stream_terms(ledger, subject, year, measure, as_at)
    else:
        terms = _project_terms(ledger, ledger.projects_by_id[subject], year, measure, as_at)
    return Trace(subject, year, measure, as_at, terms)


def _stream_terms(ledger: Ledger, stream: str, year: str, measure: str, as_at: datetime.date) -> list[Term]:
    allocated = _per_project(ledger, stream, lambda e: _allocation(e, year))
    forecast = _per_project(ledger, stream, lambda e: _project_forecast(ledger, e, year, as_at))
    table: dict[str, Callable[[], list[Term]]] = {
        "budget": lambda: _approved(ledger, stream, year),
        "approved_budget": lambda: _approved(ledger, stream, year),
        "adjustments": lambda: _adjustments(ledger, stream, year, as_at),
        "revised_budget": lambda: _revised(ledger, stream, year, as_at),
        "allocated": lambda: allocated,
        "unallocated": lambda: _revised(ledger, stream, year, None) + _negated(allocated),
        "actual": lambda: _per_project(ledger, stream, lambda e: _project_actual(ledger, e, year, as_at)),
        "forecast": lambda: forecast,
        "variance": lambda: forecast + _negated(_revised(ledger, stream, year, as_at)),
        "opening_balance": lambda: _opening_balance(ledger, stream, year, as_at),
        "unspent": lambda: _unspent(ledger, stream, year, as_at),
        "to_return": lambda: _year_end_terms(ledger, stream, year, as_at, "to_return"),
        "to_carry": lambda: _year_end_terms(ledger, stream, year, as_at, "to_carry"),
        "to_balance": lambda: _year_end_terms(ledger, stream, year, as_at, "to_balance"),
    }
    if measure in ("forecast", "variance") and figures.is_outturn(ledger, year, as_at):
        # The outturn of a closed year: the forecast is the actual.
        actual = table["actual"]()
        forecast = [Term(t.amount, t.place, f"{t.what} (outturn)") for t in actual]
        if measure == "variance":
            return forecast + _negated(_revised(ledger, stream, year, as_at))
        return forecast
    return table[measure]()


def _project_terms(ledger: Ledger, entry: ProjectEntry, year: str, measure: str, as_at: datetime.date) -> list[Term]:
    table: dict[str, Callable[[], list[Term]]] = {
        "allocated": lambda: _allocation(entry, year),
        "actual": lambda: _project_actual(ledger, entry, year, as_at),
        "forecast": lambda: _project_forecast(ledger, entry, year, as_at),
        "variance": lambda: _project_forecast(ledger, entry, year, as_at) + _negated(_allocation(entry, year)),
    }
    return table[measure]()


MONITOR_MEASURES = ("approved_budget", "adjustments", "revised_budget", "allocated", "actual", "forecast", "variance")
YEAR_END_TRACED = ("unspent", "to_return", "to_carry", "to_balance")


def monitor_trace(ledger: Ledger, report: Monitor) -> dict[str, dict[str, object]]:
    """For ``monitor --format json --trace``: per stream (and ``""`` for the total), each
    measure's total and values."""
    found: dict[str, dict[str, object]] = {}
    measures = MONITOR_MEASURES + (YEAR_END_TRACED if report.outturn else ())
    every: dict[str, list[Term]] = {m: [] for m in measures}
    for row in report.rows:
        found[row.stream] = {}
        for measure in measures:
            terms = _stream_terms(ledger, row.stream, report.year, measure, report.as_at)
            every[measure] += terms
            found[row.stream][measure] = Trace(row.stream, report.year, measure, report.as_at, terms).as_json()
    found[""] = {m: Trace("", report.year, m, report.as_at, every[m]).as_json() for m in measures}
    return found
