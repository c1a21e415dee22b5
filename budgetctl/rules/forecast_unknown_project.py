"""A forecast lists a project that no project file defines.

A misspelt id would leave the real project at its allocation in every total.
Fix the id (the message suggests the closest), or add the project.

    projects:
      isva-servce:        # M007: did you mean 'isva-service'?
        outturn: 236000
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.model.records import did_you_mean
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    known = ledger.projects_by_id
    for file in ledger.forecasts:
        for project_id in file.forecast.projects:
            if project_id not in known:
                yield (
                    f"no project {project_id!r}{did_you_mean(project_id, sorted(known))}; write an existing project id",
                    file.at("projects", project_id, key=True),
                )


RULE = Rule("M007", "forecast-unknown-project", Severity.ERROR, check, __doc__, affects_totals=True, scope="in-year")
