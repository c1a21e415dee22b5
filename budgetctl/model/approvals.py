"""Delegated approval: which tier of ``delegations:`` an adjustment falls in, and who may approve it.

The amount a tier is chosen by is the record's ``amount`` or, with
``cumulative: true``, the running total of the same type's amounts for the
same stream (a virement's ``from`` stream) and year, in order of ``date`` then
file name, including the record. The tier is the first whose ``up_to`` is at
or above that amount; the approver must be the tier's or one listed after it
in ``approvers`` (lowest authority first).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from budgetctl.model.figures import in_order
from budgetctl.model.ledger import AdjustmentEntry, Ledger
from budgetctl.model.money import format_pounds, total
from budgetctl.model.records import Adjustment, Delegations, Tier
from budgetctl.plainclass import dataclass


def governing_stream(record: Adjustment) -> str | None:
    """The stream whose running total a record counts towards: a virement's ``from`` stream."""
    if record.type == "virement":
        return record.from_.stream if record.from_ is not None else None
    return record.stream


@dataclass(frozen=True)
class TierCheck:
    """One record against the delegation tiers of its type."""

    entry: AdjustmentEntry
    stream: str
    chosen_by: Decimal  # the amount the tier was chosen by
    records: tuple[AdjustmentEntry, ...]  # the records that make that amount, in order (cumulative only)
    cumulative: bool
    tiers: tuple[Tier, ...]  # the type's tiers; empty when the type has no limits entry
    index: int | None  # the tier chosen; None when no tier covers the amount (or there are no tiers)

    @property
    def tier(self) -> Tier | None:
        return self.tiers[self.index] if self.index is not None else None

    def describe(self) -> str:
        """``tier 2 (up to £500,000.00: chief-executive)``."""
        tier = self.tier
        if tier is None:
            return "no tier"
        limit = f"up to £{format_pounds(tier.up_to)}" if tier.up_to is not None else "no upper limit"
        decision = ", decision required" if tier.decision else ""
        return f"tier {self.index + 1 if self.index is not None else 0} ({limit}: {tier.approver}{decision})"

    def basis(self) -> str:
        """How the amount was reached: the record's amount, or the running total and its records."""
        kind = self.entry.record.type
        if not self.cumulative:
            return f"its amount £{format_pounds(self.chosen_by)}"
        parts = ", ".join(f"{e.id} {e.record.date.isoformat()} £{format_pounds(e.record.amount)}" for e in self.records)
        side = "from" if kind == "virement" else "on"
        return (
            f"the running total £{format_pounds(self.chosen_by)} of {kind} {side} stream {self.stream!r} "
            f"in {self.entry.year} ({parts})"
        )


def choose_tier(tiers: tuple[Tier, ...], amount: Decimal) -> int | None:
    """The first tier whose ``up_to`` is at or above ``amount`` (a tier without one covers all)."""
    for index, tier in enumerate(tiers):
        if tier.up_to is None or tier.up_to >= amount:
            return index
    return None


def tier_checks(ledger: Ledger, entries: list[AdjustmentEntry] | None = None) -> list[TierCheck]:
    """Every record (of ``entries``, default the ledger's) against its type's tiers, in year,
    stream, type, date and file-name order. Records naming no stream are left out."""
    delegations = ledger.streams_file.delegations
    groups: dict[tuple[str, str, str], list[AdjustmentEntry]] = defaultdict(list)
    for entry in ledger.adjustments if entries is None else entries:
        stream = governing_stream(entry.record)
        if stream is not None:
            groups[(entry.year, stream, entry.record.type)].append(entry)
    checks = []
    for (_, stream, kind), members in sorted(groups.items()):
        tiers = tuple(delegations.limits.get(kind, ())) if delegations is not None else ()
        cumulative = delegations is not None and delegations.cumulative
        running: list[AdjustmentEntry] = []
        for entry in in_order(members):
            running.append(entry)
            amount = total(e.record.amount for e in running) if cumulative else entry.record.amount
            records = tuple(running) if cumulative else (entry,)
            checks.append(TierCheck(entry, stream, amount, records, cumulative, tiers, choose_tier(tiers, amount)))
    return checks


def rank(delegations: Delegations, approver: str) -> int | None:
    """An approver's authority: its position in ``approvers`` (lowest first); None when not listed."""
    names = list(delegations.approvers)
    return names.index(approver) if approver in names else None


def may_approve(delegations: Delegations, tier: Tier, approver: str) -> bool:
    """Whether ``approver`` is the tier's approver or one listed after it."""
    needed, given = rank(delegations, tier.approver), rank(delegations, approver)
    return needed is not None and given is not None and given >= needed
