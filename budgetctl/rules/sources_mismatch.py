"""A stream's sources do not sum exactly to its revised budget in a year.

When a stream lists `sources:` (where its money comes from, such as a grant
and partner contributions), they must add up to the stream's budget in every
year of either, to the penny. Adjustments keep this true: each one on such a
stream names the `source` it changes, so revised sources sum to the revised
budget when the approved ones sum to the approved budget.

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
from budgetctl.model import figures
from budgetctl.model.ledger import Ledger
from budgetctl.model.money import format_pounds, total
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
            # Adjustments naming one of the stream's sources change both sides alike; one naming
            # none of them is D004's to report, not a mismatch here.
            sourced = [
                amount
                for entry in (figures.year_adjustments(ledger, year) if ledger.adjustments else ())
                for named, source, amount in figures.effects(entry.record)
                if named == stream_id and source in stream.sources
            ]
            budget = total((figures.approved_budget(ledger, stream_id, year), *sourced))
            sources = total((*by_year[year], *sourced))
            if sources != budget:
                where = (
                    ledger.stream_at(stream_id, "budget", year)
                    if year in stream.budget
                    else ledger.stream_at(stream_id, "sources")
                )
                label = "revised budget" if sourced else "budget"
                yield (
                    f"stream {stream_id!r}: sources sum to £{format_pounds(sources)} in {year} but the {label} "
                    f"is £{format_pounds(budget)} ({_gap(sources - budget)}); make them equal",
                    where,
                )


def _gap(difference: Decimal) -> str:
    return f"£{format_pounds(-difference)} short" if difference < 0 else f"£{format_pounds(difference)} over"


RULE = Rule("A002", "sources-mismatch", Severity.ERROR, check, __doc__, scope="streams")
