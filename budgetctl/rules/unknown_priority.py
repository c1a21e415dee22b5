"""A project names a priority that streams.yaml does not list.

A project's `priorities:` take ids from the top-level `priorities:` of
streams.yaml (the Police and Crime Plan objectives), so that spending can be
reported by priority.

    priorities: [prioritising-victim]   # R002: did you mean 'prioritising-victims'?
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.model.records import did_you_mean
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    known = list(ledger.priorities)
    for entry in ledger.projects:
        for index, priority in enumerate(entry.project.priorities):
            if priority not in ledger.priorities:
                yield (
                    f"unknown priority {priority!r}{did_you_mean(priority, known)}; priorities are listed "
                    "at the top of streams.yaml",
                    entry.at("priorities", index),
                )


RULE = Rule("R002", "unknown-priority", Severity.ERROR, check, __doc__, scope="file")
