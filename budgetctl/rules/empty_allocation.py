"""A project allocates nothing: no years, or only zero amounts.

Usually an unfinished file. Add the amounts or remove the project.

    allocations: {}      # A003
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    for entry in ledger.projects:
        if not any(entry.project.allocations.values()):
            yield (
                "the project allocates nothing; add amounts under allocations or remove the project",
                entry.at("allocations"),
            )


RULE = Rule("A003", "empty-allocation", Severity.WARNING, check, __doc__, scope="file")
