"""A project on a stream with purposes names no purpose.

A ring-fenced grant may be spent only on its listed purposes, so every
project on a stream with `purposes:` says which one it serves.

    stream: victims-services
    purpose: referral-service    # required: E001 without it
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    for entry in ledger.projects:
        stream = ledger.streams.get(entry.project.stream)
        if stream is not None and stream.purposes and entry.project.purpose is None:
            choices = ", ".join(stream.purposes)
            yield (
                f"stream {entry.project.stream!r} funds only its listed purposes; add `purpose:` with one of: "
                f"{choices}",
                entry.at(),
            )


RULE = Rule("E001", "purpose-missing", Severity.ERROR, check, __doc__, scope="file")
