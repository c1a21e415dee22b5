"""The command line: thin Typer commands over the library.

Each command resolves the ledger, calls the stages, picks a renderer from a
dict keyed by ``--format`` and sets the exit code: 0 clean, 1 problems,
2 usage / no ledger / IO / git failures.
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from budgetctl import __version__

if TYPE_CHECKING:  # only for annotations: start-up imports stay light
    from collections.abc import Iterable

    from budgetctl.diagnostics import Diagnostic
    from budgetctl.ledger import Ledger
    from budgetctl.pipeline import Checked
    from budgetctl.render.problems import Sources

app = typer.Typer(
    name="budgetctl",
    help="A command-line ledger over plain-text budget files kept in git.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
    rich_markup_mode=None,
)

DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        metavar="DIR",
        help="Ledger folder (default: $BUDGETCTL_DATA, ./data, or the "
        "nearest parent folder holding data/streams.yaml).",
        show_default=False,
    ),
]


class ProblemFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


class TableFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


class GroupBy(StrEnum):
    stream = "stream"
    funding = "funding"
    priority = "priority"


def fail(message: str, code: int = 2) -> NoReturn:
    """One red line on stderr, then exit (2: usage, IO or git failure)."""
    from rich.text import Text

    from budgetctl.render.console import stderr
    from budgetctl.yamlsubset import printable

    stderr().print(Text(f"budgetctl: {printable(message)}", style="red"))
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        print(f"budgetctl {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """A command-line ledger over plain-text budget files kept in git.

    Streams are in data/streams.yaml, one file per project in data/projects/.
    Start with `budgetctl validate` and `budgetctl summary --year 2023/24`.
    """


NoCacheOption = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Check every file again; neither read nor write the cache (also BUDGETCTL_NO_CACHE=1).",
    ),
]


def load(
    data: Path | None, *, cache: bool = True, output: str = "json", ledger_needed: bool = True
) -> tuple[Checked, Sources]:
    """Find, read and check the ledger; exit 2 when there is none.

    ``cache=False`` bypasses the cache of checked files; ``output`` is the
    output format, which decides whether a long run shows progress on stderr;
    ``ledger_needed=False`` (only the problems are wanted) lets an unchanged
    ledger's problems come from the cache.
    """
    from budgetctl import cache as file_cache
    from budgetctl import progress
    from budgetctl.discovery import NoLedger, find_root, read_ledger
    from budgetctl.pipeline import check_files

    try:
        root = find_root(data)
    except NoLedger as exc:
        fail(str(exc))
    files = read_ledger(root)
    raw = {f.path: f.data for f in ([files.streams] if files.streams else []) + files.projects}

    @lru_cache(maxsize=256)
    def lines(path: str) -> list[str]:
        return raw[path].decode("utf-8", "replace").splitlines() if path in raw else []

    def source_line(path: str, line: int) -> str | None:
        text = lines(path)
        return text[line - 1] if 0 < line <= len(text) else None

    cached = file_cache.FileCache.open(root) if cache and not file_cache.disabled_by_env() else None
    with progress.maybe(len(files.projects), output) as advance:
        checked = check_files(files, cache=cached, progress=advance, ledger_needed=ledger_needed)
    if cached is not None:
        cached.save()
    return checked, source_line


@app.command()
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
) -> None:
    """Check every file and rule; report each problem with file, line and column.

    Exit 0 when there is no error, 1 when there is one or more (with --strict,
    warnings count), 2 when no ledger is found.

    Example: budgetctl validate --format github
    """
    from budgetctl.diagnostics import count_errors
    from budgetctl.render import problems as render

    chosen = format or (ProblemFormat.github if os.environ.get("GITHUB_ACTIONS") == "true" else ProblemFormat.text)
    checked, source_line = load(data, cache=not no_cache, output=chosen.value, ledger_needed=False)
    failed = count_errors(checked.problems, strict=strict) > 0
    renderers = {
        ProblemFormat.text: lambda: render.render_text(checked.problems, checked.file_count, source_line),
        ProblemFormat.json: lambda: render.render_json(checked.problems, not failed, checked.file_count),
        ProblemFormat.github: lambda: render.render_github(checked.problems, checked.file_count),
    }
    renderers[chosen]()
    raise typer.Exit(1 if failed else 0)


@app.command()
def summary(
    year: Annotated[
        str | None,
        typer.Option(
            "--year",
            "-y",
            metavar="YYYY/YY",
            help="Financial year (default: the latest with a budget).",
            show_default=False,
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
) -> None:
    """The reconciled table per stream: budget, allocated, unallocated, with a total.

    Refused (exit 1, with the problems) when errors would make the totals wrong;
    other problems are listed under the table on stderr.

    Example: budgetctl summary --year 2023/24 --by funding --format markdown
    """
    from budgetctl.render.tables import RENDERERS
    from budgetctl.reports.summary import summary as build_summary

    year = checked_year(year)
    ledger, checked = reliable_ledger(data, "summary", cache=not no_cache, output=format.value)
    RENDERERS[format.value](build_summary(ledger, budget_year(ledger, year), by.value))
    trailing_problems(checked)


def checked_year(year: str | None) -> str | None:
    """A ``--year`` option checked as a financial year (exit 2 when it is not one)."""
    from budgetctl.years import YearError, parse_year

    if year is None:
        return None
    try:
        return parse_year(year)
    except YearError as exc:
        fail(f"--year: {exc}")


def reliable_ledger(
    data: Path | None, what: str, *, cache: bool = True, output: str = "json"
) -> tuple[Ledger, Checked]:
    """The checked ledger, refused (exit 1, the problems on stderr) when errors make its totals wrong."""
    checked, _ = load(data, cache=cache, output=output)
    broken = checked.totals_broken()
    if checked.ledger is None or broken:
        problems_to_stderr(broken or checked.errors)
        fail(
            f"{what} refused: {len(broken or checked.errors)} error(s) make the totals unreliable; "
            "fix them (see `budgetctl validate`)",
            code=1,
        )
    return checked.ledger, checked


def budget_year(ledger: Ledger, year: str | None) -> str:
    """``year``, or the latest year with a budget; exit 2 when the ledger has no budget for it."""
    years = ledger.budget_years()
    chosen = year or (years[-1] if years else None)
    if chosen is None or chosen not in years:
        fail(f"no budget for {chosen} in this ledger; years with a budget: {', '.join(years) or 'none'}")
    return chosen


def trailing_problems(checked: Checked) -> None:
    """The problems that did not stop a report, listed on stderr after it."""
    from budgetctl.render import problems as render

    if checked.problems:
        problems_to_stderr(checked.problems)
        print(render.counts_line(checked.problems, checked.file_count), file=sys.stderr)


def problems_to_stderr(problems: Iterable[Diagnostic]) -> None:
    """One ``path:line:col: CODE message`` line per problem on stderr, beside a command's output."""
    from budgetctl.yamlsubset import printable

    for p in problems:
        label = "" if p.is_error else "warning: "
        print(f"{printable(p.file)}:{p.line}:{p.column}: {p.code} {label}{printable(p.message)}", file=sys.stderr)


@app.command()
def rules() -> None:
    """List every problem code: its name, severity and what it means.

    Example: budgetctl rules
    """
    from rich.table import Table
    from rich.text import Text

    from budgetctl.render.console import stdout
    from budgetctl.rules import catalogue

    grid = Table(title="Problem codes (budgetctl explain CODE for details)", title_justify="left")
    for header in ("Code", "Name", "Severity", "What it means"):
        grid.add_column(header)
    for code in catalogue(commands=True).values():
        grid.add_row(code.code, code.name, Text(code.severity.value), code.summary)
    stdout().print(grid)


@app.command()
def explain(
    code: Annotated[str, typer.Argument(help="A code such as A001, or a name such as over-allocated-stream.")],
) -> None:
    """Explain one problem code: what it checks, why, and an example.

    Example: budgetctl explain A001
    """
    from budgetctl.models import did_you_mean
    from budgetctl.rules import catalogue, lookup

    found = lookup(code)
    if found is None:
        codes = catalogue(commands=True)
        hint = did_you_mean(code.upper(), list(codes)) or did_you_mean(code.lower(), [c.name for c in codes.values()])
        fail(f"unknown code {code!r}{hint}; `budgetctl rules` lists them")
    print(f"{found.code} {found.name} ({found.severity.value})\n\n{found.summary}\n\n{found.explanation}")


# Command groups live in their own modules; importing them registers their commands.
from budgetctl.commands import publishing, workflow  # noqa: E402, F401
