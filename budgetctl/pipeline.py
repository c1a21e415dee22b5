"""The read-only pipeline: files -> loader -> models -> rules, problems sorted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from budgetctl.codes import CODES
from budgetctl.diagnostics import Diagnostic
from budgetctl.discovery import LedgerFiles
from budgetctl.ledger import Ledger, build
from budgetctl.rules import RULES, run_rules

if TYPE_CHECKING:
    from budgetctl.cache import FileCache


@dataclass
class Checked:
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
        # From the registries directly: building the catalogue's help texts is not needed here.
        breaking = {c.code for c in CODES.values() if c.affects_totals} | {r.code for r in RULES if r.affects_totals}
        return [p for p in self.errors if p.code in breaking]


def check_files(
    files: LedgerFiles, *, cache: FileCache | None = None, progress: Callable[[int], None] | None = None
) -> Checked:
    """Run every stage over the files and return the ledger and all problems.

    ``cache`` (see ``budgetctl.cache``) skips loading files checked before; the
    rules always run. ``progress`` is told how many files each step finished.
    """
    loaded = build(files.streams, files.projects, files.problems, cache=cache, progress=progress)
    problems = list(loaded.problems)
    if loaded.ledger is not None:
        problems.extend(run_rules(loaded.ledger))
    problems.sort(key=Diagnostic.sort_key)
    return Checked(loaded.ledger, problems, loaded.file_count, loaded.incomplete)
