"""A project's actual spend in a year is above its allocation for that year.

Money paid beyond an allocation was not approved: raise the allocation (an
adjustment where the stream's budget must change) or recover the overpayment.
A warning, because the payment happened and must stay on record. Reported at
the row at which the year's running total went over the allocation.

    allocations: {2023/24: 100000}
    2024-02-28,youth-diversion,payment,12000.00,AP-9,...   # M003: actual 104,000.00
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.model.money import format_pounds
from budgetctl.rules._actuals import cell, crossing
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    projects = ledger.projects_by_id
    # Totals come from the files' columns; the rows are grouped only for a project found over.
    for (project_id, year), spent in ledger.actual_totals.items():
        entry = projects.get(project_id)
        allocation = entry.project.allocations.get(year) if entry is not None else None
        if allocation is None:
            continue  # M001 or M004
        if spent > allocation:
            path, row = crossing(ledger.actuals_by_project[project_id, year], True, allocation)
            yield (
                f"actual spend on {project_id!r} in {year} is £{format_pounds(spent)}, above its allocation of "
                f"£{format_pounds(allocation)} by £{format_pounds(spent - allocation)}; raise the allocation "
                "or recover the overpayment",
                cell(path, row, "amount"),
            )


RULE = Rule("M003", "actual-above-allocation", Severity.WARNING, check, __doc__, scope="in-year")
