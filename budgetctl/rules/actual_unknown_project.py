"""An actuals row names a project that no project file defines.

Every row of `actuals/YYYY-YY/*.csv` is spend on an existing project (its file
name under projects/); otherwise the money would be counted in no stream's
actual. Fix the id in the row (the message suggests the closest), or add the
project. Reported at the row's project cell.

    2023-04-28,isva-servce,payment,20833.33,AP-104233,...   # M001: did you mean 'isva-service'?
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.model.records import did_you_mean
from budgetctl.rules._actuals import cell
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    known = ledger.projects_by_id
    for file in ledger.actuals:
        if known.keys() >= set(file.columns.projects):  # the columns name each of the file's ids once
            continue
        for row in file.rows:
            if row.project not in known:
                yield (
                    f"no project {row.project!r}{did_you_mean(row.project, sorted(known))}; "
                    "write an existing project id or add the project",
                    cell(file.path, row, "project"),
                )


RULE = Rule("M001", "actual-unknown-project", Severity.ERROR, check, __doc__, affects_totals=True, scope="in-year")
