"""The register of a year's adjustments, as a board receives it: each record, then the running
total per stream and type against its delegation tier."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from budgetctl.diagnostics import Diagnostic
from budgetctl.model import figures
from budgetctl.model.approvals import TierCheck, choose_tier, tier_checks
from budgetctl.model.ledger import AdjustmentEntry, Ledger
from budgetctl.model.money import format_json, format_pounds, total
from budgetctl.model.periods import previous_year, year_bounds
from budgetctl.model.records import Adjustment, Tier
from budgetctl.reports.table import Column, Table

RECORD_COLUMNS = [
    Column("date", "Date"),
    Column("id", "Adjustment"),
    Column("type", "Type"),
    Column("from", "From / stream"),
    Column("to", "To"),
    Column("amount", "Amount £", "money"),
    Column("approver", "Approver"),
    Column("decision", "Decision"),
    Column("running_total", "Running total £", "money"),
    Column("tier", "Tier needs"),
    Column("problems", "Problems"),
]
TOTAL_COLUMNS = [
    Column("stream", "Stream"),
    Column("type", "Type"),
    Column("records", "Records", "count"),
    Column("total", "Total £", "money"),
    Column("tier", "Tier of the total"),
    Column("approver", "Needs"),
]


@dataclass
class Register:
    records: Table  # one row per adjustment, in date then file-name order; ``data`` holds the whole JSON
    totals: Table  # one row per stream and type


def register(ledger: Ledger, year: str, problems: list[Diagnostic]) -> Register:
    """The year's adjustments with their tiers; ``problems`` (from the check) are matched to files."""
    entries = figures.year_adjustments(ledger, year)
    checks = {c.entry.source.path: c for c in tier_checks(ledger, entries)}
    codes: dict[str, list[str]] = {}
    for p in problems:
        codes.setdefault(p.file, []).append(p.code)
    records = Table(f"Adjustments {year}", list(RECORD_COLUMNS), [])
    rows_json = []
    openings = _opening_balances(ledger, year)
    for stream, amount, opening_json in openings:
        records.rows.append(
            [opening_json["date"], "opening balance", "opening-balance", stream, f"from {opening_json['from_year']}",
             amount, "", f"{opening_json['from_year']} closed", None, "none: derived", "ok"]
        )  # fmt: skip
        records.flags.append(False)
        rows_json.append(opening_json)
    for entry in entries:
        record = entry.record
        check = checks.get(entry.source.path)
        found = sorted(set(codes.get(entry.source.path, [])))
        records.rows.append(
            [
                record.date.isoformat(),
                entry.id,
                record.type,
                _from(record),
                _to(record),
                _signed(record),
                record.approval.approver,
                record.approval.decision,
                check.chosen_by if check is not None and check.cumulative else None,
                _needs(check),
                ", ".join(found) or "ok",
            ]
        )
        records.flags.append(bool(found))
        rows_json.append(_record_json(entry, check, found))
    change = total(amount for e in entries for _, _, amount in figures.effects(e.record))
    change += total(amount for _, amount, _ in openings)
    label = f"{len(entries)} record{'s' if len(entries) != 1 else ''}"
    if openings:
        label += f" + {len(openings)} opening balance{'s' if len(openings) != 1 else ''}"
    records.total = ["", label, "", "", "", change, "", "", None, "", ""]
    records.notes.append(
        "Amounts are signed by their effect on the budget (a decrease is negative); the total is the net change "
        "to the year's budgets, as virements net to zero."
    )
    for stream, _, opening_json in openings:
        records.notes.append(
            f"Opening balance of {stream}: no record; its year_end is balance, so what it left unspent in "
            f"{opening_json['from_year']} (revised budget £{format_pounds(Decimal(opening_json['revised_budget']))} "
            f"less actual £{format_pounds(Decimal(opening_json['actual']))}) opens {year} once "
            f"{opening_json['from_year']} is closed."
        )
    totals = Table(f"Running totals {year} against delegation tiers", list(TOTAL_COLUMNS), [])
    totals_json = []
    groups: dict[tuple[str, str], list[TierCheck]] = {}
    for check in checks.values():  # in stream, type, then date and file-name order
        groups.setdefault((check.stream, check.entry.record.type), []).append(check)
    for (stream, kind), members in groups.items():
        check = members[-1]
        amount = total(c.entry.record.amount for c in members)
        index = choose_tier(check.tiers, amount)  # the tier the stream's total for the type falls in
        tier = check.tiers[index] if index is not None else None
        totals.rows.append([stream, kind, len(members), amount, _tier_text(tier, check), tier.approver if tier else ""])
        totals.flags.append(False)
        totals_json.append(
            {
                "stream": stream,
                "type": kind,
                "records": len(members),
                "total": format_json(amount),
                "tier": _tier_json(tier, check),
            }
        )
    if ledger.streams_file.delegations is None:
        totals.notes.append("streams.yaml declares no delegations: any approver is accepted.")
    records.data = {
        "year": year,
        "rows": rows_json,
        "total": {
            "records": len(entries),
            **({"opening_balances": len(openings)} if openings else {}),
            "net_change": format_json(change),
        },
        "totals": totals_json,
    }
    totals.data = records.data
    return Register(records, totals)


def _opening_balances(ledger: Ledger, year: str) -> list[tuple[str, Decimal, dict[str, Any]]]:
    """Each balance stream's opening balance of ``year`` (``model.figures``), with the figures it comes from."""
    found: list[tuple[str, Decimal, dict[str, Any]]] = []
    before = previous_year(year)
    last_day = year_bounds(before)[1]
    for stream in ledger.streams:
        amount = figures.opening_balance(ledger, stream, year)
        if not amount:
            continue
        closed = figures.closed_on(ledger, before)
        assert closed is not None  # an opening balance needs the previous year closed
        found.append(
            (
                stream,
                amount,
                {
                    "id": None,
                    "file": None,
                    "type": "opening-balance",
                    "date": closed.isoformat(),
                    "stream": stream,
                    "from_year": before,
                    "amount": format_json(amount),
                    "revised_budget": format_json(figures.revised_budget(ledger, stream, before, last_day)),
                    "actual": format_json(figures.actual(ledger, stream, before, last_day)),
                    "approval": None,
                    "running_total": None,
                    "tier": None,
                    "problems": [],
                },
            )
        )
    return found


def _from(record: Adjustment) -> str:
    if record.type == "virement" and record.from_ is not None:
        return _side(record.from_.stream, record.from_.source)
    return _side(record.stream or "", record.source)


def _to(record: Adjustment) -> str:
    if record.type == "virement" and record.to is not None:
        return _side(record.to.stream, record.to.source)
    if record.type == "carry-forward":
        return f"from {record.from_year}"
    if record.type == "reserve-drawdown":
        return f"from {record.reserve}"
    return record.change or ""


def _side(stream: str, source: str | None) -> str:
    return f"{stream} ({source})" if source else stream


def _signed(record: Adjustment) -> Decimal:
    return -record.amount if record.type == "grant-variation" and record.change == "decrease" else record.amount


def _needs(check: TierCheck | None) -> str:
    if check is None or not check.tiers:
        return "any listed approver"
    if check.tier is None:
        return "no tier covers it"
    decision = " + decision" if check.tier.decision else ""
    return f"{check.index + 1 if check.index is not None else 0}: {check.tier.approver}{decision}"


def _tier_text(tier: Tier | None, check: TierCheck) -> str:
    if not check.tiers:
        return "no limits for this type"
    if tier is None:
        return "above every tier"
    index = check.tiers.index(tier) + 1
    limit = f"up to £{format_pounds(tier.up_to)}" if tier.up_to is not None else "no upper limit"
    return f"tier {index} ({limit}{', decision' if tier.decision else ''})"


def _tier_json(tier: Tier | None, check: TierCheck) -> dict[str, Any] | None:
    if tier is None:
        return None
    return {
        "index": check.tiers.index(tier) + 1,
        "up_to": format_json(tier.up_to) if tier.up_to is not None else None,
        "approver": tier.approver,
        "decision": tier.decision,
    }


def _record_json(entry: AdjustmentEntry, check: TierCheck | None, problems: list[str]) -> dict[str, Any]:
    record = entry.record
    sides = {
        "from": {"stream": record.from_.stream, "source": record.from_.source} if record.from_ else None,
        "to": {"stream": record.to.stream, "source": record.to.source} if record.to else None,
    }
    return {
        "id": entry.id,
        "file": entry.source.path,
        "type": record.type,
        "date": record.date.isoformat(),
        **(sides if record.type == "virement" else {"stream": record.stream, "source": record.source}),
        **({"change": record.change} if record.type == "grant-variation" else {}),
        **({"from_year": record.from_year} if record.type == "carry-forward" else {}),
        **({"reserve": record.reserve} if record.type == "reserve-drawdown" else {}),
        "amount": format_json(record.amount),
        "reason": record.reason,
        "approval": {
            "approver": record.approval.approver,
            "date": record.approval.date.isoformat(),
            "decision": record.approval.decision,
        },
        "running_total": format_json(check.chosen_by) if check is not None and check.cumulative else None,
        "tier": _tier_json(check.tier, check) if check is not None else None,
        "problems": problems,
    }
