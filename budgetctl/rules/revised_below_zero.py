"""An adjustment takes a revised budget (or one of its sources) below zero.

Adjustments run in order of `date`, then file name. A decrease, or a
virement out, may not leave the stream's revised budget for the year (or the
revised amount of the source it names) below zero: reduce the amount.

    type: grant-variation
    stream: helping-communities-fund
    change: decrease
    amount: 500000     # D005 when the budget is 400,000
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from budgetctl.diagnostics import Severity
from budgetctl.model import figures
from budgetctl.model.ledger import Ledger
from budgetctl.model.money import ZERO, format_pounds, total
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    years = sorted({e.year for e in ledger.adjustments})
    for year in years:
        streams: dict[str, Decimal] = {}
        sources: dict[tuple[str, str], Decimal] = {}
        for entry in figures.year_adjustments(ledger, year):
            for stream_id, source, change in figures.effects(entry.record):
                if stream_id not in ledger.streams:
                    continue  # D001
                before = streams.get(stream_id, figures.approved_budget(ledger, stream_id, year))
                after = streams[stream_id] = total((before, change))
                if change < 0 and after < ZERO:
                    yield (
                        f"this takes the revised budget of stream {stream_id!r} in {year} below zero "
                        f"(£{format_pounds(before)} before it, -£{format_pounds(-after)} after); reduce the amount",
                        entry.at("amount"),
                    )
                if source is None or source not in ledger.streams[stream_id].sources:
                    continue
                key = (stream_id, source)
                before = sources.get(key, figures.approved_source(ledger, stream_id, source, year))
                after = sources[key] = total((before, change))
                if change < 0 and after < ZERO:
                    yield (
                        f"this takes source {source!r} of stream {stream_id!r} in {year} below zero "
                        f"(£{format_pounds(before)} before it, -£{format_pounds(-after)} after); reduce the amount",
                        entry.at("amount"),
                    )


RULE = Rule("D005", "revised-below-zero", Severity.ERROR, check, __doc__, scope="streams")
