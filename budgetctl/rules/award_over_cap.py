"""A project's allocation in a year exceeds its stream's per-award cap.

A stream's `eligibility: max_award:` caps what one project may receive in a
financial year, for example £5,000 per Helping Communities Fund award.

    eligibility:
      max_award: 5000
    # a project allocating 2023/24: 6000 on this stream gets E005
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.model.money import format_pounds
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    for entry in ledger.projects:
        stream = ledger.streams.get(entry.project.stream)
        if stream is None or stream.eligibility is None or stream.eligibility.max_award is None:
            continue
        cap = stream.eligibility.max_award
        for year, amount in entry.project.allocations.items():
            if amount > cap:
                yield (
                    f"£{format_pounds(amount)} in {year} is £{format_pounds(amount - cap)} over the cap of "
                    f"£{format_pounds(cap)} per award on stream {entry.project.stream!r}",
                    entry.at("allocations", year),
                )


RULE = Rule("E005", "award-over-cap", Severity.ERROR, check, __doc__, scope="file")
