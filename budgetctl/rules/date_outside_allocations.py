"""A project's start or end date falls in a financial year it allocates nothing in.

A project running from `start_date` to `end_date` is paid from its allocations;
a date in a year with no allocation usually means a missing year under
`allocations:` or a wrong date. A warning: a later year may not be budgeted yet.

    start_date: 2023-04-01
    end_date: 2025-03-31     # G004: 2024/25 has no allocation
    allocations:
      2023/24: 25000
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.model.periods import year_of_date, year_sort_key
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    for entry in ledger.projects:
        project = entry.project
        if not project.allocations:
            continue
        for field in ("start_date", "end_date"):
            day = getattr(project, field)
            if day is None or year_of_date(day) in project.allocations:
                continue
            year = year_of_date(day)
            years = sorted(project.allocations, key=year_sort_key)  # only for the message
            yield (
                f"{field} {day} is in {year}, but the project allocates only in {', '.join(years)}; "
                f"add {year} under allocations or correct the date",
                entry.at(field),
            )


RULE = Rule("G004", "date-outside-allocations", Severity.WARNING, check, __doc__, scope="file")
