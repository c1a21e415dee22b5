"""Commands: the year after approval: monitor, trace, import actuals."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from budgetctl.cli.options import (
    DataOption,
    NoCacheOption,
    OutputOption,
    YearOption,
    budget_year,
    checked_year,
    emit,
    fail,
    reliable_ledger,
    trailing_problems,
)


class MonitorFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"
    html = "html"


class MonitorBy(StrEnum):
    stream = "stream"
    project = "project"


AsAtOption = Annotated[
    str | None,
    typer.Option(
        "--as-at",
        metavar="qN|YYYY-MM-DD",
        help="A quarter (q1-q4: its last day) or a date of the year (default: the end of the latest "
        "quarter with a forecast, else the year end or today, whichever is earlier).",
        show_default=False,
    ),
]


def monitor(
    year: YearOption = None,
    as_at: AsAtOption = None,
    by: Annotated[
        MonitorBy, typer.Option("--by", help="stream (the report), or project (the drill-down by programme).")
    ] = MonitorBy.stream,
    format: Annotated[
        MonitorFormat, typer.Option("--format", "-f", help="table, csv, json, markdown or html.")
    ] = MonitorFormat.table,
    trace: Annotated[
        bool, typer.Option("--trace", help="With --format json: every value behind each figure, with file:line:col.")
    ] = False,
    output: OutputOption = None,
    data: DataOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """The monitoring report: per stream, approved and revised budget, allocated, actual,
    forecast and variance with a RAG status, then the explanations of amber and red
    streams, the projects with a reason by variance class, and the forecast movement
    since the previous quarter.

    Refused (exit 1, with the problems) when errors would make the figures wrong.
    Default year: the latest with a budget.

    Example: budgetctl monitor --year 2023/24 --as-at q2
    """
    import datetime

    from budgetctl.render import monitor as render
    from budgetctl.reports.monitor import AsAtError, default_as_at, parse_as_at, project_table
    from budgetctl.reports.monitor import monitor as build

    chosen = checked_year(year)
    if trace and format is not MonitorFormat.json:
        fail("--trace needs --format json (or use `budgetctl trace` for one figure)")
    ledger, checked = reliable_ledger(data, "monitor", cache=not no_cache, output=format.value)
    year = budget_year(ledger, chosen)
    try:
        when = parse_as_at(as_at, year) if as_at is not None else default_as_at(ledger, year, datetime.date.today())
    except AsAtError as exc:
        fail(f"--as-at: {exc}")
    if by is MonitorBy.project:
        from budgetctl.render.tables import RENDERERS

        if format is MonitorFormat.html or trace:
            fail("--by project: choose table, csv, json or markdown, without --trace")
        table = project_table(ledger, year, when)
        (render.render_projects if format is MonitorFormat.table else RENDERERS[format.value])(table)
        trailing_problems(checked)
        return
    report = build(ledger, year, when)
    if format is MonitorFormat.json:
        traced = None
        if trace:
            from budgetctl.reports.trace import monitor_trace

            traced = monitor_trace(ledger, report)
        emit(render.json_text(report, traced), output)
    elif format is MonitorFormat.markdown:
        emit(render.markdown_text(report), output)
    elif format is MonitorFormat.csv:
        from budgetctl.render.tables import csv_text

        emit(csv_text(report.table()), output)
    elif format is MonitorFormat.html:
        from budgetctl.render.monitor_html import render as html

        emit(html(report), output)
    else:
        if output is not None:
            fail("--output: choose csv, json, markdown or html for a file")
        render.render_table(report)
    trailing_problems(checked)
