"""A project's signed agreement commits more money in a year than the project is allocated.

`agreement.committed` is what a signed agreement already promises the provider
each year; the project's allocation for that year must cover it. Raise the
allocation (within the stream's budget) or correct the committed amount.

    allocations:
      2024/25: 400000
    agreement:
      ref: AGR-2023-021
      committed:
        2024/25: 420000      # A004: 20,000.00 above the allocation
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.model.money import ZERO, format_pounds
from budgetctl.model.periods import year_sort_key
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    for entry in ledger.projects:
        agreement = entry.project.agreement
        if agreement is None:
            continue
        for year in sorted(agreement.committed, key=year_sort_key):
            committed = agreement.committed[year]
            allocated = entry.project.allocations.get(year, ZERO)
            if committed > allocated:
                shown = f"£{format_pounds(allocated)}" if year in entry.project.allocations else "no allocation"
                yield (
                    f"agreement {agreement.ref!r} commits £{format_pounds(committed)} in {year} but the project has "
                    f"{shown} that year (£{format_pounds(committed - allocated)} short); raise the allocation or "
                    "correct the committed amount",
                    entry.at("agreement", "committed", year),
                )


RULE = Rule("A004", "committed-above-allocation", Severity.ERROR, check, __doc__, scope="file")
