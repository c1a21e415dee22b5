"""Commands: the year after approval: monitor, trace, import actuals."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
    load,
    problems_to_stderr,
    reliable_ledger,
    trailing_problems,
)

if TYPE_CHECKING:
    from budgetctl.pipeline import Checked


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
        "quarter with a forecast, else the year end or today, whichever is earlier; a closed year: its end).",
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

    A closed year (`closed:` in years:) at its last day, the default, is the outturn:
    the forecast is the actual, and each stream's unspent money is shown to return,
    to carry or to balance, following its year_end.

    Refused (exit 1, with the problems) when errors would make the figures wrong.
    Default year: the latest with a budget.

    Example: budgetctl monitor --year 2023/24 --as-at q2
    """
    import datetime

    from budgetctl.infra.gcpause import paused_gc
    from budgetctl.render import monitor as render
    from budgetctl.reports.monitor import AsAtError, default_as_at, parse_as_at, project_table
    from budgetctl.reports.monitor import monitor as build

    chosen = checked_year(year)
    if trace and format is not MonitorFormat.json:
        fail("--trace needs --format json (or use `budgetctl trace` for one figure)")
    ledger, checked = reliable_ledger(data, "monitor", cache=not no_cache, output=format.value)
    if not no_cache:
        _keep_facts(checked)
    year = budget_year(ledger, chosen)
    try:
        when = parse_as_at(as_at, year) if as_at is not None else default_as_at(ledger, year, datetime.date.today())
    except AsAtError as exc:
        fail(f"--as-at: {exc}")
    if by is MonitorBy.project:
        from budgetctl.render.tables import RENDERERS

        if format is MonitorFormat.html or trace:
            fail("--by project: choose table, csv, json or markdown, without --trace")
        with paused_gc():  # indexes every actuals row: see paused_gc
            table = project_table(ledger, year, when)
        (render.render_projects if format is MonitorFormat.table else RENDERERS[format.value])(table)
        trailing_problems(checked)
        return
    with paused_gc():  # indexes every actuals row: see paused_gc
        report = build(ledger, year, when)
    if format in (MonitorFormat.json, MonitorFormat.markdown, MonitorFormat.csv):
        traced = None
        if trace:  # json only (checked above)
            from budgetctl.reports.trace import monitor_trace

            traced = monitor_trace(ledger, report)
        emit(render.as_text(report, format.value, traced), output)
    elif format is MonitorFormat.html:
        from budgetctl.render.monitor_html import render as html

        emit(html(report), output)
    else:
        if output is not None:
            fail("--output: choose csv, json, markdown or html for a file")
        render.render_table(report)
    trailing_problems(checked)


def _keep_facts(checked: Checked) -> None:
    """Keep the monitoring values of this whole check when the cache holds the check but not them
    (a check of a few changed files keeps none; damaged ones were not used), so that the next
    plain ``monitor`` is answered from them (``reports.monitor.warm``)."""
    from budgetctl.loading import cache as file_cache
    from budgetctl.model import monitorfacts

    files = checked.files
    if checked.ledger is None or files is None or files.root is None or file_cache.disabled_by_env():
        return
    cached = file_cache.FileCache.open(files.root)
    key = file_cache.ledger_key(files)
    if cached is None or cached.last_check(key) is None:
        return
    kept = cached.last_monitor(key)
    if kept is not None:
        try:
            monitorfacts.decode_whole(kept)
            return
        except monitorfacts.Malformed:
            pass
    cached.save_monitor(key, monitorfacts.encode(monitorfacts.facts_of(checked.ledger)))


import_app = typer.Typer(
    help="Import data from other systems into the ledger.", no_args_is_help=True, rich_markup_mode=None
)


@import_app.command("actuals")
def import_actuals_command(
    export: Annotated[
        Path, typer.Argument(metavar="EXPORT", help="The finance system's export: a .csv or .xlsx file.")
    ],
    mapping: Annotated[
        Path,
        typer.Option("--map", metavar="FILE", help="The import mapping, e.g. data/imports/agresso.yaml."),
    ],
    year: Annotated[str, typer.Option("--year", "-y", metavar="YYYY/YY", help="The financial year of the rows.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be imported; write nothing.")] = False,
    data: DataOption = None,
) -> None:
    """Import a finance-system export as one canonical actuals file, with control totals.

    Writes data/actuals/YYYY-YY/<export name>.csv atomically (rows already in the ledger,
    by reference and kind, are left out, so a re-import adds nothing) and the control
    totals to data/imports/receipts/<export name>.yaml; or nothing at all when any row is
    refused (exit 1, each refusal with the export's row, and sheet and cell for a workbook).

    Example: budgetctl import actuals ap-2023-05.csv --map data/imports/agresso.yaml --year 2023/24
    """
    from budgetctl.diagnostics import printable
    from budgetctl.edit.import_actuals import ImportRefused, import_actuals
    from budgetctl.loading.discover import find_root
    from budgetctl.model.money import format_pounds

    chosen = checked_year(year) or year
    checked, _ = load(data)
    ledger = checked.ledger
    if ledger is None:
        fail("the ledger cannot be read (streams.yaml has errors); see `budgetctl validate`", code=1)
    broken = [p for p in checked.errors if "/actuals/" in p.file]
    if broken:
        problems_to_stderr(broken)
        fail("import refused: the actuals already in the ledger have errors; fix them first", code=1)
    root = find_root(data)
    try:
        result = import_actuals(root, ledger, export, mapping, chosen, dry_run=dry_run)
    except ImportRefused as exc:
        fail(str(exc))
    plan = result.plan
    if result.refusals:
        problems_to_stderr(result.refusals)
        fail(f"import refused: {len(result.refusals)} problem(s); nothing written", code=1)
    print(f"export {printable(plan.export_name)}  sha256 {plan.sha256}")
    print(
        f"rows read {plan.rows_read}, skipped {plan.rows_skipped}, already in the ledger "
        f"{plan.rows_already_present}, to add {plan.rows_added}"
    )
    print(f"total to add {format_pounds(sum(result.by_stream.values(), Decimal(0)))}")
    for stream, amount in sorted(result.by_stream.items()):
        print(f"  {printable(stream)}  {format_pounds(amount)}")
    if dry_run:
        print("dry run: nothing written")
    elif result.written:
        kept = f", beside its {result.kept_rows} earlier rows" if result.kept_rows else ""
        target, receipt = printable(str(result.target)), printable(str(result.receipt))
        print(f"wrote {target} ({plan.rows_added} rows{kept}) and the control totals to {receipt}")
    else:
        print("nothing to add: every row is already in the ledger; nothing written")


class TraceFormat(StrEnum):
    text = "text"
    json = "json"


class Measure(StrEnum):
    budget = "budget"
    approved_budget = "approved_budget"
    adjustments = "adjustments"
    revised_budget = "revised_budget"
    allocated = "allocated"
    unallocated = "unallocated"
    actual = "actual"
    forecast = "forecast"
    variance = "variance"
    opening_balance = "opening_balance"
    unspent = "unspent"
    to_return = "to_return"
    to_carry = "to_carry"
    to_balance = "to_balance"


def trace_command(
    subject: Annotated[str, typer.Argument(metavar="ID", help="A stream id or a project id.")],
    measure: Annotated[Measure, typer.Option("--measure", "-m", help="The figure to trace.")],
    year: YearOption = None,
    as_at: AsAtOption = None,
    format: Annotated[TraceFormat, typer.Option("--format", "-f", help="text or json.")] = TraceFormat.text,
    data: DataOption = None,
) -> None:
    """Every value behind one figure of summary or monitor, with its file:line:column, and their total.

    A stream's budget, approved_budget, adjustments, revised_budget, allocated,
    unallocated, actual, forecast or variance; a project's allocated, actual, forecast
    or variance (forecast - allocation). In-year measures are as at --as-at, with
    monitor's default (a closed year: its last day, the outturn, where forecast is the
    actual). Year end: a stream's opening_balance (a balance fund's money from the
    closed year before), unspent, to_return, to_carry and to_balance.

    Example: budgetctl trace victims-services --measure actual --year 2023/24 --as-at q2
    """
    from budgetctl.loading.discover import find_root
    from budgetctl.pipeline import warm_subject
    from budgetctl.render.trace import trace_text
    from budgetctl.reports.trace import answer

    chosen = checked_year(year)
    # Warm, on a ledger without actuals or forecasts: only the stream's or the project's files are read.
    narrowed = warm_subject(find_root(data), subject, data)
    if narrowed is not None and narrowed.ledger is not None and not narrowed.totals_broken():
        ledger, checked = narrowed.ledger, narrowed
    else:  # refused here, with each problem's line
        ledger, checked = reliable_ledger(data, "trace")
    found = answer(ledger, subject, budget_year(ledger, chosen), measure.value, as_at, fail)
    print(trace_text(found, format is TraceFormat.json), end="")
    trailing_problems(checked)
