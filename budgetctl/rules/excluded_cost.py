"""A project lists a cost category its stream never pays for.

A stream's `eligibility: excluded_costs:` names cost categories it excludes
(for example police officer costs); a project's `costs:` must not include any.

    eligibility:
      excluded_costs: {police-officer-costs: Police officer pay and overtime}
    # a project with `costs: [police-officer-costs]` on this stream gets E006
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
        excluded = stream.eligibility.excluded_costs
        for index, cost in enumerate(entry.project.costs):
            if cost in excluded:
                yield (
                    f"stream {entry.project.stream!r} does not pay for {cost!r} ({excluded[cost]}); "
                    "remove it and fund it elsewhere",
                    entry.at("costs", index),
                )


RULE = Rule("E006", "excluded-cost", Severity.ERROR, check, __doc__, scope="file")
