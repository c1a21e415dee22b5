"""The read-only pipeline: files -> loader -> models -> rules, problems sorted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from budgetctl.diagnostics import Diagnostic

if TYPE_CHECKING:  # the models are imported only when a file must be checked
    from budgetctl.loading.cache import FileCache
    from budgetctl.loading.discover import LedgerFiles
    from budgetctl.model.ledger import Ledger, ProjectEntry


@dataclass
class Checked:
    """The ledger (None when streams.yaml is unusable, or when it was not needed and
    the problems came from the cache's last whole check) and every problem."""

    ledger: Ledger | None
    problems: list[Diagnostic]
    file_count: int
    incomplete: bool

    @property
    def errors(self) -> list[Diagnostic]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [p for p in self.problems if not p.is_error]

    def totals_broken(self) -> list[Diagnostic]:
        """Errors that make totals wrong: a file or project that could not be counted."""
        from budgetctl.loading.codes import CODES
        from budgetctl.rules import RULES

        # From the registries directly: building the catalogue's help texts is not needed here.
        breaking = {c.code for c in CODES.values() if c.affects_totals} | {r.code for r in RULES if r.affects_totals}
        return [p for p in self.errors if p.code in breaking]


def check_files(
    files: LedgerFiles,
    *,
    cache: FileCache | None = None,
    progress: Callable[[int], None] | None = None,
    ledger_needed: bool = True,
    remember: bool = True,
    in_year: bool = True,
) -> Checked:
    """Run every stage over the files and return the ledger and all problems.

    ``cache`` (see ``budgetctl.loading.cache``) skips loading files checked before;
    when no file has changed since the last whole check, its problems stand (no rule
    runs again), and with ``ledger_needed=False`` they are all that is returned (then
    ``ledger`` is None). ``progress`` is told how many files each step finished.
    ``remember=False`` keeps this check out of the cache (a ledger at a git revision
    is not the one on disk whose last check ``validate`` looks for). ``in_year=False``
    leaves the actuals and forecasts unread (a report of the plan needs neither): the
    check is then partial, so it is neither saved as nor served by the ledger's last
    whole check.
    """
    from budgetctl.loading.cache import ledger_key

    key = ledger_key(files) if cache is not None else ""
    last = cache.last_check(key) if cache is not None else None
    if last is not None and not ledger_needed:
        return Checked(None, *last)

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
            attach_in_year(loaded.ledger, files.in_year)  # the year's files, for reports; their problems are in last
        return Checked(loaded.ledger, *last)
    problems = list(loaded.problems)
    incomplete = loaded.incomplete
    in_year_problems, in_year_count = attach_in_year(loaded.ledger, files.in_year) if in_year else ([], 0)
    problems += in_year_problems
    if adjusted is not None:
        problems.extend(adjusted.problems)
        in_year_count += len(raws)
        incomplete = incomplete or adjusted.incomplete
    if loaded.ledger is not None:
        problems.extend(run_rules(loaded.ledger))
    problems.sort(key=Diagnostic.sort_key)
    file_count = loaded.file_count + in_year_count
    if cache is not None and remember and whole:
        figures = None if loaded.ledger is None else stream_figures(loaded.ledger)
        cache.save_check(key, problems, file_count, incomplete, figures)
    return Checked(loaded.ledger, problems, file_count, incomplete)


def has_in_year(files: LedgerFiles) -> bool:
    """Whether the ledger has actuals or forecasts (a check without them is not a whole check)."""
    return bool(files.in_year.get("actuals") or files.in_year.get("forecast"))


@dataclass
class OneProject:
    """One project checked on its own, with its stream's figures and its problems taken from
    the last whole check of exactly the same ledger content."""

    ledger: Ledger  # streams.yaml and this project only
    entry: ProjectEntry
    figures: dict[str, dict[str, tuple[int, Decimal]]]  # see stream_figures
    problems: list[Diagnostic]  # the whole check's problems in streams.yaml and in this project's file


def one_project(files: LedgerFiles, wanted: str, cache: FileCache) -> OneProject | None:
    """The project whose file is named ``wanted``, reading only streams.yaml and that file, when
    the cache holds the last whole check of this ledger (keyed by every file's content); None
    otherwise, or when no single valid project has that id (the caller then checks everything)."""
    from budgetctl.loading.build import build
    from budgetctl.loading.cache import ledger_key
    from budgetctl.model.kinds import project_id

    key = ledger_key(files)
    last = cache.last_check(key)
    figures = cache.last_figures(key)
    matches = [raw for raw in files.projects if project_id(raw.path) == wanted]
    if last is None or figures is None or files.streams is None or len(matches) != 1:
        return None
    if files.in_year.get("adjustment"):
        return None  # the stream's revised budget needs the adjustments, which this path does not read
    # The two files' checks come from the cache too (never saved here: that would forget the others).
    loaded = build(files.streams, matches, [], cache=cache)
    if loaded.ledger is None or len(loaded.ledger.projects) != 1:
        return None
    from budgetctl.model.figures import needs_actuals

    if needs_actuals(loaded.ledger):
        return None  # an opening balance needs the actuals of the closed year, which this path does not read
    paths = {files.streams.path, matches[0].path}
    problems = [p for p in last[0] if p.file in paths]
    return OneProject(loaded.ledger, loaded.ledger.projects[0], figures, problems)


def streams_only(
    files: LedgerFiles, cache: FileCache
) -> tuple[Checked, dict[str, dict[str, tuple[int, Decimal]]]] | None:
    """The ledger's streams (no project loaded) with each stream's figures and every problem,
    from the last whole check of exactly this ledger content (keyed by every file's content);
    None when the cache does not hold it."""
    from budgetctl.loading.build import build
    from budgetctl.loading.cache import ledger_key

    if has_in_year(files):
        return None  # the whole check's problems include the year's files, which a report of the plan leaves out
    if files.in_year.get("adjustment"):
        return None  # revised budgets need the adjustments, which this path does not read
    key = ledger_key(files)
    last = cache.last_check(key)
    figures = cache.last_figures(key)
    if last is None or figures is None or files.streams is None:
        return None
    loaded = build(files.streams, [], [], cache=cache)  # never saved here: that would forget the others
    if loaded.ledger is None:
        return None
    return Checked(loaded.ledger, *last), figures


def stream_figures(ledger: Ledger) -> dict[str, dict[str, tuple[int, Decimal]]]:
    """Each stream's number of allocations and allocated money (``model.figures.allocated``) per
    year, kept with the whole check for commands that report streams without loading every project."""
    from budgetctl.model import figures

    years = sorted({y for entry in ledger.projects for y in entry.project.allocations})
    return {
        stream_id: {y: (len(ledger.allocated(stream_id, y)), figures.allocated(ledger, stream_id, y)) for y in years}
        for stream_id in ledger.streams
    }
