"""Render the monitoring report: a Rich table, CSV, Markdown or JSON (HTML: ``monitor_html``).

The table of streams comes first; the text formats follow it with the explanations
of amber and red streams, the projects with a reason grouped by variance class,
and each stream's forecast movement since the previous quarter.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from budgetctl.diagnostics import printable
from budgetctl.model.money import format_pounds, total
from budgetctl.model.periods import next_year
from budgetctl.render.cells import human_cell
from budgetctl.reports.monitor import Monitor, ProjectVariance, share
from budgetctl.reports.table import Column, Table

# Columns a person reads; CSV and JSON carry the ids and funding labels too.
HUMAN = (
    "programme",
    "approved_budget",
    "adjustments",
    "revised_budget",
    "allocated",
    "actual",
    "forecast",
    "variance",
    "rag",
)
# The outturn of a closed year: the forecast is the actual, and where the unspent money goes follows.
HUMAN_OUTTURN = (
    "programme",
    "approved_budget",
    "adjustments",
    "revised_budget",
    "actual",
    "variance",
    "rag",
    "to_return",
    "to_carry",
    "to_balance",
)


# At the terminal the outturn leaves out the approved budget and adjustments (in every other
# format): eight money columns of millions do not fit 120 characters.
TERMINAL_OUTTURN = tuple(key for key in HUMAN_OUTTURN if key not in ("approved_budget", "adjustments"))


def human(report: Monitor, *, terminal: bool = False) -> Table:
    """The columns a person reads, for the report's view."""
    if report.outturn:
        return _select(report.table(), TERMINAL_OUTTURN if terminal else HUMAN_OUTTURN)
    return _select(report.table(), HUMAN)


def _select(table: Table, keys: tuple[str, ...]) -> Table:
    index = [i for i, c in enumerate(table.columns) if c.key in keys]
    return Table(
        table.title,
        [table.columns[i] for i in index],
        [[row[i] for i in index] for row in table.rows],
        [table.total[i] for i in index] if table.total else None,
        list(table.flags),
        list(table.notes),
        table.data,
    )


def signed(amount: Decimal) -> str:
    """Money with its sign always shown: ``+140,000.00``, ``-1,239,002.60``."""
    text = format_pounds(amount)
    return text if text[0] == "-" or amount.is_zero() else f"+{text}"


def _percent_of(part: Decimal, whole: Decimal) -> str:
    found = share(part, whole)
    return "no budget" if found is None else f"{found}% of the revised budget"


def year_end_lines(report: Monitor) -> list[tuple[int, str]]:
    """The outturn's text: per stream, where its unspent money goes, as (indent level, text)."""
    lines: list[tuple[int, str]] = [(0, "Unspent money at year end")]
    following = next_year(report.year)
    for row in report.rows:
        split = row.split or {}
        policy = f"year_end: {row.year_end}" if row.year_end else "no year_end in streams.yaml"
        if split.get("overspend"):
            text = f"overspent by {format_pounds(split['overspend'])}: nothing to return, carry or balance"
        elif not split.get("unspent"):
            text = "spent in full: nothing to return, carry or balance"
        else:
            parts = [
                f"{format_pounds(split['to_carry'])} carried forward into {following}" if split["to_carry"] else "",
                f"{format_pounds(split['to_balance'])} opens {following} as the fund's balance"
                if split["to_balance"]
                else "",
                f"{format_pounds(split['to_return'])} to return" if split["to_return"] else "",
            ]
            text = f"{format_pounds(split['unspent'])} unspent: " + ", ".join(p for p in parts if p)
        lines.append((1, f"{row.programme} ({policy}): {text}"))
        if split.get("carry_beyond_unspent"):
            lines.append(
                (
                    2,
                    f"its carry-forwards from {report.year} take {format_pounds(split['carry_beyond_unspent'])} "
                    "more than was left unspent: reduce them (D019)",
                )
            )
    return lines


def explanation_lines(report: Monitor) -> list[tuple[int, str]]:
    """The explanations as (indent level, text) lines: amber and red streams, then classes;
    for the outturn of a closed year, where the unspent money goes."""
    if report.outturn:
        return year_end_lines(report)
    lines: list[tuple[int, str]] = []
    to_explain = report.streams_to_explain()
    lines.append((0, "Amber and red streams"))
    if not to_explain:
        lines.append((1, "None: every stream is green."))
    by_stream: dict[str, list[ProjectVariance]] = {}
    described: dict[int, str] = {}  # a project is listed under its stream and under its class: described once
    for v in report.variances:
        by_stream.setdefault(v.stream, []).append(v)
        described[id(v)] = _project_line(v)
    for row in to_explain:
        lines.append(
            (
                1,
                f"{row.programme}: {row.rag.upper()}, variance {signed(row.variance)} "
                f"({_percent_of(row.variance, row.revised_budget)})",
            )
        )
        projects = by_stream.get(row.stream, [])
        if not projects:
            lines.append((2, "No project forecast differs from its allocation: the variance is unallocated budget."))
        for v in projects:
            lines.append((2, described[id(v)]))
            if v.reason:
                lines.append((3, v.reason))
    lines.append((0, "Forecast variances by class"))
    groups = report.by_class()
    if not groups:
        lines.append((1, "No forecast gives a reason."))
    for name, members in groups:
        amount = total(v.difference for v in members)
        count = f"{len(members)} project{'s' if len(members) != 1 else ''}"
        lines.append((1, f"{name.capitalize()}: {count}, {signed(amount)}"))
        for v in members:
            lines.append((2, f"{described[id(v)]} ({v.programme})"))
            if v.reason:
                lines.append((3, v.reason))
    return lines


def _project_line(v: ProjectVariance) -> str:
    return (
        f"{v.project}: forecast {format_pounds(v.forecast)} against allocation {format_pounds(v.allocated)}, "
        f"{signed(v.difference)}"
    )


def movement_table(report: Monitor) -> Table:
    since = report.previous_as_at.isoformat() if report.previous_as_at else "the allocations"
    columns = [
        Column("programme", "Programme"),
        Column("previous", f"Forecast at {since} £" if report.previous_as_at else "Allocated £", "money"),
        Column("forecast", f"Forecast at {report.as_at.isoformat()} £", "money"),
        Column("movement", "Movement £", "money"),
    ]
    rows: list[list[Any]] = [[r.programme, before, r.forecast, r.forecast - before] for r, before in report.movements]
    before_total = total(before for _, before in report.movements)
    table = Table(f"Forecast movement since {since}", columns, rows)
    table.flags = [False] * len(rows)
    table.total = ["Total", before_total, report.total["forecast"], report.total["forecast"] - before_total]
    return table


def render_table(report: Monitor) -> None:
    import sys

    from budgetctl.render import plain
    from budgetctl.render.console import stdout, stdout_width

    width = stdout_width()  # without Rich when piped
    table = human(report, terminal=True)
    text = table_text(report, width, table)
    if text is not None:
        sys.stdout.write(text)
        return
    # A long table is written plain when it fits, as summary's is: Rich lays out about a row a
    # millisecond. A short one (the usual handful of streams) keeps Rich's colours.
    if len(table.rows) > plain.PLAIN_MIN_ROWS and plain.render_plain(table, sys.stdout, width):
        sys.stdout.write("\n")
    elif (lines := _plain_grid(table, width)) is not None:
        sys.stdout.write("\n".join([*lines, ""]) + "\n")
    else:
        console = stdout()
        _laid_out(table, console, width)
        console.print()
    sys.stdout.write(_explanations_text(report, width))
    sys.stdout.flush()
    if not report.outturn:  # a closed year has no forecast left to move
        movement = movement_table(report)
        # render.tables.render_table, whose module (with the CSV writer) a long table does without
        if not (len(movement.rows) > plain.PLAIN_MIN_ROWS and plain.render_plain(movement, max_width=width)):
            from budgetctl.render.tables import render_table as render_any_table

            render_any_table(movement)


def table_text(report: Monitor, width: int, table: Table | None = None) -> str | None:
    """What ``render_table`` prints at ``width`` columns when none of it needs Rich (each table
    written plain, or as Rich's exact bytes: ``boxed``); None when Rich would lay a part out.
    ``table``: ``human(report, terminal=True)`` when the caller has it."""
    import io

    from budgetctl.render import plain

    table = human(report, terminal=True) if table is None else table
    head = io.StringIO()
    if len(table.rows) > plain.PLAIN_MIN_ROWS and plain.render_plain(table, head, width):
        head.write("\n")
    elif (lines := _plain_grid(table, width)) is not None:
        head.write("\n".join([*lines, ""]) + "\n")
    else:
        return None
    # The movement table before the explanations between them are made: when it needs Rich,
    # the caller makes them again (thousands of lines in a year of forecasts).
    tail = io.StringIO()
    if not report.outturn:
        movement = movement_table(report)
        # as render.tables.render_table writes it when Rich is not needed
        if not (len(movement.rows) > plain.PLAIN_MIN_ROWS and plain.render_plain(movement, tail, width)):
            from budgetctl.render.boxed import boxed_lines, note_lines
            from budgetctl.render.console import plain_stdout
            from budgetctl.render.tables import grid_of

            lines = boxed_lines(grid_of(movement), width) if plain_stdout() else None
            notes = note_lines([printable(note) for note in movement.notes], width)
            if lines is None or notes is None:
                return None
            tail.write("\n".join([*lines, *notes]) + "\n")
    return head.getvalue() + _explanations_text(report, width) + tail.getvalue()


def _explanations_text(report: Monitor, width: int) -> str:
    """The explanations, wrapped at ``width`` (at least 40), with the blank line after them."""
    # Plain wrapped text in one write: Rich wraps and flushes line by line, which costs
    # seconds when thousands of projects give a reason.
    out: list[str] = []
    wide, indents = max(width, 40), ["  " * level for level in range(4)]
    for level, text in explanation_lines(report):
        indent = indents[level]
        if len(indent) + len(text) <= wide and text.isprintable() and text.strip() == text:
            out.append(indent + text)  # what wrap gives a short printable line (printable leaves it as it is)
        else:
            out += wrap(printable(text.replace("\n", " ")), wide, indent)  # a reason: one paragraph
    return "\n".join(out) + "\n\n"


def wrap(text: str, width: int, indent: str) -> list[str]:
    """``textwrap.wrap`` with ``indent`` on every line; a line that fits is returned as it is
    when wrapping could not change it (printable, so no space but U+0020; no space at either
    end), which is most lines of a report with thousands of projects."""
    if text and len(indent) + len(text) <= width and text.isprintable() and text.strip() == text:
        return [indent + text]
    import textwrap  # here: its patterns take milliseconds to compile, and most reports wrap no line

    return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False)


def render_projects(table: Table) -> None:
    """The drill-down by project as the table of streams is written: plain fixed-width text when
    long and it fits the terminal (Rich lays out about a row a millisecond: seven seconds at
    10,000 projects), Rich's compact bytes written without Rich when it can, else laid out by
    Rich (``_laid_out``: nothing cut)."""
    import sys

    from budgetctl.render import plain
    from budgetctl.render.console import stdout, stdout_width

    width = stdout_width()
    table = table.for_people()
    if len(table.rows) > plain.PLAIN_MIN_ROWS and plain.render_plain(table, sys.stdout, width):
        return
    if (lines := _plain_grid(table, width)) is not None:
        sys.stdout.write("\n".join(lines) + "\n")
        return
    _laid_out(table, stdout(), width)


def _laid_out(table: Table, console: Any, width: int) -> None:
    """The compact grid and its notes when every cell fits whole (``_compact_fits``); else the
    table as ``fit`` lays out any table: text wrapped, rows stacked when the terminal is narrow,
    no amount cut (Rich would cut amounts and drop whole columns to fit)."""
    from rich.text import Text

    rows, footer = _cells(table)
    if _compact_fits(table, rows, footer, width):
        _rich_grid(table, console)
    else:
        from budgetctl.render.fit import Grid
        from budgetctl.render.fit import render as render_grid

        headers = [printable(c.header) for c in table.columns]
        # The RAG status stays whole beside the amounts, as an amount does.
        numeric = [c.kind != "text" or c.key == "rag" for c in table.columns]
        render_grid(Grid(printable(table.title), headers, numeric, rows, footer=footer), console)
    for note in table.notes:
        console.print(Text(printable(note), style="dim"))


def _compact_fits(table: Table, rows: list[list[str]], footer: list[str] | None, width: int) -> bool:
    """Whether ``_rich_grid`` lays ``table`` (its cells ``rows`` and ``footer``: ``_cells``) out
    within ``width`` columns cutting nothing: every amount and RAG status whole on one line, each
    text column at least its longest word (the programme 14), two spaces between columns."""
    every = [[c.header for c in table.columns], *rows, *([footer] if footer else [])]
    needed = 2 * (len(table.columns) - 1)
    for index, column in enumerate(table.columns):
        if column.kind != "text" or column.key == "rag":
            needed += max(len(row[index]) for row in every)
        else:
            longest = max((len(word) for row in every for word in row[index].split()), default=0)
            needed += max(longest, 14 if column.key == "programme" else 1)
    return needed <= width


def _cells(table: Table) -> tuple[list[list[str]], list[str] | None]:
    """The table's rows and total written for people, in pounds and pence."""
    columns = table.columns
    rows = [[human_cell(c, v, True) for c, v in zip(columns, row, strict=True)] for row in table.rows]
    footer = [human_cell(c, v, True) for c, v in zip(columns, table.total, strict=True)] if table.total else None
    return rows, footer


def _plain_grid(table: Table, width: int) -> list[str] | None:
    """What ``_rich_grid`` and the notes print, without Rich, when that is exactly Rich's bytes
    (``boxed.compact_lines``): no colour, a UTF-8 output, nothing wrapped or measured otherwise."""
    from budgetctl.render.boxed import compact_lines, note_lines
    from budgetctl.render.console import plain_stdout

    if not plain_stdout():
        return None
    cells, footer = _cells(table)
    lines = compact_lines(
        table.title,
        [c.header for c in table.columns],
        [c.kind != "text" for c in table.columns],
        cells,
        footer or [""] * len(table.columns),
        [14 if c.key == "programme" else 0 for c in table.columns],
        width,
    )
    notes = note_lines([printable(note) for note in table.notes], width)
    return None if lines is None or notes is None else [*lines, *notes]


def _rich_grid(table: Table, console: Any) -> None:
    """A compact table: the stream table's eight money columns must fit 120 characters."""
    from rich import box
    from rich.table import Table as RichTable
    from rich.text import Text

    grid = RichTable(
        title=table.title,
        title_justify="left",
        show_footer=True,
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        collapse_padding=True,
        pad_edge=False,
        show_edge=False,
    )
    for index, column in enumerate(table.columns):
        right = column.kind != "text"
        footer = human_cell(column, table.total[index], True) if table.total else ""
        grid.add_column(
            column.header,
            justify="right" if right else "left",
            footer=Text(footer),
            no_wrap=right or column.key == "rag",
            min_width=14 if column.key == "programme" else None,
            overflow="fold",
        )
    keys = [c.key for c in table.columns]
    for row in table.rows:
        cells = [Text(human_cell(c, v, True)) for c, v in zip(table.columns, row, strict=True)]
        if "rag" in keys:
            rag = keys.index("rag")
            cells[rag].stylize({"red": "bold red", "amber": "bold yellow", "green": "green"}.get(str(row[rag]), ""))
        grid.add_row(*cells)
    console.print(grid)


def markdown_text(report: Monitor) -> str:
    from budgetctl.render.text import md

    table = human(report)
    out = [f"### {md(table.title)}", ""]
    out += _md_table(table, bold_total=True)
    out += ["", *map(md, table.notes), "", "#### Year end" if report.outturn else "#### Variance explanations"]
    for level, text in explanation_lines(report):
        if level == 0:
            out += ["", f"**{md(text)}**", ""]
        else:
            out.append("  " * (level - 1) + f"- {md(text)}")
    if report.outturn:
        return "\n".join(out) + "\n"
    movement = movement_table(report)
    out += ["", f"#### {md(movement.title)}", ""]
    out += _md_table(movement, bold_total=True)
    return "\n".join(out) + "\n"


def _md_table(table: Table, *, bold_total: bool) -> list[str]:
    from budgetctl.render.tables import md_cell
    from budgetctl.render.text import md

    lines = ["| " + " | ".join(md(c.header) for c in table.columns) + " |"]
    lines.append("|" + "|".join("---:" if c.kind != "text" else "---" for c in table.columns) + "|")
    for row in table.rows:
        lines.append("| " + " | ".join(md_cell(c, v, True) for c, v in zip(table.columns, row, strict=True)) + " |")
    if table.total:
        cells = [md_cell(c, v, True) for c, v in zip(table.columns, table.total, strict=True)]
        lines.append("| " + " | ".join(f"**{c}**" if c and bold_total else c for c in cells) + " |")
    return lines


def json_text(report: Monitor, trace: dict[str, Any] | None = None) -> str:
    data: dict[str, Any] = dict(report.data())
    if trace is not None:
        for row in data["rows"]:
            row["trace"] = trace[row["stream"]]
        data["total"] = {**data["total"], "trace": trace[""]} if "" in trace else data["total"]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def as_text(report: Monitor, chosen: str, trace: dict[str, Any] | None = None) -> str:
    """The report as a file of the format ``chosen``: json (with ``trace``), markdown or csv."""
    if chosen == "json":
        return json_text(report, trace)
    if chosen == "markdown":
        return markdown_text(report)
    from budgetctl.render.tables import csv_text

    return csv_text(report.table())
