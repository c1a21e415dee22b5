"""The reconciled summary: budget, allocated and unallocated per stream in a year."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from budgetctl.model.ledger import Ledger
from budgetctl.model.money import ZERO, split, total
from budgetctl.reports.table import Column, Table, keyed_table

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


# Each stream's (number of allocations, allocated money) per year, as ``pipeline.stream_figures`` keeps them.
Figures = dict[str, dict[str, tuple[int, Decimal]]]
# The groupings that need only the streams and their figures, not the projects.
BY_STREAMS = ("stream", "funding")


def summary(ledger: Ledger, year: str, by: str = "stream", figures: Figures | None = None) -> Table:
    """The summary table for ``year``, grouped ``by`` stream, funding label or priority.

    ``figures`` stands in for the projects when ``ledger`` holds only the streams (for a
    grouping in BY_STREAMS), taken from the last whole check of the same ledger content.
    """
    if figures is not None and by not in BY_STREAMS:
        raise ValueError(f"grouping by {by} needs the projects")
    return {"stream": _by_stream, "funding": _by_funding, "priority": _by_priority}[by](ledger, year, figures)


def _stream_figures(ledger: Ledger, year: str, known: Figures | None = None) -> list[tuple[str, Decimal, Decimal]]:
    """(stream, budget, allocated) for the streams funded or allocated in ``year``."""
    figures = []
    for stream_id, stream in ledger.streams.items():
        if known is not None:
            count, allocated = known.get(stream_id, {}).get(year, (0, ZERO))
        else:
            allocations = ledger.allocated(stream_id, year)
            count, allocated = len(allocations), total(amount for _, amount in allocations)
        if year in stream.budget or count:
            figures.append((stream_id, stream.budget.get(year, ZERO), allocated))
    return figures


_MONEY = [
    Column("budget", "Budget £", "money"),
    Column("allocated", "Allocated £", "money"),
    Column("unallocated", "Unallocated £", "money"),
    Column("percent", "% allocated", "percent", exported=False),
]


def _by_stream(ledger: Ledger, year: str, known: Figures | None = None) -> Table:
    figures = _stream_figures(ledger, year, known)
    columns = [
        Column("stream", "Stream", shown=False),
        Column("programme", "Programme"),
        Column("funding", "Funding Stream"),
    ]
    rows = []
    for stream_id, budget, allocated in figures:
        stream = ledger.streams[stream_id]
        names = {"stream": stream_id, "programme": stream.programme, "funding": stream.funding}
        rows.append({**names, **_amounts(budget, allocated)})
    return _finish(f"Commissioning budget {year}", [*columns, *_MONEY], rows, figures, {"year": year})


def _by_funding(ledger: Ledger, year: str, known: Figures | None = None) -> Table:
    figures = _stream_figures(ledger, year, known)
    groups: dict[str, list[tuple[str, Decimal, Decimal]]] = defaultdict(list)
    for figure in figures:
        groups[ledger.streams[figure[0]].funding].append(figure)
    columns = [
        Column("funding", "Funding Stream"),
        Column("streams", "Streams", shown=False),
        Column("programmes", "Programmes"),
    ]
    rows = []
    for funding, members in groups.items():
        budget = total(b for _, b, _ in members)
        allocated = total(a for _, _, a in members)
        rows.append(
            {
                "funding": funding,
                "streams": [s for s, _, _ in members],
                "programmes": [ledger.streams[s].programme for s, _, _ in members],
                **_amounts(budget, allocated),
            }
        )
    head = {"year": year, "by": "funding"}
    return _finish(f"Commissioning budget {year} by funding stream", [*columns, *_MONEY], rows, figures, head)


def _by_priority(ledger: Ledger, year: str, known: Figures | None = None) -> Table:
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
    rows = [
        {
            "priority_id": priority,
            "priority": ledger.priorities.get(priority, priority),
            "projects": counts[priority],
            "allocated": shares[priority],
            "share": percent(shares[priority], grand),
        }
        for priority in order
    ]
    return keyed_table(
        f"Allocations {year} by Police and Crime Plan priority",
        [
            Column("priority_id", "Priority id", shown=False, json_key="priority"),
            Column("priority", "Priority", json_key="label"),
            Column("projects", "Projects", "count"),
            Column("allocated", "Allocated", "money"),
            Column("share", "% of allocated", "percent", exported=False),
        ],
        rows,
        total={"priority": "Total", "projects": funded, "allocated": grand, "share": percent(grand, grand)},
        head={"year": year, "by": "priority"},
        notes=["A project serving several priorities is split equally between them."],
    )


def _finish(
    title: str,
    columns: list[Column],
    rows: list[dict[str, Any]],
    figures: list[tuple[str, Decimal, Decimal]],
    head: dict[str, Any],
) -> Table:
    """The table with its total row, over-allocated rows flagged and named in a note."""
    budget = total(b for _, b, _ in figures)
    allocated = total(a for _, _, a in figures)
    first, second = [c.key for c in columns if c.shown][:2]
    flags = [row["allocated"] > row["budget"] for row in rows]
    over = [row[first] for row, flag in zip(rows, flags, strict=True) if flag]
    return keyed_table(
        title,
        columns,
        rows,
        total={first: "Total", second: "", **_amounts(budget, allocated)},
        head=head,
        flags=flags,
        notes=[f"Over-allocated: {', '.join(str(name) for name in over)}."] if over else [],
    )
