"""The board paper's content as neutral data: renderers turn it into Markdown or HTML.

The funding-by-stream table is ``reports.summary.summary`` itself, so the paper
and ``budgetctl summary`` can never disagree; Appendix A lists the same
allocations by programme, and its subtotals are the summary's Allocated column.
Appendix B is written from each stream's declared rules in streams.yaml, so it
always says what ``budgetctl validate`` enforces.
"""

from __future__ import annotations

import datetime
import os
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING

from budgetctl.model import figures
from budgetctl.model.ledger import Ledger
from budgetctl.model.money import format_pounds, needs_pence, total
from budgetctl.model.periods import previous_year
from budgetctl.model.records import Stream
from budgetctl.plainclass import dataclass, field
from budgetctl.reports.adjustments import register
from budgetctl.reports.board_date import as_at_line
from budgetctl.reports.summary import Known, percent, summary
from budgetctl.reports.table import Table

if TYPE_CHECKING:
    from budgetctl.loading.cache import FileCache
    from budgetctl.loading.discover import LedgerFiles
    from budgetctl.loading.warm import Listing
    from budgetctl.pipeline import Checked

# How a project field reads in a sentence ("every project must give its ...").
FIELD_LABELS = {
    "provider": "provider",
    "provider_sector": "provider's sector",
    "recipient_org_id": "recipient organisation identifier",
    "purpose": "purpose",
    "priorities": "Police and Crime Plan priorities",
    "npu": "Neighbourhood Policing Unit",
    "approved_by": "approver",
    "partnership": "partnership",
    "partnership_priorities": "partnership priorities",
    "costs": "cost categories",
    "description": "description",
    "award_date": "award date",
    "start_date": "start date",
    "end_date": "end date",
}

LIST_FIELDS = ("priorities", "partnership_priorities", "costs")

# Above this many projects in the year, Appendix A summarises each programme in one row unless
# every project is asked for: a board paper stays a paper (the full list is in the exports).
LIST_MAX_PROJECTS = 200
# A summarised paper charts this many streams (the largest budgets) and one bar for the rest.
CHART_MAX_BARS = 12


@dataclass(frozen=True)
class ProjectLine:
    """One project in Appendix A."""

    id: str
    title: str
    lead: str
    provider: str | None
    purpose: str | None
    amount: Decimal


@dataclass(frozen=True)
class Programme:
    """One programme (stream) in Appendix A, with its projects and subtotal."""

    stream: str
    programme: str
    funding: str
    budget: Decimal  # the revised budget: approved plus the year's adjustments
    projects: list[ProjectLine]  # empty in a paper built without the projects (it summarises Appendix A)
    approved: Decimal | None = None  # the approved budget, when adjustments changed it
    awards: tuple[Decimal, ...] = ()  # every project's allocation in the year, listed or not

    @cached_property  # asked of every programme several times; 10,000 awards add up in some 5 ms
    def subtotal(self) -> Decimal:
        return total(self.awards)

    def budget_label(self, pence: bool | None = None) -> str:
        """``Budget £400,000`` or ``Revised budget £2,000,538 (approved £1,805,538)``; ``pence``: the
        paper's rule for budgets (else pence only where an amount has them)."""
        shown = format_pounds(self.budget, pence=needs_pence([self.budget]) if pence is None else pence)
        if self.approved is None:
            return f"Budget £{shown}"
        approved = format_pounds(self.approved, pence=needs_pence([self.approved]) if pence is None else pence)
        return f"Revised budget £{shown} (approved £{approved})"


@dataclass(frozen=True)
class Bullets:
    """A sentence introducing a list: "The grant may be spent only on:" + items."""

    lead: str
    items: list[str]


@dataclass(frozen=True)
class StreamRules:
    """One stream in Appendix B: its description, then its conditions in plain English."""

    stream: str
    programme: str
    funding: str
    blocks: list[str | Bullets] = field(default_factory=list)
    # Other streams with exactly these conditions (a summarised paper states them once).
    same_as: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Bar:
    """One stream in the chart of budget against allocated."""

    label: str
    budget: Decimal
    allocated: Decimal


@dataclass
class BoardReport:
    """Everything a board paper shows, in the order it shows it."""

    year: str
    publisher: str | None
    as_at: str  # "As at 28 March 2023 · ledger commit 1a2b3c4" (the paper's date and the data it shows)
    # One way to write each kind of money throughout the paper (table, text, chart, appendices):
    # budgets with pence when any budget has them, allocated and unallocated money likewise.
    budget_pence: bool
    pence: bool
    funding: Table
    overview: list[str]
    programmes: list[Programme]
    appendix_b: list[StreamRules]
    chart: list[Bar]
    total_budget: Decimal  # approved by the board
    total_allocated: Decimal
    total_revised: Decimal  # approved plus the year's adjustments
    adjustments: Table | None = None  # Appendix C: the register of the year's adjustments (None without any)
    listed: bool = True  # Appendix A lists every project; False: one row per programme

    @property
    def project_count(self) -> int:
        return sum(len(p.awards) for p in self.programmes)


def board_report(
    ledger: Ledger,
    year: str,
    as_at: datetime.date | None = None,
    revision: tuple[str, bool] | None = None,
    list_projects: bool | None = None,
    known: Known | None = None,
    awards: dict[str, list[Decimal]] | None = None,
) -> BoardReport:
    """The board paper for ``year``, dated ``as_at`` (today) from the ledger at ``revision``; Appendix A
    lists every project when ``list_projects`` is True, one row per programme when False, and by
    default lists them up to LIST_MAX_PROJECTS.

    When ``ledger`` holds only the streams, ``known`` (each stream's figures, as ``summary`` takes
    them) and ``awards`` (each stream's allocations in ``year``), both from the last whole check of
    the same ledger content, stand in for the projects: the paper then summarises Appendix A
    (ValueError if it would list them)."""
    table = summary(ledger, year, "stream", known).for_people()  # the paper is for people: no id column
    stream_ids = [row["stream"] for row in table.data["rows"]]
    programmes = [
        _programme(ledger, stream_id, year, None if awards is None else awards.get(stream_id, []))
        for stream_id in stream_ids
    ]
    budget = total(p.budget for p in programmes)
    allocated = total(p.subtotal for p in programmes)
    publisher = ledger.streams_file.publisher
    approved = [p.approved for p in programmes if p.approved is not None]
    budget_pence = needs_pence([p.budget for p in programmes] + approved)
    pence = needs_pence([amount for p in programmes for amount in p.awards])
    count = sum(len(p.awards) for p in programmes)
    listed = count <= LIST_MAX_PROJECTS if list_projects is None else list_projects
    if listed and awards is not None:
        raise ValueError("a paper that lists every project needs the projects")
    return BoardReport(
        year=year,
        publisher=publisher.name if publisher else None,
        as_at=as_at_line(as_at or datetime.date.today(), revision),
        budget_pence=budget_pence,
        pence=pence,
        funding=table,
        listed=listed,
        overview=_overview(ledger, year, programmes, budget, allocated, budget_pence, pence, listed),
        programmes=programmes,
        appendix_b=_grouped([_rules(ledger, stream_id, year, budget_pence) for stream_id in stream_ids], not listed),
        chart=_bars([Bar(p.programme, p.budget, p.subtotal) for p in programmes], not listed),
        total_budget=total(p.approved if p.approved is not None else p.budget for p in programmes),
        total_allocated=allocated,
        total_revised=budget,
        adjustments=_appendix_c(ledger, year),
    )


@dataclass(frozen=True)
class Kept:
    """What a paper that summarises Appendix A needs from the last whole check of the ledger on disk."""

    checked: Checked  # its problems, and the ledger of streams.yaml alone (no project loaded)
    year: str  # the paper's year
    known: Known  # each stream's allocations and allocated money per year, as ``summary`` takes them
    awards: dict[str, list[Decimal]]  # each stream's allocations in the year
    cache: FileCache  # where the check is kept
    ledger_key: str  # the ledger key (``cache.ledger_key``) of the content checked


def warm(
    data: str | os.PathLike[str] | None,
    chosen: str | None,
    listing: bool | None,
    found: tuple[LedgerFiles | None, FileCache, str, bool, Listing | None] | None = None,
) -> Kept | None:
    """What ``board_report`` needs for a paper of ``chosen`` (default: as ``budgetctl report``
    chooses) that summarises Appendix A, without loading a project: the streams, the problems and
    figures of the last whole check (``pipeline.streams_only``) and each stream's allocations in the
    year from the snapshot of that same check. None when the cache does not hold exactly this
    ledger's last check, its totals are unreliable, the year has no budget, the paper would list
    every project (``listing`` True, or None and at most LIST_MAX_PROJECTS), or the snapshot and
    the figures disagree in the least: then the caller loads everything. ``found``: the ledger as
    ``loading.warm.current_listed`` found it just before: its files are not discovered again, and
    of a ledger the stamp vouched for only streams.yaml is read (``_stamped``). Raises NoLedger."""
    from budgetctl.loading import cache as file_cache
    from budgetctl.loading import snapshot
    from budgetctl.loading.codec import Malformed
    from budgetctl.model.money import ZERO
    from budgetctl.model.periods import chosen_year
    from budgetctl.pipeline import plan_of_last_check

    if listing is True or file_cache.disabled_by_env():
        return None
    found_plan = plan_of_last_check(data, found)
    if found_plan is None:
        return None
    checked, known, cache, key = found_plan
    assert checked.ledger is not None
    streams = checked.ledger.streams
    year = chosen_year(checked.ledger.budget_years(), chosen, datetime.date.today())
    if year is None:
        return None
    counts = {s: known.get(s, {}).get(year, (0, ZERO)) for s in streams}
    if listing is None and sum(count for count, _ in counts.values()) <= LIST_MAX_PROJECTS:
        return None
    snap = snapshot.read(cache.path, cache.key)
    if snap is None or snap.ledger != key:  # with or without the year's files: its rows are the plan
        return None
    try:
        awards = {s: snap.amounts(s, year) for s in counts}
    except (Malformed, ValueError, RecursionError):
        return None
    if any((len(awards[s]), total(awards[s])) != counts[s] for s in counts):
        return None  # the snapshot does not add up to the check's figures: trust neither
    return Kept(checked, year, known, awards, cache, key)


def _appendix_c(ledger: Ledger, year: str) -> Table | None:
    """The year's adjustments as the register shows them, without its problems column."""
    if not figures.has_adjustments(ledger, year):
        return None
    records = register(ledger, year, []).records
    keep = [i for i, c in enumerate(records.columns) if c.key != "problems"]
    records.columns = [records.columns[i] for i in keep]
    records.rows = [[row[i] for i in keep] for row in records.rows]
    records.total = [records.total[i] for i in keep] if records.total else None
    return records


def _programme(ledger: Ledger, stream_id: str, year: str, awards: list[Decimal] | None = None) -> Programme:
    """One programme; ``awards``: its allocations in the year, when ``ledger`` holds no project."""
    stream = ledger.streams[stream_id]
    lines = [
        ProjectLine(
            id=entry.id,
            title=entry.project.title,
            lead=entry.project.lead,
            provider=entry.project.provider,
            purpose=_purpose(stream, entry.project.purpose, entry.project.description),
            amount=amount,
        )
        for entry, amount in sorted(ledger.allocated(stream_id, year), key=lambda pair: (-pair[1], pair[0].id))
    ]
    approved = figures.approved_budget(ledger, stream_id, year)
    revised = figures.revised_budget(ledger, stream_id, year)
    return Programme(
        stream_id,
        stream.programme,
        stream.funding,
        revised,
        lines,
        approved if revised != approved else None,
        tuple(awards) if awards is not None else tuple(line.amount for line in lines),
    )


def _purpose(stream: Stream, purpose: str | None, description: str | None) -> str | None:
    """A ring-fenced purpose reads as its label; otherwise the project's own description."""
    if purpose is not None:
        return stream.purposes.get(purpose, purpose)
    return description


def _overview(
    ledger: Ledger,
    year: str,
    programmes: list[Programme],
    budget: Decimal,
    allocated: Decimal,
    budget_pence: bool,
    pence: bool,
    listed: bool = True,
) -> list[str]:
    count = sum(len(p.awards) for p in programmes)
    share = f" ({percent(allocated, budget)}%)" if budget else ""
    approved = total(p.approved if p.approved is not None else p.budget for p in programmes)
    where = "listed in Appendix A" if listed else "summarised by programme in Appendix A"
    lines = [
        f"The commissioning budget for {year} is £{format_pounds(approved, pence=budget_pence)} across "
        f"{len(programmes)} funding stream{'s' if len(programmes) != 1 else ''}.",
        f"£{format_pounds(allocated, pence=pence)}{share} is allocated to {count} project{'s' if count != 1 else ''} "
        f"{where}, leaving £{format_pounds(budget - allocated, pence=pence)} unallocated.",
    ]
    count_adjusted = len(figures.year_adjustments(ledger, year))
    opened = sum(1 for s in ledger.streams if figures.opening_balance(ledger, s, year))
    changes = [f"{count_adjusted} adjustment{'s' if count_adjusted != 1 else ''}"] if count_adjusted else []
    if opened:  # a balance fund's unspent money of the closed year before: no record holds it
        changes.append(f"{opened} opening balance{'s' if opened != 1 else ''} from {previous_year(year)}")
    if changes:
        lines.insert(
            1,
            f"{' and '.join(changes)} since approval "
            f"({_signed(budget - approved)}) bring the revised budget to £{format_pounds(budget, pence=budget_pence)}.",
        )
    over = [p.programme for p in programmes if p.subtotal > p.budget]
    if over:
        lines.append(f"Over-allocated: {', '.join(over)}.")
    return lines


def _bars(bars: list[Bar], short: bool) -> list[Bar]:
    """Every stream's bar, or for a short paper the largest budgets and one bar for the others."""
    if not short or len(bars) <= CHART_MAX_BARS:
        return bars
    keep = set(sorted(range(len(bars)), key=lambda i: -bars[i].budget)[: CHART_MAX_BARS - 1])
    rest = [b for i, b in enumerate(bars) if i not in keep]
    others = Bar(f"{len(rest)} other streams", total(b.budget for b in rest), total(b.allocated for b in rest))
    return [b for i, b in enumerate(bars) if i in keep] + [others]


def _grouped(streams: list[StreamRules], short: bool) -> list[StreamRules]:
    """For a short paper, streams whose conditions are word for word the same are stated once."""
    if not short:
        return streams
    first: dict[str, StreamRules] = {}
    for rules in streams:
        key = repr(rules.blocks)
        if key in first:
            first[key].same_as.append(rules.programme)
        else:
            first[key] = rules
    return list(first.values())


def full_list_note(report: BoardReport) -> str:
    """Where a summarised Appendix A's projects are listed in full."""
    return (
        f"The {report.project_count} projects are listed one by one in `budgetctl report --year {report.year} "
        f"--projects all` and in `budgetctl export --year {report.year} --format csv`."
    )


def _money(amount: Decimal) -> str:
    return format_pounds(amount, pence=amount != amount.to_integral_value())


def _signed(amount: Decimal) -> str:
    return f"-£{_money(-amount)}" if amount < 0 else f"+£{_money(amount)}"


def _sentence_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _source_label(source_id: str) -> str:
    return source_id.replace("-", " ").title()


def _rules(ledger: Ledger, stream_id: str, year: str, pence: bool) -> StreamRules:
    """Appendix B for one stream, generated from its declared rules."""
    stream = ledger.streams[stream_id]
    blocks: list[str | Bullets] = []
    if stream.description:
        blocks.append(stream.description)
    if stream.ring_fenced:
        blocks.append("This is a ring-fenced grant: it may be spent only on its declared purposes.")
    if stream.purposes:
        blocks.append(Bullets("Every project must name one of these purposes:", list(stream.purposes.values())))
    sources = [
        (s, figures.revised_source(ledger, stream_id, s, year))
        for s, by_year in stream.sources.items()
        if year in by_year or figures.revised_source(ledger, stream_id, s, year)
    ]
    if sources:
        items = [f"{_source_label(s)}: £{format_pounds(amount, pence=pence)}" for s, amount in sources]
        revised = "revised " if figures.stream_adjustments(ledger, stream_id, year) else ""
        blocks.append(Bullets(f"The {year} {revised}budget comes from:", items))
    rules = stream.eligibility
    if rules is not None:
        if rules.required:
            names = [FIELD_LABELS.get(f, f) for f in rules.required]
            blocks.append(f"Every project must give its {_sentence_list(names)}.")
        for name, allowed in rules.allowed.items():
            label = FIELD_LABELS.get(name, name)
            if name in LIST_FIELDS:
                blocks.append(Bullets(f"Each of the {label} must be one of:", list(allowed.values())))
            elif len(allowed) == 1:
                blocks.append(f"The {label} must be: {next(iter(allowed.values()))}.")
            else:
                blocks.append(Bullets(f"The {label} must be one of:", list(allowed.values())))
        if rules.max_award is not None:
            blocks.append(
                f"No project may receive more than £{format_pounds(rules.max_award, pence=pence)} in a financial year."
            )
        if rules.excluded_costs:
            blocks.append(Bullets("These costs are never funded:", list(rules.excluded_costs.values())))
    if len(blocks) == (1 if stream.description else 0):
        blocks.append("No conditions beyond the budget are declared for this stream.")
    return StreamRules(stream_id, stream.programme, stream.funding, blocks)
