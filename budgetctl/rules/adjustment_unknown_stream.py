"""An adjustment names a stream that streams.yaml does not define.

Its change would count towards no budget at all. Use the id of a stream in
streams.yaml (the message suggests the closest one).

    # data/adjustments/2023-24/cs-to-ip.yaml
    from: {stream: community-safety}   # D001: did you mean 'community-safety-fund'?
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.model.records import did_you_mean
from budgetctl.rules._adjustments import named
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    for entry in ledger.adjustments:
        for side in named(entry):
            if side.stream not in ledger.streams:
                hint = did_you_mean(side.stream, list(ledger.streams))
                yield (
                    f"stream {side.stream!r} is not in streams.yaml{hint}; name an existing stream",
                    side.stream_at(entry),
                )


RULE = Rule("D001", "adjustment-unknown-stream", Severity.ERROR, check, __doc__, affects_totals=True, scope="streams")
