"""The reconciled summary per stream in a year: approved budget, adjustments, revised budget, allocated, unallocated."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from budgetctl.model.money import ZERO, split, total
from budgetctl.model.streamfacts import StreamFacts, facts_of
from budgetctl.reports.table import Column, Table, json_value, keyed_table

TYPE_CHECKING = False  # typing itself is not imported: a warm summary does without it
if TYPE_CHECKING:  # a warm summary builds its table from StreamFacts: no model of a record is imported
    import os
    from collections.abc import Sequence
    from typing import Any, NamedTuple

    from budgetctl.diagnostics import Diagnostic
    from budgetctl.loading.discover import LedgerFiles
    from budgetctl.loading.listing import Funded
    from budgetctl.model.ledger import Ledger
    from budgetctl.pipeline import Checked
else:
    from budgetctl.model.plaintuple import NamedTuple

NO_PRIORITY = "(no priority)"


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole`` to one decimal place; None when whole is zero."""
    if whole == 0:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


class Figures(NamedTuple):  # a tuple, not a dataclass: a warm summary does without importing dataclasses
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


def _amounts(f: Figures) -> dict[str, Decimal | None]:
    """A row's money by column key: ``budget`` stays the approved budget; unallocated is revised - allocated."""
    revised = f.revised  # once: a row a stream, and a long summary has hundreds
    return {
        "budget": f.budget,
        "adjustments": f.adjustments,
        "revised": revised,
        "allocated": f.allocated,
        "unallocated": revised - f.allocated,
        "percent": percent(f.allocated, revised),
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


def summary(
    source: Ledger | StreamFacts,
    year: str,
    by: str = "stream",
    known: Known | None = None,
    funded: Sequence[Funded] | None = None,
) -> Table:
    """The summary table for ``year``, grouped ``by`` stream, funding label or priority.

    ``source`` is the checked ledger, or (for a grouping in BY_STREAMS) the facts kept with
    its last whole check (``model.streamfacts``). ``known`` stands in for the projects when
    the ledger holds only the streams, taken from the last whole check of the same content;
    so does ``funded`` by priority (``loading.listing.funded_projects``: each valid project's
    stream, priorities and allocations, from its cached entry).
    """
    if by not in BY_STREAMS:
        if known is not None or isinstance(source, StreamFacts):
            raise ValueError(f"grouping by {by} needs the projects")
        return _by_priority(source, year, funded)
    facts = source if isinstance(source, StreamFacts) else facts_of(source, known)
    return {"stream": _by_stream, "funding": _by_funding}[by](facts, year)


def warm(data: str | os.PathLike[str] | None, *, plan: bool) -> tuple[Checked, StreamFacts] | None:
    """Every problem and the stream facts of the last check of exactly the ledger on disk (keyed by
    every file's content), when the cache holds them and the totals are reliable; None otherwise
    (then the caller checks the ledger, and refuses unreliable totals). Raises NoLedger.

    ``plan``: the check of the plan alone, as a report of one year makes it (actuals and
    forecasts unread: their problems are not among its problems); else the whole check."""
    found = _warm(data, plan=plan)
    facts = None if found is None else _decoded(found[2])
    if found is None or facts is None:
        return None
    from budgetctl.pipeline import Checked

    last, files, _ = found
    return Checked(None, *last, files=files), facts


def warm_table(
    data: str | os.PathLike[str] | None, year: str | None, years: list[str] | None, by: str
) -> tuple[list[Diagnostic], int, Table] | None:
    """``warm``'s problems and file count, and the summary table by ``by`` (a grouping in BY_STREAMS)
    of ``year`` (a parsed year; None: ``periods.chosen_year``'s default), or by stream of ``years``
    (a range), without importing the pipeline (the entry point prints only these). Only the years
    shown are decoded. None when ``warm`` is, or when no such year has a budget (the command says so)."""
    found = _warm(data, plan=years is None)
    if found is None:
        return None
    (problems, file_count, _), _, kept = found
    from budgetctl.model import streamfacts

    try:
        budget_years = streamfacts.kept_years(kept)
        if years is None:
            if year is None:
                import datetime

                from budgetctl.model.periods import chosen_year

                year = chosen_year(budget_years, None, datetime.date.today())
            if year is None or year not in budget_years:
                return None
            table = summary(streamfacts.decode(kept, [year]), year, by)
        elif set(years) & set(budget_years):
            table = summary_years(streamfacts.decode(kept, years), years)
        else:
            return None
    except streamfacts.Malformed:
        return None
    return problems, file_count, table


def _warm(
    data: str | os.PathLike[str] | None, *, plan: bool
) -> tuple[tuple[list[Diagnostic], int, bool], LedgerFiles | None, Any] | None:
    """The last check's problems, file count and incompleteness, the files (None when the stamp
    vouched for them) and the kept facts, not yet decoded (see ``warm``)."""
    from budgetctl.loading import warm

    look = warm.first_look(data)
    if isinstance(look, tuple) and not (plan and look[1].in_year):
        # The stamp is kept only after a whole check that found no problem, and says how many
        # files it checked: with the values kept under its ledger key, neither the check file
        # (nor json to read it) nor pathlib is needed.
        from budgetctl.loading import summaryvalues

        (entries, code), stamp, _ = look
        values = summaryvalues.load(entries, code, stamp.key)
        if values is not None:
            return ([], stamp.files, False), None, values
    if isinstance(data, str):  # as the command's option gives it, for discovery
        from pathlib import Path

        data = Path(data)
    state = warm.current_of(data, look)
    if state is None:
        return None
    files, cached, key, in_year = state
    if plan and in_year:
        found = cached.last_plan(key)
        last, kept = (None, None) if found is None else ((found[0], found[1], found[2]), found[3])
    else:  # without actuals and forecasts, the check of the plan is the whole check
        kept = cached.last_summary(key)
        last = cached.last_check(key) if kept is not None else None
    if last is None or (files is None and last[0]):  # problems to show need the files' lines
        return None
    if any(p.is_error for p in last[0]):  # which errors break totals: the pipeline's to say
        from budgetctl.pipeline import Checked

        if Checked(None, *last, files=files).totals_broken():
            return None
    return last, files, kept


def _decoded(kept: Any) -> StreamFacts | None:
    from budgetctl.model import streamfacts

    try:
        return streamfacts.decode(kept)
    except streamfacts.Malformed:
        return None


def _stream_figures(facts: StreamFacts, year: str) -> list[Figures]:
    """The figures of the streams funded or allocated in ``year``."""
    found = []
    for stream_id in facts.streams:
        f = facts.years[stream_id].get(year)
        if f is not None:
            found.append(Figures(stream_id, f.budget, f.adjustments, f.allocated))
    return found


def _money_columns(adjusted: bool) -> list[Column]:
    """Budget, then (shown when the year has adjustments; always in JSON) Adjustments and Revised, then allocated."""
    return [
        Column("budget", "Budget £", "money"),
        Column("adjustments", "Adjustments £", "money", shown=adjusted),
        Column("revised", "Revised £", "money", shown=adjusted, json_key="revised_budget"),
        Column("allocated", "Allocated £", "money"),
        Column("unallocated", "Unallocated £", "money"),
        Column("percent", "% allocated", "percent", exported=False),
    ]


def _by_stream(facts: StreamFacts, year: str) -> Table:
    found = _stream_figures(facts, year)
    adjusted = year in facts.adjusted
    columns = [
        Column("stream", "Stream", for_people=False),
        Column("programme", "Programme"),
        Column("funding", "Funding Stream"),
    ]
    rows = []
    for f in found:
        programme, funding = facts.streams[f.stream]
        rows.append({"stream": f.stream, "programme": programme, "funding": funding, **_amounts(f)})
    title = f"Commissioning budget {year}"
    return _finish(title, [*columns, *_money_columns(adjusted)], rows, found, adjusted, {"year": year})


def _by_funding(facts: StreamFacts, year: str) -> Table:
    found = _stream_figures(facts, year)
    adjusted = year in facts.adjusted
    groups: dict[str, list[Figures]] = defaultdict(list)
    for f in found:
        groups[facts.streams[f.stream][1]].append(f)
    columns = [
        Column("funding", "Funding Stream"),
        Column("streams", "Streams", shown=False),
        Column("programmes", "Programmes"),
    ]
    rows = []
    for funding, members in groups.items():
        rows.append(
            {
                "funding": funding,
                "streams": [f.stream for f in members],
                "programmes": [facts.streams[f.stream][0] for f in members],
                **_amounts(_group(funding, members)),
            }
        )
    head = {"year": year, "by": "funding"}
    title = f"Commissioning budget {year} by funding stream"
    return _finish(title, [*columns, *_money_columns(adjusted)], rows, found, adjusted, head)


def _by_priority(ledger: Ledger, year: str, projects: Sequence[Funded] | None = None) -> Table:
    """Allocations per Police and Crime Plan priority; a project serving several
    priorities is split equally between them (largest remainder, to the penny),
    so the rows add up to the stream totals. ``projects``: the ledger's, when it holds only
    the streams."""
    shares: dict[str, Decimal] = {}
    counts: dict[str, int] = defaultdict(int)
    funded = 0
    for project in (entry.project for entry in ledger.projects) if projects is None else projects:
        amount = project.allocations.get(year)
        if amount is None or project.stream not in ledger.streams:
            continue
        funded += 1
        priorities = list(dict.fromkeys(project.priorities)) or [NO_PRIORITY]
        for priority, part in zip(priorities, split(amount, [1] * len(priorities)), strict=True):
            shares[priority] = total((shares.get(priority, ZERO), part))
            counts[priority] += 1
    # Every priority of the plan is listed, with zero where nothing is allocated: a
    # priority missing from the table would look like one nobody had thought of.
    for priority in ledger.priorities:
        shares.setdefault(priority, ZERO)
    order = list(ledger.priorities) + sorted(p for p in shares if p not in ledger.priorities)
    grand = total(shares.values())
    rows = [
        {
            "priority_id": priority,
            "priority": ledger.priorities.get(priority, priority),
            "projects": counts[priority],
            "allocated": shares[priority],
            "share": percent(shares[priority], grand) if grand else Decimal("0.0"),
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
    found: list[Figures],
    adjusted: bool,
    head: dict[str, Any],
) -> Table:
    """The table with its total row, over-allocated rows (above the revised budget) flagged and named in a note."""
    first, second = [c.key for c in columns if c.shown][:2]
    named = next(c.key for c in columns if c.shown and c.for_people)  # the first label people see
    flags = [row["allocated"] > row["revised"] for row in rows]
    over = [row[named] for row, flag in zip(rows, flags, strict=True) if flag]
    notes = []
    if adjusted:
        notes.append("Revised = budget approved by the board + adjustments (budgetctl adjustments --year).")
    if over:
        notes.append(f"Over-allocated: {', '.join(str(name) for name in over)}.")
    return keyed_table(
        title,
        columns,
        rows,
        total={first: "Total", second: "", **_amounts(_group("", found))},
        head=head,
        flags=flags,
        notes=notes,
    )


def summary_years(source: Ledger | StreamFacts, years: list[str]) -> Table:
    """Several years side by side, per stream: each year's revised budget and allocated money.

    JSON has every figure of each year (budget, adjustments, revised_budget,
    allocated, unallocated), as the one-year summary has.
    """
    facts = source if isinstance(source, StreamFacts) else facts_of(source)
    columns = [
        Column("stream", "Stream", shown=False),
        Column("programme", "Programme"),
        Column("funding", "Funding Stream"),
    ]
    for year in years:
        columns += [
            Column(f"{year}-revised", f"{year} revised £", "money", exported=False),
            Column(f"{year}-allocated", f"{year} allocated £", "money", exported=False),
        ]
    columns.append(Column("years", "Years", shown=False))
    per_year = {year: {f.stream: f for f in _stream_figures(facts, year)} for year in years}
    rows: list[dict[str, Any]] = []
    flags = []
    for stream_id, (programme, funding) in facts.streams.items():
        found = {y: per_year[y][stream_id] for y in years if stream_id in per_year[y]}
        if not found:
            continue
        row: dict[str, Any] = {"stream": stream_id, "programme": programme, "funding": funding}
        for year, f in found.items():
            row[f"{year}-revised"], row[f"{year}-allocated"] = f.revised, f.allocated
        row["years"] = {y: _json_amounts(f) for y, f in found.items()}
        rows.append(row)
        flags.append(any(f.allocated > f.revised for f in found.values()))
    totals = {year: _group("", list(per_year[year].values())) for year in years}
    total_row: dict[str, Any] = {"programme": "Total", "funding": ""}
    for year in years:
        total_row[f"{year}-revised"], total_row[f"{year}-allocated"] = totals[year].revised, totals[year].allocated
    indicative = [f"{facts.streams[s][0]} {y}" for y in years for s in per_year[y] if facts.years[s][y].indicative]
    notes = [f"Indicative (not yet confirmed by the grantor): {', '.join(indicative)}."] if indicative else []
    table = keyed_table(
        f"Commissioning budget {years[0]} to {years[-1]}",
        columns,
        rows,
        total=total_row,
        head={"years": years},
        flags=flags,
        notes=notes,
    )
    table.data["total"] = {y: json_value(_json_amounts(t)) for y, t in totals.items()}
    return table


def _json_amounts(f: Figures) -> dict[str, Decimal]:
    """One year's money as the one-year summary's JSON has it (percent is for people only)."""
    return {
        "budget": f.budget,
        "adjustments": f.adjustments,
        "revised_budget": f.revised,
        "allocated": f.allocated,
        "unallocated": f.unallocated,
    }
