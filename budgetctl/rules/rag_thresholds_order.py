"""The amber RAG threshold is above the red one.

`monitoring: {rag: {amber: 2, red: 5}}` in streams.yaml: a stream is green
while its variance is at most amber% of its revised budget, amber up to red%,
red beyond. With amber above red, no stream could be amber.

    monitoring:
      rag: {amber: 5, red: 2}     # M010: swap them
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger, Place
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    monitoring = ledger.streams_file.monitoring
    if monitoring is not None and monitoring.rag.amber > monitoring.rag.red:
        source = ledger.streams_source
        yield (
            f"the amber threshold {monitoring.rag.amber}% is above the red {monitoring.rag.red}%; "
            "amber must be at most red",
            Place(source.path, *source.locate(("monitoring", "rag", "amber"))),
        )


RULE = Rule("M010", "rag-thresholds-out-of-order", Severity.ERROR, check, __doc__, scope="streams")
