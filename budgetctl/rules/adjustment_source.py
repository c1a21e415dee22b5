"""An adjustment on a stream with `sources` does not name one of them (or names one on a stream without).

A stream with sources must still have its sources sum to its revised budget,
so each adjustment says which source it changes: `source:` beside `stream:`
(inside `from:` or `to:` for a virement). A stream without sources takes no
`source:`.

    type: grant-variation
    stream: violence-reduction-partnership
    change: increase
    source: home-office-grant    # D004 when missing, or not one of the stream's sources
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.model.records import did_you_mean
from budgetctl.rules._adjustments import named
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    for entry in ledger.adjustments:
        for side in named(entry):
            stream = ledger.streams.get(side.stream)
            if stream is None:
                continue  # D001
            sources = list(stream.sources)
            where = f"`source:` inside `{side.loc[0]}:`" if side.loc else "`source:`"
            if sources and side.source is None:
                yield (
                    f"stream {side.stream!r} has sources ({', '.join(sources)}): add {where} naming the one "
                    "this changes",
                    side.mapping_at(entry),
                )
            elif side.source is not None and not sources:
                yield (f"stream {side.stream!r} has no sources: remove {where}", side.source_at(entry))
            elif side.source is not None and side.source not in sources:
                yield (
                    f"{side.source!r} is not a source of stream {side.stream!r}{did_you_mean(side.source, sources)}",
                    side.source_at(entry),
                )


RULE = Rule("D004", "adjustment-source", Severity.ERROR, check, __doc__, scope="streams")
