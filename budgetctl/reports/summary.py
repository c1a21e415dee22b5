"""The reconciled summary: budget, allocated and unallocated per stream in a year."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

from budgetctl.model.ledger import Ledger
from budgetctl.model.money import ZERO, format_json, split, total
from budgetctl.reports.table import Cell, Column, Table

BY_CHOICES = ("stream", "funding", "priority")
NO_PRIORITY = "(no priority)"


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole`` to one decimal place; None when whole is zero."""
    if whole == 0:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _amounts(budget: Decimal, allocated: Decimal) -> dict[str, str]:
    return {
        "budget": format_json(budget),
        "allocated": format_json(allocated),
        "unallocated": format_json(budget - allocated),
    }


def summary(ledger: Ledger, year: str, by: str = "stream") -> Table:
    """The summary table for ``year``, grouped ``by`` stream, funding label or priority."""
    return {"stream": _by_stream, "funding": _by_funding, "priority": _by_priority}[by](ledger, year)


def _stream_figures(ledger: Ledger, year: str) -> list[tuple[str, Decimal, Decimal]]:
    """(stream, budget, allocated) for the streams funded or allocated in ``year``."""
    figures = []
    for stream_id, stream in ledger.streams.items():
        allocations = ledger.allocated(stream_id, year)
        if year in stream.budget or allocations:
            figures.append((stream_id, stream.budget.get(year, ZERO), total(amount for _, amount in allocations)))
    return figures


_MONEY = [
    Column("budget", "Budget £", "money"),
    Column("allocated", "Allocated £", "money"),
    Column("unallocated", "Unallocated £", "money"),
    Column("percent", "% allocated", "percent"),
]


def _by_stream(ledger: Ledger, year: str) -> Table:
    figures = _stream_figures(ledger, year)
    table = Table(
        f"Commissioning budget {year}",
        [
            Column("stream", "Stream", for_people=False),
            Column("programme", "Programme"),
            Column("funding", "Funding Stream"),
            *_MONEY,
        ],
        [],
    )
    rows_json = []
    for stream_id, budget, allocated in figures:
        stream = ledger.streams[stream_id]
        table.rows.append(
            [
                stream_id,
                stream.programme,
                stream.funding,
                budget,
                allocated,
                budget - allocated,
                percent(allocated, budget),
            ]
        )
        table.flags.append(allocated > budget)
        rows_json.append(
            {
                "stream": stream_id,
                "programme": stream.programme,
                "funding": stream.funding,
                **_amounts(budget, allocated),
            }
        )
    _finish(table, year, figures, rows_json, lead=["Total", "", ""])
    return table


def _by_funding(ledger: Ledger, year: str) -> Table:
    figures = _stream_figures(ledger, year)
    groups: dict[str, list[tuple[str, Decimal, Decimal]]] = defaultdict(list)
    for figure in figures:
        groups[ledger.streams[figure[0]].funding].append(figure)
    table = Table(
        f"Commissioning budget {year} by funding stream",
        [Column("funding", "Funding Stream"), Column("programmes", "Programmes"), *_MONEY],
        [],
    )
    rows_json = []
    for funding, members in groups.items():
        budget = total(b for _, b, _ in members)
        allocated = total(a for _, _, a in members)
        programmes = [ledger.streams[s].programme for s, _, _ in members]
        table.rows.append(
            [funding, ", ".join(programmes), budget, allocated, budget - allocated, percent(allocated, budget)]
        )
        table.flags.append(allocated > budget)
        rows_json.append(
            {
                "funding": funding,
                "streams": [s for s, _, _ in members],
                "programmes": programmes,
                **_amounts(budget, allocated),
            }
        )
    _finish(table, year, figures, rows_json, by="funding")
    return table


def _by_priority(ledger: Ledger, year: str) -> Table:
    """Allocations per Police and Crime Plan priority; a project serving several
    priorities is split equally between them (largest remainder, to the penny),
    so the rows add up to the stream totals."""
    shares: dict[str, Decimal] = {}
    counts: dict[str, int] = defaultdict(int)
    funded = 0
    for entry in ledger.projects:
        amount = entry.project.allocations.get(year)
        if amount is None or entry.project.stream not in ledger.streams:
            continue
        funded += 1
        priorities = list(dict.fromkeys(entry.project.priorities)) or [NO_PRIORITY]
        for priority, part in zip(priorities, split(amount, [1] * len(priorities)), strict=True):
            shares[priority] = total((shares.get(priority, ZERO), part))
            counts[priority] += 1
    # Every priority of the plan is listed, with zero where nothing is allocated: a
    # priority missing from the table would look like one nobody had thought of.
    for priority in ledger.priorities:
        shares.setdefault(priority, ZERO)
    order = list(ledger.priorities) + sorted(p for p in shares if p not in ledger.priorities)
    grand = total(shares.values())
    table = Table(
        f"Allocations {year} by Police and Crime Plan priority",
        [
            Column("priority", "Priority"),
            Column("projects", "Projects", "count"),
            Column("allocated", "Allocated", "money"),
            Column("share", "% of allocated", "percent"),
        ],
        [],
    )
    rows_json = []
    for priority in order:
        label = ledger.priorities.get(priority, priority)
        share = percent(shares[priority], grand) if grand else Decimal("0.0")
        table.rows.append([label, counts[priority], shares[priority], share])
        table.flags.append(False)
        rows_json.append(
            {
                "priority": priority,
                "label": label,
                "projects": counts[priority],
                "allocated": format_json(shares[priority]),
            }
        )
    table.total = ["Total", funded, grand, percent(grand, grand)]
    table.notes.append("A project serving several priorities is split equally between them.")
    table.data = {"year": year, "by": "priority", "rows": rows_json, "total": {"allocated": format_json(grand)}}
    return table


def _finish(
    table: Table,
    year: str,
    figures: list[tuple[str, Decimal, Decimal]],
    rows_json: Sequence[Mapping[str, object]],
    by: str | None = None,
    lead: list[Cell] | None = None,
) -> None:
    budget = total(b for _, b, _ in figures)
    allocated = total(a for _, _, a in figures)
    lead = lead or ["Total", ""]
    table.total = [*lead, budget, allocated, budget - allocated, percent(allocated, budget)]
    named = next(i for i, c in enumerate(table.columns) if c.for_people)  # the first label people see
    over = [row[named] for row, flag in zip(table.rows, table.flags, strict=True) if flag]
    if over:
        table.notes.append(f"Over-allocated: {', '.join(str(name) for name in over)}.")
    table.data = {"year": year, **({"by": by} if by else {}), "rows": rows_json, "total": _amounts(budget, allocated)}
