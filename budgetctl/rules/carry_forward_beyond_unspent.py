"""A carry-forward takes more than was left unspent in a closed year.

Once `years:` in streams.yaml gives a year `closed` (its outturn is final),
the carry-forwards out of that year for a stream may take at most what the
stream left unspent: its revised budget minus its actual spend that year.
Reduce the carry-forward to the unspent amount.

    # 2023/24 closed; community-safety-fund: revised 3,834,765.00, actual 3,824,765.00
    type: carry-forward
    stream: community-safety-fund
    from_year: 2023/24
    amount: 40000              # D019: only 10,000.00 was left unspent
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model import figures
from budgetctl.model.ledger import Ledger
from budgetctl.model.money import ZERO, format_pounds
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    reported: set[tuple[str, str]] = set()
    for entry in figures.in_order(ledger.adjustments):
        record = entry.record
        if record.type != "carry-forward" or record.stream not in ledger.streams or record.from_year is None:
            continue
        key = (record.stream, record.from_year)
        if key in reported or not figures.is_closed(ledger, record.from_year):
            continue
        spent = figures.actual(ledger, record.stream, record.from_year)
        beyond = figures.carried_beyond_unspent(ledger, record.stream, record.from_year, spent)
        if beyond:
            reported.add(key)
            unspent = figures.revised_budget(ledger, record.stream, record.from_year) - spent
            yield (
                f"{record.from_year} is closed: stream {record.stream!r} left £{format_pounds(max(unspent, ZERO))} "
                f"unspent (revised budget less actual spend) but its carry-forwards from it take "
                f"£{format_pounds(figures.carried_forward(ledger, record.stream, record.from_year))}, "
                f"£{format_pounds(beyond)} too much; reduce the carry-forward",
                entry.at("amount"),
            )


RULE = Rule("D019", "carry-forward-beyond-unspent", Severity.ERROR, check, __doc__, scope="in-year")
