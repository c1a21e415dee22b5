"""Spend on a project that has no allocation in that year.

A payment against a project with no money in the year is usually coded to the
wrong project or year; otherwise the project needs an allocation for the year.
Reported at the first such row's project cell.

    allocations: {2022/23: 50000}
    2023-05-02,old-pilot,payment,1500.00,AP-77,...   # M004: no 2023/24 allocation
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.model.money import format_pounds, total
from budgetctl.rules._actuals import cell
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    projects = ledger.projects_by_id
    for project_id, year in ledger.actual_totals:  # from the columns: no row is grouped unless found
        entry = projects.get(project_id)
        if entry is None or year in entry.project.allocations:
            continue
        rows = ledger.actuals_by_project[project_id, year]
        path, row = rows[0]
        yield (
            f"{project_id!r} has no allocation in {year} but {len(rows)} actuals row(s) totalling "
            f"£{format_pounds(total(r.signed for _, r in rows))}; add an allocation for {year} "
            "or code the spend to the right project",
            cell(path, row, "project"),
        )


RULE = Rule("M004", "actual-without-allocation", Severity.WARNING, check, __doc__, scope="in-year")
