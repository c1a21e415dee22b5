"""A virement moves money from a stream (and source) to the same stream (and source).

It would change nothing and still count towards the delegation totals.
Correct `from:` or `to:`, or delete the file.

    from: {stream: community-safety-fund}
    to: {stream: community-safety-fund}     # D012
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    for entry in ledger.adjustments:
        record = entry.record
        if record.type == "virement" and record.from_ is not None and record.from_ == record.to:
            yield (
                f"a virement from {record.from_.stream!r} to itself changes nothing; correct `from:` or `to:`",
                entry.at("to"),
            )


RULE = Rule("D012", "virement-to-itself", Severity.ERROR, check, __doc__, scope="streams")
