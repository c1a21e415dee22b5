"""Allocation exports: one row per project and financial year, as CSV or JSON text.

CSV cells are neutralised against formula injection (a text cell starting with
``=``, ``+``, ``-``, ``@``, tab or CR gets a leading ``'``); money is a plain
two-decimal number in CSV and a two-decimal string in JSON, as everywhere else.
"""

from __future__ import annotations

import json

from budgetctl.model.ledger import Ledger
from budgetctl.model.money import format_json, total
from budgetctl.model.periods import year_sort_key
from budgetctl.reports.table import Column, Table, keyed_table

COLUMNS = [
    Column("project", "Project"),
    Column("year", "Year"),
    Column("title", "Title"),
    Column("stream", "Stream"),
    Column("programme", "Programme"),
    Column("funding", "Funding stream"),
    Column("purpose", "Purpose"),
    Column("priorities", "Priorities", joiner="; "),
    Column("lead", "Lead"),
    Column("provider", "Provider"),
    Column("amount", "Amount £", "money"),
    Column("file", "File", shown=False),
]


def allocations(ledger: Ledger, years: list[str]) -> Table:
    """Every allocation in ``years``: ordered by year, then stream (as in streams.yaml), then project id."""
    order = {stream_id: index for index, stream_id in enumerate(ledger.streams)}
    found = [
        (year, entry, amount)
        for entry in ledger.projects
        for year, amount in entry.project.allocations.items()
        if year in years
    ]
    found.sort(key=lambda f: (year_sort_key(f[0]), order.get(f[1].project.stream, len(order)), f[1].id))
    rows = []
    for year, entry, amount in found:
        project = entry.project
        stream = ledger.streams.get(project.stream)
        rows.append(
            {
                "project": entry.id,
                "year": year,
                "title": project.title,
                "stream": project.stream,
                "programme": stream.programme if stream else None,
                "funding": stream.funding if stream else None,
                "purpose": project.purpose,
                "priorities": project.priorities,
                "lead": project.lead,
                "provider": project.provider,
                "amount": amount,
                "file": entry.source.path,
            }
        )
    table = keyed_table(f"Allocations {', '.join(years)}", COLUMNS, rows, head={"years": years})
    table.data["total"] = format_json(total(amount for _, _, amount in found))
    return table


def to_json(table: Table) -> str:
    return json.dumps(table.data, indent=2, ensure_ascii=False) + "\n"
