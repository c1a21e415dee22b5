"""What the monitoring report needs from a checked ledger, for any as-at date of any year.

A figure of the report changes with its as-at date only where a date the ledger writes is
reached: a forecast's ``as_at``, an adjustment's approval, the close of the year before (a
balance fund's opening balance) and, for actual spend, an actuals row's date. So per budget
year, ``facts_of`` asks ``model.figures`` each stream's revised budget, forecast and RAG, the
balance funds' opening balances and the projects whose forecast needs explaining once per
*state* (one as-at date between two consecutive such dates: every date of a state gives the
same figures), and adds each stream's actual spend per day its rows are dated.

The whole check keeps them (``encode``) under the ledger's key (every file's content), so a
warm ``monitor`` reads these values (``decode``; one year's line) instead of every project
and actuals row. The outturn of a closed year (as at its last day) is not kept: it is
computed from the ledger.
"""

from __future__ import annotations

import datetime
import json
from array import array
from bisect import bisect_right
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from budgetctl.model.money import ZERO, exact_decimal_text, total
from budgetctl.model.periods import previous_year, year_bounds
from budgetctl.model.streamfacts import Malformed, read_amount, read_list, read_strings

if TYPE_CHECKING:
    from budgetctl.model.ledger import Ledger, ProjectEntry


class Variance(NamedTuple):
    """A project whose forecast has a reason, or differs from its allocation (``variances``)."""

    project: str
    title: str
    stream: str
    allocated: Decimal
    forecast: Decimal
    reason: str | None
    variance_class: str | None  # None: no class given
    source: str  # the forecast file the figure comes from


class State(NamedTuple):
    """The figures of a year's streams for every as-at date of one state, in ``YearFacts.streams`` order."""

    revised: list[Decimal]
    forecast: list[Decimal]
    rag: list[str]
    openings: list[Decimal]  # each balance fund's opening balance, in ``YearFacts.balance`` order
    variances: list[int]  # indices into ``YearFacts.variances``, in the report's order


class YearFacts:
    """A year's facts (not a dataclass: a warm monitor does without importing dataclasses)."""

    def __init__(
        self,
        closed: datetime.date | None,  # the year's close (its outturn is not kept)
        before_closed: datetime.date | None,  # the close of the year before
        quarters: list[int],  # the quarters of the year's forecast files
        streams: list[str],  # the streams with a budget in the year, in streams.yaml's order
        approved: list[Decimal],
        allocated: list[Decimal],
        balance: list[str],  # the balance funds among them budgeted the year before too
        breaks: list[datetime.date],  # the dates a state starts on, oldest first
        states: list[State | None],  # before the first break, then from each; None: the outturn
        # bytes: the kept line; decoded when first asked for (``explained``), each item checked when first used
        variances: list[Variance] | bytes,
        days: list[int],  # the ordinals of the days actuals rows are dated, oldest first
        actual: list[list[str]],  # per stream: its money spent up to and including each of ``days``, as exact text
    ) -> None:
        self.closed, self.before_closed, self.quarters, self.streams = closed, before_closed, quarters, streams
        self.approved, self.allocated, self.balance, self.breaks = approved, allocated, balance, breaks
        self.states, self.variances, self.days, self.actual = states, variances, days, actual

    def explained(self, state: State) -> list[Variance]:
        """The projects whose forecast ``state`` explains, in the report's order; Malformed when kept damaged."""
        if isinstance(self.variances, bytes):  # each project is checked when a state first explains it
            self.variances = read_list(_json(self.variances))
        table: list[Any] = self.variances
        found = []
        for i in state.variances:
            if i >= len(table):
                raise Malformed("variance")
            v = table[i]
            if type(v) is not Variance:
                v = table[i] = _variance(v)
            found.append(v)
        return found

    def state(self, as_at: datetime.date) -> State | None:
        return self.states[bisect_right(self.breaks, as_at)]

    def actual_at(self, position: int, as_at: datetime.date) -> Decimal:
        """The actual spend of stream ``position`` up to and including ``as_at`` (``figures.actual``)."""
        index = bisect_right(self.days, as_at.toordinal())
        return read_amount(self.actual[position][index - 1]) if index else ZERO


class Stream(NamedTuple):
    programme: str
    funding: str
    ring_fenced: bool
    year_end: str | None


class MonitorFacts:
    """The facts of every budget year; a year's are decoded when first asked for (``year``)."""

    def __init__(
        self,
        thresholds: tuple[Decimal, Decimal],
        streams: dict[str, Stream],
        budget_years: list[str],
        classes: tuple[str, ...],  # the variance classes, in the ledger format's order (``records.VARIANCE_CLASSES``)
        _years: dict[str, Any],  # year -> YearFacts, or its encoded line not yet decoded
    ) -> None:
        self.thresholds, self.streams, self.budget_years, self.classes, self._years = (
            thresholds, streams, budget_years, classes, _years,
        )  # fmt: skip

    def stream(self, stream_id: str) -> Stream:
        found = self.streams.get(stream_id)
        if found is None:
            raise Malformed("stream")
        return found

    def year(self, year: str) -> YearFacts:
        found = self._years[year]
        if not isinstance(found, YearFacts):
            found = self._years[year] = _decode_year(found, self.streams)
        return found


# --- from a ledger ------------------------------------------------------------------------


def variances(ledger: Ledger, stream_ids: list[str], year: str, as_at: datetime.date) -> list[Variance]:
    """The projects of ``stream_ids`` whose forecast as at ``as_at`` comes from a forecast file
    that gives a reason or differs from the allocation, stream by stream in path order."""
    return [v for _, v in _listed(ledger, _forecast_projects(ledger, stream_ids, year), year, as_at) if v is not None]


def _forecast_projects(ledger: Ledger, stream_ids: list[str], year: str) -> list[tuple[int, str, ProjectEntry]]:
    """The projects of ``stream_ids`` that a forecast file of ``year`` lists, stream by stream in
    path order, with their stream's position and id."""
    from budgetctl.model import figures

    listed = {p for f in ledger.forecasts_of(year) for p in f.forecast.projects}
    return [
        (position, stream_id, entry)
        for position, stream_id in enumerate(stream_ids if listed else ())
        for entry in figures.stream_projects(ledger, stream_id)
        if entry.id in listed
    ]


def _listed(
    ledger: Ledger, projects: list[tuple[int, str, ProjectEntry]], year: str, as_at: datetime.date
) -> list[tuple[int, Variance | None]]:
    """Each of ``projects`` (``_forecast_projects``) whose forecast as at ``as_at`` comes from a
    forecast file (``figures.forecast_source``; any other's is its allocation), in that order:
    its stream's position and its forecast (None when it neither differs nor gives a reason)."""
    latest = ledger.latest_forecasts(year, as_at)
    found: list[tuple[int, Variance | None]] = []
    for position, stream_id, entry in projects if latest else ():
        source = latest.get(entry.id)
        if source is not None:
            listed = source.forecast.projects[entry.id]
            value = listed.outturn  # figures.forecast_source, from the files it searches
            allocated = entry.project.allocations.get(year, ZERO)
            kept = Variance(
                entry.id, entry.project.title, stream_id, allocated, value, listed.reason, listed.variance_class,
                source.path,
            )  # fmt: skip
            found.append((position, kept if listed.reason is not None or value != allocated else None))
    return found


def balance_streams(ledger: Ledger, stream_ids: list[str], year: str) -> list[str]:
    """The balance funds among ``stream_ids`` with a budget the year before (the report notes
    where their opening balance is)."""
    before = previous_year(year)
    return [s for s in stream_ids if ledger.streams[s].year_end == "balance" and before in ledger.streams[s].budget]


def facts_of(ledger: Ledger, allocated: dict[str, dict[str, tuple[int, Decimal]]] | None = None) -> MonitorFacts:
    """The facts of ``ledger``; ``allocated``: ``figures.allocated_by_stream`` of it, when known."""
    from budgetctl.model import figures
    from budgetctl.model.records import VARIANCE_CLASSES

    streams = {
        s: Stream(stream.programme, stream.funding, stream.ring_fenced, figures.year_end(ledger, s))
        for s, stream in ledger.streams.items()
    }
    budget_years = ledger.budget_years()
    if allocated is None:
        allocated = figures.allocated_by_stream(ledger)
    years = {y: year_facts(ledger, y, allocated) for y in budget_years}
    return MonitorFacts(figures.rag_thresholds(ledger), streams, budget_years, VARIANCE_CLASSES, years)


def year_facts(ledger: Ledger, year: str, by_stream: dict[str, dict[str, tuple[int, Decimal]]]) -> YearFacts:
    """The facts of ``year``; ``by_stream``: ``figures.allocated_by_stream`` of the ledger."""
    from budgetctl.model import figures

    stream_ids = [s for s, stream in ledger.streams.items() if year in stream.budget]
    closed = figures.closed_on(ledger, year)
    before_closed = figures.closed_on(ledger, previous_year(year))
    last_day = year_bounds(year)[1]
    forecasts = ledger.forecasts_of(year)
    # Every date a figure compares its as-at date with (more would only add states).
    breaks = {f.forecast.as_at for f in forecasts}
    for entry in ledger.adjustments:
        if entry.year == year:
            breaks.update((entry.record.approval.date, entry.record.date))
    breaks.update(day for day in (before_closed, closed and last_day) if day)
    ordered = sorted(breaks)
    before_first = ordered[0] - datetime.timedelta(days=1) if ordered and ordered[0] > datetime.date.min else None
    starts = [before_first or datetime.date.min, *ordered]  # a date of each state
    balance = balance_streams(ledger, stream_ids, year)
    # Each project's forecast from each file once, however many states it explains (keyed with its
    # money's text too: 950 and 950.00 are equal Decimals, written differently).
    table: dict[tuple[Variance, str, str], int] = {}
    allocated = [by_stream.get(s, {}).get(year, (0, ZERO))[1] for s in stream_ids]  # figures.allocated
    projects = _forecast_projects(ledger, stream_ids, year)
    states: list[State | None] = []
    thresholds = figures.rag_thresholds(ledger)
    for as_at in starts:
        if figures.is_outturn(ledger, year, as_at):
            states.append(None)
            continue
        revised = [figures.revised_budget(ledger, s, year, as_at) for s in stream_ids]
        # figures.forecast: each project's forecast, which is its allocation unless a forecast lists it.
        listed = _listed(ledger, projects, year, as_at)
        changes: list[list[Decimal]] = [[] for _ in stream_ids]
        for position, v in listed:
            if v is not None:
                changes[position] += (v.forecast, -v.allocated)
        forecast = [total((a, *c)) for a, c in zip(allocated, changes, strict=True)]
        rag = [
            figures.rag_of(f - r, r, thresholds=thresholds, ring_fenced=ledger.streams[s].ring_fenced)
            for s, r, f in zip(stream_ids, revised, forecast, strict=True)
        ]
        openings = [figures.opening_balance(ledger, s, year, as_at) for s in balance]
        found = [table.setdefault((v, str(v.allocated), str(v.forecast)), len(table)) for _, v in listed if v]
        states.append(State(revised, forecast, rag, openings, found))
    days, actual = _actual_by_day(ledger, stream_ids, year)
    return YearFacts(
        closed,
        before_closed,
        [f.quarter for f in ledger.forecasts if f.year == year],
        stream_ids,
        [figures.approved_budget(ledger, s, year) for s in stream_ids],
        allocated,
        balance,
        ordered,
        states,
        [v for v, _, _ in table],
        days,
        actual,
    )


def _actual_by_day(ledger: Ledger, stream_ids: list[str], year: str) -> tuple[list[int], list[list[str]]]:
    """The days the year's actuals rows are dated, and per stream its running money by those days:
    ``figures.actual`` (each project on the stream adds its rows of the year dated up to the day)."""
    from budgetctl.model.actuals import pounds

    files = [file for file in ledger.actuals if file.year == year]
    on: dict[str, list[int]] = {}  # project id -> the positions of its streams (one per project file)
    for position, stream_id in enumerate(stream_ids if files else ()):
        for entry in ledger.projects_by_stream.get(stream_id, []):
            on.setdefault(entry.id, []).append(position)
    by_day: dict[int, list[int]] = {}
    groups: dict[tuple[str, ...], list[list[int]]] = {}  # a file's projects -> each stream's indices among them
    for file in files:
        columns = file.columns
        if not columns.days:
            continue
        members = groups.get(columns.projects)
        if members is None:
            members = groups[columns.projects] = [[] for _ in stream_ids]
            for index, project in enumerate(columns.projects):
                for position in on.get(project, ()):
                    members[position].append(index)
        dates = columns.days
        if min(dates) == max(dates):  # a file of one date (a month's run): each project's sum, then its streams'
            parts = [(dates[0], _project_sums(columns.who, columns.pence, len(columns.projects)))]
        else:
            dated: dict[int, list[int]] = {}
            for day, who, pence in zip(dates, columns.who, columns.pence, strict=True):
                found = dated.get(day)
                if found is None:
                    found = dated[day] = [0] * len(columns.projects)
                found[who] += pence
            parts = list(dated.items())
        for day, sums in parts:
            spent = by_day.setdefault(day, [0] * len(stream_ids))
            for position, indices in enumerate(members):
                if indices:
                    spent[position] += sum(map(sums.__getitem__, indices))
    days = sorted(by_day)
    running = [0] * len(stream_ids)
    actual: list[list[str]] = [[] for _ in stream_ids]
    for day in days:
        for position, pence in enumerate(by_day[day]):
            running[position] += pence
            actual[position].append(str(pounds(running[position])))
    return days, actual


def _project_sums(who: Any, pence: Any, count: int) -> Any:
    """The pence per project index of a file's rows."""
    if len(who) == count and who == array("i", range(count)):  # a row per project, in order: the usual run
        return pence
    sums = [0] * count
    for index, amount in zip(who, pence, strict=True):
        sums[index] += amount
    return sums


# --- kept: JSON lines, money as its exact text ---------------------------------------------


def encode(facts: MonitorFacts) -> list[str]:
    """The facts as lines of JSON: the streams, then one line per year (``decode`` reads one)."""
    head = {
        "thresholds": [str(t) for t in facts.thresholds],
        "streams": [[s, *stream] for s, stream in facts.streams.items()],
        "budget_years": facts.budget_years,
        "classes": facts.classes,
    }
    lines = [json.dumps(head)]
    for year in facts.budget_years:  # a year's line, then its projects': JSON and CSV never read those
        kept = facts.year(year)
        found = kept.variances
        variances = _decode_variances(found) if isinstance(found, bytes) else [_checked(v) for v in found]
        lines.append(json.dumps([year, _encode_year(kept)]))
        lines.append(json.dumps([[v.project, v.title, v.stream, str(v.allocated), str(v.forecast), *v[5:]]
                                 for v in variances]))  # fmt: skip
    return lines


def _encode_year(facts: YearFacts) -> dict[str, Any]:
    def money(values: list[Decimal]) -> list[str]:
        return [str(v) for v in values]

    return {
        "closed": facts.closed and facts.closed.isoformat(),
        "before_closed": facts.before_closed and facts.before_closed.isoformat(),
        "quarters": facts.quarters,
        "streams": facts.streams,
        "approved": money(facts.approved),
        "allocated": money(facts.allocated),
        "balance": facts.balance,
        "breaks": [d.isoformat() for d in facts.breaks],
        "states": [
            None if s is None else [money(s.revised), money(s.forecast), s.rag, money(s.openings), s.variances]
            for s in facts.states
        ],
        "days": facts.days,
        "actual": facts.actual,
    }


RAG = {"green", "amber", "red"}  # what figures.rag_of gives


def decode(lines: list[bytes]) -> MonitorFacts:
    """``encode``'s lines back: the streams now, each year's line when first asked for
    (``MonitorFacts.year``); Malformed for anything ``encode`` does not write."""
    try:
        head = json.loads(lines[0]) if lines else None
    except (ValueError, RecursionError):
        raise Malformed("head") from None
    if type(head) is not dict:
        raise Malformed("head")
    thresholds = [read_amount(t) for t in read_list(head.get("thresholds"))]
    if len(thresholds) != 2:
        raise Malformed("thresholds")
    streams: dict[str, Stream] = {}
    for item in read_list(head.get("streams")):
        if (
            type(item) is not list
            or len(item) != 5
            or not all(type(part) is str for part in item[:3])
            or type(item[3]) is not bool
            or not (item[4] is None or type(item[4]) is str)
        ):
            raise Malformed("stream")
        streams[item[0]] = Stream(*item[1:])
    budget_years = read_strings(head.get("budget_years"))
    classes = tuple(read_strings(head.get("classes")))
    years: dict[str, Any] = {}
    if len(lines) != 2 * len(budget_years) + 2 or lines[-1]:
        raise Malformed("lines")
    for line, variances in zip(lines[1::2], lines[2::2], strict=False):
        if line:  # a year's line ["2023/24", {...}] and its projects' line: decoded when asked for
            year = line[2:9].decode("ascii", "replace")
            if not line.startswith(b'["') or line[9:11] != b'",':
                raise Malformed("year")
            years[year] = (line, variances)
    if list(years) != budget_years:
        raise Malformed("years")
    return MonitorFacts((thresholds[0], thresholds[1]), streams, budget_years, classes, years)


def decode_whole(lines: list[bytes]) -> MonitorFacts:
    """``decode``, with every year and its projects decoded now; Malformed for anything ``encode`` does not write."""
    facts = decode(lines)
    for year in facts.budget_years:
        kept = facts.year(year)
        for state in kept.states:
            for v in kept.explained(state) if state is not None else ():
                facts.stream(v.stream)
    return facts


def _decode_year(lines: tuple[bytes, bytes], streams: dict[str, Stream]) -> YearFacts:
    try:
        pair = json.loads(lines[0])
    except (ValueError, RecursionError):
        raise Malformed("year") from None
    if type(pair) is not list or len(pair) != 2 or type(pair[1]) is not dict:
        raise Malformed("year")
    value: dict[str, Any] = pair[1]
    stream_ids = read_strings(value.get("streams"))
    if not set(stream_ids) <= streams.keys():
        raise Malformed("streams")
    count = len(stream_ids)
    balance = read_strings(value.get("balance"))
    states: list[State | None] = []
    for item in read_list(value.get("states")):
        if item is None:
            states.append(None)
            continue
        if type(item) is not list or len(item) != 5:
            raise Malformed("state")
        revised, forecast, openings = (_amounts(item[i], n) for i, n in ((0, count), (1, count), (3, len(balance))))
        rag, found = read_strings(item[2]), read_list(item[4])
        if len(rag) != count or not set(rag) <= RAG or not all(type(i) is int and i >= 0 for i in found):
            raise Malformed("state")
        states.append(State(revised, forecast, rag, openings, found))
    breaks = [_date(d) for d in read_strings(value.get("breaks"))]
    days, actual = read_list(value.get("days")), read_list(value.get("actual"))
    if (
        len(states) != len(breaks) + 1
        or breaks != sorted(breaks)
        or not all(type(d) is int for d in days)
        or len(actual) != count
        or not all(type(a) is list and len(a) == len(days) and all(type(p) is str for p in a) for a in actual)
    ):
        raise Malformed("year")
    quarters = read_list(value.get("quarters"))
    if not all(type(q) is int and 1 <= q <= 4 for q in quarters):
        raise Malformed("quarters")
    closed, before = value.get("closed"), value.get("before_closed")
    return YearFacts(
        None if closed is None else _date(closed),
        None if before is None else _date(before),
        quarters,
        stream_ids,
        _amounts(value.get("approved"), count),
        _amounts(value.get("allocated"), count),
        balance,
        breaks,
        states,
        lines[1],
        days,
        actual,
    )


def _decode_variances(line: bytes) -> list[Variance]:
    return [_variance(item) for item in read_list(_json(line))]


def _checked(item: Any) -> Variance:
    return item if type(item) is Variance else _variance(item)


def _json(line: bytes) -> Any:
    try:
        return json.loads(line)
    except (ValueError, RecursionError):
        raise Malformed("json") from None


def _variance(item: Any) -> Variance:
    """A kept project's forecast, checked (thousands in a year of forecasts: without a call per value)."""
    if type(item) is not list or len(item) != 8:
        raise Malformed("variance")
    project, title, stream, allocated, forecast, reason, variance_class, source = item
    if (
        type(project) is not str
        or type(title) is not str
        or type(stream) is not str
        or type(source) is not str
        or not (reason is None or type(reason) is str)
        or not (variance_class is None or type(variance_class) is str)
    ):
        raise Malformed("variance")
    # read_amount's check, without two calls per project
    allocated, forecast = exact_decimal_text(allocated), exact_decimal_text(forecast)
    if allocated is None or forecast is None:
        raise Malformed("amount")
    return Variance(project, title, stream, allocated, forecast, reason, variance_class, source)


def _amounts(value: Any, count: int) -> list[Decimal]:
    found = [read_amount(item) for item in read_list(value)]
    if len(found) != count:
        raise Malformed("amounts")
    return found


def _date(value: Any) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise Malformed("date") from None
    if day.isoformat() != value:
        raise Malformed("date")
    return day
