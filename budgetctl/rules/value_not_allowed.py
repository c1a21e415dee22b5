"""A project's value is not in its stream's allowed list for that key.

A stream's `eligibility: allowed:` lists, per project key, the ids the key may
take, for example the local Community Safety Partnerships:

    eligibility:
      allowed:
        partnership: {walsall: Walsall CSP, dudley: Dudley CSP}
    # a project with `partnership: leeds` gets E004
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.model.records import did_you_mean
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    for entry in ledger.projects:
        stream = ledger.streams.get(entry.project.stream)
        if stream is None or stream.eligibility is None:
            continue
        for name, allowed in stream.eligibility.allowed.items():
            value = entry.project.condition_value(name)
            values = list(enumerate(value)) if isinstance(value, tuple) else [(None, value)]
            for index, item in values:
                if item is not None and item not in allowed:
                    loc = (name,) if index is None else (name, index)
                    yield (
                        f"{item!r} is not allowed for `{name}` on stream {entry.project.stream!r}"
                        f"{did_you_mean(item, list(allowed))}",
                        entry.at(*loc),
                    )


RULE = Rule("E004", "value-not-allowed", Severity.ERROR, check, __doc__, scope="file")
