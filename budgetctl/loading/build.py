"""Build the ledger from raw files: check each file (``checks``), recalled from the cache by
its content (``cache``) or checked here or in worker processes (``parallel``), then assemble
the records."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass
from typing import TYPE_CHECKING

from budgetctl.diagnostics import Diagnostic, printable
from budgetctl.loading.checks import FileCheck, check_streams
from budgetctl.loading.codes import CODES
from budgetctl.loading.yamlsubset import strict_load
from budgetctl.model.kinds import project_id
from budgetctl.model.ledger import Ledger, ProjectEntry
from budgetctl.model.records import ID_PATTERN, Project, StreamsFile
from budgetctl.model.source import Mapping, RawFile, SourceFile

if TYPE_CHECKING:
    from budgetctl.loading.cache import FileCache


@dataclass
class Loaded:
    """What loading produced: the ledger (None when streams.yaml is unusable),
    every problem so far, how many files were read, and whether any project
    file could not be used (so its money is missing from any total)."""

    ledger: Ledger | None
    problems: list[Diagnostic]
    file_count: int
    incomplete: bool


class LazySource(SourceFile):
    """A ledger file's source, parsed again from its bytes only when a position is asked for.

    Keeping every file's tree would cost about 10 KiB per project; rules need
    positions only for the few files they report on. The bytes are the ones
    checked (a cached entry is keyed by them), so the tree is the same tree.
    """

    __slots__ = ("_parsed", "_raw")

    def __init__(self, path: str, raw: RawFile) -> None:
        self.path = path
        self._raw = raw  # its bytes are read only if a position is asked for
        self._parsed: SourceFile | None = None

    def _source(self) -> SourceFile:
        if self._parsed is None:
            parsed, _ = strict_load(self._raw.data, self.path)
            if parsed is None:  # cannot happen: only files that loaded get a LazySource
                raise RuntimeError(f"{self.path} no longer loads")
            self._parsed = parsed
        return self._parsed

    # Read-only properties over SourceFile's writable fields: the tree is parsed on
    # first use, and nothing assigns ``text`` or ``root`` after a source is built.
    @property
    def text(self) -> str:  # type: ignore[override]
        return self._source().text

    @property
    def root(self) -> Mapping:  # type: ignore[override]
        return self._source().root

    @property
    def by_lines(self) -> bool:  # type: ignore[override]
        return self._source().by_lines


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
        streams_source, streams_file, found = _load_streams(streams, cache)
        problems.extend(found)
    projects = list(projects)
    entries, found, broken = load_projects(projects, cache, progress)
    problems.extend(found)
    count += len(projects)
    incomplete = incomplete or broken
    ledger = None
    if streams_file is not None and streams_source is not None:
        ledger = Ledger(streams_source, streams_file, entries)
    return Loaded(ledger, problems, count, incomplete or ledger is None)


def load_projects(
    projects: list[RawFile],
    cache: FileCache | None = None,
    progress: Callable[[int], None] | None = None,
    checks: list[FileCheck] | None = None,
) -> tuple[list[ProjectEntry], list[Diagnostic], bool]:
    """The project files' entries (those that validate), their problems, and whether any file
    could not be used. ``checks``: the files' checks, when the caller made them."""
    problems: list[Diagnostic] = []
    incomplete = False
    entries: list[ProjectEntry] = []
    if checks is None:
        checks = check_projects(projects, cache, progress)
    for raw, checked in zip(projects, checks, strict=True):
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
        entries.append(ProjectEntry(ident, LazySource(raw.path, raw), checked.project))
    return entries, problems, incomplete


def _load_streams(
    raw: RawFile, cache: FileCache | None
) -> tuple[SourceFile | None, StreamsFile | None, list[Diagnostic]]:
    """streams.yaml's source, model and problems, from the cache when its content was checked before."""
    from budgetctl.loading.cache import recall, remember

    found, keys = recall(cache, [raw], StreamsFile)
    checked = found[0]
    if checked is None:
        checked = check_streams(raw)
        if cache is not None and keys:
            remember(cache, raw.path, keys[0], checked)
    # Positions are parsed again from the bytes only if a problem needs one.
    source = None if checked.schema_problems is None else LazySource(raw.path, raw)
    return source, checked.project, checked.load_problems + (checked.schema_problems or [])


def check_projects(
    projects: list[RawFile], cache: FileCache | None, progress: Callable[[int], None] | None = None
) -> list[FileCheck]:
    """Check every project file, from the cache where its content was checked before."""
    import gc

    # The cyclic collector would scan every model built so far, again and again
    # (a fifth of the time at 10,000 files); checking a file leaves no cycles.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _check_projects(projects, cache, progress)
    finally:
        if enabled:
            gc.enable()


def _check_projects(
    projects: list[RawFile], cache: FileCache | None, progress: Callable[[int], None] | None
) -> list[FileCheck]:
    from budgetctl.loading import parallel
    from budgetctl.loading.cache import recall, remember

    results, keys = recall(cache, projects, Project)
    todo = [i for i, found in enumerate(results) if found is None]
    if progress is not None and len(todo) < len(projects):
        progress(len(projects) - len(todo))
    with closing(parallel.check_projects(projects, todo)) as batches:
        for batch in batches:
            for index, checked in batch:
                results[index] = checked
                if cache is not None and keys:
                    remember(cache, projects[index].path, keys[index], checked)
            if progress is not None:
                progress(len(batch))
    return results  # type: ignore[return-value]
