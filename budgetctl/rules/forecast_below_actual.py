"""A project's forecast outturn is below what it had already spent at the forecast's date.

The outturn is the spend for the whole year, so it cannot be less than the
actual at `as_at` (the rows dated on or before it). Raise the forecast, or
correct the actuals if a payment was coded to the wrong project.

    as_at: 2023-09-30
    projects:
      isva-service:
        outturn: 500000   # M009 when 620,000.00 was paid by 30 September
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.figures import project_actual
from budgetctl.model.ledger import Ledger
from budgetctl.model.money import format_pounds
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    for file in ledger.forecasts:
        for project_id, listed in file.forecast.projects.items():
            spent = project_actual(ledger, project_id, file.year, file.forecast.as_at)
            if listed.outturn < spent:
                yield (
                    f"the forecast outturn £{format_pounds(listed.outturn)} for {project_id!r} is below its actual "
                    f"£{format_pounds(spent)} at {file.forecast.as_at.isoformat()}; the outturn is the whole "
                    "year's spend: raise it, or correct the actuals",
                    file.at("projects", project_id, "outturn"),
                )


RULE = Rule("M009", "forecast-below-actual", Severity.ERROR, check, __doc__, affects_totals=True, scope="in-year")
