"""A carry-forward on a stream whose unspent money is a balance.

A stream with `year_end: balance` (a fund that keeps its money, such as
Proceeds of Crime money) carries what it leaves unspent by itself: once the
year is closed, that money opens the next year as the stream's opening
balance. A carry-forward record would count the same money twice. Remove the
carry-forward (the opening balance is shown by `budgetctl adjustments`), or
change the stream's `year_end`.

    # the stream has year_end: balance
    type: carry-forward
    stream: helping-communities-fund      # D020
    from_year: 2023/24
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
        if record.type == "carry-forward" and stream is not None and stream.year_end == "balance":
            yield (
                f"stream {record.stream!r} keeps its unspent money (year_end: balance): what it leaves unspent in "
                f"{record.from_year} opens {entry.year} as its opening balance once {record.from_year} is closed, "
                "so this carry-forward would count it twice; remove it",
                entry.at("stream"),
            )


RULE = Rule("D020", "carry-forward-on-balance", Severity.ERROR, check, __doc__, affects_totals=True, scope="streams")
