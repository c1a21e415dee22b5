"""The one place the stages run: a ledger on disk or at a git revision -> loader -> models -> rules.

``check_ledger`` is what every command calls: find the ledger, read it, check it
(through the cache of checked files unless told not to, with an optional
progress display), keep the cache. ``check_files`` runs the stages over files
already read; ``check_revision`` and ``check_working_tree`` give the two sides
of a comparison.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from budgetctl.diagnostics import Diagnostic
from budgetctl.plainclass import dataclass, field, replace

if TYPE_CHECKING:  # the models are imported only when a file must be checked
    from pathlib import Path

    from budgetctl.loading.cache import FileCache
    from budgetctl.loading.delta import Table
    from budgetctl.loading.diffbase import Listed, Patched
    from budgetctl.loading.discover import LedgerFiles
    from budgetctl.loading.lookup import Picked, Wanted
    from budgetctl.loading.revision import Location
    from budgetctl.loading.snapshot import Snapshot
    from budgetctl.loading.statindex import StatIndex
    from budgetctl.loading.warm import Listing
    from budgetctl.model.ledger import Ledger, Place, ProjectEntry
    from budgetctl.model.records import Project
    from budgetctl.model.source import RawFile
    from budgetctl.rules._rule import Rule

Advance = Callable[[int], None]
_T = TypeVar("_T")
# Given how many files a run may check, a context that shows progress and yields
# ``advance(done_files)``, or None when no progress is shown.
Progress = Callable[[int], AbstractContextManager[Advance | None]]


@dataclass
class Checked:
    """The ledger (None when streams.yaml is unusable, or when it was not needed and
    the problems came from the cache's last whole check) and every problem."""

    ledger: Ledger | None
    problems: list[Diagnostic]
    file_count: int
    incomplete: bool
    files: LedgerFiles | None = field(default=None, repr=False)
    _lines: dict[str, list[str]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def errors(self) -> list[Diagnostic]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [p for p in self.problems if not p.is_error]

    def totals_broken(self) -> list[Diagnostic]:
        """Errors that make totals wrong: a file or project that could not be counted."""
        errors = self.errors
        if not errors:
            return []  # no rule module needs importing to say so
        from budgetctl.loading.codes import CODES
        from budgetctl.rules import RULES

        # From the registries directly: building the catalogue's help texts is not needed here.
        breaking = {c.code for c in CODES.values() if c.affects_totals} | {r.code for r in RULES if r.affects_totals}
        return [p for p in errors if p.code in breaking]

    def source_line(self, path: str, line: int) -> str | None:
        """Line ``line`` (from 1) of the checked file ``path`` as read, for showing under a problem."""
        from budgetctl.loading.discover import FileChanged

        text = self._lines.get(path)
        if text is None:
            raw = {f.path: f for f in self.files.every_file()} if self.files is not None else {}
            try:
                text = raw[path].data.decode("utf-8", "replace").splitlines() if path in raw else []
            except FileChanged:  # changed since it was checked: no line to quote
                text = []
            self._lines[path] = text
        return text[line - 1] if 0 < line <= len(text) else None


def check_ledger(
    data: str | os.PathLike[str] | None,
    *,
    cache: bool = True,
    progress: Progress | None = None,
    ledger_needed: bool = True,
    in_year: bool = True,
) -> Checked:
    """Find the ledger (``--data``, $BUDGETCTL_DATA, ./data or a parent's data/), read and check it.

    Raises ``NoLedger`` when there is none. ``cache=False`` (or BUDGETCTL_NO_CACHE)
    neither reads nor writes the cache of checked files; ``progress`` is asked
    for a display given the number of project files; ``ledger_needed=False``
    (only the problems are wanted) lets an unchanged ledger's problems come from
    the cache's last whole check; ``in_year=False`` leaves actuals and forecasts
    unread (commands about the plan only).
    """
    from budgetctl.loading.cache import read_through_index

    files, cached, index = read_through_index(data, cache=cache, lean=not ledger_needed and in_year)
    return check_read(files, cached, index, progress=progress, ledger_needed=ledger_needed, in_year=in_year)


def check_read(
    files: LedgerFiles,
    cached: FileCache | None,
    index: StatIndex | None,
    *,
    progress: Progress | None = None,
    ledger_needed: bool = True,
    in_year: bool = True,
    key: str | None = None,
) -> Checked:
    """``check_ledger`` of a ledger already read (``loading.cache.read_through_index``): check
    it, then keep the cache and the stat index. ``key``: its ``ledger_key``, if already known."""
    with progress(len(files.projects)) if progress is not None else nullcontext() as advance:
        checked = check_files(
            files, cache=cached, progress=advance, ledger_needed=ledger_needed, in_year=in_year, key=key
        )
    if cached is not None:
        cached.save()
    if index is not None:
        index.save()
    return checked


def check_files(
    files: LedgerFiles,
    *,
    cache: FileCache | None = None,
    progress: Advance | None = None,
    ledger_needed: bool = True,
    remember: bool = True,
    in_year: bool = True,
    key: str | None = None,
) -> Checked:
    """Run every stage over the files and return the ledger and all problems.

    ``cache`` (see ``budgetctl.loading.cache``) skips loading files checked before;
    when no file has changed since the last whole check, its problems stand (no rule
    runs again), and with ``ledger_needed=False`` they are all that is returned (then
    ``ledger`` is None; a ledger without actuals or forecasts is then checked without
    holding every project's record: ``check_compact``). ``progress`` is told how many
    files each step finished.
    ``remember=False`` keeps this check out of the cache (a ledger at a git revision
    is not the one on disk whose last check ``validate`` looks for). ``in_year=False``
    leaves the actuals and forecasts unread (a report of the plan needs neither): the
    check is then partial, so it is neither saved as nor served by the ledger's last
    whole check. ``key``: the files' ``ledger_key``, when the caller has it already.
    """
    from budgetctl.loading.cache import ledger_key

    if cache is None:
        key = ""
    elif key is None:
        key = ledger_key(files)
    last = cache.last_check(key) if cache is not None else None
    if last is not None and not ledger_needed:
        return Checked(None, *last, files=files)
    if cache is not None and last is None and not ledger_needed and remember and not has_in_year(files):
        from budgetctl.infra.gcpause import paused_gc

        with paused_gc():  # it builds few objects, none in a cycle; a collection would scan every file's
            changed = check_changes(files, cache, key)
        if changed is not None:
            return changed

    if not ledger_needed and in_year and not has_in_year(files) and files.streams is not None:
        compact = check_compact(files, cache, key, progress, remember)
        if compact is not None:
            return compact

    from budgetctl.loading.build import build
    from budgetctl.loading.inyear_monitoring import attach_in_year
    from budgetctl.rules import run_rules

    loaded = build(files.streams, files.projects, files.problems, cache=cache, progress=progress)
    if not in_year and loaded.ledger is not None:
        from budgetctl.model.figures import needs_actuals

        in_year = needs_actuals(loaded.ledger)  # an opening balance is what a closed year left unspent
    whole = in_year or not has_in_year(files)
    raws = files.in_year.get("adjustment", [])
    adjusted = None
    if raws:  # read even for a report of the plan, or one served from the last check: revised budgets need them
        from budgetctl.loading.adjustments import load_adjustments

        adjusted = load_adjustments(raws, cache)
        if loaded.ledger is not None:
            loaded.ledger.adjustments = adjusted.entries
    if last is not None and loaded.ledger is not None and whole:
        # This exact content (every file's path and SHA-256) was checked whole before: its problems stand.
        if in_year:
            # The year's files, for reports; their problems are in last.
            attach_in_year(loaded.ledger, files.in_year, cache)
        return Checked(loaded.ledger, *last, files=files)
    problems = list(loaded.problems)
    incomplete = loaded.incomplete
    in_year_problems, in_year_count = attach_in_year(loaded.ledger, files.in_year, cache) if in_year else ([], 0)
    if not in_year and cache is not None:
        keep_in_year(files, cache)
    problems += in_year_problems
    if adjusted is not None:
        problems.extend(adjusted.problems)
        in_year_count += len(raws)
        incomplete = incomplete or adjusted.incomplete
    if loaded.ledger is not None:
        from budgetctl.infra.gcpause import paused_gc

        with paused_gc():  # rules index every actuals row: see paused_gc
            problems.extend(run_rules(loaded.ledger))
    problems.sort(key=Diagnostic.sort_key)
    file_count = loaded.file_count + in_year_count
    if cache is not None and remember and whole:
        from budgetctl.infra.gcpause import paused_gc

        # What is kept is made, encoded and written, and none of it is in a cycle: a collection
        # meanwhile would walk every project and actuals column the check holds (a twentieth of it).
        with paused_gc():
            _keep_whole(files, cache, key, loaded.ledger, raws, (problems, file_count, incomplete))
    elif cache is not None and remember and loaded.ledger is not None:  # the plan alone: for the next report of it
        cache.save_plan(key, problems, file_count, incomplete, _summary_facts(loaded.ledger, None))
    return Checked(loaded.ledger, problems, file_count, incomplete, files=files)


def _keep_whole(
    files: LedgerFiles,
    cache: FileCache,
    key: str,
    ledger: Ledger | None,
    raws: list[RawFile],
    check: tuple[list[Diagnostic], int, bool],
) -> None:
    """Keep the whole check of ``files`` (``check``: its problems, file count and whether it is
    incomplete) under ``key``: with its ledger, the figures ``summary`` and ``monitor`` read and
    the snapshot (``raws``: the adjustment files)."""
    figures = None if ledger is None else stream_figures(ledger)
    summary = None if ledger is None else _summary_facts(ledger, figures)
    cache.save_check(key, *check, figures, summary)
    if ledger is None:
        return
    from budgetctl.model import monitorfacts

    cache.save_monitor(key, monitorfacts.encode(monitorfacts.facts_of(ledger, figures)))
    if files.streams is not None and not files.problems:
        from budgetctl.loading import snapshot

        rows = [(entry.source.path, entry.project.stream, entry.project.allocations) for entry in ledger.projects]
        in_year = has_in_year(files)  # then it names each stream's projects for trace, and no more
        snapshot.write_whole(
            cache.path, cache.key, key, files.streams, ledger.streams_file, raws, files.projects, rows, in_year
        )


def check_compact(
    files: LedgerFiles, cache: FileCache | None, key: str, progress: Advance | None, remember: bool
) -> Checked | None:
    """``check_files`` of a ledger without actuals or forecasts when only its problems are wanted:
    the same problems, file count and kept values, without holding every project's record. The
    project files are checked a frame at a time with the per-file rules (``build.check_compact``);
    the rules that read no project run over streams.yaml and the adjustments alone; the two rules
    across project files run over what each valid project leaves: duplicate ids (R004) over its
    id and path, over-allocation (A001) over its stream and allocations. None when that does not
    apply (streams.yaml does not load, a budget depends on actuals, or a rule reads across project
    files in a way this check does not know): the caller then checks the whole ledger."""
    from budgetctl.infra.gcpause import paused_gc
    from budgetctl.loading.build import Amounts, _load_streams, amount
    from budgetctl.loading.build import check_compact as check_projects
    from budgetctl.model.figures import needs_actuals
    from budgetctl.model.kinds import project_id
    from budgetctl.model.ledger import Ledger
    from budgetctl.model.money import total
    from budgetctl.rules import RULES
    from budgetctl.rules import duplicate_project_id as r004
    from budgetctl.rules import over_allocated_stream as a001

    if not _narrowable():
        return None
    assert files.streams is not None
    source, streams_file, problems = _load_streams(files.streams, cache)
    if source is None or streams_file is None:
        return None
    base = Ledger(source, streams_file, [])  # streams.yaml and the adjustments: no project
    if needs_actuals(base):
        return None
    raws = files.in_year.get("adjustment", [])
    problems = list(files.problems) + problems
    incomplete = bool(files.problems)
    if raws:
        from budgetctl.loading.adjustments import load_adjustments

        adjusted = load_adjustments(raws, cache)
        base.adjustments = adjusted.entries
        problems += adjusted.problems
        incomplete = incomplete or adjusted.incomplete
    found = check_projects(files.projects, base, [rule for rule in RULES if rule.scope == "file"], cache, progress)
    problems += found.problems
    incomplete = incomplete or found.incomplete
    rows = found.rows
    # Each (stream, year)'s rows, by position in ``rows`` (path order, as Ledger.allocated).
    by_stream_year: dict[tuple[str, str], array[int]] = {}
    pence: dict[tuple[str, str], int | None] = {}  # their sum in pence (None: an amount is not in pence)
    for position, (_, stream, flat) in enumerate(rows):
        for i in range(0, len(flat), 2):
            key_of = (stream, flat[i])
            at = by_stream_year.get(key_of)
            if at is None:
                at = by_stream_year[key_of] = array("l")
                pence[key_of] = 0
            at.append(position)
            value, added = flat[i + 1], pence[key_of]
            pence[key_of] = added + value if type(value) is int and added is not None else None

    def allocations(stream: str, year: str) -> list[tuple[str, Decimal]]:
        """``figures.allocations`` of the stream and year, as (id, amount)."""
        found = []
        for position in by_stream_year.get((stream, year), ()):
            row = rows[position]
            found.append((project_id(row[0]), amount(row, year)))
        return found  # type: ignore[return-value]  # each row listed allocates in the year

    def over_allocated() -> Iterator[tuple[str, Place]]:
        for stream in base.streams:
            # A stream whose sums in pence are within every year's budget has no finding: its
            # projects' amounts are read only for one that may have.
            sums = [(year, pence.get((stream, year), 0)) for year in base.streams[stream].budget]
            exact = {year: Decimal(added).scaleb(-2) for year, added in sums if added is not None}
            if len(exact) == len(sums) and not a001.over_budget(base, stream, exact):
                continue
            yield from a001.stream_findings(base, stream, lambda year, stream=stream: allocations(stream, year))  # type: ignore[misc]

    with paused_gc():
        for rule in RULES:
            findings: Iterable[tuple[str, Place]]
            if rule.code == r004.RULE.code:
                findings = r004.duplicates((project_id(path), path) for path, _, _ in rows)
            elif rule.code == a001.RULE.code:
                findings = over_allocated()
            else:  # over no project: a per-file rule finds what it finds outside project files
                findings = rule.check(base)
            problems.extend(_finding(rule, message, place) for message, place in findings)
    problems.sort(key=Diagnostic.sort_key)
    file_count = 1 + len(files.projects) + len(raws)
    if cache is not None and remember:
        years = sorted({year for _, year in by_stream_year})  # as figures.allocated_by_stream
        figures: dict[str, dict[str, tuple[int, Decimal]]] = {}
        for stream in base.streams:
            figures[stream] = {}
            for year in years:
                summed = pence.get((stream, year))
                money = Decimal(summed).scaleb(-2) if summed is not None else None  # as total() of the amounts
                if money is None or (stream, year) not in by_stream_year:
                    money = total(a for _, a in allocations(stream, year))
                figures[stream][year] = (len(by_stream_year.get((stream, year), ())), money)
        cache.save_check(key, problems, file_count, incomplete, figures, _summary_facts(base, figures))
        from budgetctl.model import monitorfacts

        cache.save_monitor(key, monitorfacts.encode(monitorfacts.facts_of(base, figures)))
        if not files.problems:
            from budgetctl.loading import snapshot

            kept = ((row[0], row[1], Amounts(row)) for row in rows)  # each made when written
            snapshot.write_whole(cache.path, cache.key, key, files.streams, streams_file, raws, files.projects, kept)
    return Checked(None, problems, file_count, incomplete, files=files)


def keep_in_year(files: LedgerFiles, cache: FileCache) -> None:
    """Keep the cached entries of the actuals and forecasts this run did not read, for the next run that does."""
    for kind in ("actuals", "forecast"):
        for raw in files.in_year.get(kind, []):
            cache.keep(raw.path, raw.digest)


# --- the two sides of a comparison ----------------------------------------------------


@dataclass
class Side:
    """One side of a comparison: what it is called, and the checked ledger (None: no ledger there)."""

    label: str  # "HEAD~1 (1a2b3c4)" or "the working tree"
    revision: str | None  # what the user typed; None for the working tree
    commit: str | None  # the full commit id; None for the working tree
    checked: Checked | None
    files: LedgerFiles | None
    # Each year's (allocations, allocated) per stream over every valid project, when ``checked``
    # holds only some of the projects (a comparison of the changed files: ``compare_changes``).
    totals: dict[str, dict[str, tuple[int, Decimal]]] | None = None

    @property
    def empty(self) -> bool:
        return self.checked is None

    def project_paths(self) -> dict[str, str]:
        """Every project file's id and display path, including files too broken to load."""
        if self.files is None:
            return {}
        from budgetctl.model.kinds import project_id

        return {project_id(f.path): f.path for f in self.files.projects}

    def projects(self) -> dict[str, Project]:
        """The projects that validate, by id, whether or not streams.yaml loads."""
        if self.checked is None or self.files is None:
            return {}
        if self.checked.ledger is not None:
            return {entry.id: entry.project for entry in self.checked.ledger.projects}
        from budgetctl.loading.checks import check_project
        from budgetctl.model.kinds import project_id

        # streams.yaml is broken on this side: still compare the project files themselves.
        found: dict[str, Project] = {}
        for raw in self.files.projects:
            project = check_project(raw).project
            if project is not None:
                found[project_id(raw.path)] = project
        return found


def check_working_tree(root: Path, cache: FileCache | None = None) -> Side:
    """The ledger as it is on disk now (an empty side when it has no streams.yaml); ``cache``
    (content-keyed, ``loading.cache``) serves the files checked before, and this check is
    not saved as the last whole check (``validate`` keeps that)."""
    from budgetctl.model.kinds import STREAMS_FILE

    if not (root / STREAMS_FILE).is_file():
        return Side("the working tree", None, None, None, None)
    from budgetctl.loading.discover import read_ledger

    files = read_ledger(root)
    return Side("the working tree", None, None, check_files(files, cache=cache, remember=False), files)


def check_revision(repo: Path, revision: str, folder: str, cache: FileCache | None = None) -> Side:
    """The ledger in ``folder`` at ``revision``; raises GitError for a bad revision. ``cache``
    (keyed by each file's content, so a committed file is the file it was on disk) serves
    the files checked before."""
    from budgetctl.diagnostics import printable
    from budgetctl.infra import git
    from budgetctl.loading.revision import files_at

    sha = git.resolve_revision(repo, revision)
    label = f"{printable(revision)} ({sha[:7]})"
    files = files_at(repo, sha, folder)
    if files is None:
        return Side(label, revision, sha, None, None)
    return Side(label, revision, sha, check_files(files, cache=cache, remember=False), files)


def compare_sides(data: Path | None, base: str, head: str | None) -> tuple[Side, Side]:
    """The ledger at ``base`` and at ``head`` (None: the working tree), checked through the
    cache of checked files (keyed by content, so each file is checked once for both sides).
    A bad revision or no repository is a GitError that says how budgetctl takes revisions.

    With the cache, a comparison whose base was compared before reads only the changed files
    (``compare_changes``); otherwise both sides are checked whole, and the base's summary is
    kept for the next comparison.
    """
    from budgetctl.infra.git import GitError
    from budgetctl.loading import cache as file_cache
    from budgetctl.loading.revision import locate

    try:
        where = locate(data, revisions=(base,) if head is None else (base, head))
        cache = None if file_cache.disabled_by_env() else file_cache.FileCache.open(where.root)
        summary_key = None
        if cache is not None:
            fast, summary_key = compare_changes(where, base, head, cache)
            if fast is not None:
                return fast
        before = check_revision(where.repo, base, where.folder, cache)
        if head is not None:
            after = check_revision(where.repo, head, where.folder, cache)
        else:
            after = check_working_tree(where.root, cache)
    except GitError as exc:
        raise GitError(str(exc) + _range_hint(base, head)) from None
    if cache is not None:
        if summary_key is not None:
            _keep_summary(cache, *summary_key, before)
        cache.save()
    return before, after


def _range_hint(base: str, head: str | None) -> str:
    """`diff main..HEAD` as git users type it: say how budgetctl takes the two revisions."""
    for dots in ("...", ".."):
        if head is None and dots in base:
            left, _, right = base.partition(dots)
            if left and right:
                return f"; budgetctl takes the two revisions apart: budgetctl diff {left} {right}"
            return f"; budgetctl takes revisions apart, not as a range: budgetctl diff {left or 'BASE'} [HEAD]"
    return ""


def changed_since_problems(root: Path, ledger: Ledger, revision: str) -> list[Diagnostic]:
    """A006 at the project files changed since ``revision`` that allocate in an over-allocated
    stream and year; a bad revision or no repository is a GitError naming --changed-since."""
    from budgetctl.infra.git import GitError
    from budgetctl.loading.discover import read_ledger
    from budgetctl.loading.revision import changed_paths
    from budgetctl.rules import allocation_in_over_allocated_stream

    try:
        changed = changed_paths(root, read_ledger(root), revision)
    except GitError as exc:
        raise GitError(f"--changed-since: {exc}") from None
    return allocation_in_over_allocated_stream.check(ledger, changed)


def has_in_year(files: LedgerFiles) -> bool:
    """Whether the ledger has actuals or forecasts (a check without them is not a whole check)."""
    return files.has_in_year()


@dataclass
class OneProject:
    """One project checked on its own, with its stream's figures and its problems taken from
    the last whole check of exactly the same ledger content."""

    ledger: Ledger  # streams.yaml and this project only
    entry: ProjectEntry
    figures: dict[str, dict[str, tuple[int, Decimal]]]  # see stream_figures
    problems: list[Diagnostic]  # the whole check's problems in streams.yaml and in this project's file


def warm_project(root: Path, wanted: str, data: str | os.PathLike[str] | None) -> OneProject | None:
    """The project whose file is named ``wanted`` in the ledger at ``root`` (found from ``data``),
    reading only streams.yaml, that file and the adjustments, when the cache holds the last whole
    check of this ledger (``_warm``); None otherwise, or when no single valid project has that id
    (the caller then checks everything)."""
    return _warm(root, data, lambda cache, key: wanted, _one_project)


def warm_subject(root: Path, subject: str, data: str | os.PathLike[str] | None) -> Checked | None:
    """For ``trace`` of ``subject``, a stream or project id: the last whole check of the ledger at
    ``root`` (found from ``data``), its ledger holding streams.yaml, the adjustments and only the
    projects the figure reads: the stream's, as the snapshot of that check lists them, or the
    project's one file (``_warm``). None when the ledger has actuals or forecasts (they are read
    by a whole check only), the cache does not hold this ledger's last whole check, the subject
    names no single project file, or the projects read do not add up to the stream's figures in
    that check: then the caller checks everything."""
    from functools import partial

    return _warm(root, data, partial(_subject_files, subject), partial(_subject_check, subject), year_files=True)


def _warm(
    root: Path,
    data: str | os.PathLike[str] | None,
    choose: Callable[[FileCache, str], Wanted | None],
    answer: Callable[[Picked], _T | None],
    year_files: bool = False,
) -> _T | None:
    """``answer`` of the files ``choose(cache, ledger key)`` wants (``loading.lookup``): through
    the stamp when it vouches for the ledger (nothing discovered; only streams.yaml, those project
    files and the adjustments read, and with ``year_files`` the actuals and forecasts), else through
    the cache and its stat index (every file is stat'ed, with the stamp's listing when it took
    one); None without a cache."""
    from budgetctl.infra.gcpause import paused_gc
    from budgetctl.loading import cache as file_cache
    from budgetctl.loading.discover import read_ledger
    from budgetctl.loading.lookup import Picked, stamped_files

    with paused_gc():  # an entry and a file object per file, none in a cycle: see paused_gc
        stamped = stamped_files(data, root, choose, year_files)
        if isinstance(stamped, Picked):
            return answer(stamped)
        cache = None if file_cache.disabled_by_env() else file_cache.FileCache.open(root)
        if cache is None:
            return None
        index = cache.stat_index()
        taken = None if stamped is None else stamped.taken  # the listing's stat entries
        picked = _picked(read_ledger(root, index, taken), cache, choose, year_files)
        found = None if picked is None else answer(picked)
    index.save()
    return found


def _picked(
    files: LedgerFiles, cache: FileCache, choose: Callable[[FileCache, str], Wanted | None], year_files: bool = False
) -> Picked | None:
    """The files of ``files`` that ``choose`` wants (``lookup.stamped_files`` on discovered files;
    with ``year_files``, the actuals and forecasts too)."""
    from budgetctl.loading.cache import ledger_key
    from budgetctl.loading.lookup import Picked
    from budgetctl.model.kinds import project_id

    if files.streams is None:
        return None
    key = ledger_key(files)
    wanted = choose(cache, key)
    if wanted is None:
        return None
    if isinstance(wanted, str):
        ends = (f"{wanted}.yaml", f"{wanted}.yml")  # a sieve in C (every project file ends so); project_id decides
        matches = [raw for raw in files.projects if raw.path.endswith(ends) and project_id(raw.path) == wanted]
        if len(matches) != 1:
            return None
    else:
        matches = [raw for raw in files.projects if raw.path in wanted]
        if len(matches) != len(wanted):
            return None
    by_kind = {kind: raws for kind, raws in files.in_year.items() if kind != "adjustment"} if year_files else None
    return Picked(cache, key, files.streams, matches, files.in_year.get("adjustment", []), files.has_in_year(), by_kind)


def _narrowed(
    picked: Picked, only: set[str] | None = None
) -> tuple[Ledger, tuple[list[Diagnostic], int, bool], dict[str, dict[str, tuple[int, Decimal]]]] | None:
    """The ledger of the files ``picked`` (streams.yaml, some project files, the adjustments; the
    caller attaches any actuals and forecasts, whose entries are counted here), with the problems
    (of the files ``only``, when given) and figures of the last whole check of the ledger whose key
    the files were picked under; None when the cache does not hold that check or a picked project
    file gives no valid project."""
    from budgetctl.loading.build import build

    cache = picked.cache
    last = cache.last_check(picked.key, only=only)  # with ``only``, the other files' problems are not decoded
    figures = cache.last_figures(picked.key)
    if last is None or figures is None:
        return None
    # The files' checks come from the cache too, found by their lines when there are few (never
    # saved here: that would forget the others).
    year_files = sum(map(len, picked.year_files.values())) if picked.year_files else 0
    cache.sparingly(1 + len(picked.projects) + len(picked.adjustments) + year_files)
    loaded = build(picked.streams, picked.projects, [], cache=cache)
    if loaded.ledger is None or len(loaded.ledger.projects) != len(picked.projects):
        return None
    _attach_adjustments(loaded.ledger, picked.adjustments, cache)
    return loaded.ledger, last, figures


def _attach_adjustments(ledger: Ledger, raws: list[RawFile], cache: FileCache) -> None:
    """The adjustments of ``raws`` on ``ledger`` (the streams' revised budgets), as ``check_files``
    attaches them; their problems are those of the last whole check."""
    if raws:
        from budgetctl.loading.adjustments import load_adjustments

        ledger.adjustments = load_adjustments(raws, cache).entries


def _one_project(picked: Picked) -> OneProject | None:
    """``warm_project`` of the files picked: streams.yaml, the project's file and the adjustments."""
    from budgetctl.model.figures import needs_actuals

    (project,) = picked.projects
    paths = {picked.streams.path, project.path}
    narrowed = _narrowed(picked, only=paths)
    if narrowed is None:
        return None
    ledger, last, figures = narrowed
    if needs_actuals(ledger):
        return None  # an opening balance needs the actuals of the closed year, which this path does not read
    return OneProject(ledger, ledger.projects[0], figures, [p for p in last[0] if p.file in paths])


def _subject_files(subject: str, cache: FileCache, key: str) -> Wanted | None:
    """The project files ``trace`` of ``subject`` reads in the ledger whose key is ``key``: a
    stream's (the display paths of its valid projects in the snapshot of that ledger's last whole
    check), else the project file named ``subject``."""
    from budgetctl.loading import snapshot
    from budgetctl.loading.codec import Malformed

    snap = snapshot.read(cache.path, cache.key)
    if snap is None or snap.ledger != key:
        return subject  # a stream by that name is refused by _subject_check: its projects are not known
    try:
        if subject in snap.streams_file().streams:
            return frozenset(path for path, _ in snap.rows(subject))
    except (Malformed, ValueError, RecursionError):  # a damaged snapshot: check everything
        return None
    return subject


def _subject_check(subject: str, picked: Picked) -> Checked | None:
    """``warm_subject`` of the files picked by ``_subject_files``."""
    from budgetctl.model.figures import allocated_by_stream

    if picked.in_year and picked.year_files is None:
        return None  # actuals and forecasts, not read
    narrowed = _narrowed(picked)
    if narrowed is None:
        return None
    ledger, last, figures = narrowed
    if picked.year_files:
        from budgetctl.loading.inyear_monitoring import attach_in_year

        # Every actuals and forecast file, each from its cached entry (its rows read when the
        # figure asks for them); their problems are those of the whole check.
        attach_in_year(ledger, picked.year_files, picked.cache)
    if subject in ledger.streams:
        # Every project of the stream, as the last whole check counted its allocations per year.
        counted = {y: found for y, found in figures.get(subject, {}).items() if found[0]}
        here = {y: found for y, found in allocated_by_stream(ledger)[subject].items() if found[0]}
        if here != counted or any(entry.project.stream != subject for entry in ledger.projects):
            return None
    elif [entry.id for entry in ledger.projects] != [subject]:
        return None
    return Checked(ledger, *last)


def plan_of_last_check(
    data: str | os.PathLike[str] | None,
    found: tuple[LedgerFiles | None, FileCache, str, bool, Listing | None] | None = None,
) -> tuple[Checked, dict[str, dict[str, tuple[int, Decimal]]], FileCache, str] | None:
    """``streams_only`` of the ledger at ``data`` (no project loaded), with the cache and the ledger
    key it was found under; None when the cache does not hold its last whole check, that check
    cannot stand for the plan alone, or its totals are unreliable (the caller checks the ledger,
    and says so). ``found``: the ledger as ``loading.warm.current_listed`` found it just before:
    of a ledger the stamp vouched for only streams.yaml and the adjustments are read, each under
    its stat entry in the listing (``lookup.listed_files``); else it is discovered through the
    stat index."""
    from budgetctl.loading import cache as file_cache

    if file_cache.disabled_by_env():
        return None
    listed = None
    if found is not None and found[0] is None and found[4] is not None:
        from budgetctl.loading.discover import LedgerFiles, find_root
        from budgetctl.loading.lookup import listed_files

        root = find_root(data)
        picked = listed_files(root, found[4], frozenset(), found[1], found[2], found[3])
        if picked is not None:
            adjustments = {"adjustment": picked.adjustments} if picked.adjustments else {}
            listed = LedgerFiles(root, picked.streams, in_year=adjustments)
    in_year = None  # as the files found say: all of them but where the listing's few were read
    if found is not None and found[0] is not None:
        files, cache, key = found[0], found[1], found[2]
    elif found is not None and listed is not None:
        files, cache, key, in_year = listed, found[1], found[2], found[3]
    else:
        files, opened, index = file_cache.read_through_index(data)
        if opened is None or index is None:
            return None
        cache, key = opened, file_cache.ledger_key(files)
        index.save()
    cache.sparingly(1)  # streams.yaml's entry alone is read from the cache
    last = streams_only(files, cache, key, in_year)
    if last is None or last[0].ledger is None or last[0].totals_broken():
        return None
    return last[0], last[1], cache, key


def plan_stands(files: LedgerFiles, cache: FileCache) -> bool:
    """Whether the cache's last whole check of ``files`` (a ledger with actuals or forecasts) found
    no problem and is complete, so that it stands for the plan alone (``streams_only``)."""
    from budgetctl.loading.cache import ledger_key

    last = cache.last_check(ledger_key(files))
    return last is not None and not last[0] and not last[2]


def streams_only(
    files: LedgerFiles, cache: FileCache, key: str | None = None, in_year: bool | None = None
) -> tuple[Checked, dict[str, dict[str, tuple[int, Decimal]]]] | None:
    """The ledger's streams and adjustments (no project loaded) with each stream's figures and
    every problem, from the last whole check of exactly this ledger content (keyed by every
    file's content; ``key``: that key, when the caller has it), for a report of the plan; None
    when the cache does not hold it.

    A ledger with actuals or forecasts (``in_year``; by default, whether ``files`` holds any) is
    served only when that check found no problem and its budgets do not depend on spend (no
    ``balance`` stream with a closed year): a report of the plan leaves the year's files out, and
    they only add problems (their rules, and spend that leaves less unspent to carry forward), so
    the plan alone of a clean ledger is clean."""
    from budgetctl.loading.build import build
    from budgetctl.loading.cache import ledger_key

    in_year = has_in_year(files) if in_year is None else in_year
    key = key or ledger_key(files)
    last = cache.last_check(key)
    figures = cache.last_figures(key)
    if last is None or figures is None or files.streams is None or (in_year and (last[0] or last[2])):
        return None
    loaded = build(files.streams, [], [], cache=cache)  # never saved here: that would forget the others
    if loaded.ledger is None:
        return None
    if in_year:
        from budgetctl.model.figures import needs_actuals

        if needs_actuals(loaded.ledger):
            return None  # an opening balance is what a closed year left unspent: the actuals say
    _attach_adjustments(loaded.ledger, files.in_year.get("adjustment", []), cache)
    return Checked(loaded.ledger, *last, files=files), figures


def stream_figures(ledger: Ledger) -> dict[str, dict[str, tuple[int, Decimal]]]:
    """Each stream's number of allocations and allocated money (``model.figures.allocated``) per
    year, kept with the whole check for commands that report streams without loading every project."""
    from budgetctl.model import figures

    return figures.allocated_by_stream(ledger)


def _summary_facts(ledger: Ledger, figures: dict[str, dict[str, tuple[int, Decimal]]] | None) -> dict[str, Any]:
    """What a summary of the streams needs (``model.streamfacts``), kept with the whole check."""
    from budgetctl.model import streamfacts

    return streamfacts.encode(streamfacts.facts_of(ledger, figures))


# --- a check of the files changed since the last whole check ---------------------------

# Above this many changed files, checking everything (in worker processes, the rest from the
# cache) costs about as much as this path, which checks each changed file here, uncached.
CHANGES_LIMIT = 200
# The rules across project files that check_changes runs on the snapshot's aggregates.
_CROSS_FILE = ("R004", "A001")


def _narrowable() -> bool:
    """Whether every rule across project files is one that the narrowed checks (the compact
    check, a check of changes, a comparison) run on what each file leaves: R004 and A001."""
    from budgetctl.rules import scopes  # the scopes without importing the rules

    return not any(scope == "ledger" and code not in _CROSS_FILE for code, scope in scopes().items())


def check_changes(files: LedgerFiles, cache: FileCache, key: str) -> Checked | None:
    """The whole check of ``files`` (ledger key ``key``) from the snapshot of the last whole check
    (``loading.snapshot``) and its problems, checking only the project files changed since: None
    when that check cannot be reused this way (then everything is checked).

    Reused only when streams.yaml and the adjustment files are exactly those of that check, and
    the ledger has no in-year files and no discovery problems. Then a project file's loader,
    schema and per-file rule problems depend on its own bytes and those files only: they stand
    for the unchanged files, and are found again for the changed ones (the per-file rules run
    over streams.yaml, the adjustments and the changed projects; the findings of the rules that
    read no project stand, as their files are unchanged). The two cross-file rules run
    on the snapshot's aggregates: duplicate ids (R004) for the ids of the changed files, and
    over-allocation (A001) for the streams the changed files leave or join.
    """
    from budgetctl.loading import snapshot
    from budgetctl.loading.codec import Malformed

    raws = files.in_year.get("adjustment", [])
    if not cache.enabled or files.streams is None or files.problems:
        return None
    if not _narrowable():
        return None  # a rule across project files that this check does not know how to narrow
    snap = snapshot.read(cache.path, cache.key)
    if snap is None or snap.in_year or not snap.same_context(files.streams, raws):
        return None
    last = cache.last_check(snap.ledger)
    old_figures = cache.last_figures(snap.ledger)
    if last is None or old_figures is None:
        return None
    try:
        changed, removed = snap.changes(files.projects)
        if len(changed) + len(removed) > CHANGES_LIMIT:
            return None
        return _check_changes(files, cache, key, snap, last, old_figures, changed, removed)
    except (Malformed, ValueError, SyntaxError, RecursionError):  # a damaged snapshot: check everything
        return None


def check_listed(found: Listing) -> Checked | None:
    """``validate``'s whole check of the ledger listed by ``found`` when the stamp did not vouch
    for it: from the table kept with the stamp (``loading.delta``) and the snapshot, reading
    only the files whose stat entries changed since, as ``check_changes`` does after discovery;
    then the stamp of this listing (a mark with problems). None when that does not apply (the
    folders or streams.yaml changed, another command checked the ledger since, a file changed
    kind or size past the limit ...): then the ledger is discovered and checked as usual."""
    from functools import partial

    from budgetctl.loading import delta, snapshot
    from budgetctl.loading.codec import Malformed
    from budgetctl.loading.warm import Kept, keep_changes

    cache = found.cache
    if cache is None or not cache.enabled:
        return None
    kept = delta.read(cache)
    if kept is None:
        return None
    table, base = kept
    reread = delta.candidates(found, table)
    if reread is None:
        return None
    snap = snapshot.read(cache.path, cache.key)
    if snap is None or snap.in_year or snap.ledger != base or len(snap.keys) != snapshot.KEY * table.projects:
        return None
    last = cache.last_check(base)
    old_figures = cache.last_figures(base)
    if last is None or last[0] or old_figures is None:  # problems in unchanged files: discovery shows their lines
        return None
    read = _read_listed(found, table, reread, snap)
    if read is None:
        return None
    files, changed, rehash = read
    assert files.streams is not None
    adjustments = files.in_year.get("adjustment", [])
    if not snap.same_context(files.streams, adjustments):
        return None
    from budgetctl.loading.cache import key_of

    if not _narrowable():
        return None
    try:
        shown = {at: raw.path for at, raw in changed.items()}
        differ = snap.patched({at: raw.digest for at, raw in changed.items()}, partial(_named_once, shown, table))
        keys: list[bytes | bytearray] = [files.streams.digest.encode(), snap.keys]
        keys += [raw.digest.encode() for raw in adjustments]
        key = key_of(b"", table.paths_hash, keys, table.count)
        if key is None:
            return None
        files.projects = [changed[at] for at in differ]
        if differ:
            checked = _check_changes(
                files, cache, key, snap, last, old_figures, files.projects, [], project_count=table.projects
            )
        else:  # the content of the last check, whatever the stat entries say
            checked = Checked(None, *last, files=files)
    except (Malformed, ValueError, SyntaxError, RecursionError):  # a damaged snapshot: check everything
        return None
    stamp = Kept(checked.file_count, key, False)
    keep_changes(found, cache, len(checked.problems), stamp, [(path, digest) for _, path, digest in rehash])
    delta.keep_again(cache, table, found, key, [number for number, _, _ in rehash], len(reread))
    return checked


def _named_once(shown: dict[int, str], table: Table, ids: set[str]) -> list[str] | None:
    """``_named`` of the project files when none of ``ids`` names two files (the table knows
    the ids that do) and each names one of the files ``shown`` (position -> display path): those
    files, in order; None otherwise (every path is searched)."""
    from budgetctl.model.kinds import project_id

    named = {project_id(path): at for at, path in shown.items()}
    if ids & table.duplicated or not ids <= named.keys():
        return None
    return [shown[at] for at in sorted(named[ident] for ident in ids)]


def _read_listed(
    found: Listing, table: Table, reread: list[int], snap: Snapshot
) -> tuple[LedgerFiles, dict[int, RawFile], list[tuple[int, str, str]]] | None:
    """The ledger's files as ``check_listed`` needs them: streams.yaml and the adjustments (read
    if among ``reread``, else with the snapshot's content keys, their bytes read if needed), and
    the project files of ``reread`` by snapshot position; with the files read too soon after a
    write (listed number, path, content key). None when a file cannot be read as discovery reads
    it, or streams.yaml and the adjustments are not named as the snapshot names them."""
    from functools import partial
    from pathlib import Path

    from budgetctl.loading import delta
    from budgetctl.loading.discover import LedgerFiles, _read, _reread
    from budgetctl.loading.statindex import SETTLE_NS
    from budgetctl.model.source import RawFile

    path_at = found.path_at  # only the files read: making all 10,000 paths costs more than the check
    settled = found.started - SETTLE_NS
    read: dict[int, RawFile] = {}
    changed: dict[int, RawFile] = {}
    rehash = []
    for number in reread:
        place = table.places[number]
        if place == delta.UNREAD:
            continue
        problems: list[Diagnostic] = []
        path, info = path_at(number), found.info_at(number)
        shown = table.shown(path)
        raw = _read(path, shown, problems, None, info) if shown is not None else None  # type: ignore[arg-type]
        if raw is None or problems:
            return None
        if max(info.st_mtime_ns, info.st_ctime_ns) > settled:
            rehash.append((number, path, raw.digest))
        if place >= 0:
            changed[place] = raw
        else:
            read[number] = raw
    named = [snap.head["streams"], *snap.head["others"]]
    if len(named) != len(table.others):
        return None
    others: list[RawFile] = []
    for number, pair in zip(table.others, named, strict=True):
        path = path_at(number)
        shown = table.shown(path)
        if shown is None or type(pair) is not list or len(pair) != 2 or pair[0] != shown or type(pair[1]) is not str:
            return None
        raw = read.get(number) or RawFile(shown, key=pair[1], load=partial(_reread, path, shown))
        others.append(raw)
    adjustments = {"adjustment": others[1:]} if len(others) > 1 else {}
    return LedgerFiles(Path(found.context[3]), others[0], in_year=adjustments), changed, rehash


def _check_changes(
    files: LedgerFiles,
    cache: FileCache,
    key: str,
    snap: Snapshot,
    last: tuple[list[Diagnostic], int, bool],
    old_figures: dict[str, dict[str, tuple[int, Decimal]]],
    changed: list[RawFile],
    removed: list[str],
    project_count: int | None = None,
) -> Checked:
    """``check_changes`` once the changed files are known; ``files``: streams.yaml, the
    adjustments and (unless ``project_count`` says how many there are) every project file."""
    from budgetctl.loading import snapshot
    from budgetctl.loading.build import LazySource, load_projects
    from budgetctl.loading.cache import remember_alone
    from budgetctl.loading.checks import check_project_alone
    from budgetctl.loading.codes import CODES
    from budgetctl.model.kinds import project_id
    from budgetctl.model.ledger import Ledger
    from budgetctl.model.money import total
    from budgetctl.rules import duplicate_project_id as r004
    from budgetctl.rules import of_scope, scopes
    from budgetctl.rules import over_allocated_stream as a001

    assert files.streams is not None
    raws = files.in_year.get("adjustment", [])
    streams_path = files.streams.path
    # Without pydantic when valid; each kept beside the cache (not written whole for a few files),
    # for the next run that reads them (a listing of the projects).
    checks = [check_project_alone(raw) for raw in changed]
    entries, problems, broken = load_projects(changed, checks=checks)
    for raw, checked in zip(changed, checks, strict=True):
        remember_alone(cache, raw.path, raw.digest, checked)
    ledger = Ledger(LazySource(streams_path, files.streams), snap.streams_file(), entries)
    adjusted = None
    if raws:
        from budgetctl.loading.adjustments import load_adjustments

        adjusted = load_adjustments(raws)
        ledger.adjustments = adjusted.entries
        problems.extend(adjusted.problems)
    # Over the changed projects; the rules that read no project keep their findings (and are not imported).
    for rule in of_scope("file"):
        problems.extend(_finding(rule, message, place) for message, place in rule.check(ledger))

    gone = {raw.path for raw in changed} | set(removed)
    valid = {entry.source.path: entry for entry in entries}
    was_invalid = set(snap.head["invalid"])
    invalid = (was_invalid - gone) | {raw.path for raw in changed if raw.path not in valid}

    # R004: the files with the changed files' ids, all of them found by name.
    assert snap.current is not None
    current = snap.current
    ids = {project_id(path) for path in gone}
    same_ids = [path for path in current.named(ids, _named_in) if project_id(path) in ids]
    for message, place in r004.duplicates((project_id(p), p) for p in same_ids if p not in invalid):
        problems.append(_finding(r004.RULE, message, place))

    # A001: the streams the changed files leave or join, from each stream's rows.
    years = {y: int(n) for y, n in snap.head["years"].items()}
    touched: dict[str, snapshot.Rows] = {}

    def rows_of(stream: str) -> snapshot.Rows:
        if stream not in touched:
            touched[stream] = snap.rows(stream)
        return touched[stream]

    now_in = {entry.source.path: entry.project.stream for entry in entries}  # where to look first
    for path in gone:
        stream = snap.stream_of(path, now_in.get(path)) if path not in was_invalid else None
        if stream is not None:
            rows = rows_of(stream)
            for year in next(a for p, a in rows if p == path):
                years[year] -= 1
            touched[stream] = [(p, a) for p, a in rows if p != path]
    for entry in entries:
        rows_of(entry.project.stream).append((entry.source.path, dict(entry.project.allocations)))
        for year in entry.project.allocations:
            years[year] = years.get(year, 0) + 1
    for stream in touched:
        touched[stream].sort(key=lambda row: row[0])
    known = [s for s in touched if s in ledger.streams]
    for stream in known:
        rows = touched[stream]
        allocations = lambda y, rows=rows: [(project_id(p), a[y]) for p, a in rows if y in a]  # noqa: E731
        for message, place in a001.stream_findings(ledger, stream, allocations):
            problems.append(_finding(a001.RULE, message, place))

    # The last check's problems that stand: those in unchanged project files (but R004 of the
    # ids above), those of the rules that read no project (their files are unchanged),
    # streams.yaml's own, and A001 of the streams not touched.
    old_a001 = [p for p in last[0] if p.code == a001.RULE.code]
    places: set[tuple[str, int, int]] = set()
    if old_a001:
        for stream in known:
            for year in ledger.streams[stream].budget:
                place = ledger.stream_at(stream, "budget", year)
                places.add((place.file, place.line, place.column))
    projects = set(current.paths()) if last[0] else set()
    scope_of = scopes()
    for p in last[0]:
        if p.file in projects:
            keep = p.file not in gone and (p.code != r004.RULE.code or project_id(p.file) not in ids)
        elif scope_of.get(p.code) in ("streams", "in-year"):  # in-year: no actuals or forecasts here
            keep = True
        elif p.file == streams_path:  # its own problems (it is unchanged), and A001 of other streams
            keep = p.code in CODES or (p.code == a001.RULE.code and (p.file, p.line, p.column) not in places)
        else:  # the adjustments' own problems: found again above
            keep = False
        if keep:
            problems.append(p)
    problems.sort(key=Diagnostic.sort_key)

    file_count = 1 + (len(files.projects) if project_count is None else project_count) + len(raws)
    incomplete = bool(invalid) or broken or (adjusted is not None and adjusted.incomplete)
    in_use = sorted(y for y, n in years.items() if n > 0)
    figures = {}
    for stream in ledger.streams:
        if stream in touched:
            figures[stream] = {
                y: (len(found := [a[y] for _, a in touched[stream] if y in a]), total(found)) for y in in_use
            }
        else:
            figures[stream] = {y: old_figures.get(stream, {}).get(y, (0, total(()))) for y in in_use}
    summary = _patched_facts(cache.last_summary(snap.ledger), ledger, figures, [s for s in touched if s in figures])
    if summary is None:
        summary = _summary_facts(ledger, figures)
    cache.save_check(key, problems, file_count, incomplete, figures, summary)
    head = {"ledger": key, "invalid": sorted(invalid), "years": {y: n for y, n in years.items() if n > 0}}
    rows_now = {stream: snapshot.encode_rows(rows) if rows else None for stream, rows in touched.items()}
    snapshot.write_changes(cache.path, cache.key, snap, head, rows_now)
    return Checked(None, problems, file_count, incomplete, files=files)


def _patched_facts(
    old: Any, ledger: Ledger, figures: dict[str, dict[str, tuple[int, Decimal]]], touched: list[str]
) -> dict[str, Any] | None:
    """The summary values of the last whole check (``old``, encoded) with those of the streams a
    change touched found again: only their allocations differ, and every other stream's values
    depend on streams.yaml alone (each stream is decoded only when used). None when that is not
    sure (adjustments, or a balance stream touched, read more than the stream): then all are found."""

    if ledger.adjustments or type(old) is not dict or type(old.get("years")) is not dict:
        return None
    if not all(stream in old["years"] for stream in touched):
        return None
    streams = {stream: ledger.streams[stream] for stream in touched}
    if any(stream.year_end == "balance" for stream in streams.values()):
        return None
    from budgetctl.model.ledger import Ledger

    whole: Any = ledger.streams_file  # a records dataclass, which mypy does not see as one
    alone = Ledger(ledger.streams_source, replace(whole, streams=streams))
    found = _summary_facts(alone, {stream: figures[stream] for stream in touched})
    return dict(old, years=dict(old["years"], **found["years"]))


# Up to this many ids, _named searches the joined paths for each (four searches an id).
NAMED_SEARCH_MAX = 4


def _named(paths: list[str], ids: set[str]) -> list[str]:
    """The paths whose file name is ``<id>.yaml`` (or .yml) for one of ``ids``, in order."""
    joined = "\0".join(paths)
    if joined.count("\0") != max(len(paths) - 1, 0):  # a path with a NUL (none on disk or in git)
        names = _file_names(ids)
        return [path for path in paths if path.rsplit("/", 1)[-1] in names]
    return _named_in(joined, len(paths), ids)


def _file_names(ids: set[str]) -> set[str]:
    """The names a project file with one of ``ids`` can have (``<id>.yaml``, ``<id>.yml``)."""
    from budgetctl.model.kinds import PROJECT_SUFFIXES

    return {f"{ident}{suffix}" for ident in ids for suffix in PROJECT_SUFFIXES}


def _named_in(joined: str, count: int, ids: set[str]) -> list[str]:
    """``_named`` of the ``count`` paths ``joined`` with NUL between them (no path holds one):
    each name searched for in them, in C, instead of looking at every path in turn."""
    names = _file_names(ids)
    if not count:
        return []
    if len(ids) > NAMED_SEARCH_MAX or joined.count("\0") != count - 1:  # past a few, one pass over them
        return [path for path in joined.split("\0") if path.rsplit("/", 1)[-1] in names]
    joined = f"\0{joined}\0"
    found = []
    for needle in (f"{before}{name}\0" for name in names for before in "/\0"):
        at = joined.find(needle)
        while at >= 0:
            end = at + len(needle) - 1
            start = joined.rfind("\0", 0, end) + 1
            found.append((start, joined[start:end]))
            at = joined.find(needle, end)
    return [path for _, path in sorted(found)]


def _finding(rule: Rule, message: str, place: Place) -> Diagnostic:
    return Diagnostic(rule.code, rule.severity, message, place.file, place.line, place.column)


# --- a comparison of the changed files only --------------------------------------------

# Above this many changed project files, checking both sides whole (in worker processes, the rest
# from the cache) costs about as much as checking each changed file here.
DIFF_CHANGES_LIMIT = 1000


@dataclass
class _Tree:
    """One side of a comparison before anything is checked: its files' display paths and blob ids."""

    streams: tuple[str, str]  # (display path, blob id)
    projects: dict[str, str] | Listed | Patched  # display path -> blob id
    adjustments: list[tuple[str, str]]  # in path order
    # The files (display path, blob id) -> each one's bytes; None when one is too large to read.
    read: Callable[[list[tuple[str, str]]], dict[tuple[str, str], RawFile] | None]
    shown: Callable[[str], str] = str  # a committed side: a repo-relative path as shown


def compare_changes(
    where: Location, base: str, head: str | None, cache: FileCache
) -> tuple[tuple[Side, Side] | None, tuple[str, _Tree] | None]:
    """The two sides of a comparison from the summary of the base (``loading.diffbase``) and the
    files that differ, read and checked on both sides: (sides, None), or (None, the key to keep
    the base's summary under after a whole comparison and the base's files, or None when this
    path does not apply).

    It applies when streams.yaml and the adjustment files are the same on both sides (by blob id)
    and neither side has actuals, forecasts or discovery problems: then a project file's problems
    depend on its own bytes and path and those files only, the same on both sides for a file that
    did not change, and a comparison matches problems by file. Each side then holds the problems of
    the files that share an id with a changed file, duplicate ids (R004) of those ids, and
    over-allocation (A001) of the streams the changed files leave or join, exactly as its whole
    check finds them; the totals are the base's plus the changed files' differences.
    """
    from budgetctl.diagnostics import printable
    from budgetctl.infra import git
    from budgetctl.loading import diffbase
    from budgetctl.loading.codec import Malformed
    from budgetctl.loading.discover import display_base
    from budgetctl.loading.revision import shown_paths

    if not _narrowable():
        return None, None  # a rule across project files that this path does not know how to narrow
    base_sha = where.commit(base)
    tree = where.trees.get(base_sha) or git.folder_tree(where.repo, base_sha, where.folder)
    if tree is None:
        return None, None
    key = diffbase.tree_key(cache.key, display_base(where.repo / where.folder), tree)
    summary = diffbase.read_summary(cache, key)
    if summary is None:
        listed = _committed(where, git.list_tree(where.repo, base_sha, where.folder))
        return None, (key, listed) if listed is not None else None
    shown = shown_paths(where.repo, where.folder)
    head_sha = where.commit(head) if head is not None else None
    try:
        if head_sha is not None:  # the base's files looked up one at a time: only the changed ones are
            old = _Tree(summary.streams, summary.files, summary.adjustments, _git_reader(where), shown)
            new = _patched(where, old, git.diff_trees(where.repo, base_sha, head_sha, where.folder))
            changed = set() if new is None else _changed_paths(old, new)
        else:  # the working tree's files are all read: so are the base's
            files = summary.files.whole()
            old = _Tree(summary.streams, files, summary.adjustments, _git_reader(where), shown)
            new = _on_disk(where.root, len(tree))
            # the pairs on one side only, in C
            changed = set() if new is None else {p for p, _ in files.items() ^ _whole(new).items()}
    except (Malformed, ValueError, RecursionError):  # a damaged summary: check both sides whole, and keep it again
        listed = _committed(where, git.list_tree(where.repo, base_sha, where.folder))
        return None, (key, listed) if listed is not None else None
    if new is None or new.streams != old.streams or new.adjustments != old.adjustments:
        return None, None
    if len(changed) > DIFF_CHANGES_LIMIT:
        return None, None
    checks = diffbase.ContentChecks(cache)
    try:
        wanted = _wanted(old, new, changed)
    except (Malformed, ValueError, RecursionError):
        wanted = None
    if wanted is None or not all(diffbase.is_object_id(oid) for _, oid in wanted[0]):
        listed = _committed(where, git.list_tree(where.repo, base_sha, where.folder))
        return None, (key, listed) if listed is not None else None  # a damaged summary
    if new.read is old.read:  # two commits: one read of both sides' files
        raws = old.read(wanted[0] + wanted[1])
        read = [raws, raws]
    else:
        read = [old.read(wanted[0]), new.read(wanted[1])]
    if read[0] is None or read[1] is None:
        return None, None
    base_part = _changed_side(old, wanted[0], read[0], checks)
    head_part = _changed_side(new, wanted[1], read[1], checks)
    if base_part is None or head_part is None:
        return None, None
    checks.save()
    labels = [f"{printable(base)} ({base_sha[:7]})", "the working tree"]
    if head is not None and head_sha is not None:
        labels[1] = f"{printable(head)} ({head_sha[:7]})"
    try:
        sides = _finish_sides(summary, changed, base_part, head_part)
    except (Malformed, ValueError, RecursionError):  # a damaged summary: check both sides whole, and keep it again
        listed = _committed(where, git.list_tree(where.repo, base_sha, where.folder))
        return None, (key, listed) if listed is not None else None
    before = Side(labels[0], base, base_sha, sides[0][0], sides[0][0].files, sides[0][1])
    after = Side(labels[1], head, head_sha, sides[1][0], sides[1][0].files, sides[1][1])
    return (before, after), None


def _committed(where: Location, entries: list[Any]) -> _Tree | None:
    """A committed side as its tree lists it (no file read); None when this path does not apply."""
    from budgetctl.loading.revision import listing

    found = listing(where.repo, where.folder, entries)
    kinds = set(found.in_year.values())
    if found.streams is None or found.problems or kinds - {"adjustment"}:
        return None
    shown = found.shown
    oid_of = {shown(e.path): e.oid for e in found.wanted}
    adjustments = sorted((shown(p), oid_of[shown(p)]) for p in found.in_year)
    projects = {shown(e.path): e.oid for e in found.wanted if e is not found.streams and e.path not in found.in_year}
    return _Tree((shown(found.streams.path), found.streams.oid), projects, adjustments, _git_reader(where), shown)


def _git_reader(where: Location) -> Callable[[list[tuple[str, str]]], dict[tuple[str, str], RawFile] | None]:
    """Reads committed files by blob id: one `git cat-file` for their sizes, one for their bytes."""
    from budgetctl.infra import git
    from budgetctl.loading.yamlsubset import MAX_FILE_BYTES

    def read(wanted: list[tuple[str, str]]) -> dict[tuple[str, str], RawFile] | None:
        from budgetctl.model.source import RawFile

        blobs = git.read_blobs_within(where.repo, [oid for _, oid in wanted], MAX_FILE_BYTES)
        if blobs is None:
            return None  # a file too large to read: a whole check reports it (Y015)
        return {(path, oid): RawFile(path, blobs[oid]) for path, oid in wanted}

    return read


def _patched(where: Location, old: _Tree, changes: list[Any]) -> _Tree | None:
    """The other committed side: ``old`` with the files that ``git diff-tree`` lists as changed
    (``infra.git.diff_trees``); None unless every one is a project file on each side it is on
    (anything else changed, and both sides are checked whole)."""
    from budgetctl.loading.diffbase import Listed, Patched
    from budgetctl.loading.revision import listing

    assert isinstance(old.projects, Listed)
    added = [change.new for change in changes if change.new is not None]
    found = listing(where.repo, where.folder, added)
    if found.problems or found.in_year or found.streams is not None or len(found.wanted) != len(added):
        return None
    removed = set()
    for change in changes:
        if change.old is not None:
            if old.projects.get(old.shown(change.old.path)) != change.old.oid:
                from budgetctl.loading.codec import Malformed

                raise Malformed("files")  # the summary and git disagree: a damaged summary
            removed.add(old.shown(change.old.path))
    projects = Patched(old.projects, removed, {old.shown(entry.path): entry.oid for entry in added})
    return _Tree(old.streams, projects, old.adjustments, old.read, old.shown)


def _whole(tree: _Tree) -> dict[str, str]:
    assert isinstance(tree.projects, dict)
    return tree.projects


def _changed_paths(old: _Tree, new: _Tree) -> set[str]:
    """The files of a change between two commits (``_patched``) whose blob differs, or that are on
    one side only."""
    from budgetctl.loading.diffbase import Patched

    assert isinstance(new.projects, Patched)
    touched = new.projects.removed | new.projects.added.keys()
    return {path for path in touched if old.projects.get(path) != new.projects.get(path)}


def _on_disk(root: Path, oid_length: int) -> _Tree | None:
    """The working tree's side, each file read and keyed by its git blob id; None when this path
    does not apply."""
    import hashlib

    from budgetctl.loading.discover import read_ledger
    from budgetctl.model.kinds import STREAMS_FILE

    if not (root / STREAMS_FILE).is_file():
        return None
    files = read_ledger(root)
    if files.streams is None or files.problems or has_in_year(files):
        return None
    algorithm = hashlib.sha1 if oid_length == 40 else hashlib.sha256

    def blob_id(data: bytes) -> str:
        return algorithm(b"blob %d\0" % len(data) + data).hexdigest()

    raws = {raw.path: raw for raw in files.every_file()}
    adjustments = [(raw.path, blob_id(raw.data)) for raw in files.in_year.get("adjustment", [])]
    projects = {raw.path: blob_id(raw.data) for raw in files.projects}

    def read(wanted: list[tuple[str, str]]) -> dict[tuple[str, str], RawFile] | None:
        return {(path, oid): raws[path] for path, oid in wanted}

    return _Tree((files.streams.path, blob_id(files.streams.data)), projects, adjustments, read)


@dataclass
class _Part:
    """One side's files that share an id with a changed file, checked, with their problems."""

    checked: Checked
    entries: dict[str, ProjectEntry]  # display path -> entry, of the valid ones
    ledger: Ledger
    paths: set[str]  # every project file on this side that shares an id with a changed file


def _wanted(old: _Tree, new: _Tree, changed: set[str]) -> list[list[tuple[str, str]]]:
    """The files of each side to read (display path, blob id): streams.yaml, the adjustments, and
    the project files that share an id with a changed file (the same unchanged ones on both sides)."""
    from budgetctl.loading.diffbase import Listed
    from budgetctl.model.kinds import project_id

    ids = {project_id(path) for path in changed}
    if isinstance(old.projects, Listed):  # the base's files, looked up in its summary
        listed = old.projects
        paths, searched = [], set()
        for path in changed:
            ident = project_id(path)
            if ident in listed.shared:  # the ids more than one base file has are listed
                paths += listed.shared[ident]
            elif path in listed:  # else a file the base has is the one with its id
                paths.append(path)
            else:  # an added file's id may be another file's in the base
                searched.add(ident)
        if len(searched) <= NAMED_SEARCH_MAX:  # a few: found in the summary's text
            paths += listed.named(_file_names(searched))
        else:  # each search reads the whole text: past a few, one pass over the paths
            paths += _named(list(listed.whole()), searched)
    else:
        paths = _named(list(_whole(old)), ids)
    same_ids = {p for p in paths if project_id(p) in ids}
    found = []
    for tree in (old, new):
        paths = sorted(p for p in same_ids | changed if p in tree.projects)
        found.append([tree.streams, *tree.adjustments, *((p, tree.projects[p]) for p in paths)])
    return found


def _changed_side(
    tree: _Tree, wanted: list[tuple[str, str]], raws: dict[tuple[str, str], RawFile], checks: FileCache
) -> _Part | None:
    """A side's files that ``_wanted`` chose, checked: their problems (file rules and duplicate ids
    included), their valid projects; None when streams.yaml does not load or budgets need actuals."""
    from budgetctl.loading.adjustments import load_adjustments
    from budgetctl.loading.build import build
    from budgetctl.loading.discover import LedgerFiles
    from budgetctl.model.figures import needs_actuals
    from budgetctl.model.kinds import project_id
    from budgetctl.rules import duplicate_project_id as r004
    from budgetctl.rules import of_scope

    streams = raws[tree.streams]
    same_ids = [raws[file] for file in wanted[1 + len(tree.adjustments) :]]
    loaded = build(streams, same_ids, [], cache=checks)
    ledger = loaded.ledger
    if ledger is None or needs_actuals(ledger):
        return None
    problems = list(loaded.problems)
    adjusted = [raws[file] for file in tree.adjustments]
    incomplete = False
    if adjusted:
        found = load_adjustments(adjusted, checks)
        ledger.adjustments = found.entries
        problems += found.problems
        incomplete = found.incomplete
    # The per-file rules over these projects, in the order they run (only their modules are
    # imported); the rules that read no project find the same on both sides.
    for rule in of_scope("file"):
        problems.extend(_finding(rule, message, place) for message, place in rule.check(ledger))
    entries = {entry.source.path: entry for entry in ledger.projects}
    paths = [raw.path for raw in same_ids]
    for message, place in r004.duplicates((project_id(p), p) for p in paths if p in entries):
        problems.append(_finding(r004.RULE, message, place))
    files = LedgerFiles(None, streams, same_ids)
    if adjusted:
        files.in_year["adjustment"] = adjusted
    file_count = 1 + len(tree.projects) + len(adjusted)
    return _Part(Checked(ledger, problems, file_count, incomplete, files=files), entries, ledger, set(paths))


def _finish_sides(
    summary: Any, changed: set[str], base: _Part, head: _Part
) -> list[tuple[Checked, dict[str, dict[str, tuple[int, Decimal]]]]]:
    """Each side's over-allocation of the streams the changed files touch, whether a project file is
    left out of its totals, and its totals: the base's summary, and that plus the changed files'."""
    from budgetctl.loading import diffbase
    from budgetctl.model.kinds import project_id
    from budgetctl.model.money import total
    from budgetctl.rules import over_allocated_stream as a001

    was = {p: e for p, e in base.entries.items() if p in changed}
    now = {p: e for p, e in head.entries.items() if p in changed}
    touched = sorted({e.project.stream for e in (*was.values(), *now.values())})

    # A stream's rows (the base's, decoded from its summary, and the head's made from them) are
    # read only for a stream over its budget in some year: A001 names its largest projects. Every
    # other stream has no finding, which its totals say without a row (they are the rows' sums).
    def old_rows(stream: str) -> diffbase.Rows:
        return summary.stream_rows(stream)

    def new_rows(stream: str) -> diffbase.Rows:
        rows = [row for row in summary.stream_rows(stream) if row[0] not in changed]
        rows += [(p, dict(e.project.allocations)) for p, e in now.items() if e.project.stream == stream]
        return sorted(rows, key=lambda row: row[0])

    old_invalid = set(summary.invalid)
    new_invalid = (old_invalid - changed) | {p for p in changed if p in head.paths and p not in head.entries}
    totals = {s: dict(years) for s, years in summary.totals.items()}
    for entries, sign in ((was, -1), (now, 1)):
        for entry in entries.values():
            years = totals.setdefault(entry.project.stream, {})
            for year, amount in entry.project.allocations.items():
                count, allocated = years.get(year, (0, total(())))
                years[year] = (count + sign, total((allocated, amount if sign > 0 else -amount)))
                if years[year][0] == 0:
                    del years[year]
    found = []
    for part, rows_of, invalid, side_totals in (
        (base, old_rows, old_invalid, summary.totals),
        (head, new_rows, new_invalid, totals),
    ):
        problems = part.checked.problems
        for stream in touched:
            sums = {year: money for year, (_, money) in side_totals.get(stream, {}).items()}
            if stream not in part.ledger.streams or not a001.over_budget(part.ledger, stream, sums):
                continue
            rows = rows_of(stream)
            allocations = lambda y, rows=rows: [(project_id(p), a[y]) for p, a in rows if y in a]  # noqa: E731
            findings = a001.stream_findings(part.ledger, stream, allocations)
            problems.extend(_finding(a001.RULE, message, place) for message, place in findings)
        problems.sort(key=Diagnostic.sort_key)
        part.checked.incomplete = part.checked.incomplete or bool(invalid)
        found.append((part.checked, {s: y for s, y in side_totals.items() if s in part.ledger.streams}))
    return found


def _keep_summary(cache: FileCache, key: str, listed: _Tree, before: Side) -> None:
    """Keep the summary of a base side checked whole, for the next comparison from it."""
    from budgetctl.loading import diffbase

    if before.checked is None or before.checked.ledger is None or before.files is None or before.files.problems:
        return  # a file discovery refused (too large) is in no summary: such a base is always checked whole
    rows: dict[str, diffbase.Rows] = {}
    valid = set()
    for entry in before.checked.ledger.projects:
        rows.setdefault(entry.project.stream, []).append((entry.source.path, dict(entry.project.allocations)))
        valid.add(entry.source.path)
    invalid = [raw.path for raw in before.files.projects if raw.path not in valid]
    diffbase.write_summary(cache, key, (listed.streams, listed.adjustments, _whole(listed)), invalid, rows)
