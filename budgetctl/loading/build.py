"""Build the ledger from raw files: load and validate each file (cached by content, in worker
processes for large ledgers), then assemble the records."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from budgetctl.diagnostics import Diagnostic, printable
from budgetctl.loading.codes import CODES
from budgetctl.loading.discover import RawFile
from budgetctl.loading.yamlsubset import strict_load
from budgetctl.model.kinds import project_id
from budgetctl.model.ledger import Ledger, ProjectEntry
from budgetctl.model.records import ID_PATTERN, Project, StreamsFile, fields_of, shared
from budgetctl.model.source import Mapping, SourceFile

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
        self._lines = None

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


@dataclass(slots=True)
class FileCheck:
    """What the loader and schema stages found in one file (a project file, or streams.yaml)."""

    load_problems: list[Diagnostic]
    schema_problems: list[Diagnostic] | None  # None: the file did not load
    project: Any  # the model (Project or StreamsFile); None: it did not load or is invalid


def check_file(raw: RawFile, model: type[Project] | type[StreamsFile]) -> FileCheck:
    """Load one file and validate it as ``model``."""
    from budgetctl.loading.schema import validate  # the validator: only when a file must be checked

    source, load_problems = strict_load(raw.data, raw.path)
    if source is None:
        return FileCheck(load_problems, None, None)
    value, schema_problems = validate(model, source)
    return FileCheck(load_problems, schema_problems, value)


def check_project(raw: RawFile) -> FileCheck:
    """Load and validate one project file."""
    checked = check_file(raw, Project)
    if checked.project is not None:
        _share_text(checked.project)
    return checked


def _share_text(project: Project) -> None:
    """Make the project's short texts (ids, years, names) the objects other projects hold
    for the same values (``models.shared``). The record is frozen: ``object.__setattr__``
    here, once, before anything else sees it."""
    for name in fields_of(Project):
        value = getattr(project, name)
        kind = type(value)
        if kind is str:
            object.__setattr__(project, name, shared(value))
        elif kind is tuple and value:
            object.__setattr__(project, name, tuple([shared(v) for v in value]))
        elif kind is dict and value:
            object.__setattr__(project, name, {shared(k): v for k, v in value.items()})


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
        entries.append(ProjectEntry(ident, LazySource(raw.path, raw), checked.project))
    ledger = None
    if streams_file is not None and streams_source is not None:
        ledger = Ledger(streams_source, streams_file, entries)
    return Loaded(ledger, problems, count, incomplete or ledger is None)


def _load_streams(
    raw: RawFile, cache: FileCache | None
) -> tuple[SourceFile | None, StreamsFile | None, list[Diagnostic]]:
    """streams.yaml's source, model and problems, from the cache when its content was checked before."""
    from budgetctl.loading import cache as cached

    decode = key = checked = None
    if cache is not None and cache.enabled:
        try:
            decode = cached.model_decoder(StreamsFile)
        except cached.Malformed:  # a field type the cache cannot hold exactly: not cached
            decode = None
    if cache is not None and decode is not None:
        key = raw.digest
        try:
            entry = cache.get(raw.path, key)
            if entry is not None:
                checked = _from_entry(entry, raw.path, decode)
        except cached.Malformed:
            cache.drop()  # one bad entry and none is trusted
    if checked is None:
        checked = check_file(raw, StreamsFile)
        if cache is not None and key is not None:
            _store(cache, raw.path, key, checked)
    # Positions are parsed again from the bytes only if a problem needs one.
    source = None if checked.schema_problems is None else LazySource(raw.path, raw)
    return source, checked.project, checked.load_problems + (checked.schema_problems or [])


def _store(cache: FileCache, path: str, key: str, checked: FileCheck, entry: list[Any] | None = None) -> None:
    """Cache one file's check (``entry``: already encoded, as a worker sends it); a value the
    cache cannot hold exactly turns caching off for the run."""
    from budgetctl.loading import cache as cached

    if cache.enabled:
        try:
            cache.put(path, key, entry or _to_entry(checked))
        except cached.Malformed:
            cache.disable()


# Below this many files to check, worker processes cost more than they save.
PARALLEL_MIN_FILES = 2000


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
    from budgetctl.loading import cache as cached

    results: list[FileCheck | None] = [None] * len(projects)
    keys: list[str] = []
    decode = None
    if cache is not None:
        try:
            decode = cached.model_decoder(Project)
        except cached.Malformed:  # a field type the cache cannot hold exactly
            cache.disable()
    if cache is not None and cache.enabled and decode is not None:
        keys = [raw.digest for raw in projects]
        try:
            for index, raw in enumerate(projects):
                known = cache.decoded.get((raw.path, keys[index]))
                if known is not None:
                    results[index] = known
                    continue
                entry = cache.get(raw.path, keys[index])
                if entry is not None:
                    results[index] = cache.decoded[(raw.path, keys[index])] = _from_entry(entry, raw.path, decode)
        except cached.Malformed:
            cache.drop()  # one bad entry and none is trusted
            results = [None] * len(projects)
    todo = [i for i, found in enumerate(results) if found is None]
    if progress is not None and len(todo) < len(projects):
        progress(len(projects) - len(todo))
    workers = _start_workers(projects, todo) if len(todo) >= PARALLEL_MIN_FILES else []
    try:
        _check_here_and_there(projects, todo, workers, results, keys, cache, progress)
    finally:
        for worker in workers:
            worker.close(stop=True)  # a no-op unless this run failed before reading its result
    return results  # type: ignore[return-value]


def _check_here_and_there(
    projects: list[RawFile],
    todo: list[int],
    workers: list[_Worker],
    results: list[FileCheck | None],
    keys: list[str],
    cache: FileCache | None,
    progress: Callable[[int], None] | None,
) -> None:
    """Check the files of ``todo`` no worker took here, then collect the workers' shares."""
    from budgetctl.loading import cache as cached

    def keep(index: int, checked: FileCheck, entry: list[Any] | None) -> None:
        results[index] = checked
        if cache is not None:
            _store(cache, projects[index].path, keys[index], checked, entry)

    handed = {i for worker in workers for i in worker.indices}
    for index in todo:
        if index not in handed:
            keep(index, check_project(projects[index]), None)
            if progress is not None:
                progress(1)
    decode = cached.model_decoder(Project) if workers else None
    for worker in workers:
        entries: list[Any] = [None] * len(worker.indices)
        try:
            entries = worker.result()
            checks = [
                _from_entry(e, projects[i].path, decode)  # type: ignore[arg-type]
                for i, e in zip(worker.indices, entries, strict=True)
            ]
        except Exception:  # the worker died or sent something wrong: check its files here
            entries = [None] * len(worker.indices)
            checks = [check_project(projects[i]) for i in worker.indices]
        for index, checked, entry in zip(worker.indices, checks, entries, strict=True):
            keep(index, checked, entry)
        if progress is not None:
            progress(len(worker.indices))


def _to_entry(checked: FileCheck) -> list[Any]:
    from budgetctl.loading import cache as cached

    return [
        cached.encode_problems(checked.load_problems),
        None if checked.schema_problems is None else cached.encode_problems(checked.schema_problems),
        None if checked.project is None else cached.encode_model(checked.project),
    ]


def _from_entry(entry: list[Any], path: str, decode: Callable[[Any], Any]) -> FileCheck:
    """A check rebuilt from an entry: ``[loader problems, schema problems, project]``."""
    from budgetctl.loading import cache as cached

    if type(entry) is not list or len(entry) != 3:
        raise cached.Malformed("entry")
    load, schema, data = entry
    if (schema is None and data is not None) or (data is not None and type(schema) is not list):
        raise cached.Malformed("entry")
    return FileCheck(
        cached.decode_problems(load, path),
        None if schema is None else cached.decode_problems(schema, path),
        None if data is None else decode(data),
    )


class _Worker:
    """A forked copy of this process checking some files; it sends their entries
    (plain data, marshalled: only this process reads them) through a pipe."""

    def __init__(self, projects: list[RawFile], indices: list[int]) -> None:
        import os

        self.indices = indices
        read, write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns, never runs the parent's exit handlers
            status = 1
            try:
                import marshal

                os.close(read)
                payload = marshal.dumps([_to_entry(check_project(projects[i])) for i in indices])
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(payload)
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        self.pipe = os.fdopen(read, "rb")
        self.status: int | None = None

    def result(self) -> list[Any]:
        import marshal

        payload = self.pipe.read()
        self.close()
        if self.status != 0:
            raise RuntimeError(f"worker exited with status {self.status}")
        entries = marshal.loads(payload)
        if type(entries) is not list or len(entries) != len(self.indices):
            raise RuntimeError("worker sent a wrong answer")
        return entries

    def close(self, *, stop: bool = False) -> None:
        """Reap the worker (stopping it first with ``stop``): no process outlives the run."""
        import os
        import signal

        if self.status is None:
            self.pipe.close()
            if stop:
                os.kill(self.pid, signal.SIGKILL)
            _, code = os.waitpid(self.pid, 0)
            self.status = os.waitstatus_to_exitcode(code)


def _start_workers(projects: list[RawFile], todo: list[int]) -> list[_Worker]:
    """Fork workers for the later shares of ``todo``; this process checks the first share
    itself. No workers where processes cannot be forked or entries cannot carry a project."""
    import os

    from budgetctl.loading import cache as cached

    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    count = min(3, cpus - 1)
    if count < 1 or not hasattr(os, "fork"):
        return []
    try:
        cached.model_decoder(Project)  # workers send entries: they must decode exactly
    except cached.Malformed:
        return []
    # Equal shares; this process also rebuilds the workers' results, a small cost.
    share = len(todo) // (count + 1)
    workers: list[_Worker] = []
    try:
        for n in range(1, count + 1):
            stop = len(todo) if n == count else share * (n + 1)
            workers.append(_Worker(projects, todo[share * n : stop]))
    except OSError:  # no more processes (a limit, a sandbox): check the rest here
        pass
    return workers
