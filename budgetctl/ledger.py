"""The ledger: validated streams and projects, each with its source for positions."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from budgetctl.codes import CODES
from budgetctl.diagnostics import Diagnostic
from budgetctl.discovery import RawFile
from budgetctl.models import ID_PATTERN, Project, Stream, StreamsFile
from budgetctl.schema import validate
from budgetctl.source import Mapping, SourceFile
from budgetctl.yamlsubset import printable, strict_load
from budgetctl.years import year_sort_key

if TYPE_CHECKING:
    from budgetctl.cache import FileCache


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


class LazySource(SourceFile):
    """A project file's source, parsed again from its bytes only when a position is asked for.

    Keeping every file's tree would cost about 10 KiB per project; rules need
    positions only for the few files they report on. The bytes are the ones
    checked (a cached entry is keyed by them), so the tree is the same tree.
    """

    __slots__ = ("_data", "_parsed")

    def __init__(self, path: str, data: bytes) -> None:
        self.path = path
        self._data = data
        self._parsed: SourceFile | None = None
        self._lines = None

    def _source(self) -> SourceFile:
        if self._parsed is None:
            parsed, _ = strict_load(self._data, self.path)
            if parsed is None:  # cannot happen: only files that loaded get a LazySource
                raise RuntimeError(f"{self.path} no longer loads")
            self._parsed = parsed
        return self._parsed

    @property  # type: ignore[override]
    def text(self) -> str:
        return self._source().text

    @property  # type: ignore[override]
    def root(self) -> Mapping:
        return self._source().root


@dataclass(slots=True)
class FileCheck:
    """What the loader and schema stages found in one project file."""

    load_problems: list[Diagnostic]
    schema_problems: list[Diagnostic] | None  # None: the file did not load
    project: Project | None  # None: it did not load or is invalid


def check_project(raw: RawFile) -> FileCheck:
    """Load and validate one project file."""
    source, load_problems = strict_load(raw.data, raw.path)
    if source is None:
        return FileCheck(load_problems, None, None)
    project, schema_problems = validate(Project, source)
    return FileCheck(load_problems, schema_problems, project)


def build(
    streams: RawFile | None,
    projects: Iterable[RawFile],
    problems: list[Diagnostic],
    *,
    cache: FileCache | None = None,
    progress: Callable[[int], None] | None = None,
) -> Loaded:
    """Load and validate raw files into a ledger (the loader and schema stages).

    With ``cache``, project files whose content was checked before are not
    checked again; ``progress`` is told how many files were done as work goes.
    """
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
    projects = list(projects)
    entries: list[ProjectEntry] = []
    for raw, checked in zip(projects, check_projects(projects, cache, progress), strict=True):
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
        problems.extend(checked.load_problems)
        if checked.schema_problems is None:
            incomplete = True
            continue
        problems.extend(checked.schema_problems)
        if checked.project is None:
            incomplete = True
            continue
        entries.append(ProjectEntry(ident, LazySource(raw.path, raw.data), checked.project))
    ledger = None
    if streams_file is not None and streams_source is not None:
        ledger = Ledger(streams_source, streams_file, entries)
    return Loaded(ledger, problems, count, incomplete or ledger is None)


# Below this many files to check, worker processes cost more than they save.
PARALLEL_MIN_FILES = 2000
_CHUNK = 250


def check_projects(
    projects: list[RawFile], cache: FileCache | None, progress: Callable[[int], None] | None = None
) -> list[FileCheck]:
    """Check every project file, from the cache where its content was checked before."""
    from budgetctl import cache as cached

    results: list[FileCheck | None] = [None] * len(projects)
    keys: list[str] = []
    decode = None
    if cache is not None:
        try:
            decode = cached.model_decoder(Project)
        except cached.Malformed:  # a field type the cache cannot hold exactly
            cache.disable()
    if cache is not None and cache.enabled and decode is not None:
        keys = [cached.digest(raw.data) for raw in projects]
        try:
            for index, raw in enumerate(projects):
                entry = cache.get(raw.path, keys[index])
                if entry is not None:
                    results[index] = _from_entry(entry, raw.path, decode)
        except cached.Malformed:
            cache.drop()  # one bad entry and none is trusted
            results = [None] * len(projects)
    todo = [i for i, found in enumerate(results) if found is None]
    if progress is not None and len(todo) < len(projects):
        progress(len(projects) - len(todo))
    encoded = _check_in_workers([projects[i] for i in todo], progress) if len(todo) >= PARALLEL_MIN_FILES else None
    if encoded is not None:
        decode = decode or cached.model_decoder(Project)
        for index, entry in zip(todo, encoded, strict=True):
            results[index] = _from_entry(entry, projects[index].path, decode)
            if cache is not None and cache.enabled:
                cache.put(projects[index].path, [keys[index], *entry])
    else:
        for index in todo:
            checked = results[index] = check_project(projects[index])
            if cache is not None and cache.enabled:
                try:
                    cache.put(projects[index].path, [keys[index], *_to_entry(checked)])
                except cached.Malformed:
                    cache.disable()
            if progress is not None:
                progress(1)
    return results  # type: ignore[return-value]


def _to_entry(checked: FileCheck) -> list[Any]:
    from budgetctl import cache as cached

    return [
        cached.encode_problems(checked.load_problems),
        None if checked.schema_problems is None else cached.encode_problems(checked.schema_problems),
        None if checked.project is None else cached.encode_model(checked.project),
    ]


def _from_entry(entry: list[Any], path: str, decode: Callable[[Any], Any]) -> FileCheck:
    """A check rebuilt from an entry (with or without its leading content key)."""
    from budgetctl import cache as cached

    load, schema, data = entry[-3:]
    if (schema is None and data is not None) or (data is not None and type(schema) is not list):
        raise cached.Malformed("entry")
    return FileCheck(
        cached.decode_problems(load, path),
        None if schema is None else cached.decode_problems(schema, path),
        None if data is None else decode(data),
    )


def _check_chunk(chunk: list[RawFile]) -> list[list[Any]]:
    """In a worker process: check files and return them as cache entries (plain data)."""
    return [_to_entry(check_project(raw)) for raw in chunk]


def _check_in_workers(todo: list[RawFile], progress: Callable[[int], None] | None) -> list[list[Any]] | None:
    """Check files in forked worker processes; None when that is not possible here (run serially)."""
    import multiprocessing
    import os

    try:
        workers = min(4, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        workers = min(4, os.cpu_count() or 1)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    from concurrent.futures import ProcessPoolExecutor

    chunks = [todo[i : i + _CHUNK] for i in range(0, len(todo), _CHUNK)]
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_check_chunk, chunk) for chunk in chunks]
            results: list[list[Any]] = []
            for chunk, future in zip(chunks, futures, strict=True):
                results.extend(future.result())
                if progress is not None:
                    progress(len(chunk))
            return results
    except Exception:  # no processes, a worker died...: check them here instead
        return None
