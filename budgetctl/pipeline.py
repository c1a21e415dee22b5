"""The read-only pipeline: files -> loader -> models -> rules, problems sorted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from budgetctl.diagnostics import Diagnostic

if TYPE_CHECKING:  # the models are imported only when a file must be checked
    from budgetctl.loading.cache import FileCache
    from budgetctl.loading.discover import LedgerFiles
    from budgetctl.model.ledger import Ledger


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
    in_year: bool = True,
) -> Checked:
    """Run every stage over the files and return the ledger and all problems.

    ``cache`` (see ``budgetctl.loading.cache``) skips loading files checked before, and
    with ``ledger_needed=False`` returns the problems of the last whole check
    when no file has changed since (then ``ledger`` is None). ``progress`` is
    told how many files each step finished. ``in_year=False`` leaves the actuals and
    forecasts unread (a report of the plan needs neither): the check is then partial,
    so it is not saved as the ledger's last whole check.
    """
    from budgetctl.loading.cache import ledger_key

    key = ledger_key(files) if cache is not None else ""
    if cache is not None and not ledger_needed:
        last = cache.last_check(key)
        if last is not None:
            return Checked(None, *last)

    from budgetctl.loading.build import build
    from budgetctl.loading.inyear_monitoring import attach_in_year
    from budgetctl.rules import run_rules

    loaded = build(files.streams, files.projects, files.problems, cache=cache, progress=progress)
    problems = list(loaded.problems)
    in_year_problems, in_year_count = attach_in_year(loaded.ledger, files.in_year) if in_year else ([], 0)
    problems += in_year_problems
    if loaded.ledger is not None:
        problems.extend(run_rules(loaded.ledger))
    problems.sort(key=Diagnostic.sort_key)
    file_count = loaded.file_count + in_year_count
    whole = in_year or not (files.in_year.get("actuals") or files.in_year.get("forecast"))
    if cache is not None and whole:
        cache.save_check(key, problems, file_count, loaded.incomplete)
    return Checked(loaded.ledger, problems, file_count, loaded.incomplete)
