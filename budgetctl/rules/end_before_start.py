"""A project's `end_date` is before its `start_date`.

Planned dates are published (360Giving's plannedDates) and read by people
planning the year; an end before the start is always a typing slip.

    start_date: 2023-04-01
    end_date: 2023-03-31     # G003
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    for entry in ledger.projects:
        start, end = entry.project.start_date, entry.project.end_date
        if start is not None and end is not None and end < start:
            yield (
                f"end_date {end} is before start_date {start}; correct one of the two dates",
                entry.at("end_date"),
            )


RULE = Rule("G003", "end-before-start", Severity.ERROR, check, __doc__, scope="file")
