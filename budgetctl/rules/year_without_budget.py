"""A project allocates money in a year for which its stream has no budget.

Add a budget for that year to the stream in streams.yaml, or move the
allocation to a year the stream is funded in.

    allocations:
      2025/26: 10000     # R003 when the stream's budget has no 2025/26
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.model.periods import year_sort_key
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    for entry in ledger.projects:
        stream = ledger.streams.get(entry.project.stream)
        if stream is None:
            continue  # R001 reports it
        for year in entry.project.allocations:
            if year not in stream.budget:
                funded = ", ".join(sorted(stream.budget, key=year_sort_key)) or "none"
                yield (
                    f"stream {entry.project.stream!r} has no budget for {year} (its years: {funded}); "
                    f"add one to streams.yaml or move the allocation",
                    entry.at("allocations", year, "[key]"),
                )


RULE = Rule("R003", "year-without-budget", Severity.ERROR, check, __doc__, scope="file")
