"""A project names a stream that streams.yaml does not define.

Every project's `stream:` must be an id under `streams:` in streams.yaml;
otherwise its money would be counted in no stream's total.

    stream: victim-services      # R001: did you mean 'victims-services'?
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.model.records import did_you_mean
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    known = list(ledger.streams)
    for entry in ledger.projects:
        stream = entry.project.stream
        if stream not in ledger.streams:
            yield (
                f"unknown stream {stream!r}{did_you_mean(stream, known)}; streams are defined in streams.yaml",
                entry.at("stream"),
            )


RULE = Rule("R001", "unknown-stream", Severity.ERROR, check, __doc__, affects_totals=True, scope="file")
