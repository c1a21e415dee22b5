"""A delegation tier in streams.yaml that cannot be applied.

Each tier of `delegations.limits.<type>` names an approver from
`delegations.approvers`; tiers are in ascending order of `up_to`, and only the
last may leave `up_to` out (it covers everything above).

    limits:
      virement:
        - {up_to: 500000, approver: chief-executive}
        - {up_to: 50000, approver: chief-finance-officer}   # D013: not ascending
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.model.money import format_pounds
from budgetctl.model.records import did_you_mean
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    delegations = ledger.streams_file.delegations
    if delegations is None:
        return
    names = list(delegations.approvers)
    for kind, tiers in delegations.limits.items():
        for index, tier in enumerate(tiers):
            loc = ("delegations", "limits", kind, index)
            if tier.approver not in names:
                yield (
                    f"{tier.approver!r} is not in delegations.approvers{did_you_mean(tier.approver, names)}",
                    ledger.streams_at(*loc, "approver"),
                )
            if tier.up_to is None and index < len(tiers) - 1:
                yield (
                    "only the last tier may leave out `up_to` (it covers everything above): add `up_to` "
                    "or move this tier last",
                    ledger.streams_at(*loc),
                )
            previous = tiers[index - 1].up_to if index else None
            if tier.up_to is not None and previous is not None and tier.up_to <= previous:
                yield (
                    f"tiers go in ascending order of `up_to`: £{format_pounds(tier.up_to)} follows "
                    f"£{format_pounds(previous)}; reorder the tiers",
                    ledger.streams_at(*loc, "up_to"),
                )


RULE = Rule("D013", "bad-delegation-tier", Severity.ERROR, check, __doc__, scope="streams")
