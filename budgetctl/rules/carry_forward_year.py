"""A carry-forward's `from_year` is not the year before the year it changes.

Money is carried from one year into the next: a file in
`adjustments/2024-25/` carries from 2023/24. Correct `from_year`, or move the
file to the folder of the year after `from_year`.

    # data/adjustments/2024-25/walsall.yaml
    type: carry-forward
    from_year: 2022/23     # D006: write 2023/24
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.model.periods import previous_year
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    for entry in ledger.adjustments:
        record = entry.record
        if record.type == "carry-forward" and record.from_year is not None:
            expected = previous_year(entry.year)
            if record.from_year != expected:
                yield (
                    f"a carry-forward into {entry.year} carries from {expected}, not {record.from_year}; "
                    f"write `from_year: {expected}` or move the file to the folder of the year after "
                    f"{record.from_year}",
                    entry.at("from_year"),
                )


RULE = Rule("D006", "carry-forward-year", Severity.ERROR, check, __doc__, scope="streams")
