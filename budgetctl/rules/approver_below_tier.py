"""An adjustment is approved by someone below the delegation tier it falls in.

The tier of `delegations.limits.<type>` is the first whose `up_to` is at or
above the record's `amount` or, with `cumulative: true`, the running total of
that type's amounts for the same stream (a virement's `from` stream) and year,
in order of `date` then file name, including this record. The approver must
be that tier's approver or one listed after it in `approvers`. The message
names the tier, the amount it was chosen by and, when cumulative, the records
that make the total; have the adjustment approved at the right level.

    amount: 120000
    approval:
      approver: chief-finance-officer  # D010 when 120,000 falls in the chief executive's tier
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.approvals import may_approve, rank, tier_checks
from budgetctl.model.ledger import Ledger
from budgetctl.model.money import ZERO, format_pounds
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    delegations = ledger.streams_file.delegations
    if delegations is None:
        return
    for found in tier_checks(ledger):
        if not found.tiers:
            continue  # no limits for the type: any listed approver (D009)
        approver = found.entry.record.approval.approver
        kind = found.entry.record.type
        if found.tier is None:
            yield (
                f"no tier of delegations.limits.{kind} covers {found.basis()}: the highest ends at "
                f"£{format_pounds(found.tiers[-1].up_to or ZERO)}; add a last tier without `up_to`",
                found.entry.at("approval", "approver"),
            )
        elif rank(delegations, approver) is not None and not may_approve(delegations, found.tier, approver):
            yield (
                f"{approver!r} may not approve this {kind}: it falls in {found.describe()} of "
                f"delegations.limits.{kind}, chosen by {found.basis()}; have it approved by "
                f"{found.tier.approver!r} or above",
                found.entry.at("approval", "approver"),
            )


RULE = Rule("D010", "approver-below-tier", Severity.ERROR, check, __doc__, scope="streams")
