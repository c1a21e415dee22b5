"""Render a ledger comparison as a terminal table, pull-request Markdown, or JSON."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from decimal import Decimal

from budgetctl.diagnostics import printable
from budgetctl.render.fit import Grid, print_wrapped
from budgetctl.render.fit import render as render_grid
from budgetctl.render.problems import one_line
from budgetctl.render.text import md
from budgetctl.reports.diff import Change, Figures, LedgerDiff, ProjectChange, StreamChange, pounds, signed
from budgetctl.reports.diff_inyear import ActualsChange, ForecastChange

MAX_TEXT = 100  # characters of a changed text value shown; JSON has it whole

_KIND = {"added": "Added", "removed": "Removed", "changed": "Changed", "moved": "Moved", "renamed": "Renamed"}
_FIGURES = ("budget", "allocated", "unallocated")
# With adjustments on either side: the revised budget too (unallocated is revised - allocated).
_ADJUSTED = ("budget", "revised_budget", "allocated", "unallocated")


def _figure_names(diff: LedgerDiff) -> list[str]:
    return ["Budget", *(["Revised"] if diff.adjusted else []), "Allocated", "Unallocated"]


def _headers(diff: LedgerDiff) -> list[str]:
    return ["Year", "Stream", *(h for name in _figure_names(diff) for h in (name, "±"))]


def _short(text: str) -> str:
    text = printable(text)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _value(value: Decimal | str | None) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, Decimal):
        return pounds(value)
    return repr(_short(value))


def change_text(change: Change) -> str:
    """``allocations.2023/24: £250,000.00 → £262,500.00 (+£12,500.00)``; ``provider: 'A' → 'B'``."""
    line = f"{printable(change.field)}: {_value(change.before)} → {_value(change.after)}"
    if change.delta is not None:
        line += f" ({signed(change.delta)})"
    return line


def _delta(before: Decimal, after: Decimal) -> str:
    return "—" if before == after else signed(after - before)


def _figure_cells(before: Figures, after: Figures, adjusted: bool = False) -> list[str]:
    cells = []
    for name in _ADJUSTED if adjusted else _FIGURES:
        old, new = getattr(before, name), getattr(after, name)
        cells += [pounds(new), _delta(old, new)]
    return cells


def project_title(p: ProjectChange) -> str:
    """``Renamed old-id → new-id 'Title' (victims-services)``."""
    # Ids come from file names, which may hold anything.
    name = printable(f"{p.previous_id} → {p.id}" if p.previous_id else p.id)
    stream = p.stream_after or p.stream_before
    if p.stream_before and p.stream_after and p.stream_before != p.stream_after:
        stream = f"{p.stream_before} → {p.stream_after}"
    title = f" {_short(p.title)!r}" if p.title else ""
    return f"{_KIND[p.kind]} {name}{title}" + (f" ({printable(stream)})" if stream else "")


def _project_details(p: ProjectChange) -> list[str]:
    lines = []
    if p.kind in ("moved", "renamed") and p.path_before and p.path_after:
        lines.append(f"file: {printable(p.path_before)} → {printable(p.path_after)}")
    if p.kind in ("added", "removed"):
        # Its money only: the rest is in the file.
        lines += [
            f"{printable(c.field)}: {_value(c.after if p.kind == 'added' else c.before)}" for c in p.fields if c.money
        ]
    else:
        lines += [change_text(c) for c in p.fields]
    if p.note:
        lines.append(p.note)
    return lines


def _stream_details(s: StreamChange) -> list[str]:
    if s.kind == "changed":
        return [change_text(c) for c in s.fields]
    # An added or removed stream: its money only, as for projects.
    return [f"{printable(c.field)}: {_value(c.after if s.kind == 'added' else c.before)}" for c in s.fields if c.money]


def stream_title(s: StreamChange) -> str:
    return f"{_KIND[s.kind]} stream {printable(s.id)} ({_short(s.programme)})"


def _comparing(diff: LedgerDiff) -> str:
    amounts = "; amounts are after the change, ± is the change" if diff.years else ""
    return f"Comparing {diff.base.label} with {diff.head.label}{amounts}."


# --- terminal --------------------------------------------------------------------------


def _figures_grid(diff: LedgerDiff) -> Grid:
    headers = _headers(diff)
    # Spelled out when each amount gets a line of its own, where a bare "±" would be lost.
    labels = headers[:2] + [f"{name}{suffix}" for name in _figure_names(diff) for suffix in ("", " change")]
    grid = Grid("Budget and allocations", headers, [False, False] + [True] * (len(headers) - 2), [], labels=labels)
    for year in diff.years:
        for row in year.rows:
            grid.rows.append([year.year, _short(row.programme), *_figure_cells(row.before, row.after, diff.adjusted)])
            grid.styles.append(None)
            grid.section_ends.append(False)
        grid.rows.append([year.year, "All streams", *_figure_cells(year.before, year.after, diff.adjusted)])
        grid.styles.append("bold")
        grid.section_ends.append(True)
    return grid


def render_table(diff: LedgerDiff) -> None:
    from budgetctl.render.console import plain_stdout, stdout_width

    if plain_stdout():  # no colour: written without Rich when every line is one Rich prints as it is
        lines = table_lines(diff, stdout_width())
        if lines is not None:
            sys.stdout.write("".join(line + "\n" for line in lines))
            return
    from rich.text import Text

    from budgetctl.render.console import stdout

    console = stdout()
    print_wrapped(console, diff.headline(), style="bold")
    print_wrapped(console, _comparing(diff), style="dim")
    if diff.years:
        render_grid(_figures_grid(diff), console)
    sections = _sections(diff)
    for heading, items in sections:
        console.print()
        console.print(Text(heading, style="bold"))
        for first, details in items:
            print_wrapped(console, first, indent=2)
            for detail in details:
                print_wrapped(console, detail, indent=6)
    if diff.approvals:
        console.print()
        console.print(Text("Approvals needed", style="bold"))
        for a in diff.approvals:
            print_wrapped(console, printable(f"{a.stream}: {' '.join(a.owners) or _NO_OWNERS}"), indent=2)
    for note in diff.notes:
        print_wrapped(console, printable(note), style="dim")


# Text Rich prints as it is, one column a character, with soft wrapping and no colour: printable
# ASCII, Latin letters and the few symbols the comparison writes. Anything else (a control character
# Rich strips, a wide character) is left to Rich.
_PLAIN_TEXT = re.compile("[ -~\u00a0-\u02ff\u2014\u2026\u2192]*")


PLAIN_MIN_WIDTH = 40  # every heading fits on a line


def table_lines(diff: LedgerDiff, width: int) -> list[str] | None:
    """The lines ``render_table`` prints through Rich at ``width`` columns without colour, written
    without it; None when some line is not plain (the caller lets Rich print it)."""
    from budgetctl.render.boxed import boxed_lines

    if width < PLAIN_MIN_WIDTH:  # Rich would wrap a heading
        return None
    lines: list[str] = []
    prose: list[str] = []  # every line but the table's, held to _PLAIN_TEXT at the end

    def wrapped(text: str, indent: int = 0) -> None:
        found = [line.rstrip() for line in _wrap_prose(text, width, indent)]
        lines.extend(found)
        prose.extend(found)

    wrapped(diff.headline())
    wrapped(_comparing(diff))
    if diff.years:
        table = boxed_lines(_figures_grid(diff), width)
        if table is None:
            return None
        lines.extend(table)
    for heading, items in _sections(diff):
        lines += ["", heading]
        prose.append(heading)
        for first, details in items:
            wrapped(first, 2)
            for detail in details:
                wrapped(detail, 6)
    if diff.approvals:
        lines += ["", "Approvals needed"]
        for a in diff.approvals:
            wrapped(printable(f"{a.stream}: {' '.join(a.owners) or _NO_OWNERS}"), 2)
    for note in diff.notes:
        wrapped(printable(note))
    if not all(_PLAIN_TEXT.fullmatch(line) for line in prose):
        return None
    return lines


def _wrap_prose(text: str, width: int, indent: int) -> list[str]:
    """The lines ``fit.print_wrapped`` prints for ``text`` (before each is right-stripped)."""
    line = " " * indent + text
    if text and len(line) <= max(width, 20) and text == text.strip() and text.isprintable():
        return [line]  # what textwrap gives a line that fits, with nothing to turn into spaces
    import textwrap  # here: compiling its patterns costs more than the rest of a short comparison

    return textwrap.wrap(
        text,
        max(width, 20),
        initial_indent=" " * indent,
        subsequent_indent=" " * (indent + 4),
        break_long_words=False,
        break_on_hyphens=False,
    ) or [""]


def _sections(diff: LedgerDiff) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """Headings with their items (a line and its detail lines), shared by table and Markdown."""
    sections = []
    if diff.projects:
        sections.append(("Projects", [(project_title(p), _project_details(p)) for p in diff.projects]))
    if diff.adjustments:
        items = []
        for a in diff.adjustments:
            details = [a.summary, a.approval] + ([f"needs {a.tier}"] if a.tier else [])
            details += [change_text(c) for c in a.fields]
            items.append((f"{_KIND[a.kind]} {a.year} {a.id} ({printable(a.path)})", details))
        sections.append(("Adjustments", items))
    if diff.streams or diff.priorities:
        items = [(stream_title(s), _stream_details(s)) for s in diff.streams]
        if diff.priorities:
            items.append(("Changed priorities", [change_text(c) for c in diff.priorities]))
        sections.append(("Streams", items))
    if diff.in_year.actuals:
        sections.append(("Actuals", [(_actuals_line(a), []) for a in diff.in_year.actuals]))
    if diff.in_year.forecasts:
        sections.append(("Forecasts and RAG", [(_forecast_line(f), []) for f in diff.in_year.forecasts]))
    if diff.new_problems:
        sections.append(("Problems this change introduces", [(one_line(p), []) for p in diff.new_problems]))
    if diff.fixed_problems:
        sections.append(("Problems this change fixes", [(one_line(p), []) for p in diff.fixed_problems]))
    return sections


_NO_OWNERS = "no owners declared in streams.yaml"


def _actuals_line(a: ActualsChange) -> str:
    """``victims-services 2023-05: 12 rows added, +£250,000.00``."""
    bits = []
    if a.added_rows:
        bits.append(f"{a.added_rows} row{'s' if a.added_rows != 1 else ''} added, {signed(a.added)}")
    if a.removed_rows:
        bits.append(f"{a.removed_rows} row{'s' if a.removed_rows != 1 else ''} removed, {signed(-a.removed)}")
    return f"{a.stream} {a.month}: {'; '.join(bits)}"


def _forecast_line(f: ForecastChange) -> str:
    """``victims-services 2023/24 as at 2023-09-30: forecast £1.00 → £2.00 (+£1.00); RAG green → red``."""
    line = f"{f.stream} {f.year} as at {f.as_at.isoformat()}: forecast {pounds(f.forecast_before)} → "
    line += f"{pounds(f.forecast_after)} ({signed(f.forecast_after - f.forecast_before)})"
    if f.rag_before != f.rag_after:
        line += f"; RAG {f.rag_before or 'none'} → {f.rag_after or 'none'}"
    return line


# --- Markdown --------------------------------------------------------------------------


def render_markdown(diff: LedgerDiff) -> None:
    print(markdown(diff), end="")


def markdown(diff: LedgerDiff) -> str:
    """A pull-request comment or job summary; the first line is the headline."""
    # The headline is built from amounts and counts only, never from file text.
    lines = [diff.headline(), "", f"<sub>{md(_comparing(diff))}</sub>", ""]
    if diff.years:
        headers = _headers(diff)
        lines += [_md_row(headers), "|---|---|" + "---:|" * (len(headers) - 2)]
        for year in diff.years:
            for row in year.rows:
                cells = _figure_cells(row.before, row.after, diff.adjusted)
                lines.append(_md_row([year.year, md(row.programme), *cells]))
            cells = [f"**{c}**" if c != "—" else c for c in _figure_cells(year.before, year.after, diff.adjusted)]
            lines.append(_md_row([year.year, "**All streams**", *cells]))
        lines.append("")
    for heading, items in _sections(diff):
        lines += [f"#### {heading}", ""]
        for first, details in items:
            lines.append(f"- {md(first)}")
            lines += [f"  - {md(detail)}" for detail in details]
        lines.append("")
    if diff.approvals:
        lines += ["#### Approvals needed", ""]
        for a in diff.approvals:
            # Owners are checked (R005), so they can sit in code spans: shown, not notified on every push.
            owners = ", ".join(f"`{owner}`" for owner in a.owners if "`" not in owner) or _NO_OWNERS
            lines.append(f"- {md(a.stream)}: {owners}")
        lines.append("")
    lines += [f"_{md(note)}_" for note in diff.notes]
    return "\n".join(lines).rstrip("\n") + "\n"


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


# --- JSON ------------------------------------------------------------------------------


def render_json(diff: LedgerDiff) -> None:
    print(json.dumps(diff.to_json(), indent=2, ensure_ascii=False))


RENDERERS: dict[str, Callable[[LedgerDiff], None]] = {
    "table": render_table,
    "markdown": render_markdown,
    "json": render_json,
}
