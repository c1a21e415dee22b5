"""The board paper as Markdown: the funding table, Appendix A and Appendix B."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from budgetctl.model.money import format_pounds, needs_pence
from budgetctl.render.text import md
from budgetctl.reports.board import BoardReport, Bullets, Programme
from budgetctl.reports.table import Cell


def money_column(amounts: Iterable[Decimal], pence: bool | None = None) -> list[str]:
    """Amounts formatted alike: ``pence`` (the paper's one rule), else pence throughout when one has them."""
    values = list(amounts)
    pence = needs_pence(values) if pence is None else pence
    return [format_pounds(a, pence=pence) for a in values]


def _cell(value: Cell) -> str:
    return "" if value is None else md(str(value))


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def render(report: BoardReport, monitoring: str = "") -> str:
    """The whole paper as one Markdown document; ``monitoring``, Markdown placed before the
    appendices (the in-year monitoring report)."""
    lines = [f"# Commissioning Budget {report.year}", ""]
    if report.publisher:
        lines += [md(report.publisher), ""]
    lines += [f"*{md(report.as_at)}*", ""]
    lines += ["## Funding by stream", ""]
    lines += [" ".join(md(text) for text in report.overview), ""]
    lines += _funding(report)
    if monitoring:
        lines += ["", monitoring.rstrip("\n")]
    lines += ["", "## Appendix A – Projects by programme", ""]
    for programme in report.programmes:
        lines += _programme(report.year, programme, report.budget_pence, report.pence)
    amount = format_pounds(report.total_allocated, pence=report.pence)
    lines += [f"Appendix A allocates £{amount} in total, the Allocated total of the funding table.", ""]
    lines += ["## Appendix B – Funding streams", ""]
    for stream in report.appendix_b:
        lines += [f"### {md(stream.programme)}", "", f"*Funding stream: {md(stream.funding)}*", ""]
        for block in stream.blocks:
            if isinstance(block, Bullets):
                lines += [md(block.lead), "", *[f"- {md(item)}" for item in block.items], ""]
            else:
                lines += [md(block), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _funding(report: BoardReport) -> list[str]:
    table = report.funding
    rows = [*table.rows, table.total or []]
    columns = {}
    for index, column in enumerate(table.columns):
        if column.kind == "money":
            pence = report.budget_pence if column.key == "budget" else report.pence
            columns[index] = money_column((row[index] for row in rows), pence)  # type: ignore[misc]
    headers = ["Programme", "Funding Stream", f"Budget {report.year} £", "Allocated £", "Unallocated £", "% allocated"]
    out = [_row(headers), "|---|---|---:|---:|---:|---:|"]
    for number, row in enumerate(rows):
        cells = []
        for index, value in enumerate(row):
            if index in columns:
                cells.append(columns[index][number])
            elif table.columns[index].kind == "percent":
                cells.append("—" if value is None else f"{value}%")
            else:
                cells.append(_cell(value))
        if number == len(rows) - 1:
            cells = [f"**{c}**" if c else "" for c in cells]
        elif table.flags and table.flags[number]:
            cells[-1] += " **OVER**"
        out.append(_row(cells))
    return out


def _programme(year: str, programme: Programme, budget_pence: bool, pence: bool) -> list[str]:
    out = [f"### {md(programme.programme)}", "", f"*Funding stream: {md(programme.funding)}*", ""]
    if not programme.projects:
        return [*out, "No projects are allocated on this programme.", ""]
    amounts = money_column([p.amount for p in programme.projects] + [programme.subtotal], pence)
    out += [_row(["Project", "Lead", "Provider", "Purpose", f"{year} £"]), "|---|---|---|---|---:|"]
    for line, amount in zip(programme.projects, amounts, strict=False):
        out.append(_row([_cell(line.title), _cell(line.lead), _cell(line.provider), _cell(line.purpose), amount]))
    out.append(_row(["**Subtotal**", "", "", "", f"**{amounts[-1]}**"]))
    left = programme.budget - programme.subtotal
    budget = format_pounds(programme.budget, pence=budget_pence)
    remainder = format_pounds(left, pence=pence)
    word = "unallocated" if left >= 0 else "over-allocated"
    return [*out, "", f"Budget £{budget}; £{remainder.lstrip('-')} {word}.", ""]
