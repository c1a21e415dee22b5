"""An adjustment is approved before the date it was proposed.

`approval.date` may not be before `date`: a decision cannot precede the
proposal it decides. Correct one of the two dates.

    date: 2023-11-02
    approval:
      date: 2023-10-30     # D008
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    for entry in ledger.adjustments:
        record = entry.record
        if record.approval.date < record.date:
            yield (
                f"approved on {record.approval.date.isoformat()}, before it was proposed on "
                f"{record.date.isoformat()}; correct `approval.date` or `date`",
                entry.at("approval", "date"),
            )


RULE = Rule("D008", "approval-before-proposal", Severity.ERROR, check, __doc__, scope="streams")
