"""The register of a year's adjustments, as a board receives it: each record, then the running
total per stream and type against its delegation tier."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from budgetctl.diagnostics import Diagnostic
from budgetctl.model import figures
from budgetctl.model.approvals import TierCheck, choose_tier, tier_checks
from budgetctl.model.ledger import AdjustmentEntry, Ledger
from budgetctl.model.money import format_json, format_pounds, total
from budgetctl.model.periods import previous_year, year_bounds
from budgetctl.model.records import Adjustment, Tier
from budgetctl.plainclass import dataclass
from budgetctl.reports.table import Column, Table, keyed_table


def _problems_cell(codes: list[str] | None) -> str:
    return "" if codes is None else ", ".join(codes) or "ok"


# Shown columns are what the board reads; the others are the JSON record, in its own key order.
# A balance stream's opening balance is a row too, derived (no file, id or approval).
RECORD_COLUMNS = [
    Column("date", "Date", exported=False),
    Column("id", "Adjustment", exported=False),  # the record's id, or what the row is
    Column("record_id", "Id", shown=False, json_key="id"),
    Column("file", "File", shown=False),
    Column("type", "Type"),
    Column("date", "Date", shown=False),
    Column("from", "From / stream", exported=False),
    Column("to", "To", exported=False),
    Column("from_side", "From", shown=False, json_key="from", optional=True),
    Column("to_side", "To", shown=False, json_key="to", optional=True),
    Column("stream", "Stream", shown=False, optional=True),
    Column("source", "Source", shown=False, optional=True),
    Column("change", "Change", shown=False, optional=True),
    Column("from_year", "From year", shown=False, optional=True),
    Column("reserve", "Reserve", shown=False, optional=True),
    Column("amount", "Amount £", "money", exported=False),  # signed by its effect on the budget
    Column("recorded", "Amount as recorded £", "money", shown=False, json_key="amount"),
    Column("revised_budget", "Revised budget £", "money", shown=False, optional=True),  # an opening balance's
    Column("actual", "Actual £", "money", shown=False, optional=True),  # figures in the year it comes from
    Column("reason", "Reason", shown=False, optional=True),
    Column("approver", "Approver", exported=False),
    Column("decision", "Decision", exported=False),
    Column("approval", "Approval", shown=False),
    Column("running_total", "Running total £", "money"),
    Column("tier", "Tier needs", exported=False),
    Column("tier_reached", "Tier", shown=False, json_key="tier"),
    Column("problems", "Problems", text=_problems_cell),
]
TOTAL_COLUMNS = [
    Column("stream", "Stream"),
    Column("type", "Type"),
    Column("records", "Records", "count"),
    Column("total", "Total £", "money"),
    Column("tier", "Tier of the total", exported=False),
    Column("tier_reached", "Tier", shown=False, json_key="tier"),
    Column("approver", "Needs", exported=False),
]


@dataclass
class Register:
    """The adjustments register of a year: one row per adjustment, and the totals by stream and type."""

    records: Table  # one row per adjustment, in date then file-name order; ``data`` holds the whole JSON
    totals: Table  # one row per stream and type


def register(ledger: Ledger, year: str, problems: list[Diagnostic]) -> Register:
    """The year's adjustments with their tiers; ``problems`` (from the check) are matched to files."""
    entries = figures.year_adjustments(ledger, year)
    checks = {c.entry.source.path: c for c in tier_checks(ledger, entries)}
    codes: dict[str, list[str]] = {}
    for p in problems:
        codes.setdefault(p.file, []).append(p.code)
    openings = _opening_balances(ledger, year)
    rows = openings + [
        _record_row(e, checks.get(e.source.path), sorted(set(codes.get(e.source.path, [])))) for e in entries
    ]
    change = total(amount for e in entries for _, _, amount in figures.effects(e.record))
    change += total(row["amount"] for row in openings)
    label = f"{len(entries)} record{'s' if len(entries) != 1 else ''}"
    if openings:
        label += f" + {len(openings)} opening balance{'s' if len(openings) != 1 else ''}"
    notes = [
        "Amounts are signed by their effect on the budget (a decrease is negative); the total is the net "
        "change to the year's budgets, as virements net to zero."
    ]
    notes += [
        f"Opening balance of {row['stream']}: no record; its year_end is balance, so what it left unspent in "
        f"{row['from_year']} (revised budget £{format_pounds(row['revised_budget'])} "
        f"less actual £{format_pounds(row['actual'])}) opens {year} once {row['from_year']} is closed."
        for row in openings
    ]
    records = keyed_table(
        f"Adjustments {year}",
        RECORD_COLUMNS,
        rows,
        total={"id": label, "amount": change},
        head={"year": year},
        flags=[bool(row["problems"]) for row in rows],
        notes=notes,
    )
    groups: dict[tuple[str, str], list[TierCheck]] = {}
    for check in checks.values():  # in stream, type, then date and file-name order
        groups.setdefault((check.stream, check.entry.record.type), []).append(check)
    sums = []
    for (stream, kind), members in groups.items():
        check = members[-1]
        amount = total(c.entry.record.amount for c in members)
        index = choose_tier(check.tiers, amount)  # the tier the stream's total for the type falls in
        tier = check.tiers[index] if index is not None else None
        sums.append(
            {
                "stream": stream,
                "type": kind,
                "records": len(members),
                "total": amount,
                "tier": _tier_text(tier, check),
                "tier_reached": _tier_json(tier, check),
                "approver": tier.approver if tier else "",
            }
        )
    notes = ["streams.yaml declares no delegations: any approver is accepted."]
    totals = keyed_table(
        f"Running totals {year} against delegation tiers",
        TOTAL_COLUMNS,
        sums,
        notes=notes if ledger.streams_file.delegations is None else [],
    )
    records.data["total"] = {
        "records": len(entries),
        **({"opening_balances": len(openings)} if openings else {}),
        "net_change": format_json(change),
    }
    records.data["totals"] = totals.data["rows"]
    totals.data = records.data
    return Register(records, totals)


def _record_row(entry: AdjustmentEntry, check: TierCheck | None, problems: list[str]) -> dict[str, Any]:
    """One adjustment, every value the register shows or exports; keys a type lacks are absent."""
    record = entry.record
    if record.type == "virement":
        sides: dict[str, Any] = {"from_side": record.from_, "to_side": record.to}
    else:
        sides = {"stream": record.stream, "source": record.source}
    return {
        "date": record.date.isoformat(),
        "id": entry.id,
        "record_id": entry.id,
        "file": entry.source.path,
        "type": record.type,
        "from": _from(record),
        "to": _to(record),
        **sides,
        **({"change": record.change} if record.type == "grant-variation" else {}),
        **({"from_year": record.from_year} if record.type == "carry-forward" else {}),
        **({"reserve": record.reserve} if record.type == "reserve-drawdown" else {}),
        "amount": _signed(record),
        "recorded": record.amount,
        "reason": record.reason,
        "approver": record.approval.approver,
        "decision": record.approval.decision,
        "approval": record.approval,
        "running_total": check.chosen_by if check is not None and check.cumulative else None,
        "tier": _needs(check),
        "tier_reached": _tier_json(check.tier, check) if check is not None else None,
        "problems": problems,
    }


def _opening_balances(ledger: Ledger, year: str) -> list[dict[str, Any]]:
    """Each balance stream's opening balance of ``year`` (``model.figures``) as a register row, with
    the figures it comes from."""
    found: list[dict[str, Any]] = []
    before = previous_year(year)
    last_day = year_bounds(before)[1]
    for stream in ledger.streams:
        amount = figures.opening_balance(ledger, stream, year)
        if not amount:
            continue
        closed = figures.closed_on(ledger, before)
        assert closed is not None  # an opening balance needs the previous year closed
        found.append(
            {
                "date": closed.isoformat(),
                "id": "opening balance",
                "record_id": None,
                "file": None,
                "type": "opening-balance",
                "from": stream,
                "to": f"from {before}",
                "stream": stream,
                "from_year": before,
                "amount": amount,
                "recorded": amount,
                "revised_budget": figures.revised_budget(ledger, stream, before, last_day),
                "actual": figures.actual(ledger, stream, before, last_day),
                "approver": "",
                "decision": f"{before} closed",
                "approval": None,
                "running_total": None,
                "tier": "none: derived",
                "tier_reached": None,
                "problems": [],
            }
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
