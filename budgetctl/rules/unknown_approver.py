"""An adjustment's approver is not one of `delegations.approvers`.

When streams.yaml declares `delegations:`, every approval names an approver
by its id there. (Without `delegations:`, any text is accepted.)

    approval:
      approver: chief-exec     # D009: did you mean 'chief-executive'?
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.model.records import did_you_mean
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    delegations = ledger.streams_file.delegations
    if delegations is None:
        return
    names = list(delegations.approvers)
    for entry in ledger.adjustments:
        approver = entry.record.approval.approver
        if approver not in names:
            yield (
                f"{approver!r} is not in delegations.approvers{did_you_mean(approver, names)}; "
                f"write one of: {', '.join(names)}",
                entry.at("approval", "approver"),
            )


RULE = Rule("D009", "unknown-approver", Severity.ERROR, check, __doc__, scope="streams")
