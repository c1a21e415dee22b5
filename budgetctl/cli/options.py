"""What the commands share: options, the one way to fail, loading the ledger, problems beside output."""

from __future__ import annotations

import sys
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

if TYPE_CHECKING:  # only for annotations: start-up imports stay light
    from collections.abc import Iterable

    from budgetctl.diagnostics import Diagnostic
    from budgetctl.model.ledger import Ledger
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
    """One red line on stderr, then exit (2: usage, IO or git failure)."""
    from rich.text import Text

    from budgetctl.diagnostics import printable
    from budgetctl.render.console import stderr

    # soft_wrap: one line, however long (a path can be thousands of characters).
    stderr().print(Text(f"budgetctl: {printable(message)}", style="red"), soft_wrap=True)
    raise typer.Exit(code)


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
    """Find, read and check the ledger; exit 2 when there is none.

    ``cache=False`` bypasses the cache of checked files; ``output`` is the
    output format, which decides whether a long run shows progress on stderr;
    ``ledger_needed=False`` (only the problems are wanted) lets an unchanged
    ledger's problems come from the cache; ``in_year=False`` leaves actuals and forecasts
    unread (commands about the plan only).
    """
    from budgetctl.loading import cache as file_cache
    from budgetctl.loading.discover import FileChanged, NoLedger, find_root, read_ledger
    from budgetctl.pipeline import check_files
    from budgetctl.render import progress

    try:
        root = find_root(data)
    except NoLedger as exc:
        fail(str(exc))
    cached = file_cache.FileCache.open(root) if cache and not file_cache.disabled_by_env() else None
    index = cached.stat_index() if cached is not None else None
    files = read_ledger(root, index)
    raw = {f.path: f for f in files.every_file()}

    @lru_cache(maxsize=256)
    def lines(path: str) -> list[str]:
        try:
            return raw[path].data.decode("utf-8", "replace").splitlines() if path in raw else []
        except FileChanged:  # changed since it was checked: no line to quote
            return []

    def source_line(path: str, line: int) -> str | None:
        text = lines(path)
        return text[line - 1] if 0 < line <= len(text) else None

    with progress.maybe(len(files.projects), output) as advance:
        try:
            checked = check_files(files, cache=cached, progress=advance, ledger_needed=ledger_needed, in_year=in_year)
        except FileChanged as exc:
            fail(str(exc))
    if cached is not None:
        cached.save()
    if index is not None:
        index.save()
    return checked, source_line


def streams_with_figures(data: Path | None) -> tuple[Checked, dict] | None:
    """The streams (no project loaded), every problem and each stream's figures, when the cache
    holds the last whole check of exactly the ledger on disk and its totals are reliable; None
    otherwise (then the caller checks everything, and refuses unreliable totals as before)."""
    from budgetctl.loading import cache as file_cache
    from budgetctl.loading.discover import NoLedger, find_root, read_ledger
    from budgetctl.pipeline import streams_only

    try:
        root = find_root(data)
    except NoLedger as exc:
        fail(str(exc))
    cache = None if file_cache.disabled_by_env() else file_cache.FileCache.open(root)
    if cache is None:
        return None
    index = cache.stat_index()
    found = streams_only(read_ledger(root, index), cache)
    index.save()
    if found is None or found[0].ledger is None or found[0].totals_broken():
        return None
    return found


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
    start, end = int(first[:4]), int(last[:4])
    if end < start or end - start > 9:
        fail(f"--year {first}..{last}: give the earlier year first, at most 10 years")
    return [f"{y}/{(y + 1) % 100:02d}" for y in range(start, end + 1)]


def reliable_ledger(
    data: Path | None, what: str, *, cache: bool = True, output: str = "json", in_year: bool = True
) -> tuple[Ledger, Checked]:
    """The checked ledger, refused (exit 1, the problems on stderr) when errors make its totals wrong.
    ``in_year=False``: the plan only, without reading actuals and forecasts."""
    checked, _ = load(data, cache=cache, output=output, in_year=in_year)
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
    """``year``, else the current financial year when the ledger has a budget for it, else the
    latest year with a budget; exit 2 when the ledger has no budget for the year."""
    import datetime

    from budgetctl.model.periods import year_of_date

    years = ledger.budget_years()
    current = year_of_date(datetime.date.today())
    chosen = year or (current if current in years else years[-1] if years else None)
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
    from budgetctl.diagnostics import printable

    for p in problems:
        label = "" if p.is_error else "warning: "
        print(f"{printable(p.file)}:{p.line}:{p.column}: {p.code} {label}{printable(p.message)}", file=sys.stderr)


OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="FILE", help="Write to FILE (atomically) instead of standard output."),
]


def to_stdout(output: Path | None) -> bool:
    """``-o -`` (or no -o) means standard output, as in most command-line tools."""
    return output is None or str(output) == "-"


def emit(text: str, output: Path | None) -> None:
    """Print ``text``, or write it to ``output`` through the atomic writer (``-o -``: print)."""
    from budgetctl.infra.atomic import WriteRefused, write_atomic

    if to_stdout(output):
        sys.stdout.write(text)
        return
    assert output is not None
    try:
        write_atomic(output, text.encode("utf-8"))
    except WriteRefused as exc:
        fail(str(exc))
    print(f"wrote {output}", file=sys.stderr)


def _streams_file(ctx: typer.Context) -> Any:
    """The ledger's streams.yaml as loaded values, for completion (None when there is none)."""
    from budgetctl.loading.discover import NoLedger, find_root
    from budgetctl.loading.yamlsubset import strict_load
    from budgetctl.model.source import Mapping

    try:
        root = find_root(ctx.params.get("data") or (ctx.default_map or {}).get("data"))
        source, _ = strict_load((root / "streams.yaml").read_bytes(), "streams.yaml")
    except (NoLedger, OSError):
        return None
    streams = source.root.get("streams") if source is not None else None
    return streams if isinstance(streams, Mapping) else None


def complete_stream(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion for a stream id, from streams.yaml."""
    streams = _streams_file(ctx)
    return [s for s in streams or () if s.startswith(incomplete)]


def complete_year(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion for a financial year: the years with a budget in streams.yaml."""
    from budgetctl.model.source import Mapping

    years: set[str] = set()
    for stream in (_streams_file(ctx) or {}).values():
        budget = stream.get("budget") if isinstance(stream, Mapping) else None
        if isinstance(budget, Mapping):
            years.update(budget)
    return sorted(y for y in years if y.startswith(incomplete))


def complete_project_id(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion for a project id: the file names under projects/ (cheap: no file is read)."""
    import os

    from budgetctl.loading.discover import PROJECT_SUFFIXES, NoLedger, find_root

    try:
        root = find_root(ctx.params.get("data") or (ctx.default_map or {}).get("data"))
    except NoLedger:
        return []
    found: set[str] = set()
    for _, _, names in os.walk(root / "projects"):
        found.update(name.rsplit(".", 1)[0] for name in names if name.endswith(PROJECT_SUFFIXES))
    return sorted(i for i in found if i.startswith(incomplete))


YearOption = Annotated[
    str | None,
    typer.Option(
        "--year", "-y", metavar="YYYY/YY", help="Financial year.", show_default=False, autocompletion=complete_year
    ),
]
