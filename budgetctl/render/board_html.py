"""The board paper as one self-contained HTML file that prints cleanly on A4.

Inline CSS and an inline SVG chart; no script, font, image or stylesheet is
fetched, so the file reads the same offline, in a mail attachment or in an
archive. Every value from the ledger goes through ``render.text.html_text`` (``_e``).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from budgetctl import __version__
from budgetctl.model.money import format_pounds, needs_pence
from budgetctl.render.board_markdown import funding_headers, money_column
from budgetctl.render.text import html_text as _e
from budgetctl.reports.board import Bar, BoardReport, Bullets, Programme, StreamRules, full_list_note
from budgetctl.reports.summary import percent
from budgetctl.reports.table import Table

NAVY = "#12355b"
PALE = "#b7c6da"
RED = "#a4000f"

CSS = f"""
@page {{ size: A4; margin: 15mm; }}
@page {{ @bottom-right {{ content: "Page " counter(page) " of " counter(pages); font: 8pt Arial, sans-serif;
  color: #555; }} }}
* {{ box-sizing: border-box; }}
html {{ font-family: "Helvetica Neue", Arial, "Liberation Sans", sans-serif; font-size: 10pt; line-height: 1.4;
  color: #1b1b1b; -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
body {{ margin: 0 auto; max-width: 180mm; padding: 10mm 0; }}
@media print {{ body {{ max-width: none; padding: 0; }} }}
header {{ border-bottom: 3pt solid {NAVY}; padding-bottom: 3mm; margin-bottom: 5mm; }}
header .publisher {{ text-transform: uppercase; letter-spacing: 0.08em; font-size: 8.5pt; color: #444;
  margin: 0 0 1mm; }}
h1 {{ font-size: 21pt; line-height: 1.15; margin: 0; color: {NAVY}; }}
header .subtitle {{ margin: 1.5mm 0 0; color: #444; }}
h2 {{ font-size: 13pt; color: {NAVY}; border-bottom: 1pt solid {NAVY}; padding-bottom: 1mm; margin: 7mm 0 3mm;
  break-after: avoid; page-break-after: avoid; }}
h3 {{ font-size: 11pt; margin: 6mm 0 0.5mm; break-after: avoid; page-break-after: avoid; }}
p {{ margin: 0 0 2.5mm; }}
p.funding {{ color: #555; font-size: 9pt; margin-bottom: 1.5mm; break-after: avoid; page-break-after: avoid; }}
p.note {{ color: #444; font-size: 9pt; }}
table {{ width: 100%; border-collapse: collapse; margin: 0 0 2.5mm; font-size: 8.8pt; }}
thead {{ display: table-header-group; }}
tfoot {{ display: table-row-group; }}
tr {{ break-inside: avoid; page-break-inside: avoid; }}
th, td {{ padding: 1.1mm 1.6mm; border-bottom: 0.5pt solid #c9ced6; text-align: left; vertical-align: top; }}
thead th {{ background: {NAVY}; color: #fff; font-weight: 600; vertical-align: bottom; }}
tbody tr:nth-child(even) td {{ background: #f3f5f8; }}
.num {{ text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }}
tr.total td {{ font-weight: 700; border-top: 1pt solid {NAVY}; border-bottom: 1.5pt solid {NAVY};
  background: #e6ebf2; }}
tr.over td {{ color: {RED}; }}
td .id {{ display: block; color: #666; font-size: 7.5pt; }}
td.none {{ color: #888; }}
figure {{ margin: 3mm 0 0; break-inside: avoid; page-break-inside: avoid; }}
figure svg {{ width: 100%; height: auto; display: block; }}
figcaption {{ font-size: 8.5pt; color: #555; margin-top: 1mm; }}
section.appendix {{ break-before: page; page-break-before: always; }}
.stream {{ break-inside: avoid-page; }}
.wide {{ overflow-x: auto; }}
@media screen and (max-width: 40em) {{
  body {{ padding: 3mm; }}
  table.funding {{ font-size: 7.5pt; }}
  table.funding col {{ width: auto !important; }}
  table.funding th, table.funding td {{ padding: 0.8mm 1mm; }}
}}
ul {{ margin: 0 0 2.5mm; padding-left: 5mm; }}
ul.long {{ columns: 2; column-gap: 8mm; }}
li {{ margin-bottom: 0.6mm; }}
footer {{ margin-top: 8mm; border-top: 0.5pt solid #c9ced6; padding-top: 1.5mm; font-size: 8pt; color: #666; }}
"""


def render(report: BoardReport, monitoring: str = "", extra_css: str = "") -> str:
    """The whole paper as one HTML document; ``monitoring``, an HTML section placed before
    the appendices (the in-year monitoring report), with its ``extra_css``."""
    title = f"Commissioning Budget {report.year}"
    header = [
        f'<p class="publisher">{_e(report.publisher)}</p>' if report.publisher else "",
        f"<h1>{_e(title)}</h1>",
        '<p class="subtitle">Funding by stream, projects by programme and the conditions of each funding stream.</p>',
        f'<p class="asat">{_e(report.as_at)}</p>',
    ]
    main = [
        "<section>",
        "<h2>Funding by stream</h2>",
        *[f"<p>{_e(text)}</p>" for text in report.overview],
        f'<div class="wide">{_funding_table(report)}</div>',
        "<figure>",
        _chart(report.chart, report.year, (report.budget_pence, report.pence)),
        f"<figcaption>Budget and allocated amounts per funding stream, {_e(report.year)}, in pounds "
        "rounded to the nearest pound.</figcaption>",
        "</figure>",
        "</section>",
        monitoring,
        '<section class="appendix">',
        "<h2>Appendix A – Projects by programme</h2>",
        *(
            [_programme(report.year, p, report.budget_pence, report.pence) for p in report.programmes]
            if report.listed
            else [_programme_rows(report)]
        ),
        f'<p class="note">Appendix A allocates £{_e(_pounds(report.total_allocated, report.pence))} in total, '
        "the Allocated total of the funding table.</p>",
        "</section>",
        '<section class="appendix">',
        "<h2>Appendix B – Funding streams</h2>",
        *[_stream(s) for s in report.appendix_b],
        "</section>",
        _register(report.adjustments) if report.adjustments is not None else "",
    ]
    return document(title, CSS + extra_css, header, main)


def document(title: str, css: str, header: list[str], main: list[str]) -> str:
    """One self-contained HTML page (the board paper's, the monitoring report's): its head,
    ``header`` and ``main`` parts (empty ones left out) and budgetctl's footer."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{css}</style>",
        "</head>",
        "<body>",
        "<header>",
        *header,
        "</header>",
        "<main>",
        *main,
        "</main>",
        f"<footer>Generated by budgetctl {_e(__version__)} from the budget ledger.</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"


def _pounds(amount: Decimal, pence: bool) -> str:
    return format_pounds(amount, pence=pence)


def _funding_table(report: BoardReport) -> str:
    table = report.funding
    rows = [*table.rows, table.total or []]
    money = {
        i: money_column(
            (row[i] for row in rows),  # type: ignore[misc]
            report.pence if c.key in ("allocated", "unallocated") else report.budget_pence,
        )
        for i, c in enumerate(table.columns)
        if c.kind == "money"
    }
    head = funding_headers(report)
    head[1] = "Funding stream"
    # With adjustments the table has two more money columns (Adjustments, Revised).
    widths = (23, 27, 13, 13, 13, 11) if len(head) == 6 else (17, 19, 10, 10, 11, 11, 11, 11)
    cols = "".join(f'<col style="width:{w}%">' for w in widths)
    out = [f'<table class="funding"><colgroup>{cols}</colgroup>', "<thead><tr>"]
    out += [f"<th{' class=num' if i >= 2 else ''}>{_e(h)}</th>" for i, h in enumerate(head)]
    out.append("</tr></thead><tbody>")
    for number, row in enumerate(rows):
        if number == len(rows) - 1:
            out.append('</tbody><tfoot><tr class="total">')
        else:
            over = bool(table.flags and table.flags[number])
            out.append('<tr class="over">' if over else "<tr>")
        for index, value in enumerate(row):
            if index in money:
                out.append(f'<td class="num">{_e(money[index][number])}</td>')
            elif table.columns[index].kind == "percent":
                # OVER in words as well as in red: a paper is often printed in black and white.
                flagged = number < len(table.rows) and bool(table.flags and table.flags[number])
                text = ("—" if value is None else _e(value) + "%") + (" <strong>OVER</strong>" if flagged else "")
                out.append(f'<td class="num">{text}</td>')
            else:
                out.append(f"<td>{'' if value is None else _e(value)}</td>")
        out.append("</tr>")
    out.append("</tfoot></table>")
    return "".join(out)


def _register(table: Table) -> str:
    """Appendix C: the year's adjustments, as `budgetctl adjustments` lists them."""
    from budgetctl.render.tables import human_cell

    pence = needs_pence([c for row in table.rows for c in row if isinstance(c, Decimal)])
    out = ['<section class="appendix">', "<h2>Appendix C – Changes to the approved budget</h2>", "<table><thead><tr>"]
    out += [f"<th{' class=num' if c.kind != 'text' else ''}>{_e(c.header)}</th>" for c in table.columns]
    out.append("</tr></thead><tbody>")
    for number, row in enumerate([*table.rows, *([table.total] if table.total else [])]):
        if number == len(table.rows):
            out.append('</tbody><tfoot><tr class="total">')
        else:
            out.append("<tr>")
        for column, value in zip(table.columns, row, strict=True):
            cls = ' class="num"' if column.kind != "text" else ""
            out.append(f"<td{cls}>{_e(human_cell(column, value, pence))}</td>")
        out.append("</tr>")
    out.append("</tfoot></table>" if table.total else "</tbody></table>")
    out += [f'<p class="note">{_e(note)}</p>' for note in table.notes]
    out.append("</section>")
    return "".join(out)


def _programme_rows(report: BoardReport) -> str:
    """Appendix A in short: one row per programme, then where the full list is."""
    programmes = report.programmes
    largest = [max(g.awards, default=None) for g in programmes]
    allocated = money_column([*(g.subtotal for g in programmes), report.total_allocated], report.pence)
    top = iter(money_column([a for a in largest if a is not None], report.pence))
    out = [
        '<table class="funding"><colgroup><col style="width:30%"><col style="width:30%"><col style="width:10%">'
        '<col style="width:15%"><col style="width:15%"></colgroup>',
        "<thead><tr><th>Programme</th><th>Funding stream</th><th class=num>Projects</th>"
        f"<th class=num>Largest {_e(report.year)} £</th><th class=num>Allocated {_e(report.year)} £</th></tr></thead>"
        "<tbody>",
    ]
    for programme, big, amount in zip(programmes, largest, allocated, strict=False):
        out.append(
            f"<tr><td>{_e(programme.programme)}</td><td>{_e(programme.funding)}</td>"
            f'<td class="num">{len(programme.awards)}</td>'
            f'<td class="num">{"—" if big is None else _e(next(top))}</td><td class="num">{_e(amount)}</td></tr>'
        )
    out.append(
        f'</tbody><tfoot><tr class="total"><td colspan="2">Total</td><td class="num">{report.project_count}</td>'
        f'<td></td><td class="num">{_e(allocated[-1])}</td></tr></tfoot></table>'
    )
    note = _e(full_list_note(report)).replace("`", "")
    out.append(f'<p class="note">{note}</p>')
    return "".join(out)


def _programme(year: str, programme: Programme, budget_pence: bool, pence: bool) -> str:
    out = [
        '<div class="programme">',
        f"<h3>{_e(programme.programme)}</h3>",
        f'<p class="funding">Funding stream: {_e(programme.funding)}</p>',
    ]
    if not programme.projects:
        out.append("<p>No projects are allocated on this programme.</p></div>")
        return "".join(out)
    amounts = money_column([p.amount for p in programme.projects] + [programme.subtotal], pence)
    out.append(
        '<table><colgroup><col style="width:26%"><col style="width:16%"><col style="width:18%">'
        '<col style="width:27%"><col style="width:13%"></colgroup>'
        "<thead><tr><th>Project</th><th>Lead</th><th>Provider</th><th>Purpose</th>"
        f'<th class="num">{_e(year)} £</th></tr></thead><tbody>'
    )
    for line, amount in zip(programme.projects, amounts, strict=False):
        provider = f"<td>{_e(line.provider)}</td>" if line.provider else '<td class="none">—</td>'
        out.append(
            f'<tr><td>{_e(line.title)}<span class="id">{_e(line.id)}</span></td><td>{_e(line.lead)}</td>'
            f"{provider}<td>{_e(line.purpose or '')}</td>"
            f'<td class="num">{_e(amount)}</td></tr>'
        )
    out.append(
        f'</tbody><tfoot><tr class="total"><td colspan="4">Subtotal, {_e(programme.programme)}</td>'
        f'<td class="num">{_e(amounts[-1])}</td></tr></tfoot></table>'
    )
    left = programme.budget - programme.subtotal
    word = "unallocated" if left >= 0 else "over-allocated"
    rest = _e(_pounds(abs(left), pence))
    out.append(f'<p class="note">{_e(programme.budget_label(budget_pence))}; £{rest} {word}.</p></div>')
    return "".join(out)


def _stream(stream: StreamRules) -> str:
    out = [
        '<div class="stream">',
        f"<h3>{_e(stream.programme)}</h3>",
        f'<p class="funding">Funding stream: {_e(stream.funding)}</p>',
    ]
    for block in stream.blocks:
        if isinstance(block, Bullets):
            items = "".join(f"<li>{_e(i)}</li>" for i in block.items)
            short = len(block.items) > 4 and all(len(i) <= 45 for i in block.items)
            out.append(f"<p>{_e(block.lead)}</p><ul{' class=long' if short else ''}>{items}</ul>")
        else:
            out.append(f"<p>{_e(block)}</p>")
    if stream.same_as:
        out.append(f"<p>The same conditions apply to: {_e(', '.join(stream.same_as))}.</p>")
    out.append("</div>")
    return "".join(out)


# Chart geometry, in SVG user units (the figure scales to the page width).
WIDTH = 680
LABEL = 190
BAR_H = 15
GAP = 4
ROW = 2 * BAR_H + GAP + 16
TOP = 30


def _coord(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _wrap(text: str, width: int = 26) -> list[str]:
    """Split a label over at most two lines at a space."""
    if len(text) <= width or " " not in text:
        return [text]
    cut = text.rfind(" ", 0, width + 1)
    cut = cut if cut > 0 else text.find(" ")
    return [text[:cut], text[cut + 1 :]]


def _chart(bars: list[Bar], year: str, pence: tuple[bool, bool]) -> str:
    """A horizontal bar chart: for each stream, its budget (pale) and its allocation (dark)."""
    area = Decimal(WIDTH - LABEL - 170)  # room after the longest bar for "£12,345,678.90 (100.0% OVER)"
    biggest = max([b.budget for b in bars] + [b.allocated for b in bars] + [Decimal(1)])
    height = TOP + ROW * len(bars) + 4
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="chart-title" font-family="Helvetica Neue, Arial, Liberation Sans, sans-serif">',
        f'<title id="chart-title">Budget and allocated per funding stream, {_e(year)}</title>',
        f'<rect x="{LABEL}" y="4" width="12" height="10" fill="{PALE}"/>',
        f'<text x="{LABEL + 17}" y="13" font-size="11" fill="#333">Budget</text>',
        f'<rect x="{LABEL + 75}" y="4" width="12" height="10" fill="{NAVY}"/>',
        f'<text x="{LABEL + 92}" y="13" font-size="11" fill="#333">Allocated</text>',
        f'<line x1="{LABEL}" y1="{TOP - 6}" x2="{LABEL}" y2="{height - 2}" stroke="#888" stroke-width="1"/>',
    ]
    # Amounts and shares written as the funding table writes them: pence in a column when
    # any amount of it has pence, the share to one decimal place, OVER in words.
    for index, bar in enumerate(bars):
        y = TOP + index * ROW
        lines = _wrap(bar.label)
        first = y + BAR_H + GAP / 2 + 4 - (6 if len(lines) == 2 else 0)
        spans = "".join(
            f'<tspan x="{LABEL - 8}" y="{first + 13 * n}">{_e(line)}</tspan>' for n, line in enumerate(lines)
        )
        out.append(f'<text text-anchor="end" font-size="11.5" fill="#1b1b1b">{spans}</text>')
        over = bar.allocated > bar.budget
        for row, (amount, colour) in enumerate(((bar.budget, PALE), (bar.allocated, RED if over else NAVY))):
            top = y + row * (BAR_H + GAP)
            length = amount * area / biggest
            share = ""
            if row == 1 and bar.budget:
                share = f" ({percent(bar.allocated, bar.budget)}%{' OVER' if over else ''})"
            out.append(
                f'<rect x="{LABEL}" y="{top}" width="{_coord(length)}" height="{BAR_H}" fill="{colour}"/>'
                f'<text x="{_coord(LABEL + length + 5)}" y="{top + BAR_H - 3.5}" font-size="10.5" fill="#333">'
                f"£{_e(format_pounds(amount, pence=pence[row]))}{_e(share)}</text>"
            )
    out.append("</svg>")
    return "".join(out)
