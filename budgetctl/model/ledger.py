"""The ledger: validated streams and projects, each with its source for positions."""

from __future__ import annotations

import datetime
from bisect import bisect_right
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from budgetctl.model.actuals import ActualRow, ActualsFile
from budgetctl.model.money import ZERO, running_totals, total
from budgetctl.model.periods import year_sort_key
from budgetctl.model.records import Adjustment, Forecast, Project, Stream, StreamsFile
from budgetctl.model.source import SourceFile


@dataclass(frozen=True)
class Place:
    """Where a value was written."""

    file: str
    line: int
    column: int


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
    _forecasts_sorted: tuple[tuple[QuarterForecast, ...], dict[str, list[QuarterForecast]]] = field(
        default_factory=lambda: ((), {}), init=False, repr=False, compare=False
    )

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
        """Actuals rows as (file, row) by (project, year), in file then line order."""
        by_year: dict[str, dict[str, list[tuple[str, ActualRow]]]] = {}
        for file in self.actuals:  # grouped by year first: no key tuple per row
            group = by_year.setdefault(file.year, {})
            path = file.path
            for row in file.rows:
                found = group.get(row.project)
                if found is None:
                    group[row.project] = [(path, row)]
                else:
                    found.append((path, row))
        return {(project, year): rows for year, group in by_year.items() for project, rows in group.items()}

    @cached_property
    def actual_totals(self) -> dict[tuple[str, str], Decimal]:
        """Each project's actual spend in each year with actuals (every row of the year)."""
        return {key: total(row.signed for _, row in rows) for key, rows in self.actuals_by_project.items()}

    @cached_property
    def _actuals_by_date(self) -> dict[tuple[str, str], tuple[list[datetime.date], list[Decimal]]]:
        """Per (project, year): its rows' dates in date order, and the running total of their
        signed amounts (zero first, then after each row). Built once: a monitoring report asks
        for every project's actual as at a date, which is then one bisection."""
        found = {}
        for key, rows in self.actuals_by_project.items():
            ordered = sorted([row for _, row in rows], key=_row_date)
            found[key] = ([row.date for row in ordered], running_totals([row.signed for row in ordered]))
        return found

    def actual_as_at(self, project_id: str, year: str, as_at: datetime.date | None = None) -> Decimal:
        """The signed sum of the project's rows of the year dated on or before ``as_at`` (all: None).
        Exact addition does not depend on the order, so this is the sum in file order too."""
        if as_at is None:
            return self.actual_totals.get((project_id, year), ZERO)
        found = self._actuals_by_date.get((project_id, year))
        if found is None:
            return ZERO
        dates, running = found
        return running[bisect_right(dates, as_at)]

    def forecasts_of(self, year: str) -> list[QuarterForecast]:
        """The year's forecast files, oldest ``as_at`` first."""
        every = tuple(self.forecasts)  # sorted once per year while the files stay the same ones
        if self._forecasts_sorted[0] != every:
            self._forecasts_sorted = (every, {})
        by_year = self._forecasts_sorted[1]
        if year not in by_year:
            by_year[year] = sorted((f for f in every if f.year == year), key=lambda f: (f.forecast.as_at, f.quarter))
        return list(by_year[year])


def _row_date(row: ActualRow) -> datetime.date:
    return row.date
