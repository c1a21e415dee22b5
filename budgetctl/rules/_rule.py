"""The shape of a rule."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from budgetctl.diagnostics import Severity
from budgetctl.loading.codes import Code
from budgetctl.model.ledger import Ledger, Place

Finding = tuple[str, Place]
Check = Callable[[Ledger], Iterator[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    check: Check
    doc: str
    affects_totals: bool = False

    def as_code(self) -> Code:
        import inspect  # only `rules` and `explain` read the help texts

        summary, _, explanation = inspect.cleandoc(self.doc).partition("\n")
        return Code(self.code, self.name, self.severity, summary.strip(), explanation.strip(), self.affects_totals)
