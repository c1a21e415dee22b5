"""A project's actual spend in a year is below zero.

Credits and accrual reversals reduce spend; more of them than payments and
accruals in a year usually means a credit coded to the wrong project or year,
or an accrual reversed twice. Reported at the row at which the year's running
total went below zero.

    2023-07-03,isva-service,credit,1250.00,AR-2211,...   # M005 with no payment before it
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.model.money import format_pounds
from budgetctl.rules._actuals import cell, crossing
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    # Totals come from the files' columns; the rows are grouped only for a project found below.
    for (project_id, year), spent in ledger.actual_totals.items():
        if spent < 0:
            path, row = crossing(ledger.actuals_by_project[project_id, year], False)
            yield (
                f"actual spend on {project_id!r} in {year} is -£{format_pounds(-spent)}, below zero; "
                "check that the credits and reversals belong to this project and year",
                cell(path, row, "amount"),
            )


RULE = Rule("M005", "actual-below-zero", Severity.WARNING, check, __doc__, scope="in-year")
