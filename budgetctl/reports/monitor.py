"""The monitoring report: per stream, budget against actual and forecast with a RAG status,
then the explanations of the variances and each stream's forecast movement.

Every figure comes from ``model.figures``; this module only arranges them.
"""

from __future__ import annotations

import datetime
import os
import re
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from budgetctl.model import monitorfacts
from budgetctl.model.money import ZERO, format_pounds, total
from budgetctl.model.periods import previous_year, quarter_end, quarter_of, year_bounds
from budgetctl.reports.table import Column, Table, keyed_table

if TYPE_CHECKING:  # the models and figures are imported where a ledger is read: a warm report reads none
    from budgetctl.diagnostics import Diagnostic
    from budgetctl.loading.cache import FileCache
    from budgetctl.loading.discover import LedgerFiles
    from budgetctl.model.ledger import Ledger, ProjectEntry
    from budgetctl.model.monitorfacts import MonitorFacts

MEASURES = (
    "approved_budget",
    "adjustments",
    "revised_budget",
    "allocated",
    "actual",
    "forecast",
    "variance",
)
UNCLASSIFIED = "unclassified"
# The outturn of a closed year adds where each stream's unspent money goes (``figures.outturn_split``).
YEAR_END_MEASURES = ("unspent", "to_return", "to_carry", "to_balance", "overspend", "carry_beyond_unspent")
_SPLIT_KEYS = dict(zip(YEAR_END_MEASURES, ("unspent", "return", "carry", "balance", "overspend",
                                           "carry_beyond_unspent"), strict=True))  # fmt: skip


class AsAtError(ValueError):
    """An ``--as-at`` that is not a quarter or a date of the year; str() says what to write."""


def default_as_at(ledger: Ledger, year: str, today: datetime.date) -> datetime.date:
    """The end of the latest quarter of ``year`` with a forecast file, else the last day of
    the year or ``today``, whichever is earlier; for a closed year, its last day (the outturn)."""
    from budgetctl.model import figures

    return as_at_default(figures.is_closed(ledger, year), [f.quarter for f in ledger.forecasts if f.year == year],
                          year, today)  # fmt: skip


def as_at_default(closed: bool, quarters: list[int], year: str, today: datetime.date) -> datetime.date:
    """``default_as_at`` given whether the year is closed and the quarters of its forecast files."""
    if closed:
        return year_bounds(year)[1]
    if quarters:
        return quarter_end(year, max(quarters))
    return min(year_bounds(year)[1], today)


def parse_as_at(text: str, year: str) -> datetime.date:
    """``q1``..``q4`` (the quarter's last day) or a date ``YYYY-MM-DD`` inside ``year``."""
    first, last = year_bounds(year)
    quarter = re.fullmatch(r"[qQ]([1-4])", text.strip())
    if quarter:
        return quarter_end(year, int(quarter[1]))
    try:
        day = datetime.date.fromisoformat(text.strip()) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()) else None
    except ValueError:
        day = None
    if day is None:
        raise AsAtError(f"found {text!r}; write a quarter (q1 to q4) or a date such as {quarter_end(year, 2)}")
    if not first <= day <= last:
        raise AsAtError(f"{day} is outside {year} ({first} to {last})")
    return day


class StreamRow(NamedTuple):  # the report's values are not dataclasses: a warm monitor does without importing them
    stream: str
    programme: str
    funding: str
    approved_budget: Decimal
    adjustments: Decimal
    revised_budget: Decimal
    allocated: Decimal
    actual: Decimal
    forecast: Decimal
    variance: Decimal
    rag: str

    year_end: str | None = None  # the stream's policy for unspent money
    split: dict[str, Decimal] | None = None  # the outturn view: YEAR_END_MEASURES

    def money(self) -> dict[str, Decimal]:
        return {m: getattr(self, m) for m in MEASURES}

    def as_row(self) -> dict[str, object]:
        """The stream's row of the report, keyed by column: the table's cells and the JSON come from it."""
        return {
            "stream": self.stream,
            "programme": self.programme,
            "funding": self.funding,
            **self.money(),
            "rag": self.rag,
            **({"year_end": self.year_end, **self.split} if self.split is not None else {}),
        }


class ProjectVariance(NamedTuple):  # a tuple: a year of forecasts explains thousands, built on each warm run
    """A project whose forecast has a reason, or differs from its allocation."""

    project: str
    title: str
    stream: str
    programme: str
    allocated: Decimal
    forecast: Decimal
    reason: str | None
    variance_class: str
    source: str  # the forecast file the figure comes from

    @property
    def difference(self) -> Decimal:
        return self.forecast - self.allocated


class Monitor:
    """The report's values: the stream rows and total, explanations and movements."""

    def __init__(
        self,
        year: str,
        as_at: datetime.date,
        rows: list[StreamRow],
        total: dict[str, Decimal],
        thresholds: tuple[Decimal, Decimal],
        *,
        classes: tuple[str, ...] | None = None,  # the variance classes in the format's order (None: model.records')
    ) -> None:
        self.year, self.as_at, self.rows, self.total, self.thresholds = year, as_at, rows, total, thresholds
        self.classes = classes
        self.variances: list[ProjectVariance] = []
        self.previous_as_at: datetime.date | None = None
        self.movements: list[tuple[StreamRow, Decimal]] = []  # (row, previous forecast)
        self.closed: datetime.date | None = None  # set for the outturn of a closed year (as at its last day)
        self.split_total: dict[str, Decimal] = {}
        self.notes: list[str] = []  # what a reader needs beside the figures

    @property
    def outturn(self) -> bool:
        return self.closed is not None

    @property
    def title(self) -> str:
        if self.closed is not None:
            return f"Outturn {self.year} (closed {self.closed.isoformat()})"
        return f"Budget monitoring {self.year} as at {self.as_at.isoformat()}"

    def data(self) -> dict[str, object]:
        """The normative JSON shape: ``year``, ``as_at``, ``rows`` (each stream's row) and ``total``;
        the outturn adds keys (never renames or drops one)."""
        return self.table().data

    def table(self) -> Table:
        outturn = self.outturn
        columns = [
            Column("stream", "Stream"),
            Column("programme", "Programme"),
            Column("funding", "Funding"),
            Column("approved_budget", "Approved £", "money"),
            Column("adjustments", "Adj. £", "money"),
            Column("revised_budget", "Revised £", "money"),
            Column("allocated", "Allocated £", "money"),
            Column("actual", "Outturn £" if outturn else "Actual £", "money"),
            Column("forecast", "Forecast £", "money"),
            Column("variance", "Variance £", "money"),
            Column("rag", "RAG"),
        ]
        if outturn:
            columns += [
                Column("year_end", "Year end", text=lambda v: v or ""),
                Column("unspent", "Unspent £", "money"),
                Column("to_return", "To return £", "money"),
                Column("to_carry", "To carry £", "money"),
                Column("to_balance", "To balance £", "money"),
                Column("overspend", "Overspend £", "money"),
                Column("carry_beyond_unspent", "Carried beyond unspent £", "money"),
            ]
        amber, red = (_number(t) for t in self.thresholds)
        if outturn:
            note = (
                f"Outturn = actual spend of the whole year, accruals included; variance = outturn - revised budget "
                f"(negative: an underspend). RAG: green within {amber}% of the revised budget, amber within {red}%, "
                "red beyond. Unspent money goes by each stream's year_end: to return (to the grantor, or back to "
                "the office's funds), to carry (the carry-forwards recorded into the next year) or to balance "
                "(a fund that keeps it: it opens the next year)."
            )
        else:
            note = (
                f"Variance = forecast - revised budget (negative: an underspend). RAG: green within {amber}% of the "
                f"revised budget, amber within {red}%, red beyond; a ring-fenced stream forecast above its budget "
                "is red."
            )
        table = keyed_table(
            self.title,
            columns,
            [r.as_row() for r in self.rows],
            total={
                "stream": "Total",
                "programme": "Total",
                "funding": "",
                **self.total,
                "rag": "",
                "year_end": "",
                **self.split_total,  # the outturn's columns
            },
            head={"year": self.year, "as_at": self.as_at.isoformat()},
            notes=[note, *self.notes],
        )
        if self.closed is not None:
            table.data.update(outturn=True, closed=self.closed.isoformat())
        return table

    def streams_to_explain(self) -> list[StreamRow]:
        return [r for r in self.rows if r.rag in ("amber", "red")]

    def by_class(self) -> list[tuple[str, list[ProjectVariance]]]:
        """Projects with a reason, grouped by variance class (in the spec's order, unclassified last)."""
        groups: dict[str, list[ProjectVariance]] = {}
        for v in self.variances:
            if v.reason is not None:
                groups.setdefault(v.variance_class, []).append(v)
        if self.classes is None:
            from budgetctl.model.records import VARIANCE_CLASSES

            self.classes = VARIANCE_CLASSES
        order = [*self.classes, UNCLASSIFIED]
        return [(name, groups[name]) for name in order if name in groups]


def _number(value: Decimal) -> str:
    """A threshold as written: 2, 2.5 (not 2.00)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _stream_row(ledger: Ledger, stream_id: str, year: str, as_at: datetime.date, outturn: bool) -> StreamRow:
    from budgetctl.model import figures

    stream = ledger.streams[stream_id]
    approved = figures.approved_budget(ledger, stream_id, year)
    revised = figures.revised_budget(ledger, stream_id, year, as_at)
    # The outturn of a closed year: the forecast is replaced by what was actually spent.
    forecast = (
        figures.actual(ledger, stream_id, year, as_at) if outturn else figures.forecast(ledger, stream_id, year, as_at)
    )
    variance = forecast - revised
    split = None
    if outturn:
        found = figures.outturn_split(ledger, stream_id, year, as_at)
        split = {m: found[key] for m, key in _SPLIT_KEYS.items()}
    return StreamRow(
        stream_id,
        stream.programme,
        stream.funding,
        approved,
        revised - approved,
        revised,
        figures.allocated(ledger, stream_id, year),
        figures.actual(ledger, stream_id, year, as_at),
        forecast,
        variance,
        figures.rag_of(variance, revised, thresholds=figures.rag_thresholds(ledger), ring_fenced=stream.ring_fenced),
        figures.year_end(ledger, stream_id),
        split,
    )


def _variance(v: monitorfacts.Variance, programme: str) -> ProjectVariance:
    return ProjectVariance(
        v.project, v.title, v.stream, programme, v.allocated, v.forecast, v.reason, v.variance_class or UNCLASSIFIED,
        v.source,
    )  # fmt: skip


def previous_quarter_end(year: str, as_at: datetime.date) -> datetime.date | None:
    """The last quarter end of ``year`` before ``as_at``; None in q1 (compared with the allocations)."""
    quarter = quarter_of(year, as_at)
    if quarter is None:
        return None
    ends = [quarter_end(year, q) for q in (1, 2, 3, 4) if quarter_end(year, q) < as_at]
    return ends[-1] if ends else None


def monitor(ledger: Ledger, year: str, as_at: datetime.date) -> Monitor:
    """The monitoring report of ``year`` as at ``as_at``: one row per stream with a budget that year."""
    from budgetctl.model import figures

    stream_ids = [s for s, stream in ledger.streams.items() if year in stream.budget]
    outturn = figures.is_outturn(ledger, year, as_at)
    rows = [_stream_row(ledger, s, year, as_at, outturn) for s in stream_ids]
    totals = {m: total(getattr(r, m) for r in rows) for m in MEASURES}
    report = Monitor(year, as_at, rows, totals, figures.rag_thresholds(ledger))
    balance = monitorfacts.balance_streams(ledger, stream_ids, year)
    openings = {s: figures.opening_balance(ledger, s, year, as_at) for s in balance}
    report.notes = _balance_notes(rows, year, as_at, figures.closed_on(ledger, previous_year(year)), openings)
    if outturn:
        report.closed = figures.closed_on(ledger, year)
        report.split_total = {m: total(r.split[m] for r in rows if r.split) for m in YEAR_END_MEASURES}
        late = [e for e in figures.year_adjustments(ledger, year) if e.record.approval.date > as_at]
        if late:
            report.notes.append(
                f"{len(late)} adjustment(s) of {year} approved after {as_at.isoformat()} are not in these figures: "
                + ", ".join(e.id for e in late)
            )
        return report  # no forecast to explain and no movement: the year is over
    report.variances = [
        _variance(v, ledger.streams[v.stream].programme)
        for v in monitorfacts.variances(ledger, stream_ids, year, as_at)
    ]
    report.previous_as_at = previous_quarter_end(year, as_at)
    report.movements = [(r, figures.forecast(ledger, r.stream, year, _previous(report))) for r in rows]
    return report


def _previous(report: Monitor) -> datetime.date:
    """The date the forecast movement starts from: before the first quarter end, the day before
    the year (no forecast applies: the previous forecast is the allocation)."""
    return report.previous_as_at or (year_bounds(report.year)[0] - datetime.timedelta(days=1))


def _balance_notes(
    rows: list[StreamRow], year: str, as_at: datetime.date, closed: datetime.date | None, openings: dict[str, Decimal]
) -> list[str]:
    """Where a balance stream's opening balance is (``openings``: those budgeted the year before,
    as at ``as_at``), or why it is not yet in the figures (``closed``: the year before's close)."""
    notes = []
    before = previous_year(year)
    for row in rows:
        opening = openings.get(row.stream)
        if opening is None:
            continue
        if closed is not None and closed <= as_at:
            notes.append(
                f"{row.programme} keeps its unspent money (year_end: balance): its adjustments include "
                f"£{format_pounds(opening)} opening balance from {before}, closed {closed.isoformat()}."
            )
        else:
            notes.append(
                f"{row.programme} keeps its unspent money (year_end: balance): what it leaves unspent in {before} "
                f"opens {year} once {before} is closed; not in these figures yet."
            )
    return notes


# --- from the kept facts: a warm report ----------------------------------------------------


def from_facts(facts: MonitorFacts, year: str, as_at: datetime.date, *, explained: bool = True) -> Monitor | None:
    """``monitor`` of the ledger whose facts (``model.monitorfacts``) are ``facts``, without the
    ledger; None for the outturn of a closed year (computed from the ledger only).
    ``explained=False`` leaves out the projects that explain the variances (``variances``),
    which only the text formats show. Raises ``monitorfacts.Malformed``."""
    kept = facts.year(year)
    state = kept.state(as_at)
    if state is None or (kept.closed is not None and as_at >= year_bounds(year)[1]):
        return None
    rows = []
    for position, stream_id in enumerate(kept.streams):
        stream = facts.streams[stream_id]
        approved, revised, forecast = kept.approved[position], state.revised[position], state.forecast[position]
        actual = kept.actual_at(position, as_at)
        row = StreamRow(stream_id, stream.programme, stream.funding, approved, revised - approved, revised,
                        kept.allocated[position], actual, forecast, forecast - revised, state.rag[position],
                        stream.year_end)  # fmt: skip
        rows.append(row)
    totals = {m: total(getattr(r, m) for r in rows) for m in MEASURES}
    report = Monitor(year, as_at, rows, totals, facts.thresholds, classes=facts.classes)
    report.notes = _balance_notes(rows, year, as_at, kept.before_closed, dict(zip(kept.balance, state.openings,
                                                                                  strict=True)))  # fmt: skip
    if explained:
        report.variances = [_variance(v, facts.stream(v.stream).programme) for v in kept.explained(state)]
    report.previous_as_at = previous_quarter_end(year, as_at)
    before = kept.state(_previous(report))
    if before is None:
        return None
    report.movements = [(r, before.forecast[position]) for position, r in enumerate(rows)]
    return report


def warm(
    data: str | os.PathLike[str] | None, state: tuple[LedgerFiles | None, FileCache, str, bool] | None = None
) -> tuple[list[Diagnostic], int, MonitorFacts] | None:
    """Every problem, the file count and the monitoring facts of the last whole check of exactly
    the ledger on disk (keyed by every file's content), when the cache holds them and the totals
    are reliable; None otherwise (then the caller checks the ledger, and refuses unreliable
    totals). ``state``: ``loading.warm.current(data)``, when the caller has it. Raises NoLedger."""
    if state is None:
        from budgetctl.loading.warm import current

        state = current(data)
    if state is None:
        return None
    files, cached, key, _ = state
    kept = cached.last_monitor(key)
    last = cached.last_check(key) if kept is not None else None
    if kept is None or last is None or (files is None and last[0]):  # problems to show need the files' lines
        return None
    try:
        facts = monitorfacts.decode(kept)
    except monitorfacts.Malformed:
        return None
    problems, file_count, _ = last
    if any(p.is_error for p in problems):  # which errors break totals: the pipeline's to say
        from budgetctl.pipeline import Checked

        if Checked(None, *last, files=files).totals_broken():
            return None
    return problems, file_count, facts


# --- the drill-down: one row per project, grouped by programme --------------------------


class ProjectRow(NamedTuple):
    stream: str
    programme: str
    project: str
    title: str
    allocated: Decimal
    actual: Decimal
    forecast: Decimal
    variance_class: str | None
    reason: str | None

    @property
    def variance(self) -> Decimal:
        return self.forecast - self.allocated

    def as_row(self, *, first: bool) -> dict[str, object]:
        """The project's row of the drill-down, keyed by column (``first``: the first of its programme)."""
        return {
            "stream": self.stream,
            "programme_name": self.programme,
            "programme": self.programme if first else "",
            "project": self.project,
            "title": self.title,
            **{m: getattr(self, m) for m in ("allocated", "actual", "forecast", "variance")},
            "class": self.variance_class,
            "reason": self.reason,
        }


def project_rows(ledger: Ledger, year: str, as_at: datetime.date) -> list[ProjectRow]:
    """Every project of the year's streams with an allocation, actual or forecast in it; in the
    outturn of a closed year, the forecast is the actual (and no forecast's reason applies)."""
    from budgetctl.model import figures

    outturn = figures.is_outturn(ledger, year, as_at)
    rows: list[ProjectRow] = []
    for stream_id, stream in ledger.streams.items():
        if year not in stream.budget:
            continue
        for entry in figures.stream_projects(ledger, stream_id):
            row = _project_row(ledger, entry, stream_id, year, as_at, outturn)
            if row is not None:
                rows.append(row)
    return rows


def _project_row(
    ledger: Ledger, entry: ProjectEntry, stream_id: str, year: str, as_at: datetime.date, outturn: bool
) -> ProjectRow | None:
    from budgetctl.model import figures

    value, source = figures.forecast_source(ledger, entry, year, as_at)
    actual = figures.project_actual(ledger, entry.id, year, as_at)
    allocated = entry.project.allocations.get(year)
    if allocated is None and source is None and not figures.actual_rows(ledger, entry.id, year, as_at):
        return None
    if outturn:
        value, source = actual, None
    listed = source.forecast.projects[entry.id] if source is not None else None
    return ProjectRow(
        stream_id,
        ledger.streams[stream_id].programme,
        entry.id,
        entry.project.title,
        allocated or ZERO,
        actual,
        value,
        listed.variance_class if listed else None,
        listed.reason if listed else None,
    )


def project_table(ledger: Ledger, year: str, as_at: datetime.date) -> Table:
    """The drill-down as a table: projects grouped by programme, each group with its subtotal."""
    from budgetctl.model import figures

    rows = project_rows(ledger, year, as_at)
    closed = figures.closed_on(ledger, year) if figures.is_outturn(ledger, year, as_at) else None
    columns = [
        Column("stream", "Stream", shown=False),
        Column("programme_name", "Programme", shown=False, json_key="programme"),
        Column("programme", "Programme", exported=False),  # written once, on the first row of its group
        Column("project", "Project"),
        Column("title", "Title", shown=False),
        Column("allocated", "Allocated £", "money"),
        Column("actual", "Outturn £" if closed else "Actual £", "money"),
        Column("forecast", "Forecast £", "money", for_people=closed is None),  # the outturn: the actual again
        Column("variance", "Variance £", "money"),
        Column("class", "Class", for_people=closed is None, text=lambda v: v or ""),
        Column("reason", "Reason", shown=False),
    ]
    groups: dict[str, list[ProjectRow]] = {}
    for row in rows:
        groups.setdefault(row.programme, []).append(row)
    keyed = [r.as_row(first=index == 0) for members in groups.values() for index, r in enumerate(members)]
    title = f"Outturn {year} (closed {closed.isoformat()})" if closed else f"Budget monitoring {year} as at {as_at}"
    table = keyed_table(
        f"{title}, by project",
        columns,
        keyed,
        total={"programme": "Total", "project": "", **_sums(rows), "class": ""},
        head={
            "year": year,
            "as_at": as_at.isoformat(),
            **({"outturn": True, "closed": closed.isoformat()} if closed else {}),
            "by": "project",
        },
        notes=[f"Variance = {'outturn' if closed else 'forecast'} - allocation (negative: an underspend)."],
    )
    # People read each programme's subtotal under its projects; the JSON has the projects only.
    subtotals = [{"programme": "", "project": f"{p} subtotal", **_sums(m), "class": ""} for p, m in groups.items()]
    shown = iter(table.rows)
    table.rows = []
    for members, subtotal in zip(groups.values(), keyed_table("", columns, subtotals).rows, strict=True):
        table.rows += [next(shown) for _ in members] + [subtotal]
    table.flags = [False] * len(table.rows)
    return table


def _sums(rows: list[ProjectRow]) -> dict[str, Decimal]:
    return {m: total(getattr(r, m) for r in rows) for m in ("allocated", "actual", "forecast", "variance")}


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole`` (one decimal), None when whole is zero."""
    from budgetctl.reports.summary import percent

    return percent(part, whole)
