"""A ring-fenced stream declares no `purposes`.

Ring-fenced grant money may be spent only on the purposes it was granted for;
without `purposes:` nothing checks that its projects serve them. List the
grant's purposes (id: label) so each project must name one.

    victims-services:
      ring_fenced: true      # E007 without a `purposes:` mapping
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    for stream_id, stream in ledger.streams.items():
        if stream.ring_fenced and not stream.purposes:
            yield (
                f"stream {stream_id!r} is ring-fenced but lists no `purposes:`; add the purposes the grant "
                "may be spent on",
                ledger.stream_at(stream_id, "ring_fenced"),
            )


RULE = Rule("E007", "ring-fenced-without-purposes", Severity.WARNING, check, __doc__)
