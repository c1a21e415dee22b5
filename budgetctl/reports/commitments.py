"""What signed agreements already promise, per year and stream, against the (revised) budget."""

from __future__ import annotations

from typing import Any

from budgetctl.model import figures
from budgetctl.model.ledger import Ledger
from budgetctl.model.money import total
from budgetctl.model.periods import year_sort_key
from budgetctl.plainclass import dataclass
from budgetctl.reports.table import Column, Table, json_value, keyed_table


@dataclass(frozen=True)
class Ending:
    """An agreement whose last committed year is the row's: ``{"project", "ref"}`` in JSON."""

    project: str
    ref: str

    def __str__(self) -> str:
        return f"{self.project} ({self.ref})"


COLUMNS = [
    Column("year", "Year"),
    Column("stream_id", "Stream", shown=False, json_key="stream"),
    Column("stream", "Programme", json_key="programme"),
    Column("budget", "Budget £", "money"),
    Column("status", "Status", exported=False),
    Column("indicative", "Indicative", shown=False),
    Column("revised", "Revised £", "money", json_key="revised_budget"),
    Column("allocated", "Allocated £", "money"),
    Column("committed", "Committed £", "money"),
    Column("uncommitted", "Uncommitted £", "money"),
    Column("ending", "Agreements ending", json_key="agreements_ending"),
]
SUMMED = ("budget", "revised", "allocated", "committed", "uncommitted")


def ending(ledger: Ledger, stream_id: str, year: str) -> list[Ending]:
    """The stream's agreements whose last committed year is ``year``."""
    found = []
    for entry in ledger.projects_by_stream.get(stream_id, ()):
        agreement = entry.project.agreement
        if agreement is not None and agreement.committed and max(agreement.committed, key=year_sort_key) == year:
            found.append(Ending(entry.id, agreement.ref))
    return found


def commitments(ledger: Ledger, years: list[str]) -> Table:
    """One row per year and stream with a budget; a total row when there is one year."""
    rows: list[dict[str, Any]] = []
    for year in years:
        for stream_id, stream in ledger.streams.items():
            if year not in stream.budget:
                continue
            revised = figures.revised_budget(ledger, stream_id, year)
            committed = figures.committed(ledger, stream_id, year)
            indicative = figures.is_indicative(ledger, stream_id, year)
            rows.append(
                {
                    "year": year,
                    "stream_id": stream_id,
                    "stream": stream.programme,
                    "budget": figures.approved_budget(ledger, stream_id, year),
                    "status": "indicative" if indicative else "",
                    "indicative": indicative,
                    "revised": revised,
                    "allocated": figures.allocated(ledger, stream_id, year),
                    "committed": committed,
                    "uncommitted": revised - committed,
                    "ending": ending(ledger, stream_id, year),
                }
            )
    totals = {
        year: {key: total(r[key] for r in rows if r["year"] == year) for key in SUMMED}
        for year in dict.fromkeys(r["year"] for r in rows)
    }
    one = totals.get(years[0]) if len(years) == 1 else None
    notes = []
    if any(r["indicative"] for r in rows):
        notes.append("Indicative: the grantor has not yet confirmed that year's budget.")
    notes.append("Uncommitted = revised budget − money signed agreements already commit.")
    table = keyed_table(
        f"Commitments {', '.join(years)}",
        COLUMNS,
        rows,
        total={"year": "Total", "stream": "", "status": "", "ending": "", **one} if one is not None else None,
        head={"years": years},
        flags=[r["committed"] > r["allocated"] for r in rows],
        notes=notes,
    )
    json_keys = {c.key: c.json_key or c.key for c in COLUMNS}
    table.data["total"] = {y: {json_keys[k]: json_value(v) for k, v in t.items()} for y, t in totals.items()}
    return table
