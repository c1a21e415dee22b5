"""A stream owner that is not a git host user, team or e-mail address.

`owners:` in streams.yaml lists who must approve changes to a stream; `budgetctl
owners` writes them into a CODEOWNERS file. An owner with a space, a newline or
a missing `@` would be ignored by the git host, or add lines to CODEOWNERS, so
the stream would lose its review.

    owners: ["@org/victims-commissioning", "jane"]   # R005: did you mean '@jane'?
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.model.owners import owner_problem
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    for stream_id, stream in ledger.streams.items():
        for index, owner in enumerate(stream.owners):
            problem = owner_problem(owner)
            if problem is not None:
                yield problem, ledger.stream_at(stream_id, "owners", index)


RULE = Rule("R005", "bad-owner", Severity.ERROR, check, __doc__, scope="streams")
