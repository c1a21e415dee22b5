"""The reconciled summary per stream in a year: approved budget, adjustments, revised budget, allocated, unallocated."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from budgetctl.model import figures
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


@dataclass(frozen=True)
class Figures:
    """A stream's (or a group's) money in the year, from ``model.figures``."""

    stream: str
    budget: Decimal  # approved
    adjustments: Decimal
    allocated: Decimal

    @property
    def revised(self) -> Decimal:
        return self.budget + self.adjustments

    @property
    def unallocated(self) -> Decimal:
        return self.revised - self.allocated


def _amounts(f: Figures) -> dict[str, str]:
    """The JSON money of a row: ``budget`` stays the approved budget; unallocated is revised - allocated."""
    return {
        "budget": format_json(f.budget),
        "adjustments": format_json(f.adjustments),
        "revised_budget": format_json(f.revised),
        "allocated": format_json(f.allocated),
        "unallocated": format_json(f.unallocated),
    }


def _group(stream: str, members: Sequence[Figures]) -> Figures:
    return Figures(
        stream,
        total(f.budget for f in members),
        total(f.adjustments for f in members),
        total(f.allocated for f in members),
    )


# Each stream's (number of allocations, allocated money) per year, as ``pipeline.stream_figures`` keeps them.
Known = dict[str, dict[str, tuple[int, Decimal]]]
# The groupings that need only the streams and their figures, not the projects.
BY_STREAMS = ("stream", "funding")


def summary(ledger: Ledger, year: str, by: str = "stream", known: Known | None = None) -> Table:
    """The summary table for ``year``, grouped ``by`` stream, funding label or priority.

    ``known`` stands in for the projects when ``ledger`` holds only the streams (for a
    grouping in BY_STREAMS), taken from the last whole check of the same ledger content.
    """
    if known is not None and by not in BY_STREAMS:
        raise ValueError(f"grouping by {by} needs the projects")
    return {"stream": _by_stream, "funding": _by_funding, "priority": _by_priority}[by](ledger, year, known)


def _stream_figures(ledger: Ledger, year: str, known: Known | None = None) -> list[Figures]:
    """The figures of the streams funded or allocated in ``year``."""
    found = []
    for stream_id, stream in ledger.streams.items():
        if known is not None:
            count, allocated = known.get(stream_id, {}).get(year, (0, ZERO))
        else:
            allocations = figures.allocations(ledger, stream_id, year)
            count, allocated = len(allocations), total(amount for _, amount in allocations)
        if year in stream.budget or count:
            found.append(
                Figures(
                    stream_id,
                    figures.approved_budget(ledger, stream_id, year),
                    figures.adjustments(ledger, stream_id, year),
                    allocated,
                )
            )
    return found


def _money_columns(adjusted: bool) -> list[Column]:
    """Budget, then (when the year has adjustments) Adjustments and Revised, then allocated."""
    extra = [Column("adjustments", "Adjustments £", "money"), Column("revised", "Revised £", "money")]
    return [
        Column("budget", "Budget £", "money"),
        *(extra if adjusted else []),
        Column("allocated", "Allocated £", "money"),
        Column("unallocated", "Unallocated £", "money"),
        Column("percent", "% allocated", "percent"),
    ]


def _money_cells(f: Figures, adjusted: bool) -> list[Cell]:
    extra: list[Cell] = [f.adjustments, f.revised] if adjusted else []
    return [f.budget, *extra, f.allocated, f.unallocated, percent(f.allocated, f.revised)]


def _by_stream(ledger: Ledger, year: str, known: Known | None = None) -> Table:
    found = _stream_figures(ledger, year, known)
    adjusted = figures.has_adjustments(ledger, year)
    table = Table(
        f"Commissioning budget {year}",
        [
            Column("stream", "Stream", for_people=False),
            Column("programme", "Programme"),
            Column("funding", "Funding Stream"),
            *_money_columns(adjusted),
        ],
        [],
    )
    rows_json = []
    for f in found:
        stream = ledger.streams[f.stream]
        table.rows.append([f.stream, stream.programme, stream.funding, *_money_cells(f, adjusted)])
        table.flags.append(f.allocated > f.revised)
        rows_json.append({"stream": f.stream, "programme": stream.programme, "funding": stream.funding, **_amounts(f)})
    _finish(table, year, found, rows_json, adjusted, lead=["Total", "", ""])
    return table


def _by_funding(ledger: Ledger, year: str, known: Known | None = None) -> Table:
    found = _stream_figures(ledger, year, known)
    adjusted = figures.has_adjustments(ledger, year)
    groups: dict[str, list[Figures]] = defaultdict(list)
    for f in found:
        groups[ledger.streams[f.stream].funding].append(f)
    table = Table(
        f"Commissioning budget {year} by funding stream",
        [Column("funding", "Funding Stream"), Column("programmes", "Programmes"), *_money_columns(adjusted)],
        [],
    )
    rows_json = []
    for funding, members in groups.items():
        group = _group(funding, members)
        programmes = [ledger.streams[f.stream].programme for f in members]
        table.rows.append([funding, ", ".join(programmes), *_money_cells(group, adjusted)])
        table.flags.append(group.allocated > group.revised)
        rows_json.append(
            {"funding": funding, "streams": [f.stream for f in members], "programmes": programmes, **_amounts(group)}
        )
    _finish(table, year, found, rows_json, adjusted, by="funding")
    return table


def _by_priority(ledger: Ledger, year: str, known: Known | None = None) -> Table:
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
    found: list[Figures],
    rows_json: Sequence[Mapping[str, object]],
    adjusted: bool,
    by: str | None = None,
    lead: list[Cell] | None = None,
) -> None:
    whole = _group("", found)
    table.total = [*(lead or ["Total", ""]), *_money_cells(whole, adjusted)]
    named = next(i for i, c in enumerate(table.columns) if c.for_people)  # the first label people see
    over = [row[named] for row, flag in zip(table.rows, table.flags, strict=True) if flag]
    if adjusted:
        table.notes.append("Revised = budget approved by the board + adjustments (budgetctl adjustments --year).")
    if over:
        table.notes.append(f"Over-allocated: {', '.join(str(name) for name in over)}.")
    table.data = {"year": year, **({"by": by} if by else {}), "rows": rows_json, "total": _amounts(whole)}


def summary_years(ledger: Ledger, years: list[str]) -> Table:
    """Several years side by side, per stream: each year's revised budget and allocated money.

    JSON has every figure of each year (budget, adjustments, revised_budget,
    allocated, unallocated), as the one-year summary has.
    """
    table = Table(
        f"Commissioning budget {years[0]} to {years[-1]}",
        [Column("programme", "Programme"), Column("funding", "Funding Stream")],
        [],
    )
    for year in years:
        table.columns += [Column(f"{year}-revised", f"{year} revised £", "money"),
                          Column(f"{year}-allocated", f"{year} allocated £", "money")]  # fmt: skip
    per_year = {year: {f.stream: f for f in _stream_figures(ledger, year)} for year in years}
    rows_json = []
    for stream_id, stream in ledger.streams.items():
        found = {y: per_year[y][stream_id] for y in years if stream_id in per_year[y]}
        if not found:
            continue
        cells: list[Cell] = [stream.programme, stream.funding]
        for year in years:
            f = found.get(year)
            cells += [f.revised, f.allocated] if f else [None, None]
        table.rows.append(cells)
        table.flags.append(any(f.allocated > f.revised for f in found.values()))
        rows_json.append(
            {
                "stream": stream_id,
                "programme": stream.programme,
                "funding": stream.funding,
                "years": {y: _amounts(f) for y, f in found.items()},
            }
        )
    totals = {year: _group("", list(per_year[year].values())) for year in years}
    table.total = ["Total", ""]
    for year in years:
        table.total += [totals[year].revised, totals[year].allocated]
    indicative = [
        f"{ledger.streams[s].programme} {y}" for y in years for s in per_year[y] if figures.is_indicative(ledger, s, y)
    ]
    if indicative:
        table.notes.append(f"Indicative (not yet confirmed by the grantor): {', '.join(indicative)}.")
    table.data = {"years": years, "rows": rows_json, "total": {y: _amounts(t) for y, t in totals.items()}}
    return table
