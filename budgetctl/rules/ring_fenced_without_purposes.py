"""A ring-fenced stream lists no `purposes`.

`ring_fenced: true` means the money may be spent only on the grant's purposes,
and projects are checked against the stream's `purposes:` (E001, E002). Without
that list the flag checks nothing: add the purposes the grant allows.

    victims-services:
      ring_fenced: true      # E007 without purposes:
      purposes:
        referral-service: Referral service for victims of crime
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
                f"stream {stream_id!r} is ring-fenced but lists no purposes, so nothing is checked; "
                "add `purposes:` with the purposes the grant allows (id: description)",
                ledger.stream_at(stream_id, "ring_fenced"),
            )


RULE = Rule("E007", "ring-fenced-without-purposes", Severity.WARNING, check, __doc__, scope="streams")
