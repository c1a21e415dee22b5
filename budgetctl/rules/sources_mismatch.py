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
        years = set(stream.budget).union(*(set(by_year) for by_year in stream.sources.values()))
        for year in sorted(years, key=year_sort_key):
            # An adjustment naming no source of the stream is D004's to report, not a mismatch here.
            unsourced = [
                amount
                for entry in figures.year_adjustments(ledger, year)
                for named, source, amount in figures.effects(entry.record)
                if named == stream_id and source not in stream.sources
            ]
            budget = figures.revised_budget(ledger, stream_id, year) - total(unsourced)
            sources = total(figures.revised_source(ledger, stream_id, s, year) for s in stream.sources)
            if sources != budget:
                where = (
                    ledger.stream_at(stream_id, "budget", year)
                    if year in stream.budget
                    else ledger.stream_at(stream_id, "sources")
                )
                label = "revised budget" if figures.stream_adjustments(ledger, stream_id, year) else "budget"
                yield (
                    f"stream {stream_id!r}: sources sum to £{format_pounds(sources)} in {year} but the {label} "
                    f"is £{format_pounds(budget)} ({_gap(sources - budget)}); make them equal",
                    where,
                )


def _gap(difference: Decimal) -> str:
    return f"£{format_pounds(-difference)} short" if difference < 0 else f"£{format_pounds(difference)} over"


RULE = Rule("A002", "sources-mismatch", Severity.ERROR, check, __doc__)
