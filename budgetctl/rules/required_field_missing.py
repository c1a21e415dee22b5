"""A project lacks a field its stream's eligibility conditions require.

A stream's `eligibility: required:` lists project keys every project on it
must give, for example the Neighbourhood Policing Unit an award was made
through and who signed it off:

    eligibility:
      required: [npu, approved_by]    # a project without `npu:` gets E003
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    for entry in ledger.projects:
        stream = ledger.streams.get(entry.project.stream)
        if stream is None or stream.eligibility is None:
            continue
        for name in stream.eligibility.required:
            if entry.project.condition_value(name) in (None, ()):
                allowed = stream.eligibility.allowed.get(name)
                hint = f" (one of: {', '.join(allowed)})" if allowed else ""
                yield (f"stream {entry.project.stream!r} requires `{name}:` on every project; add it{hint}", entry.at())


RULE = Rule("E003", "required-field-missing", Severity.ERROR, check, __doc__, scope="file")
