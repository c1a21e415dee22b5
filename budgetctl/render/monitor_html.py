"""The monitoring report as HTML: a section for the board paper, or one self-contained file.

The same CSS as the board paper (inline, printable on A4); RAG is written as a word
in a coloured cell, so it reads in black and white too. Every value from the ledger
goes through ``render.text.html_text`` (``_e``).
"""

from __future__ import annotations

from budgetctl.model.money import format_pounds
from budgetctl.render.board_html import CSS, document
from budgetctl.render.monitor import explanation_lines, movement_table
from budgetctl.render.text import html_text as _e
from budgetctl.reports.monitor import Monitor

RAG_CSS = """
td.rag { font-weight: 700; text-align: center; text-transform: uppercase; font-size: 8pt; }
td.rag-green { background: #d7eedb !important; color: #1d5b2a; }
td.rag-amber { background: #fbe3b5 !important; color: #7a4a00; }
td.rag-red { background: #f6cfd2 !important; color: #8a0010; }
table.monitor { font-size: 8pt; }
table.monitor th, table.monitor td { padding: 1mm 1.1mm; }
.explanations p.stream { font-weight: 700; margin: 3mm 0 1mm; break-after: avoid; page-break-after: avoid; }
.explanations ul { margin-bottom: 1.5mm; }
.explanations .reason { color: #333; font-style: italic; }
.explanations h4 { font-size: 10pt; margin: 4mm 0 1mm; }
"""

HEADERS = (
    ("Programme", "programme"),
    ("Approved £", "approved_budget"),
    ("Adjust&shy;ments £", "adjustments"),
    ("Revised £", "revised_budget"),
    ("Allocated £", "allocated"),
    ("Actual £", "actual"),
    ("Forecast £", "forecast"),
    ("Variance £", "variance"),
    ("RAG", "rag"),
)
OUTTURN_HEADERS = (
    ("Programme", "programme"),
    ("Approved £", "approved_budget"),
    ("Adjust&shy;ments £", "adjustments"),
    ("Revised £", "revised_budget"),
    ("Outturn £", "actual"),
    ("Variance £", "variance"),
    ("RAG", "rag"),
    ("To return £", "to_return"),
    ("To carry £", "to_carry"),
    ("To balance £", "to_balance"),
)


def section(report: Monitor, *, heading: str = "h2") -> str:
    """The monitoring table, the explanations and the forecast movement as an HTML fragment."""
    headers = OUTTURN_HEADERS if report.outturn else HEADERS
    out = [
        '<section class="monitoring">',
        f"<{heading}>{_e(report.title)}</{heading}>",
        '<table class="monitor"><thead><tr>',
    ]
    out += [f"<th{'' if key in ('programme', 'rag') else ' class=num'}>{label}</th>" for label, key in headers]
    out.append("</tr></thead><tbody>")
    for row in report.rows:
        money = {**row.money(), **(row.split or {})}
        cells = []
        for _, key in headers:
            if key == "programme":
                cells.append(f"<td>{_e(row.programme)}</td>")
            elif key == "rag":
                cells.append(f'<td class="rag rag-{_e(row.rag)}">{_e(row.rag)}</td>')
            else:
                cells.append(f'<td class="num">{_e(format_pounds(money[key]))}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append('</tbody><tfoot><tr class="total"><td>Total</td>')
    totals = {**report.total, **report.split_total}
    out += ["<td></td>" if key == "rag" else f'<td class="num">{_e(format_pounds(totals[key]))}</td>'
            for _, key in headers[1:]]  # fmt: skip
    out.append("</tr></tfoot></table>")
    out += [f'<p class="note">{_e(note)}</p>' for note in report.table().notes]
    title = "Year end" if report.outturn else "Variance explanations"
    out.append(f'<div class="explanations"><h3>{title}</h3>')
    out += _explanations(report)
    out.append("</div>")
    if report.outturn:  # a closed year has no forecast left to move
        out.append("</section>")
        return "\n".join(out)
    movement = movement_table(report)
    out.append(f"<h3>{_e(movement.title)}</h3>")
    out.append('<table class="movement"><thead><tr>')
    out += [f"<th{'' if c.kind == 'text' else ' class=num'}>{_e(c.header)}</th>" for c in movement.columns]
    out.append("</tr></thead><tbody>")
    for values in movement.rows:
        out.append(
            f"<tr><td>{_e(values[0])}</td>"
            + "".join(f'<td class="num">{_e(format_pounds(v))}</td>' for v in values[1:])  # type: ignore[arg-type]
            + "</tr>"
        )
    movement_total = movement.total or []
    out.append(
        f'</tbody><tfoot><tr class="total"><td>{_e(movement_total[0])}</td>'
        + "".join(f'<td class="num">{_e(format_pounds(v))}</td>' for v in movement_total[1:])  # type: ignore[arg-type]
        + "</tr></tfoot></table>"
    )
    out.append("</section>")
    return "\n".join(out)


def _explanations(report: Monitor) -> list[str]:
    """The explanation lines as paragraphs (level 0 and 1) and nested lists (levels 2 and 3)."""
    out: list[str] = []
    open_lists = 0
    for level, text in explanation_lines(report):
        if level <= 1:
            out.append("</ul>" * open_lists)
            open_lists = 0
            tag = "h4" if level == 0 else 'p class="stream"'
            out.append(f"<{tag}>{_e(text)}</{tag.split()[0]}>")
        elif level == 2:
            if open_lists == 0:
                out.append("<ul>")
                open_lists = 1
            out.append(f"<li>{_e(text)}</li>")
        else:  # the reason of the project listed just before
            out[-1] = out[-1].removesuffix("</li>") + f'<br><span class="reason">{_e(text)}</span></li>'

    out.append("</ul>" * open_lists)
    return out


def render(report: Monitor) -> str:
    """The monitoring report as one self-contained HTML document."""
    title = f"Outturn {report.year}" if report.outturn else f"Budget monitoring {report.year}"
    header = [f"<h1>{_e(title)}</h1>", f'<p class="subtitle">{_subtitle(report)}</p>']
    return document(title, CSS + RAG_CSS, header, [section(report)])


def _subtitle(report: Monitor) -> str:
    if report.closed is not None:
        return (
            f"Budget and actual outturn of the year to {_e(report.as_at.isoformat())}, final since "
            f"{_e(report.closed.isoformat())}, and where the unspent money goes."
        )
    return f"Budget, actual and forecast outturn as at {_e(report.as_at.isoformat())}."
