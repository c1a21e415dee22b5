"""The reconciled summary: budget, allocated and unallocated per stream in a year."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

from budgetctl.model.ledger import Ledger
from budgetctl.model.money import ZERO, format_json, split, total
from budgetctl.reports.table import Column, Table

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
    Column("percent", "% allocated", "percent"),
]


def _by_stream(ledger: Ledger, year: str, known: Figures | None = None) -> Table:
    figures = _stream_figures(ledger, year, known)
    table = Table(
        f"Commissioning budget {year}",
        [Column("programme", "Programme"), Column("funding", "Funding Stream"), *_MONEY],
        [],
    )
    rows_json = []
    for stream_id, budget, allocated in figures:
        stream = ledger.streams[stream_id]
        table.rows.append(
            [stream.programme, stream.funding, budget, allocated, budget - allocated, percent(allocated, budget)]
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
    _finish(table, year, figures, rows_json)
    return table


def _by_funding(ledger: Ledger, year: str, known: Figures | None = None) -> Table:
    figures = _stream_figures(ledger, year, known)
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
        table.rows.append([label, counts[priority], shares[priority], percent(shares[priority], grand)])
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
) -> None:
    budget = total(b for _, b, _ in figures)
    allocated = total(a for _, _, a in figures)
    lead = ["Total", ""]
    table.total = [*lead, budget, allocated, budget - allocated, percent(allocated, budget)]
    over = [row[0] for row, flag in zip(table.rows, table.flags, strict=True) if flag]
    if over:
        table.notes.append(f"Over-allocated: {', '.join(str(name) for name in over)}.")
    table.data = {"year": year, **({"by": by} if by else {}), "rows": rows_json, "total": _amounts(budget, allocated)}
