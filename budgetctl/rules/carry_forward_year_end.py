"""A carry-forward that the stream's `year_end` does not allow, or that lacks the consent it needs.

`year_end` on a stream says what happens to money unspent at the end of a year:
`return` (it goes back to the grantor: no carry-forward), `carry-with-consent`
(a carry-forward must cite the grantor's consent in `consent:`),
`carry-with-approval` (under the delegation tiers) or `balance` (the fund keeps
it). Remove the carry-forward, or add the consent.

    # the stream has year_end: carry-with-consent
    type: carry-forward
    stream: victims-services
    from_year: 2023/24
    consent: MoJ letter of 12 May 2024     # D016 without it
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    for entry in ledger.adjustments:
        record = entry.record
        stream = ledger.streams.get(record.stream or "")
        if record.type != "carry-forward" or stream is None:
            continue
        if stream.year_end == "return":
            yield (
                f"stream {record.stream!r} returns unspent money to the grantor (year_end: return): it cannot be "
                "carried forward; remove this carry-forward or change the stream's year_end",
                entry.at("stream"),
            )
        elif stream.year_end == "carry-with-consent" and record.consent is None:
            yield (
                f"stream {record.stream!r} carries unspent money only with the grantor's consent "
                "(year_end: carry-with-consent): add `consent:` citing it",
                entry.at(),
            )


RULE = Rule("D016", "carry-forward-year-end", Severity.ERROR, check, __doc__, scope="streams")
