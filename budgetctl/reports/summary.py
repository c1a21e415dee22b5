"""The reconciled summary: budget, allocated and unallocated per stream in a year."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from budgetctl.model.ledger import Ledger
from budgetctl.model.money import ZERO, split, total
from budgetctl.reports.table import Column, Table

NO_PRIORITY = "(no priority)"


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole`` to one decimal place; None when whole is zero."""
    if whole == 0:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _amounts(budget: Decimal, allocated: Decimal) -> dict[str, Decimal | None]:
    return {
        "budget": budget,
        "allocated": allocated,
        "unallocated": budget - allocated,
        "percent": percent(allocated, budget),
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
    Column("percent", "% allocated", "percent", exported=False),
]


def _by_stream(ledger: Ledger, year: str) -> Table:
    figures = _stream_figures(ledger, year)
    table = Table(
        f"Commissioning budget {year}",
        [
            Column("stream", "Stream", shown=False),
            Column("programme", "Programme"),
            Column("funding", "Funding Stream"),
            *_MONEY,
        ],
        [],
        head={"year": year},
    )
    for stream_id, budget, allocated in figures:
        stream = ledger.streams[stream_id]
        table.rows.append(
            {
                "stream": stream_id,
                "programme": stream.programme,
                "funding": stream.funding,
                **_amounts(budget, allocated),
            }
        )
        table.flags.append(allocated > budget)
    _finish(table, figures)
    return table


def _by_funding(ledger: Ledger, year: str) -> Table:
    figures = _stream_figures(ledger, year)
    groups: dict[str, list[tuple[str, Decimal, Decimal]]] = defaultdict(list)
    for figure in figures:
        groups[ledger.streams[figure[0]].funding].append(figure)
    table = Table(
        f"Commissioning budget {year} by funding stream",
        [
            Column("funding", "Funding Stream"),
            Column("streams", "Streams", shown=False),
            Column("programmes", "Programmes"),
            *_MONEY,
        ],
        [],
        head={"year": year, "by": "funding"},
    )
    for funding, members in groups.items():
        budget = total(b for _, b, _ in members)
        allocated = total(a for _, _, a in members)
        table.rows.append(
            {
                "funding": funding,
                "streams": [s for s, _, _ in members],
                "programmes": [ledger.streams[s].programme for s, _, _ in members],
                **_amounts(budget, allocated),
            }
        )
        table.flags.append(allocated > budget)
    _finish(table, figures)
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
    order = [p for p in ledger.priorities if p in shares] + sorted(p for p in shares if p not in ledger.priorities)
    grand = total(shares.values())
    table = Table(
        f"Allocations {year} by Police and Crime Plan priority",
        [
            Column("priority_id", "Priority id", shown=False, json_key="priority"),
            Column("priority", "Priority", json_key="label"),
            Column("projects", "Projects", "count"),
            Column("allocated", "Allocated", "money"),
            Column("share", "% of allocated", "percent", exported=False),
        ],
        [],
        head={"year": year, "by": "priority"},
    )
    for priority in order:
        table.rows.append(
            {
                "priority_id": priority,
                "priority": ledger.priorities.get(priority, priority),
                "projects": counts[priority],
                "allocated": shares[priority],
                "share": percent(shares[priority], grand),
            }
        )
        table.flags.append(False)
    table.total = {"priority": "Total", "projects": funded, "allocated": grand, "share": percent(grand, grand)}
    table.notes.append("A project serving several priorities is split equally between them.")
    return table


def _finish(table: Table, figures: list[tuple[str, Decimal, Decimal]]) -> None:
    budget = total(b for _, b, _ in figures)
    allocated = total(a for _, _, a in figures)
    first = table.shown[0].key
    table.total = {first: "Total", table.shown[1].key: "", **_amounts(budget, allocated)}
    over = [row[first] for row, flag in zip(table.rows, table.flags, strict=True) if flag]
    if over:
        table.notes.append(f"Over-allocated: {', '.join(str(name) for name in over)}.")
