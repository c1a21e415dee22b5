"""The board paper's content as neutral data: renderers turn it into Markdown or HTML.

The funding-by-stream table is ``reports.summary.summary`` itself, so the paper
and ``budgetctl summary`` can never disagree; Appendix A lists the same
allocations by programme, and its subtotals are the summary's Allocated column.
Appendix B is written from each stream's declared rules in streams.yaml, so it
always says what ``budgetctl validate`` enforces.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from budgetctl.model.ledger import Ledger
from budgetctl.model.money import ZERO, format_pounds, needs_pence, total
from budgetctl.model.records import Stream
from budgetctl.reports.summary import percent, summary
from budgetctl.reports.table import Table

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
    budget: Decimal
    projects: list[ProjectLine]

    @property
    def subtotal(self) -> Decimal:
        return total(p.amount for p in self.projects)


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


@dataclass(frozen=True)
class Bar:
    """One stream in the chart of budget against allocated."""

    label: str
    budget: Decimal
    allocated: Decimal


@dataclass
class BoardReport:
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
    total_budget: Decimal
    total_allocated: Decimal


def as_at_line(day: datetime.date, revision: tuple[str, bool] | None) -> str:
    """``As at 28 March 2023 · ledger commit 1a2b3c4 (with changes not yet committed)``."""
    line = f"As at {day.day} {day:%B %Y}"
    if revision is None:
        return line + " · ledger not in a git repository"
    commit, dirty = revision
    return line + f" · ledger commit {commit}" + (" (with changes not yet committed)" if dirty else "")


def board_report(
    ledger: Ledger, year: str, as_at: datetime.date | None = None, revision: tuple[str, bool] | None = None
) -> BoardReport:
    """The board paper for ``year``, dated ``as_at`` (today) from the ledger at ``revision``."""
    table = summary(ledger, year, "stream").for_people()  # the paper is for people: no id column
    stream_ids = [row["stream"] for row in table.data["rows"]]
    programmes = [_programme(ledger, stream_id, year) for stream_id in stream_ids]
    budget = total(p.budget for p in programmes)
    allocated = total(p.subtotal for p in programmes)
    publisher = ledger.streams_file.publisher
    budget_pence = needs_pence([p.budget for p in programmes])
    pence = needs_pence([line.amount for p in programmes for line in p.projects])
    return BoardReport(
        year=year,
        publisher=publisher.name if publisher else None,
        as_at=as_at_line(as_at or datetime.date.today(), revision),
        budget_pence=budget_pence,
        pence=pence,
        funding=table,
        overview=_overview(year, programmes, budget, allocated, budget_pence, pence),
        programmes=programmes,
        appendix_b=[_rules(ledger, stream_id, year, budget_pence) for stream_id in stream_ids],
        chart=[Bar(p.programme, p.budget, p.subtotal) for p in programmes],
        total_budget=budget,
        total_allocated=allocated,
    )


def _programme(ledger: Ledger, stream_id: str, year: str) -> Programme:
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
    return Programme(stream_id, stream.programme, stream.funding, stream.budget.get(year, ZERO), lines)


def _purpose(stream: Stream, purpose: str | None, description: str | None) -> str | None:
    """A ring-fenced purpose reads as its label; otherwise the project's own description."""
    if purpose is not None:
        return stream.purposes.get(purpose, purpose)
    return description


def _overview(
    year: str, programmes: list[Programme], budget: Decimal, allocated: Decimal, budget_pence: bool, pence: bool
) -> list[str]:
    count = sum(len(p.projects) for p in programmes)
    share = f" ({percent(allocated, budget)}%)" if budget else ""
    lines = [
        f"The commissioning budget for {year} is £{format_pounds(budget, pence=budget_pence)} across "
        f"{len(programmes)} funding stream{'s' if len(programmes) != 1 else ''}.",
        f"£{format_pounds(allocated, pence=pence)}{share} is allocated to {count} project{'s' if count != 1 else ''} "
        f"listed in Appendix A, leaving £{format_pounds(budget - allocated, pence=pence)} unallocated.",
    ]
    over = [p.programme for p in programmes if p.subtotal > p.budget]
    if over:
        lines.append(f"Over-allocated: {', '.join(over)}.")
    return lines


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
    sources = [(s, by_year[year]) for s, by_year in stream.sources.items() if year in by_year]
    if sources:
        items = [f"{_source_label(s)}: £{format_pounds(amount, pence=pence)}" for s, amount in sources]
        blocks.append(Bullets(f"The {year} budget comes from:", items))
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
