"""An approval's decision reference does not look like `delegations.decision_format`.

`decision_format` says how the office writes decision references: `#` stands
for a number and everything else is literal, so `WMPCC #/#` accepts
`WMPCC 052/2023` and refuses `WMPCC-52-2023` or `52/2023`. Correct the
reference so a reader can find the decision notice.

    delegations:
      decision_format: "WMPCC #/#"
    ...
    approval:
      decision: WMPCC52/2023      # D017
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.rules._rule import Finding, Rule


def pattern(template: str) -> re.Pattern[str]:
    """The template as a regular expression: literal text, ``#`` as one or more digits (no backtracking)."""
    return re.compile("[0-9]+".join(re.escape(part) for part in template.split("#")))


def check(ledger: Ledger) -> Iterator[Finding]:
    delegations = ledger.streams_file.delegations
    if delegations is None or delegations.decision_format is None:
        return
    wanted = pattern(delegations.decision_format)
    for entry in ledger.adjustments:
        decision = entry.record.approval.decision
        if decision is not None and not wanted.fullmatch(decision):
            yield (
                f"decision {decision!r} does not look like delegations.decision_format "
                f"{delegations.decision_format!r} (# is a number); correct the reference",
                entry.at("approval", "decision"),
            )


RULE = Rule("D017", "decision-format", Severity.ERROR, check, __doc__, scope="streams")
