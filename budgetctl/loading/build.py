"""Build the ledger from raw files: check each file (``checks``), recalled from the cache by
its content (``cache``) or checked here or in worker processes (``parallel``), then assemble
the records."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from collections.abc import Mapping as Mapping_
from contextlib import closing
from decimal import Decimal
from sys import intern
from typing import TYPE_CHECKING, Any

from budgetctl.diagnostics import Diagnostic, printable
from budgetctl.loading.checks import FileCheck, check_streams
from budgetctl.loading.codes import CODES
from budgetctl.loading.yamlsubset import strict_load
from budgetctl.model.kinds import project_id
from budgetctl.model.ledger import Ledger, ProjectEntry
from budgetctl.model.records import ID_PATTERN, Project, StreamsFile
from budgetctl.model.source import Mapping, RawFile, SourceFile
from budgetctl.plainclass import dataclass

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
    from budgetctl.infra.gcpause import paused_gc

    # The cyclic collector would scan every model built so far, again and again
    # (a fifth of the time at 10,000 files); checking a file leaves no cycles.
    with paused_gc():
        return _check_projects(projects, cache, progress)


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


# --- a whole check that keeps no project: what validate needs -------------------------


@dataclass
class Compact:
    """What a whole check of the project files needs to keep: every problem in them (the loader's,
    the schema's and the per-file rules'), and per valid project, in file order, its ``Row`` (what
    the rules across files and the kept figures read)."""

    problems: list[Diagnostic]
    rows: list[Row]
    incomplete: bool


# A valid project as the rules across files read it: its display path, its stream, and its
# allocations as years and amounts in turn, each amount in whole pence when written with two
# decimals (as every amount the models hold is: a Decimal costs some 100 bytes), else a Decimal.
Row = tuple[str, str, tuple[Any, ...]]


class Amounts(Mapping_[str, Decimal]):
    """The allocations of a ``Row`` as a mapping of year to amount, each amount made when read, as
    the record holds it (the same digits and exponent)."""

    __slots__ = ("_flat",)

    def __init__(self, row: Row) -> None:
        self._flat = row[2]

    def __getitem__(self, year: str) -> Decimal:
        found = _allocated(self._flat, year)
        if found is None:
            raise KeyError(year)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._flat[::2])

    def __len__(self) -> int:
        return len(self._flat) // 2


def amount(row: Row, year: str) -> Decimal | None:
    """A ``Row``'s allocation in ``year`` (None: none)."""
    return _allocated(row[2], year)


def _allocated(flat: tuple[Any, ...], year: str) -> Decimal | None:
    for i in range(0, len(flat), 2):
        if flat[i] == year:
            return _money(flat[i + 1])
    return None


def _money(value: Any) -> Decimal:
    return Decimal(value).scaleb(-2) if type(value) is int else value


def _flat(allocations: dict[str, Decimal]) -> tuple[Any, ...]:
    """Allocations as a ``Row`` holds them, in pence where the text allows (marshal carries them)."""
    flat: list[Any] = []
    for year, value in allocations.items():
        text = str(value)
        digits = text[:-3] + text[-2:]
        flat += (intern(year), int(digits) if text[-3:-2] == "." and digits.isdigit() else text)
    return tuple(flat)


def check_compact(
    projects: list[RawFile],
    base: Ledger,
    rules: list[Any],
    cache: FileCache | None = None,
    progress: Callable[[int], None] | None = None,
) -> Compact:
    """Check every project file a frame at a time (recalled from the cache by its content, else
    checked here or in worker processes) and run ``rules``, the per-file rules (``Rule.scope ==
    "file"``), on each frame's valid projects beside ``base`` (streams.yaml and the adjustments):
    a finding in a project file depends on that file, streams.yaml and the adjustments only, so
    it is the one a check of the whole ledger finds. Findings elsewhere are left out (they depend
    on no project: a check of ``base`` finds them). Each frame's records are dropped once it is
    done, so the records of the whole ledger are never held at once."""
    from budgetctl.infra.gcpause import paused_gc
    from budgetctl.loading import parallel
    from budgetctl.loading.cache import recall
    from budgetctl.loading.ownfiles import append_lines

    remember = cache is not None and cache.enabled
    results: list[Row | None] = [None] * len(projects)
    problems: list[Diagnostic] = []
    incomplete = False
    with paused_gc():  # checking a file leaves no cycles: see check_projects
        todo: list[int] = []
        step = parallel.FRAME_FILES
        for start in range(0, len(projects) if cache is not None else 0, step):
            part = list(range(start, min(start + step, len(projects))))
            found, _ = recall(cache, [projects[i] for i in part], Project)
            if cache is not None:
                for i in part:  # this run needs each file's check once: not kept for a second ledger
                    cache.decoded.pop((projects[i].path, projects[i].digest), None)
            known = [(i, checked) for i, checked in zip(part, found, strict=True) if checked is not None]
            todo += [i for i, checked in zip(part, found, strict=True) if checked is None]
            if known:
                packed = _compact_frame([projects[i] for i, _ in known], [c for _, c in known], base, rules, None)
                for (i, _), result in zip(known, packed, strict=True):
                    found_problems, row, _, broken = _unpack_compact(result)
                    problems += found_problems
                    incomplete = incomplete or broken
                    results[i] = None if row is None else (projects[i].path, *row)
                _release(projects[i] for i, _ in known)
                if progress is not None:
                    progress(len(known))
        if cache is None:
            todo = list(range(len(projects)))

        spool = cache.spool() if cache is not None and remember and todo else None

        def work(indices: list[int]) -> list[Any]:
            raws = [projects[i] for i in indices]
            checks = [parallel.check_project(raw) for raw in raws]
            packed = _compact_frame(raws, checks, base, rules, cache if remember else None)
            _release(raws)
            if spool is None:
                return packed
            # Appended here, in a worker too: no process holds them. A failed write turns caching off.
            kept = append_lines(spool, [line for _, _, line, _ in packed if type(line) is bytes])
            return [(found, row, line if type(line) is not bytes else None if kept else False, broken)
                    for found, row, line, broken in packed]  # fmt: skip

        for part, decoded in parallel.run_frames(projects, todo, work, _unpack_compact):
            lines = []
            for i, (found, row, line, broken) in zip(part, decoded, strict=True):
                problems += found
                incomplete = incomplete or broken
                results[i] = None if row is None else (projects[i].path, *row)
                if line is False:
                    cache.disable()  # type: ignore[union-attr]  # as ``remember`` does for a check it cannot hold
                elif line is not None:
                    lines.append((projects[i].path, line))
            if cache is not None:
                cache.hold_lines(lines)  # no spool: kept until saved
                if spool is not None:
                    cache.appended()
            if progress is not None:
                progress(len(part))
    return Compact(problems, [row for row in results if row is not None], incomplete)


def _release(raws: Iterable[RawFile]) -> None:
    """Drop the bytes of a frame's files that can be read again (``RawFile.release``): a problem's
    line is read again when shown, and the next frame's files are read as needed."""
    for raw in raws:
        raw.release()


def _compact_frame(
    raws: list[RawFile], checks: list[FileCheck], base: Ledger, rules: list[Any], cache: FileCache | None
) -> list[Any]:
    """Each file's (problems, (stream, allocations as a ``Row`` holds them) when valid, its cache
    line (False: the cache cannot hold it; None: not wanted), whether it could not be used), as
    marshal carries it: problems as tuples, money in pence or as its exact text."""
    from budgetctl.loading.cache import entry_line
    from budgetctl.loading.parallel import _pack_problem

    entries: list[ProjectEntry] = []
    found: list[list[Diagnostic]] = []
    per_file: list[bool] = []
    for raw, checked in zip(raws, checks, strict=True):
        project = checked.project
        if project is not None and not checked.load_problems and not checked.schema_problems:
            ident = project_id(raw.path)
            if ID_PATTERN.fullmatch(ident):  # what load_projects makes of a valid file, without its lists
                entries.append(ProjectEntry(ident, LazySource(raw.path, raw), project))
                found.append([])
                per_file.append(False)
                continue
        one, mine, broken = load_projects([raw], checks=[checked])
        entries += one
        found.append(mine)
        per_file.append(broken)
    if entries:
        ledger = Ledger(base.streams_source, base.streams_file, entries)
        ledger.adjustments = base.adjustments
        at = {raw.path: position for position, raw in enumerate(raws)}
        for rule in rules:
            for message, place in rule.check(ledger):
                position = at.get(place.file)
                if position is not None:  # elsewhere: depends on no project, found by a check of base
                    found[position].append(
                        Diagnostic(rule.code, rule.severity, message, place.file, place.line, place.column)
                    )
    valid = {entry.source.path: entry.project for entry in entries}
    packed = []
    for raw, checked, mine, broken in zip(raws, checks, found, per_file, strict=True):
        project = valid.get(raw.path)
        row = None
        if project is not None:
            # Names held once, not once per project (marshal sends an interned string as such).
            row = (intern(project.stream), _flat(project.allocations))
        line = None if cache is None else entry_line(raw.path, raw.digest, checked)
        packed.append((tuple([_pack_problem(p) for p in mine]) if mine else (), row, line, broken))
    return packed


def _unpack_compact(packed: Any) -> tuple[list[Diagnostic], tuple[str, tuple[Any, ...]] | None, Any, bool]:
    """A file's result as ``_compact_frame`` packed it; anything else raises (a worker's files are
    then checked here)."""
    from budgetctl.loading.parallel import _unpack_problem

    problems, row, line, broken = packed
    if type(broken) is not bool or not (line is None or line is False or type(line) is bytes):
        raise ValueError("not a packed result")
    if row is not None:
        stream, flat = row
        if type(stream) is not str or type(flat) is not tuple or len(flat) % 2:
            raise ValueError("not a packed result")
        if not all(type(value) is int for value in flat[1::2]):  # an amount not in pence: as written
            row = (stream, tuple(Decimal(v) if i % 2 and type(v) is str else v for i, v in enumerate(flat)))
    return [_unpack_problem(p) for p in problems], row, line, broken
