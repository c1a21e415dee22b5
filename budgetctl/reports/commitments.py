"""What signed agreements already promise, per year and stream, against the (revised) budget."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from budgetctl.model import figures
from budgetctl.model.ledger import Ledger
from budgetctl.model.money import format_json, total
from budgetctl.model.periods import year_sort_key
from budgetctl.reports.table import Cell, Column, Table

COLUMNS = [
    Column("year", "Year"),
    Column("stream", "Programme"),
    Column("budget", "Budget £", "money"),
    Column("status", "Status"),
    Column("revised", "Revised £", "money"),
    Column("allocated", "Allocated £", "money"),
    Column("committed", "Committed £", "money"),
    Column("uncommitted", "Uncommitted £", "money"),
    Column("ending", "Agreements ending"),
]


def ending(ledger: Ledger, stream_id: str, year: str) -> list[tuple[str, str]]:
    """(project, agreement ref) of the stream's agreements whose last committed year is ``year``."""
    found = []
    for entry in ledger.projects_by_stream.get(stream_id, ()):
        agreement = entry.project.agreement
        if agreement is not None and agreement.committed and max(agreement.committed, key=year_sort_key) == year:
            found.append((entry.id, agreement.ref))
    return found


def commitments(ledger: Ledger, years: list[str]) -> Table:
    """One row per year and stream with a budget; a total row when there is one year."""
    table = Table(f"Commitments {', '.join(years)}", list(COLUMNS), [])
    rows_json = []
    totals: dict[str, dict[str, Decimal]] = {}
    for year in years:
        for stream_id, stream in ledger.streams.items():
            if year not in stream.budget:
                continue
            budget = figures.approved_budget(ledger, stream_id, year)
            revised = figures.revised_budget(ledger, stream_id, year)
            allocated = figures.allocated(ledger, stream_id, year)
            committed = figures.committed(ledger, stream_id, year)
            indicative = figures.is_indicative(ledger, stream_id, year)
            closing = ending(ledger, stream_id, year)
            table.rows.append(
                [
                    year,
                    stream.programme,
                    budget,
                    "indicative" if indicative else "",
                    revised,
                    allocated,
                    committed,
                    revised - committed,
                    ", ".join(f"{project} ({ref})" for project, ref in closing),
                ]
            )
            table.flags.append(committed > allocated)
            rows_json.append(
                {
                    "year": year,
                    "stream": stream_id,
                    "programme": stream.programme,
                    "budget": format_json(budget),
                    "indicative": indicative,
                    "revised_budget": format_json(revised),
                    "allocated": format_json(allocated),
                    "committed": format_json(committed),
                    "uncommitted": format_json(revised - committed),
                    "agreements_ending": [{"project": p, "ref": r} for p, r in closing],
                }
            )
            sums = totals.setdefault(year, {})
            for key, amount in (("budget", budget), ("revised_budget", revised), ("allocated", allocated),
                                ("committed", committed)):  # fmt: skip
                sums[key] = total((sums.get(key, Decimal("0.00")), amount))
    if len(years) == 1 and years[0] in totals:
        t = totals[years[0]]
        cells: list[Cell] = ["Total", "", t["budget"], "", t["revised_budget"], t["allocated"], t["committed"],
                             t["revised_budget"] - t["committed"], ""]  # fmt: skip
        table.total = cells
    if any(row["indicative"] for row in rows_json):
        table.notes.append("Indicative: the grantor has not yet confirmed that year's budget.")
    table.notes.append("Uncommitted = revised budget − money signed agreements already commit.")
    table.data = {"years": years, "rows": rows_json, "total": {y: _json(t) for y, t in totals.items()}}
    return table


def _json(sums: dict[str, Decimal]) -> dict[str, Any]:
    return {
        **{k: format_json(v) for k, v in sums.items()},
        "uncommitted": format_json(sums["revised_budget"] - sums["committed"]),
    }
