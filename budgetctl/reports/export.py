"""Allocation exports: one row per project and financial year, as CSV or JSON text.

CSV cells are neutralised against formula injection (a text cell starting with
``=``, ``+``, ``-``, ``@``, tab or CR gets a leading ``'``); money is a plain
two-decimal number in CSV and a two-decimal string in JSON, as everywhere else.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from budgetctl import plainclass
from budgetctl.model.ledger import Ledger
from budgetctl.model.money import format_json, total
from budgetctl.model.periods import year_sort_key
from budgetctl.model.records import Project, fields_of
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
_SHOWN = {"title", "stream", "purpose", "priorities", "lead", "provider", "allocations"}
# Every other field of a project, after the amount (so the columns above keep their
# places): a spreadsheet made from the export holds everything the project file says.
EXTRA = [name for name in fields_of(Project) if name not in _SHOWN]


def _cell(value: Any) -> str | None:
    """A field's value in a CSV cell: lists joined with '; ', dates as YYYY-MM-DD, flags as true/false."""
    if value is None:
        return None
    if isinstance(value, tuple):
        return "; ".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format_json(value)
    if isinstance(value, Mapping):  # committed per year: "2023/24 1000.00, 2024/25 500.00"
        return ", ".join(f"{k} {_cell(v)}" for k, v in value.items())
    if plainclass.is_dataclass(value) and not isinstance(value, type):  # a nested record: "ref: X; signed: ..."
        parts = ((f.name, _cell(getattr(value, f.name))) for f in plainclass.fields(value))
        return "; ".join(f"{name}: {text}" for name, text in parts if text)
    # A description's line break is the space a spreadsheet cell would show: every row of
    # the file stays one line (JSON keeps the text whole).
    return _LINE_BREAK.sub(" ", str(value))


_LINE_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
COLUMNS += [Column(name, name.replace("_", " ").capitalize(), text=_cell) for name in EXTRA]


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
                **{name: getattr(project, name) for name in EXTRA},
                "file": entry.source.path,
            }
        )
    table = keyed_table(f"Allocations {', '.join(years)}", COLUMNS, rows, head={"years": years})
    table.data["total"] = format_json(total(amount for _, _, amount in found))
    return table


def to_json(table: Table) -> str:
    return json.dumps(table.data, indent=2, ensure_ascii=False) + "\n"
