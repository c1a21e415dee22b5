"""A forecast differs from the project's allocation by more than the amber threshold, without a reason.

The monitoring report explains every material variance: a forecast more than
the amber percentage (`monitoring.rag.amber` in streams.yaml, default 2) of
the allocation away from it needs a `reason:` a board member can read.

    isva-service:
      outturn: 1290000    # M008 when the allocation is 1,150,000 and there is no reason
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.figures import rag_thresholds
from budgetctl.model.ledger import Ledger
from budgetctl.model.money import ZERO, format_pounds
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    amber, _ = rag_thresholds(ledger)
    projects = ledger.projects_by_id
    for file in ledger.forecasts:
        for project_id, listed in file.forecast.projects.items():
            entry = projects.get(project_id)
            if entry is None or listed.reason is not None:
                continue
            allocation = entry.project.allocations.get(file.year, ZERO)
            difference = listed.outturn - allocation
            if abs(difference) * 100 > amber * allocation:
                yield (
                    f"the forecast for {project_id!r} differs from its {file.year} allocation of "
                    f"£{format_pounds(allocation)} by £{format_pounds(abs(difference))}, more than {amber}%; "
                    "add a reason: (and a class: slippage, underspend, overspend or reprofile)",
                    file.at("projects", project_id, "outturn"),
                )


RULE = Rule("M008", "forecast-reason-missing", Severity.WARNING, check, __doc__, scope="in-year")
