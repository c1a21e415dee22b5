"""The board paper as Markdown: the funding table, Appendix A and Appendix B."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from budgetctl.model.money import format_pounds, needs_pence
from budgetctl.render.text import md
from budgetctl.reports.board import BoardReport, Bullets, Programme, full_list_note
from budgetctl.reports.table import Cell, Table


def money_column(amounts: Iterable[Decimal], pence: bool | None = None) -> list[str]:
    """Amounts formatted alike: ``pence`` (the paper's one rule), else pence throughout when one has them."""
    values = list(amounts)
    pence = needs_pence(values) if pence is None else pence
    return [format_pounds(a, pence=pence) for a in values]


def _cell(value: Cell) -> str:
    return "" if value is None else md(str(value))


def funding_headers(report: BoardReport) -> list[str]:
    """The funding table's headers: the summary's, with the year on the (approved) budget."""
    return [f"Budget {report.year} £" if c.key == "budget" else c.header for c in report.funding.columns]


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
    if report.listed:
        for programme in report.programmes:
            lines += _programme(report.year, programme, report.budget_pence, report.pence)
    else:
        lines += _programme_rows(report)
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
        if stream.same_as:
            lines += [f"The same conditions apply to: {md(', '.join(stream.same_as))}.", ""]
    if report.adjustments is not None:
        lines += ["## Appendix C – Changes to the approved budget", "", *_register(report.adjustments), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _register(table: Table) -> list[str]:
    """The year's adjustments, as `budgetctl adjustments` lists them."""
    from budgetctl.render.tables import human_cell

    pence = needs_pence([c for row in table.rows for c in row if isinstance(c, Decimal)])
    out = [_row([md(c.header) for c in table.columns])]
    out.append("|" + "|".join("---:" if c.kind != "text" else "---" for c in table.columns) + "|")
    for row in [*table.rows, *([table.total] if table.total else [])]:
        out.append(_row([md(human_cell(c, v, pence)) for c, v in zip(table.columns, row, strict=True)]))
    return [*out, "", *(md(note) for note in table.notes)]


def _funding(report: BoardReport) -> list[str]:
    table = report.funding
    rows = [*table.rows, table.total or []]
    columns = {}
    for index, column in enumerate(table.columns):
        if column.kind == "money":
            pence = report.pence if column.key in ("allocated", "unallocated") else report.budget_pence
            columns[index] = money_column((row[index] for row in rows), pence)  # type: ignore[misc]
    headers = funding_headers(report)
    out = [_row(headers), "|---|---|" + "---:|" * (len(headers) - 2)]
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


def _programme_rows(report: BoardReport) -> list[str]:
    """Appendix A in short: one row per programme, then where the full list is."""
    programmes = report.programmes
    largest = [max(g.awards, default=None) for g in programmes]
    allocated = money_column([*(g.subtotal for g in programmes), report.total_allocated], report.pence)
    tops = money_column([a for a in largest if a is not None], report.pence)
    top = iter(tops)
    out = [_row(["Programme", "Funding stream", "Projects", f"Largest {report.year} £", f"Allocated {report.year} £"])]
    out.append("|---|---|---:|---:|---:|")
    for programme, big, amount in zip(programmes, largest, allocated, strict=False):
        cells = [_cell(programme.programme), _cell(programme.funding), str(len(programme.awards))]
        out.append(_row([*cells, "—" if big is None else next(top), amount]))
    out.append(_row(["**Total**", "", f"**{report.project_count}**", "", f"**{allocated[-1]}**"]))
    return [*out, "", full_list_note(report), ""]  # our own text: a checked year, no ledger text


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
    remainder = format_pounds(left, pence=pence)
    word = "unallocated" if left >= 0 else "over-allocated"
    return [*out, "", f"{programme.budget_label(budget_pence)}; £{remainder.lstrip('-')} {word}.", ""]
