"""A stream's sources do not sum exactly to its budget in a year.

When a stream lists `sources:` (where its money comes from, such as a grant
and partner contributions), they must add up to the stream's budget in every
year of either, to the penny.

    budget:
      2023/24: 4485221
    sources:
      home-office-grant: {2023/24: 4388080}
      partner-contributions: {2023/24: 97000}   # A002: 141.00 short
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.model.money import ZERO, format_pounds, total
from budgetctl.model.periods import year_sort_key
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    for stream_id, stream in ledger.streams.items():
        if not stream.sources:
            continue
        # Each source's amounts once, by year (not every source in every year: an author
        # controls both counts).
        by_year: dict[str, list[Decimal]] = {year: [] for year in stream.budget}
        for amounts in stream.sources.values():
            for year, amount in amounts.items():
                by_year.setdefault(year, []).append(amount)
        for year in sorted(by_year, key=year_sort_key):
            budget = stream.budget.get(year, ZERO)
            sources = total(by_year[year])
            if sources != budget:
                where = (
                    ledger.stream_at(stream_id, "budget", year)
                    if year in stream.budget
                    else ledger.stream_at(stream_id, "sources")
                )
                yield (
                    f"stream {stream_id!r}: sources sum to £{format_pounds(sources)} in {year} but the budget "
                    f"is £{format_pounds(budget)} ({_gap(sources - budget)}); make them equal",
                    where,
                )


def _gap(difference: Decimal) -> str:
    return f"£{format_pounds(-difference)} short" if difference < 0 else f"£{format_pounds(difference)} over"


RULE = Rule("A002", "sources-mismatch", Severity.ERROR, check, __doc__)
