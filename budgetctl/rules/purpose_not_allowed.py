"""A project's purpose is not one of its stream's purposes.

The purpose must be an id listed under the stream's `purposes:` in
streams.yaml; a stream without purposes takes no `purpose:`.

    purpose: training     # E002: not a purpose of victims-services
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.model.records import did_you_mean
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    for entry in ledger.projects:
        purpose = entry.project.purpose
        stream = ledger.streams.get(entry.project.stream)
        if stream is None or purpose is None or purpose in stream.purposes:
            continue
        if stream.purposes:
            message = (
                f"{purpose!r} is not a purpose of stream {entry.project.stream!r}"
                f"{did_you_mean(purpose, list(stream.purposes))}"
            )
        else:
            message = (
                f"stream {entry.project.stream!r} declares no purposes; remove `purpose:` or add "
                f"{purpose!r} to the stream's purposes"
            )
        yield message, entry.at("purpose")


RULE = Rule("E002", "purpose-not-allowed", Severity.ERROR, check, __doc__, scope="file")
