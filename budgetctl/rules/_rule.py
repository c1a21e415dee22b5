"""The shape of a rule."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from budgetctl.diagnostics import Severity
from budgetctl.loading.codes import Code
from budgetctl.model.ledger import Ledger, Place
from budgetctl.plainclass import dataclass

Finding = tuple[str, Place]
Check = Callable[[Ledger], Iterator[Finding]]


@dataclass(frozen=True)
class Rule:
    """A check of the ledger: its code, name, severity, function and documentation."""

    code: str
    name: str
    severity: Severity
    check: Check
    doc: str
    affects_totals: bool = False
    # What one finding depends on, for a check of a few changed files (``pipeline.check_changes``):
    # "file": a finding in a project file depends on that file, streams.yaml and the adjustments
    # only, and a finding elsewhere on no project file; "streams": it reads no project file;
    # "in-year": it reads projects only through actuals or forecasts; "ledger" (a rule that does
    # not say): it may read across project files, and that check handles it by name or is not used.
    scope: str = "ledger"

    def as_code(self) -> Code:
        import inspect  # only `rules` and `explain` read the help texts

        summary, _, explanation = inspect.cleandoc(self.doc).partition("\n")
        return Code(self.code, self.name, self.severity, summary.strip(), explanation.strip(), self.affects_totals)
