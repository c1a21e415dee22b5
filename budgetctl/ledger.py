"""The ledger: validated streams and projects, each with its source for positions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import PurePosixPath

from budgetctl.codes import CODES
from budgetctl.diagnostics import Diagnostic
from budgetctl.discovery import RawFile
from budgetctl.models import ID_PATTERN, Project, Stream, StreamsFile
from budgetctl.schema import validate
from budgetctl.source import SourceFile
from budgetctl.yamlsubset import printable, strict_load
from budgetctl.years import year_sort_key


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
class Ledger:
    streams_source: SourceFile
    streams_file: StreamsFile
    projects: list[ProjectEntry] = field(default_factory=list)

    @property
    def streams(self) -> dict[str, Stream]:
        return self.streams_file.streams

    @property
    def priorities(self) -> dict[str, str]:
        return self.streams_file.priorities

    def stream_at(self, stream_id: str, *loc: str | int, key: bool = False) -> Place:
        located = self.streams_source.locate(("streams", stream_id, *loc), key=key)
        return Place(self.streams_source.path, *located)

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


@dataclass
class Loaded:
    """What loading produced: the ledger (None when streams.yaml is unusable),
    every problem so far, how many files were read, and whether any project
    file could not be used (so its money is missing from any total)."""

    ledger: Ledger | None
    problems: list[Diagnostic]
    file_count: int
    incomplete: bool


def project_id(path: str) -> str:
    name = PurePosixPath(path).name
    return name.rsplit(".", 1)[0]


def build(streams: RawFile | None, projects: Iterable[RawFile], problems: list[Diagnostic]) -> Loaded:
    """Load and validate raw files into a ledger (the loader and schema stages)."""
    problems = list(problems)
    incomplete = bool(problems)
    streams_file: StreamsFile | None = None
    streams_source: SourceFile | None = None
    count = 0
    if streams is not None:
        count += 1
        streams_source, found = strict_load(streams.data, streams.path)
        problems.extend(found)
        if streams_source is not None:
            streams_file, found = validate(StreamsFile, streams_source)
            problems.extend(found)
    entries: list[ProjectEntry] = []
    for raw in projects:
        count += 1
        ident = project_id(raw.path)
        if not ID_PATTERN.fullmatch(ident):
            problems.append(
                CODES["S006"].at(
                    f"the file name {printable(ident)!r} is not a project id: use lower-case letters, digits and "
                    "single hyphens, e.g. youth-diversion.yaml",
                    raw.path,
                )
            )
        source, found = strict_load(raw.data, raw.path)
        problems.extend(found)
        if source is None:
            incomplete = True
            continue
        project, found = validate(Project, source)
        problems.extend(found)
        if project is None:
            incomplete = True
            continue
        entries.append(ProjectEntry(ident, source, project))
    ledger = None
    if streams_file is not None and streams_source is not None:
        ledger = Ledger(streams_source, streams_file, entries)
    return Loaded(ledger, problems, count, incomplete or ledger is None)
