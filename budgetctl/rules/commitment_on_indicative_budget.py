"""A signed agreement commits money against a stream's budget that is still indicative.

`budget_status: {2024/25: indicative}` on a stream says the grantor has not yet
confirmed that year's money. Committing it in a signed agreement is a risk the
board should see: confirm the budget (remove `indicative`) or make the agreement
conditional on the grant.

    budget_status:
      2024/25: indicative
    ...
    committed:
      2024/25: 420000        # A005 (warning) on a project of that stream
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.figures import is_indicative
from budgetctl.model.ledger import Ledger
from budgetctl.model.money import format_pounds
from budgetctl.model.periods import year_sort_key
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    for entry in ledger.projects:
        agreement = entry.project.agreement
        stream = entry.project.stream
        if agreement is None or stream not in ledger.streams:
            continue
        for year in sorted(agreement.committed, key=year_sort_key):
            if agreement.committed[year] and is_indicative(ledger, stream, year):
                yield (
                    f"agreement {agreement.ref!r} commits £{format_pounds(agreement.committed[year])} in {year}, "
                    f"when stream {stream!r}'s {year} budget is indicative (not yet confirmed by the grantor); "
                    "confirm the budget or make the agreement conditional on it",
                    entry.at("agreement", "committed", year),
                )


RULE = Rule("A005", "commitment-on-indicative-budget", Severity.WARNING, check, __doc__, scope="file")
