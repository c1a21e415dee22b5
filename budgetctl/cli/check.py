"""Commands: checking and summarising (validate, summary, rules, explain)."""

from __future__ import annotations

import os
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from budgetctl.cli.options import (
    DataOption,
    GroupBy,
    NoCacheOption,
    OutputOption,
    ProblemFormat,
    TableFormat,
    budget_year,
    checked_year,
    complete_year,
    emit,
    fail,
    from_entries,
    load,
    reliable_ledger,
    to_stdout,
    trailing_problems,
    year_range,
)


class RulesFormat(StrEnum):
    table = "table"
    json = "json"


if TYPE_CHECKING:
    pass


def validate(
    data: DataOption = None,
    format: Annotated[
        ProblemFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="text (default), json, or github annotations (default when GITHUB_ACTIONS=true).",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail the run too.")] = False,
    no_cache: NoCacheOption = False,
    changed_since: Annotated[
        str | None,
        typer.Option(
            "--changed-since",
            metavar="REV",
            help="Also report an over-allocation at the project files changed since git revision REV (A006).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check every file and rule; report each problem with file, line and column.

    Exit 0 when there is no error, 1 when there is one or more (with --strict,
    warnings count), 2 when no ledger is found.

    Example: budgetctl validate --format github
    """
    from budgetctl.diagnostics import count_errors
    from budgetctl.loading.discover import find_root
    from budgetctl.pipeline import changed_since_problems
    from budgetctl.render import problems as render

    chosen = format or (ProblemFormat.github if os.environ.get("GITHUB_ACTIONS") == "true" else ProblemFormat.text)
    checked, source_line = load(data, cache=not no_cache, output=chosen.value, ledger_needed=changed_since is not None)
    if changed_since is not None and checked.ledger is not None:
        checked.problems = sorted(
            [*checked.problems, *changed_since_problems(find_root(data), checked.ledger, changed_since)],
            key=lambda p: p.sort_key(),
        )
    failed = count_errors(checked.problems, strict=strict) > 0
    renderers = {
        ProblemFormat.text: lambda: render.render_text(checked.problems, checked.file_count, source_line),
        ProblemFormat.json: lambda: render.render_json(checked.problems, not failed, checked.file_count),
        ProblemFormat.github: lambda: render.render_github(checked.problems, checked.file_count),
    }
    renderers[chosen]()
    raise typer.Exit(1 if failed else 0)


def summary(
    year: Annotated[
        str | None,
        typer.Option(
            "--year",
            "-y",
            metavar="YYYY/YY",
            help=(
                "Financial year (default: the current one when it has a budget, else the latest with one), "
                "or a range FIRST..LAST side by side."
            ),
            show_default=False,
            autocompletion=complete_year,
        ),
    ] = None,
    by: Annotated[
        GroupBy, typer.Option("--by", help="Group rows by stream, funding label or priority.")
    ] = GroupBy.stream,
    format: Annotated[
        TableFormat, typer.Option("--format", "-f", help="table, csv, json or markdown.")
    ] = TableFormat.table,
    data: DataOption = None,
    no_cache: NoCacheOption = False,
    output: OutputOption = None,
) -> None:
    """The reconciled table per stream: budget, allocated, unallocated, with a total.

    Refused (exit 1, with the problems) when errors would make the totals wrong;
    other problems are listed under the table on stderr.

    Example: budgetctl summary --year 2023/24 --by funding --format markdown
    """
    from budgetctl.model.streamfacts import facts_of
    from budgetctl.render.tables import RENDERERS, csv_text
    from budgetctl.reports.summary import BY_STREAMS, summary_years, warm
    from budgetctl.reports.summary import summary as build_summary

    # By stream or funding, a warm ledger needs only the facts kept with its last whole check.
    fast = by.value in BY_STREAMS and not no_cache
    if year is not None and ".." in year:  # a medium-term view: several years side by side
        first, _, last = year.partition("..")
        years = year_range(checked_year(first) or "", checked_year(last) or "")
        found = warm(data, plan=False) if fast else None
        if found is None:
            ledger, checked = reliable_ledger(data, "summary", cache=not no_cache, output=format.value)
            facts = facts_of(ledger)
        else:
            checked, facts = found
        if not set(years) & set(facts.budget_years):
            fail(f"no budget in {year}; years with a budget: {', '.join(facts.budget_years) or 'none'}")
        if by is not GroupBy.stream:
            fail("--by works with one year; a range of years is shown by stream")
        RENDERERS[format.value](summary_years(facts, years))
        trailing_problems(checked)
        return
    year = checked_year(year)
    found = warm(data, plan=True) if fast else None
    if found is None:
        funded = None
        # The plan only: summary's figures read no actuals or forecasts (validate checks those).
        if by is GroupBy.priority and not no_cache:  # each project's priorities from its cached entry
            from budgetctl.loading.listing import funded_projects

            ledger, checked, funded = from_entries(data, "summary", format.value, funded_projects)
        else:
            ledger, checked = reliable_ledger(data, "summary", cache=not no_cache, output=format.value, in_year=False)
        table = build_summary(ledger, budget_year(ledger, year), by.value, funded=funded)
    else:
        checked, facts = found
        table = build_summary(facts, budget_year(facts.budget_years, year), by.value)
    if to_stdout(output):
        RENDERERS[format.value](table)
    elif format is TableFormat.csv:
        emit(csv_text(table, for_excel=True), output)
    else:
        import contextlib
        import io

        text = io.StringIO()
        with contextlib.redirect_stdout(text):
            RENDERERS[format.value](table)
        emit(text.getvalue(), output)
    trailing_problems(checked)


def rules(
    format: Annotated[
        RulesFormat, typer.Option("--format", "-f", help="table, or json for scripts and editors.")
    ] = RulesFormat.table,
) -> None:
    """List every problem code: its name, severity and what it means.

    Example: budgetctl rules --format json
    """
    from rich.table import Table
    from rich.text import Text

    from budgetctl.render.console import stdout
    from budgetctl.rules import catalogue

    if format is RulesFormat.json:
        import json

        listed = [
            {"code": c.code, "name": c.name, "severity": c.severity.value, "summary": c.summary}
            for c in catalogue(commands=True).values()
        ]
        print(json.dumps(listed, indent=2, ensure_ascii=False))
        return

    grid = Table(title="Problem codes (budgetctl explain CODE for details)", title_justify="left")
    for header in ("Code", "Name", "Severity", "What it means"):
        grid.add_column(header)
    for code in catalogue(commands=True).values():
        grid.add_row(code.code, code.name, Text(code.severity.value), code.summary)
    stdout().print(grid)


def explain(
    code: Annotated[str, typer.Argument(help="A code such as A001, or a name such as over-allocated-stream.")],
) -> None:
    """Explain one problem code: what it checks, why, and an example.

    Example: budgetctl explain A001
    """
    from budgetctl.model.records import did_you_mean
    from budgetctl.rules import catalogue, lookup

    found = lookup(code)
    if found is None:
        codes = catalogue(commands=True)
        hint = did_you_mean(code.upper(), list(codes)) or did_you_mean(code.lower(), [c.name for c in codes.values()])
        fail(f"unknown code {code!r}{hint}; `budgetctl rules` lists them")
    print(f"{found.code} {found.name} ({found.severity.value})\n\n{found.summary}\n\n{found.explanation}")
