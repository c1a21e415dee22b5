"""What the commands share: options, the one way to fail, loading the ledger, problems beside output."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer

Row = TypeVar("Row")

if TYPE_CHECKING:  # only for annotations: start-up imports stay light
    from collections.abc import Callable, Iterable

    from budgetctl.diagnostics import Diagnostic, UserError
    from budgetctl.loading.cache import FileCache
    from budgetctl.model.ledger import Ledger
    from budgetctl.model.source import RawFile
    from budgetctl.pipeline import Checked
    from budgetctl.render.problems import Sources

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
    """Stop the command: one red line on stderr, then exit ``code`` (2: usage, IO or git failure)."""
    from budgetctl.diagnostics import UserError

    raise UserError(message, code)


def show_failure(error: UserError) -> NoReturn:
    """The one place a ``UserError`` becomes output: ``budgetctl: <message>`` in red, and its exit code."""
    from budgetctl.render.console import show_failure as show

    show(str(error))
    raise typer.Exit(error.exit_code)


NoCacheOption = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Check every file again; neither read nor write the cache (also BUDGETCTL_NO_CACHE=1; "
        "off by default when CI is set, BUDGETCTL_CACHE=1 turns it on).",
    ),
]


def load(
    data: Path | None, *, cache: bool = True, output: str = "json", ledger_needed: bool = True, in_year: bool = True
) -> tuple[Checked, Sources]:
    """Find, read and check the ledger (``budgetctl.pipeline.check_ledger``), showing progress
    on stderr when ``output`` is for reading and the run is long; with the checked files' lines.
    ``in_year=False`` leaves actuals and forecasts unread (commands about the plan only)."""
    from budgetctl.pipeline import check_ledger
    from budgetctl.render import progress

    checked = check_ledger(
        data,
        cache=cache,
        progress=lambda total: progress.maybe(total, output),
        ledger_needed=ledger_needed,
        in_year=in_year,
    )
    return checked, checked.source_line


def checked_year(year: str | None) -> str | None:
    """A ``--year`` option checked as a financial year (exit 2 when it is not one)."""
    from budgetctl.model.periods import YearError, parse_year

    if year is None:
        return None
    try:
        return parse_year(year)
    except YearError as exc:
        fail(f"--year: {exc}")


def year_range(first: str, last: str) -> list[str]:
    """``2023/24``..``2025/26`` as every year between them (exit 2 when backwards or longer than 10 years)."""
    from budgetctl.model.periods import years_between

    years = years_between(first, last)
    if years is None:
        fail(f"--year {first}..{last}: give the earlier year first, at most 10 years")
    return years


def reliable_ledger(
    data: Path | None, what: str, *, cache: bool = True, output: str = "json", in_year: bool = True
) -> tuple[Ledger, Checked]:
    """The checked ledger, refused (exit 1, the problems on stderr) when errors make its totals wrong.
    ``in_year=False``: the plan only, without reading actuals and forecasts."""
    checked, _ = load(data, cache=cache, output=output, in_year=in_year)
    return refuse_unreliable(checked, what), checked


def from_entries(
    data: Path | None, what: str, output: str, read: Callable[[list[RawFile], FileCache], list[Row] | None]
) -> tuple[Ledger, Checked, list[Row] | None]:
    """For a command that needs a few fields of every valid project (``projects``, ``summary --by
    priority``): the ledger checked as ``reliable_ledger`` checks it (the plan only), and
    ``read(project files, cache)``'s rows of those fields from each project's cached entry
    (``loading.listing``). With the cache, the problems come from the last whole check (or a
    check of the files changed since) and the ledger holds only the streams; of a ledger with
    actuals or forecasts, only when that check found no problem and no budget depends on spend.
    The rows are None, and the ledger whole, otherwise or when an entry is damaged."""
    from budgetctl.loading.build import build
    from budgetctl.loading.cache import read_through_index
    from budgetctl.model.figures import needs_actuals
    from budgetctl.pipeline import check_read, has_in_year, plan_stands
    from budgetctl.render import progress

    files, cached, index = read_through_index(data)
    shown = lambda total: progress.maybe(total, output)  # noqa: E731
    rows = None
    in_year = has_in_year(files)
    # With actuals or forecasts, only a last whole check that found no problem stands for the plan
    # alone (``pipeline.streams_only``), and only where no budget depends on spend.
    fast = cached is not None and (not in_year or plan_stands(files, cached))
    checked = check_read(files, cached, index, progress=shown, ledger_needed=not fast, in_year=False)
    if cached is not None and checked.ledger is None and fast:
        checked.ledger = build(files.streams, [], [], cache=cached).ledger  # the streams only
        if in_year and checked.ledger is not None and needs_actuals(checked.ledger):
            checked = check_read(files, cached, index, progress=shown, in_year=False)
        elif checked.ledger is not None and not checked.totals_broken():
            rows = read(files.projects, cached)
            if rows is None:  # a damaged entry: every file checked, as any command would
                checked = check_read(files, cached, index, progress=shown, in_year=False)
            else:
                cached.save()  # with the entries of the files checked just now (changed since the check)
    return refuse_unreliable(checked, what), checked, rows


def refuse_unreliable(checked: Checked, what: str) -> Ledger:
    """The checked ledger, refused (exit 1, the problems on stderr) when errors make its totals wrong."""
    broken = checked.totals_broken()
    if checked.ledger is None or broken:
        problems_to_stderr(broken or checked.errors)
        fail(
            f"{what} refused: {len(broken or checked.errors)} error(s) make the totals unreliable; "
            "fix them (see `budgetctl validate`)",
            code=1,
        )
    return checked.ledger


def budget_year(ledger: Ledger | list[str], year: str | None) -> str:
    """``year``, else the current financial year when the ledger (or the list of its years with a
    budget) has a budget for it, else the latest year with a budget; exit 2 when the ledger has
    no budget for the year."""
    import datetime

    from budgetctl.model.periods import chosen_year

    years = ledger if isinstance(ledger, list) else ledger.budget_years()
    chosen = chosen_year(years, year, datetime.date.today())
    if chosen is None:
        shown = year or (years[-1] if years else None)
        fail(f"no budget for {shown} in this ledger; years with a budget: {', '.join(years) or 'none'}")
    return chosen


def trailing_problems(checked: Checked) -> None:
    """The problems that did not stop a report, listed on stderr after it."""
    from budgetctl.render.problems import trailing

    trailing(checked.problems, checked.file_count)


def problems_to_stderr(problems: Iterable[Diagnostic]) -> None:
    """One ``path:line:col: CODE message`` line per problem on stderr, beside a command's output."""
    from budgetctl.render.problems import to_stderr

    to_stderr(problems)


OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="FILE", help="Write to FILE (atomically) instead of standard output."),
]


def to_stdout(output: Path | None) -> bool:
    """``-o -`` (or no -o) means standard output, as in most command-line tools."""
    return output is None or str(output) == "-"


def emit(text: str, output: Path | None) -> None:
    """Print ``text``, or write it to ``output`` through the atomic writer (``-o -``: print)."""
    from budgetctl.infra.atomic import write_atomic

    if to_stdout(output):
        sys.stdout.write(text)
        return
    assert output is not None
    write_atomic(output, text.encode("utf-8"))
    print(f"wrote {output}", file=sys.stderr)


def _data(ctx: typer.Context) -> Any:
    """The --data given so far on the command line (or before the command), for completion."""
    return ctx.params.get("data") or (ctx.default_map or {}).get("data")


def complete_stream(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion for a stream id, from streams.yaml."""
    from budgetctl.loading.completion import stream_ids

    return [s for s in stream_ids(_data(ctx)) if s.startswith(incomplete)]


def complete_year(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion for a financial year: the years with a budget in streams.yaml."""
    from budgetctl.loading.completion import budget_years

    return [y for y in budget_years(_data(ctx)) if y.startswith(incomplete)]


def complete_project_id(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion for a project id: the file names under projects/ (no file is read)."""
    from budgetctl.loading.completion import project_ids

    return [i for i in project_ids(_data(ctx)) if i.startswith(incomplete)]


YearOption = Annotated[
    str | None,
    typer.Option(
        "--year", "-y", metavar="YYYY/YY", help="Financial year.", show_default=False, autocompletion=complete_year
    ),
]
