"""An adjustment falls in a delegation tier with `decision: true` but cites no decision.

Such a tier needs a published decision: add `decision:` with its reference
under `approval:`. The message names the tier and the amount it was chosen by.

    approval:
      approver: commissioner
      date: 2024-05-21          # D011: add `decision: WMPCC 019/2024`
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.approvals import tier_checks
from budgetctl.model.ledger import Ledger
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    for found in tier_checks(ledger):
        tier = found.tier
        if tier is not None and tier.decision and found.entry.record.approval.decision is None:
            kind = found.entry.record.type
            yield (
                f"this {kind} falls in {found.describe()} of delegations.limits.{kind}, chosen by "
                f"{found.basis()}, which requires a decision: add `decision:` with its reference under `approval:`",
                found.entry.at("approval"),
            )


RULE = Rule("D011", "decision-required", Severity.ERROR, check, __doc__, scope="streams")
