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
) -> Checked:
    """Run every stage over the files and return the ledger and all problems.

    ``cache`` (see ``budgetctl.loading.cache``) skips loading files checked before, and
    with ``ledger_needed=False`` returns the problems of the last whole check
    when no file has changed since (then ``ledger`` is None). ``progress`` is
    told how many files each step finished. ``remember=False`` keeps this whole
    check out of the cache (a ledger at a git revision is not the one on disk
    whose last check ``validate`` looks for).
    """
    from budgetctl.loading.cache import ledger_key

    key = ledger_key(files) if cache is not None else ""
    if cache is not None and not ledger_needed:
        last = cache.last_check(key)
        if last is not None:
            return Checked(None, *last)

    from budgetctl.loading.build import build
    from budgetctl.rules import run_rules

    loaded = build(files.streams, files.projects, files.problems, cache=cache, progress=progress)
    problems = list(loaded.problems)
    if loaded.ledger is not None:
        problems.extend(run_rules(loaded.ledger))
    problems.sort(key=Diagnostic.sort_key)
    if cache is not None and remember:
        allocated = None if loaded.ledger is None else allocated_by_stream(loaded.ledger)
        cache.save_check(key, problems, loaded.file_count, loaded.incomplete, allocated)
    return Checked(loaded.ledger, problems, loaded.file_count, loaded.incomplete)


@dataclass
class OneProject:
    """One project checked on its own, with its stream's figures and its problems taken from
    the last whole check of exactly the same ledger content."""

    ledger: Ledger  # streams.yaml and this project only
    entry: ProjectEntry
    allocated: dict[str, dict[str, Decimal]]
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
    allocated = cache.last_allocated(key)
    matches = [raw for raw in files.projects if project_id(raw.path) == wanted]
    if last is None or allocated is None or files.streams is None or len(matches) != 1:
        return None
    # The two files' checks come from the cache too (never saved here: that would forget the others).
    loaded = build(files.streams, matches, [], cache=cache)
    if loaded.ledger is None or len(loaded.ledger.projects) != 1:
        return None
    paths = {files.streams.path, matches[0].path}
    problems = [p for p in last[0] if p.file in paths]
    return OneProject(loaded.ledger, loaded.ledger.projects[0], allocated, problems)


def allocated_by_stream(ledger: Ledger) -> dict[str, dict[str, Decimal]]:
    """Each stream's allocated money per year (``model.figures.allocated``), for commands that
    show one stream's figures without loading every project."""
    from budgetctl.model import figures

    years = sorted({y for entry in ledger.projects for y in entry.project.allocations})
    return {stream_id: {y: figures.allocated(ledger, stream_id, y) for y in years} for stream_id in ledger.streams}
