"""Project listings: allocations per year with multi-year totals, and one project in detail."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from budgetctl.loading.listing import Listed
from budgetctl.model import figures
from budgetctl.model.ledger import Ledger, ProjectEntry
from budgetctl.model.money import ZERO, format_json, format_pounds, total
from budgetctl.model.periods import year_sort_key
from budgetctl.model.records import Agreement, Project, fields_of
from budgetctl.plainclass import dataclass
from budgetctl.reports.summary import percent
from budgetctl.reports.table import Cell, Column, Table, json_value, keyed_table


def listing_years(ledger: Ledger, listed: Sequence[Listed] | None = None) -> list[str]:
    """``ledger.years()``: every year with a budget or an allocation, oldest first; with the
    allocations of ``listed`` when given (then ``ledger`` holds the streams only)."""
    if listed is None:
        return ledger.years()
    found = set(ledger.years())
    found.update(y for p in listed for y in p.allocations)
    return sorted(found, key=year_sort_key)


def project_list(
    ledger: Ledger,
    year: str | None = None,
    stream: str | None = None,
    *,
    data: bool = True,
    listed: Sequence[Listed] | None = None,
) -> Table:
    """One row per project: id, title, stream, lead, an amount per year and the total over all years.

    ``year`` keeps the projects allocating in that year and shows only that year's
    column beside the all-years total; ``stream`` keeps one stream's projects.
    ``data=False`` leaves the JSON form (``Table.data``) empty: a listing of 10,000 projects
    for people or spreadsheets need not write every amount as JSON text too.
    ``listed``: the projects' listed fields in file order (``loading.listing``), when ``ledger``
    holds the streams only.
    """
    if listed is None:
        listed = [Listed.of(entry) for entry in ledger.projects]
    order = {stream_id: index for index, stream_id in enumerate(ledger.streams)}
    chosen = [p for p in listed if (stream is None or p.stream == stream) and (year is None or year in p.allocations)]
    chosen.sort(key=lambda p: (order.get(p.stream, len(order)), p.id))
    years = [year] if year else sorted({y for p in chosen for y in p.allocations}, key=year_sort_key)
    columns = [Column("id", "Project"), Column("title", "Title"), Column("stream", "Stream"), Column("lead", "Lead")]
    columns += [Column(y, y, "money", exported=False) for y in years]
    columns += [
        Column("allocations", "Allocations", shown=False),
        Column("total", "Total (all years)", "money"),
        Column("file", "File", shown=False),
    ]
    scope = " ".join(part for part in (stream, year) if part)
    # The cells of keyed_table's shown columns, built directly: this table can have 10,000 rows.
    rows: list[list[Cell]] = []
    wholes: list[Decimal] = []
    json_rows: list[dict[str, Any]] = []
    for p in chosen:
        whole = total(p.allocations.values())
        wholes.append(whole)
        rows.append([p.id, p.title, p.stream, p.lead, *(p.allocations.get(y) for y in years), whole])
        if data:
            json_rows.append(
                {
                    "id": p.id,
                    "title": p.title,
                    "stream": p.stream,
                    "lead": p.lead,
                    "allocations": {y: format_json(a) for y, a in sorted(p.allocations.items(), key=_by_year)},
                    "total": format_json(whole),
                    "file": p.path,
                }
            )
    by_year = [total(p.allocations.get(y, ZERO) for p in chosen) for y in years]
    grand = total(wholes)
    table = Table(
        f"Projects{' ' + scope if scope else ''}",
        [c for c in columns if c.shown],
        rows,
        [f"Total ({len(chosen)} projects)", "", "", "", *by_year, grand],
        [False] * len(rows),
    )
    if data:
        table.data = {
            "year": year,
            "stream": stream,
            "rows": json_rows,
            "total": {**{y: format_json(a) for y, a in zip(years, by_year, strict=True)}, "total": format_json(grand)},
        }
    return table


def _by_year(item: tuple[str, Decimal]) -> int:
    return year_sort_key(item[0])


@dataclass
class ProjectDetail:
    """``fields``: (label, text) pairs for people; ``allocations``: the per-year table; ``data``: JSON."""

    fields: list[tuple[str, str]]
    allocations: Table
    data: dict[str, Any]


def project_detail(
    ledger: Ledger, entry: ProjectEntry, known: dict[str, dict[str, tuple[int, Decimal]]] | None = None
) -> ProjectDetail:
    """Every field of one project, and each of its allocations against its stream's budget that year.

    ``known`` gives each stream's (allocations, allocated money) per year when ``ledger``
    holds only this project (from the last whole check of the same ledger content).
    """
    p = entry.project
    stream = ledger.streams.get(p.stream)
    values = {name: getattr(p, name) for name in fields_of(Project) if name != "allocations"}
    fields = [("id", entry.id), ("file", entry.source.path)]
    stream_text = f"{p.stream} ({stream.programme}, {stream.funding})" if stream else f"{p.stream} (unknown stream)"
    for key, value in values.items():
        if value is None or value == () or value is False:
            continue
        if key == "stream":
            text = stream_text
        elif key == "purpose" and stream is not None:
            text = f"{value} ({stream.purposes[value]})" if value in stream.purposes else str(value)
        elif key == "priorities":
            text = ", ".join(f"{v} ({ledger.priorities[v]})" if v in ledger.priorities else v for v in value)
        elif key == "agreement":
            signed = f", signed {value.signed.isoformat()}" if value.signed else ""
            commits = ", ".join(f"{y} £{format_pounds(a)}" for y, a in sorted(value.committed.items(), key=_by_year))
            text = f"{value.ref}{signed}" + (f"; commits {commits}" if commits else "")
        elif isinstance(value, tuple):
            text = ", ".join(value)
        elif value is True:
            text = "yes"
        else:
            text = str(value)
        fields.append((key, text))
    rows, flags = [], []
    for year, amount in sorted(p.allocations.items(), key=_by_year):
        # The stream's revised budget (approved plus the year's adjustments): what allocations are held to.
        funded = stream is not None and year in stream.budget
        approved = figures.approved_budget(ledger, p.stream, year) if funded else None
        budget = figures.revised_budget(ledger, p.stream, year) if funded else None
        if stream is None:
            allocated = None
        elif known is not None:  # the stream's figures from the last whole check (only this project is loaded)
            allocated = known.get(p.stream, {}).get(year, (0, ZERO))[1]
        else:
            allocated = figures.allocated(ledger, p.stream, year)
        unallocated = budget - allocated if budget is not None and allocated is not None else None
        rows.append(
            {
                "year": year,
                "allocation": amount,
                "stream_budget": budget,
                "stream_approved_budget": approved,
                "stream_allocated": allocated,
                "stream_unallocated": unallocated,
                "share": percent(amount, budget) if budget else None,
            }
        )
        flags.append(unallocated is not None and unallocated < 0)
    whole = total(p.allocations.values())
    table = keyed_table(
        f"Allocations of {entry.id}",
        [
            Column("year", "Year"),
            Column("allocation", "This project £", "money"),
            Column("stream_budget", "Stream revised budget £", "money"),
            Column("stream_approved_budget", "Stream approved budget £", "money", shown=False),
            Column("stream_allocated", "Stream allocated £", "money"),
            Column("stream_unallocated", "Stream unallocated £", "money"),
            Column("share", "Share of budget", "percent", exported=False),
        ],
        rows,
        total={"year": "Total", "allocation": whole},
        flags=flags,
    )
    fields.append(("total", f"£{format_pounds(whole)} over {len(p.allocations)} year(s)"))
    data = {
        "id": entry.id,
        "file": entry.source.path,
        **{k: _json_value(v) for k, v in values.items()},
        "allocations": table.data["rows"],
        "total": format_json(whole),
    }
    return ProjectDetail(fields, table, data)


def _json_value(value: Any) -> Any:
    """A field's value as JSON: an agreement with its commitments by year, anything else as tables have it."""
    if isinstance(value, Agreement):
        return {
            "ref": value.ref,
            "signed": value.signed.isoformat() if value.signed else None,
            "committed": {y: format_json(a) for y, a in sorted(value.committed.items(), key=_by_year)},
        }
    return json_value(value)
