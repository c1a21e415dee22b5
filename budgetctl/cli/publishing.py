"""Commands: publishing: the board report, exports (CSV, JSON, 360Giving), project listings, init."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from budgetctl.cli.options import (
    DataOption,
    OutputOption,
    TableFormat,
    YearOption,
    budget_year,
    checked_year,
    complete_project_id,
    complete_stream,
    complete_year,
    emit,
    fail,
    problems_to_stderr,
    reliable_ledger,
    to_stdout,
    trailing_problems,
)

if TYPE_CHECKING:
    import datetime


class ReportFormat(StrEnum):
    markdown = "markdown"
    html = "html"


class ProjectList(StrEnum):
    auto = "auto"
    all = "all"
    summary = "summary"


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"
    giving360 = "360giving"


class ShowFormat(StrEnum):
    text = "text"
    json = "json"


def report(
    year: YearOption = None,
    format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="markdown or html (one self-contained file).")
    ] = ReportFormat.markdown,
    output: OutputOption = None,
    projects: Annotated[
        ProjectList,
        typer.Option(
            "--projects",
            help="Appendix A: all (every project), summary (one row per programme), or auto "
            "(every project up to 200 in the year, else summary).",
        ),
    ] = ProjectList.auto,
    monitor: Annotated[
        str | None,
        typer.Option(
            "--monitor",
            metavar="qN|YYYY-MM-DD",
            help="Add the monitoring report as at this quarter's end or date: the table, the variance "
            "explanations and the forecast movement.",
            show_default=False,
        ),
    ] = None,
    data: DataOption = None,
    as_at: Annotated[
        str | None,
        typer.Option(
            "--as-at",
            metavar="YYYY-MM-DD",
            help="The paper's date (default: today, or $SOURCE_DATE_EPOCH for reproducible output).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """The board paper: funding by stream with its total, a chart, Appendix A (projects by
    programme, with subtotals that reconcile to the table) and Appendix B (each stream's conditions).
    With --monitor, the monitoring report of the year comes before the appendices.

    With more than 200 projects in the year, Appendix A summarises each programme in one row
    (projects, largest award, allocated) unless --projects all; the export lists every project.

    The HTML is a single file with inline CSS and SVG that prints on A4. Refused
    (exit 1) when errors would make the totals wrong. Default year: the latest with a budget.

    Example: budgetctl report --year 2023/24 --format html -o board-paper.html
    """
    from budgetctl.loading.discover import find_root
    from budgetctl.render import board_html, board_markdown
    from budgetctl.reports import board, board_date

    chosen = checked_year(year)
    day = _date_option("--as-at", as_at)
    # The paper names the commit it shows: git answers (about 0.1 s on a large ledger) while the ledger loads.
    revision = board_date.revision_of(find_root(data))
    listing = {ProjectList.auto: None, ProjectList.all: True, ProjectList.summary: False}[projects]
    fast = board.warm(data, chosen, listing) if monitor is None else None
    if fast is not None:
        # A paper that summarises Appendix A, from streams.yaml and the last whole check of this ledger.
        checked, year = fast.checked, fast.year
        assert checked.ledger is not None
        ledger = checked.ledger
        paper = board.board_report(ledger, year, day, revision(), False, fast.known, fast.awards)
    else:
        ledger, checked = reliable_ledger(data, "report", in_year=monitor is not None)
        year = budget_year(ledger, chosen)
        paper = board.board_report(ledger, year, day, revision(), listing)
    if monitor is None:
        renderers = {ReportFormat.markdown: board_markdown.render, ReportFormat.html: board_html.render}
        emit(renderers[format](paper), output)
    else:
        from budgetctl.render import monitor_html
        from budgetctl.render.monitor import markdown_text
        from budgetctl.reports.monitor import AsAtError, parse_as_at
        from budgetctl.reports.monitor import monitor as monitoring

        try:
            when = parse_as_at(monitor, year)
        except AsAtError as exc:
            fail(f"--monitor: {exc}")
        report = monitoring(ledger, year, when)
        if format is ReportFormat.html:
            emit(board_html.render(paper, monitor_html.section(report), monitor_html.RAG_CSS), output)
        else:
            text = markdown_text(report).replace("### ", "## ", 1).replace("#### ", "### ")
            emit(board_markdown.render(paper, text), output)
    trailing_problems(checked)


def _date_option(option: str, text: str | None) -> datetime.date:
    """A date option: as given, else $SOURCE_DATE_EPOCH (reproducible output), else today."""
    from budgetctl.reports.board_date import paper_date

    try:
        return paper_date(text)
    except ValueError:
        fail(f"{option} {text!r}: write a date as YYYY-MM-DD, e.g. 2023-03-28")


def export(
    format: Annotated[ExportFormat, typer.Option("--format", "-f", help="csv, json or 360giving.")],
    year: Annotated[
        str | None,
        typer.Option(
            "--year",
            "-y",
            metavar="YYYY/YY",
            help="Financial year (default: every year).",
            show_default=False,
            autocompletion=complete_year,
        ),
    ] = None,
    output: OutputOption = None,
    prefix: Annotated[
        str | None,
        typer.Option(
            help="360Giving identifier prefix, e.g. 360G-OPCCWM (default: publisher.prefix).", show_default=False
        ),
    ] = None,
    funder_id: Annotated[
        str | None,
        typer.Option(help="Funder's org-id, e.g. GB-GOR-PB123 (default: publisher.org_id).", show_default=False),
    ] = None,
    funder_name: Annotated[
        str | None, typer.Option(help="Funder's name (default: publisher.name).", show_default=False)
    ] = None,
    licence: Annotated[
        str | None,
        typer.Option(
            "--licence",
            metavar="URL",
            help="360Giving: the data's licence (default: CC BY 4.0, as 360Giving recommends).",
            show_default=False,
        ),
    ] = None,
    issued: Annotated[
        str | None,
        typer.Option(
            "--issued",
            metavar="YYYY-MM-DD",
            help="360Giving: the package's issue date (default: today, or $SOURCE_DATE_EPOCH).",
            show_default=False,
        ),
    ] = None,
    data: DataOption = None,
) -> None:
    """Export allocations: CSV or JSON (one row per project and year), or a 360Giving grants package.

    360giving publishes the projects marked `grant: true`, one grant per project (its whole award).
    A grant lacking a field the standard requires (description, award_date, provider), a bad
    org-id or missing publisher settings is reported with file and line, exit 1, and nothing
    is written.

    Example: budgetctl export --year 2023/24 --format 360giving -o grants.json
    """
    from budgetctl.render.tables import csv_text
    from budgetctl.reports import export as exports
    from budgetctl.reports import giving360

    chosen = checked_year(year)
    for flag, key, value in (("--prefix", "prefix", prefix), ("--funder-id", "org_id", funder_id)):
        reason = giving360.setting_problem(key, value) if value is not None else None
        if reason:
            fail(f"{flag}: {reason}")
    ledger, checked = reliable_ledger(data, "export", in_year=False)
    if chosen is not None and chosen not in ledger.years():
        fail(f"nothing in {chosen}; years in this ledger: {', '.join(ledger.years()) or 'none'}")
    years = [chosen] if chosen else ledger.years()
    if format is ExportFormat.giving360:
        publisher, problems = giving360.resolve_publisher(ledger, prefix, funder_id, funder_name)
        package, problems = giving360.build_package(
            ledger,
            years,
            publisher,
            problems,
            issued=_date_option("--issued", issued).isoformat(),
            licence=licence or giving360.DEFAULT_LICENCE,
        )
        if package is None:
            problems_to_stderr(problems)
            fail(f"360Giving export refused: {len(problems)} problem(s); nothing written", code=1)
        text = giving360.to_json(package) + "\n"
    else:
        table = exports.allocations(ledger, years)
        if format is ExportFormat.csv:
            text = csv_text(table, with_total=False, for_excel=not to_stdout(output))
        else:
            text = exports.to_json(table)
    emit(text, output)
    trailing_problems(checked)


def projects(
    year: YearOption = None,
    stream: Annotated[
        str | None,
        typer.Option(
            "--stream",
            "-s",
            metavar="ID",
            help="Only this stream's projects.",
            show_default=False,
            autocompletion=complete_stream,
        ),
    ] = None,
    format: Annotated[
        TableFormat, typer.Option("--format", "-f", help="table, csv, json or markdown.")
    ] = TableFormat.table,
    data: DataOption = None,
) -> None:
    """List projects with their allocation per year and their multi-year total.

    With --year, only projects allocating in that year (the total still spans every year).

    Example: budgetctl projects --year 2023/24 --stream victims-services
    """
    from budgetctl.cli.options import from_entries
    from budgetctl.infra.gcpause import paused_gc
    from budgetctl.loading.listing import listed_projects
    from budgetctl.model.records import did_you_mean
    from budgetctl.render.tables import RENDERERS
    from budgetctl.reports.projects import listing_years, project_list

    chosen = checked_year(year)
    # Each project's four listed fields from its cached entry, when the cache holds them.
    ledger, checked, listed = from_entries(data, "projects", "json", listed_projects)
    if stream is not None and stream not in ledger.streams:
        fail(f"no stream {stream!r}{did_you_mean(stream, list(ledger.streams))}")
    if chosen is not None and chosen not in (years := listing_years(ledger, listed)):
        fail(f"nothing in {chosen}; years in this ledger: {', '.join(years) or 'none'}")
    with paused_gc():  # a row per project, none in a cycle: see paused_gc
        RENDERERS[format.value](project_list(ledger, chosen, stream, data=format is TableFormat.json, listed=listed))
    trailing_problems(checked)


def show(
    project: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="A project id (its file name without .yaml).", autocompletion=complete_project_id
        ),
    ],
    format: Annotated[ShowFormat, typer.Option("--format", "-f", help="text or json.")] = ShowFormat.text,
    data: DataOption = None,
) -> None:
    """Show one project: every field, its file, its allocation per year with the total, and
    its stream's budget in each of those years.

    Example: budgetctl show idva-service
    """
    from budgetctl.cli.options import load
    from budgetctl.loading.discover import find_root
    from budgetctl.model.records import did_you_mean
    from budgetctl.pipeline import warm_project
    from budgetctl.render.project import print_project
    from budgetctl.reports.projects import project_detail

    # Warm: every file is stat'ed, only streams.yaml and the project's file are read and checked.
    fast = warm_project(find_root(data), project, data)
    if fast is not None:
        detail = project_detail(fast.ledger, fast.entry, fast.figures)
        problems = fast.problems
    else:
        checked, _ = load(data)
        if checked.ledger is None:
            fail("the ledger cannot be read (streams.yaml has errors); see `budgetctl validate`", code=1)
        entries = {e.id: e for e in checked.ledger.projects}
        if project not in entries:
            hint = did_you_mean(project, sorted(entries)) or "; `budgetctl projects` lists them"
            fail(f"no project {project!r}{hint}")
        detail = project_detail(checked.ledger, entries[project])
        paths = {checked.ledger.streams_source.path, entries[project].source.path}
        problems = [p for p in checked.problems if p.file in paths]
    # The problems of the files shown (streams.yaml and the project's) on stderr, then the project.
    print_project(detail, problems, as_json=format is ShowFormat.json)


def init(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="Folder for the new ledger (DIR/data).")],
    git: Annotated[
        bool,
        typer.Option(
            "--git/--no-git", help="Make DIR a git repository when it is not inside one (needs git installed)."
        ),
    ] = False,
    ci: Annotated[
        bool,
        typer.Option("--ci", help="Also write .pre-commit-config.yaml, .github/workflows/ledger.yml and Dependabot."),
    ] = False,
) -> None:
    """Start a new ledger in DIR/data: a streams.yaml skeleton with commented examples of
    every rule, an empty projects/ folder and a README, which `budgetctl validate` passes.

    With --git, DIR becomes a git repository unless it is inside one already; without
    it, init says how (git init DIR). Refused (exit 2) when DIR/data already
    exists and is not empty.

    Example: budgetctl init ../west-mercia-budget --ci
    """
    from budgetctl import __version__
    from budgetctl.edit.init import create, create_ci, git_repository

    written = create(directory)
    if ci:
        written += create_ci(directory, __version__)
    for path in written:
        print(f"created {path}")
    print(git_repository(directory, make=git))
    print(f"next: edit {directory / 'data' / 'streams.yaml'}, then run budgetctl validate --data {directory / 'data'}")
