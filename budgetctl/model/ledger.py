"""The ledger: validated streams and projects, each with its source for positions."""

from __future__ import annotations

import datetime
from array import array
from decimal import Decimal
from functools import cached_property
from operator import add

from budgetctl.model.actuals import ActualColumns, ActualRow, ActualsFile, pounds
from budgetctl.model.money import ZERO
from budgetctl.model.periods import year_sort_key
from budgetctl.model.records import Adjustment, Forecast, Project, Stream, StreamsFile
from budgetctl.model.source import SourceFile
from budgetctl.plainclass import dataclass, field


@dataclass(frozen=True)
class Place:
    """Where a value was written."""

    file: str
    line: int
    column: int


class _ActualsMemo:
    """The actuals files' columns joined per year (each row's project as an index into the
    year's projects), and each project's actual by (year, as-at date) once asked for."""

    def __init__(self, files: list[ActualsFile]) -> None:
        self.files = files
        self.as_at: dict[tuple[str, datetime.date], dict[str, Decimal]] = {}
        index: dict[str, dict[str, int]] = {}
        self.years: dict[str, tuple[list[str], list[tuple[ActualColumns, array[int]]]]] = {}
        for file in files:
            columns = file.columns
            found = index.setdefault(file.year, {})
            projects, joined = self.years.setdefault(file.year, ([], []))
            for project in columns.projects:
                if project not in found:
                    found[project] = len(projects)
                    projects.append(project)
            local = [found[project] for project in columns.projects]
            joined.append((columns, array("i", map(local.__getitem__, columns.who))))
        self._sums: dict[tuple[str, int], list[int]] = {}

    def file_sums(self, year: str, position: int) -> list[int]:
        """The pence of file ``position`` of ``year`` per project of the year (made once)."""
        found = self._sums.get((year, position))
        if found is None:
            projects, files = self.years[year]
            columns, who = files[position]
            found = [0] * len(projects)
            for index, amount in zip(who, columns.pence, strict=True):
                found[index] += amount
            self._sums[year, position] = found
        return found


@dataclass
class ProjectEntry:
    """A checked project file: its id (the file name), its source for positions, its record."""

    id: str
    source: SourceFile
    project: Project

    def at(self, *loc: str | int, key: bool = False) -> Place:
        return Place(self.source.path, *self.source.locate(loc, key=key))


@dataclass
class AdjustmentEntry:
    """An adjustment record: its id (the file name without .yaml), the year of its folder, its file."""

    id: str
    year: str
    source: SourceFile
    record: Adjustment

    @property
    def file_name(self) -> str:
        return self.source.path.rsplit("/", 1)[-1]

    def at(self, *loc: str | int, key: bool = False) -> Place:
        return Place(self.source.path, *self.source.locate(loc, key=key))


@dataclass
class QuarterForecast:
    """One forecast file: its year (``2023/24``), quarter (1-4), source for positions and record."""

    path: str
    year: str
    quarter: int
    source: SourceFile
    forecast: Forecast

    def at(self, *loc: str | int, key: bool = False) -> Place:
        return Place(self.path, *self.source.locate(loc, key=key))


@dataclass
class Ledger:
    """A checked ledger: streams.yaml (its record and its source for positions) and every project
    file that validated, in path order. Rules and reports read it; nothing changes it.

    The money of a stream in a year (approved and revised budget, allocated) is defined in
    ``budgetctl.model.figures``, not here.
    """

    streams_source: SourceFile
    streams_file: StreamsFile
    projects: list[ProjectEntry] = field(default_factory=list)
    # The in-year files that loaded, in path order.
    actuals: list[ActualsFile] = field(default_factory=list)
    forecasts: list[QuarterForecast] = field(default_factory=list)
    # The adjustment records of every year, in path order.
    adjustments: list[AdjustmentEntry] = field(default_factory=list)
    _forecasts_sorted: tuple[
        tuple[QuarterForecast, ...],
        dict[str, list[QuarterForecast]],
        dict[tuple[str, datetime.date], dict[str, QuarterForecast]],
    ] = field(default_factory=lambda: ((), {}, {}), init=False, repr=False, compare=False)
    _memo: _ActualsMemo | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def streams(self) -> dict[str, Stream]:
        return self.streams_file.streams

    @property
    def priorities(self) -> dict[str, str]:
        return self.streams_file.priorities

    def stream_at(self, stream_id: str, *loc: str | int, key: bool = False) -> Place:
        located = self.streams_source.locate(("streams", stream_id, *loc), key=key)
        return Place(self.streams_source.path, *located)

    def streams_at(self, *loc: str | int, key: bool = False) -> Place:
        """A place in streams.yaml outside ``streams:`` (``delegations``, ``years``...)."""
        return Place(self.streams_source.path, *self.streams_source.locate(loc, key=key))

    def years(self) -> list[str]:
        """Every financial year with a budget or an allocation, oldest first."""
        found = {y for s in self.streams.values() for y in s.budget}
        found.update(y for p in self.projects for y in p.project.allocations)
        return sorted(found, key=year_sort_key)

    def budget_years(self) -> list[str]:
        return sorted({y for s in self.streams.values() for y in s.budget}, key=year_sort_key)

    @cached_property
    def projects_by_stream(self) -> dict[str, list[ProjectEntry]]:
        """Projects grouped by stream id, in path order (built once: rules and reports
        ask per stream and year, which would otherwise scan every project each time)."""
        grouped: dict[str, list[ProjectEntry]] = {}
        for entry in self.projects:
            grouped.setdefault(entry.project.stream, []).append(entry)
        return grouped

    @cached_property
    def _allocations(self) -> dict[tuple[str, str], list[tuple[ProjectEntry, Decimal]]]:
        """Every allocation by (stream, year), in path order, built once: asking per stream and
        year by scanning the stream's projects cost years x projects, both an author's to set."""
        found: dict[tuple[str, str], list[tuple[ProjectEntry, Decimal]]] = {}
        for entry in self.projects:
            for year, amount in entry.project.allocations.items():
                found.setdefault((entry.project.stream, year), []).append((entry, amount))
        return found

    def allocated(self, stream_id: str, year: str) -> list[tuple[ProjectEntry, Decimal]]:
        """Projects on ``stream_id`` with their allocation in ``year``."""
        return list(self._allocations.get((stream_id, year), ()))

    @cached_property
    def projects_by_id(self) -> dict[str, ProjectEntry]:
        """Projects by id (the first of any duplicates, which R004 reports)."""
        found: dict[str, ProjectEntry] = {}
        for entry in self.projects:
            found.setdefault(entry.id, entry)
        return found

    @cached_property
    def actuals_by_project(self) -> dict[tuple[str, str], list[tuple[str, ActualRow]]]:
        """The rows naming the ledger's projects as (file, row) by (project, year), in file then
        line order (the rows of an id no project has are nobody's figure: a ledger narrowed to one
        stream's projects makes only theirs)."""
        by_year: dict[str, dict[str, list[tuple[str, ActualRow]]]] = {}
        known = frozenset(self.projects_by_id)
        for file in self.actuals:  # grouped by year first: no key tuple per row
            group = by_year.setdefault(file.year, {})
            path = file.path
            for row in file.rows_of(known):
                found = group.get(row.project)
                if found is None:
                    group[row.project] = [(path, row)]
                else:
                    found.append((path, row))
        return {(project, year): rows for year, group in by_year.items() for project, rows in group.items()}

    @cached_property
    def actual_totals(self) -> dict[tuple[str, str], Decimal]:
        """Each project's actual spend in each year with actuals (every row of the year)."""
        return {
            (project, year): pounds(amount)
            for year, group in self._actual_pence(None).items()
            for project, amount in group.items()
        }

    def actual_as_at(self, project_id: str, year: str, as_at: datetime.date | None = None) -> Decimal:
        """The signed sum of the project's rows of the year dated on or before ``as_at`` (all: None)."""
        if as_at is None:
            return self.actual_totals.get((project_id, year), ZERO)
        memo = self._actuals_memo()
        sums = memo.as_at.get((year, as_at))
        if sums is None:
            pence = self._actual_pence(as_at).get(year, {})
            sums = memo.as_at[(year, as_at)] = {project: pounds(amount) for project, amount in pence.items()}
        return sums.get(project_id, ZERO)

    def _actuals_memo(self) -> _ActualsMemo:
        if self._memo is None or self._memo.files is not self.actuals:  # other files since: start again
            self._memo = _ActualsMemo(self.actuals)
        return self._memo

    def _actual_pence(self, as_at: datetime.date | None) -> dict[str, dict[str, int]]:
        """Per year, per project with rows in it: the whole pence of its rows dated on or before
        ``as_at`` (all: None), added from the files' columns. A report asks for every project's
        actual as at one date, which is then one pass over the columns."""
        last = as_at.toordinal() if as_at is not None else None
        found: dict[str, dict[str, int]] = {}
        memo = self._actuals_memo()
        for year, (projects, files) in memo.years.items():
            sums = [0] * len(projects)
            for position, (columns, who) in enumerate(files):
                if not columns.days:
                    continue
                if last is None or max(columns.days) <= last:
                    if len(columns.days) * 8 >= len(projects):  # a month's file: its sums, added in C
                        sums = list(map(add, sums, memo.file_sums(year, position)))
                    else:  # a few rows: adding them costs less than a pass over every project
                        for index, amount in zip(who, columns.pence, strict=True):
                            sums[index] += amount
                elif min(columns.days) <= last:
                    for day, index, amount in zip(columns.days, who, columns.pence, strict=True):
                        if day <= last:
                            sums[index] += amount
            found[year] = dict(zip(projects, sums, strict=True))
        return found

    def latest_forecasts(self, year: str, as_at: datetime.date) -> dict[str, QuarterForecast]:
        """Per project: the latest of the year's forecast files (``forecasts_of`` order) with
        ``as_at`` on or before that date that lists it. Built once per date asked for: a report
        asks for every project's forecast, which would otherwise search the files each time."""
        self.forecasts_of(year)  # starts the memo again when the files are other ones
        found = self._forecasts_sorted[2].get((year, as_at))
        if found is None:
            found = {}
            for file in self.forecasts_of(year):
                if file.forecast.as_at <= as_at:
                    found.update(dict.fromkeys(file.forecast.projects, file))
            self._forecasts_sorted[2][(year, as_at)] = found
        return found

    def forecasts_of(self, year: str) -> list[QuarterForecast]:
        """The year's forecast files, oldest ``as_at`` first."""
        every = tuple(self.forecasts)  # sorted once per year while the files stay the same ones
        if self._forecasts_sorted[0] != every:
            self._forecasts_sorted = (every, {}, {})
        by_year = self._forecasts_sorted[1]
        if year not in by_year:
            by_year[year] = sorted((f for f in every if f.year == year), key=lambda f: (f.forecast.as_at, f.quarter))
        return list(by_year[year])
