"""A virement moves money out of a ring-fenced stream.

Ring-fenced grant money may be spent only on the purposes it was granted for,
so it can never be moved to another stream. Return unspent ring-fenced money
to the grantor, or ask the grantor for a grant variation instead.

    type: virement
    from: {stream: victims-services}   # D003: victims-services is ring_fenced
    to: {stream: community-safety-fund}
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    for entry in ledger.adjustments:
        record = entry.record
        if record.type != "virement" or record.from_ is None:
            continue
        stream = ledger.streams.get(record.from_.stream)
        if stream is not None and stream.ring_fenced:
            yield (
                f"stream {record.from_.stream!r} is ring-fenced: its money cannot be moved to other purposes; "
                "remove this virement (a change to a ring-fenced grant is a grant-variation agreed with the grantor)",
                entry.at("from", "stream"),
            )


RULE = Rule("D003", "virement-from-ring-fenced", Severity.ERROR, check, __doc__, scope="streams")
