"""The ledger: validated streams and projects, each with its source for positions."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from budgetctl.model.periods import year_sort_key
from budgetctl.model.records import Adjustment, Project, Stream, StreamsFile
from budgetctl.model.source import SourceFile


@dataclass(frozen=True)
class Place:
    """Where a value was written."""

    file: str
    line: int
    column: int


@dataclass
class ProjectEntry:
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
class Ledger:
    streams_source: SourceFile
    streams_file: StreamsFile
    projects: list[ProjectEntry] = field(default_factory=list)
    # The adjustment records of every year, in path order.
    adjustments: list[AdjustmentEntry] = field(default_factory=list)

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

    def allocated(self, stream_id: str, year: str) -> list[tuple[ProjectEntry, Decimal]]:
        """Projects on ``stream_id`` with their allocation in ``year``."""
        return [
            (p, p.project.allocations[year])
            for p in self.projects_by_stream.get(stream_id, ())
            if year in p.project.allocations
        ]
