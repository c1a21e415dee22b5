"""``show``, ``trace``, ``owners``, ``report`` and ``diff`` answered by the entry point without Typer
(whose import alone costs some 50 ms), when the command line is plain and the answer is ready: a
warm cache for ``show``, for ``trace`` of a ledger without actuals or forecasts and for a
``report`` that summarises Appendix A, a clean streams.yaml for ``owners``, a repository and
revisions git knows for ``diff`` (as a table).

They call what the Typer commands call, so the output is the same byte for byte. Anything
else (an option this reader does not take, a problem that would refuse the command, no ledger,
a cold cache) returns to the entry point with nothing printed, and the Typer command runs
from the start and says what it always says.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from budgetctl.diagnostics import UserError
from budgetctl.infra import plainargs

Options = dict[str, list[str]]


def answer(args: list[str]) -> None:
    """Answer ``budgetctl <args>`` and exit, when it is a plain ``show``, ``trace``, ``owners``, ``report``
    or ``diff`` that needs nothing this module cannot give; otherwise return, having printed nothing."""
    if any(name.startswith("_BUDGETCTL_COMPLETE") for name in os.environ):
        return  # shell completion: Click's
    shows = plainargs.read(args, "show", valued=_SHOW, positionals=1)
    if shows is not None:
        options, (project,) = shows
        if options.get("format", ["text"]) in (["text"], ["json"]):
            _try(lambda: _show(_data(options), project, options.get("format") == ["json"]))
        return
    owns = plainargs.read(args, "owners", valued=_OWNERS, repeatable={"admins"})
    if owns is not None:
        options = owns[0]
        _try(lambda: _owners(_data(options), options.get("admins", [])))
        return
    reports = plainargs.read(args, "report", valued=_REPORT)
    if reports is not None:
        options = reports[0]
        _try(lambda: _report(options))
        return
    traces = plainargs.read(args, "trace", valued=_TRACE, positionals=1)
    if traces is not None:
        options, (subject,) = traces
        _try(lambda: _trace(options, subject))
        return
    # diff BASE HEAD, or diff BASE (the working tree)
    diffs = plainargs.read(args, "diff", valued=_DIFF, flags=_DIFF_FLAGS, positionals=2) or plainargs.read(
        args, "diff", valued=_DIFF, flags=_DIFF_FLAGS, positionals=1
    )
    if diffs is not None and diffs[0].get("format", ["table"]) == ["table"]:
        compared, revisions = diffs
        _try(lambda: _diff(_data(compared), revisions, "fail" in compared))


_SHOW = {"--data": "data", "--format": "format", "-f": "format"}
_OWNERS = {"--data": "data", "--admins": "admins"}
_DIFF = {"--data": "data", "--format": "format", "-f": "format"}
_TRACE = {
    **{"--measure": "measure", "-m": "measure", "--year": "year", "-y": "year", "--as-at": "as_at"},
    **{"--format": "format", "-f": "format", "--data": "data"},
}
_DIFF_FLAGS = {"--fail-on-new-errors": "fail"}
_REPORT = {
    **{"--year": "year", "-y": "year", "--format": "format", "-f": "format", "--output": "output", "-o": "output"},
    **{"--projects": "projects", "--data": "data", "--as-at": "as_at"},
}


def _data(options: Options) -> Path | None:
    """The command's --data, else the main one (its default), as Typer gives it."""
    given = options.get("data") or options.get(plainargs.MAIN_DATA)
    return Path(given[0]) if given else None


def _try(run: Callable[[], None]) -> None:
    """Run an answer: it exits when it answered, returns when it could not; a user error (no
    ledger, a file edited during the run) is left for the Typer command to report. The cyclic
    collector is paused meanwhile: the modules imported and the entries read live to the end of
    this short run, and scanning them again and again costs some 5 ms (``infra.gcpause``). It is
    on again when this returns; after an answer, the entry point decides (``__main__``): turned
    on, its first pass would walk every object the run made (0.15 s after a trace of a year's
    actuals), for a process about to end."""
    import gc

    collecting, answered = gc.isenabled(), True
    gc.disable()
    try:
        run()
        answered = False  # returned: nothing printed
    except UserError:
        answered = False
    finally:
        if collecting and not answered:
            gc.enable()


def _done() -> NoReturn:
    sys.stdout.flush()
    raise SystemExit(0)


def _show(data: Path | None, project: str, as_json: bool) -> None:
    """``show`` from the warm cache (``pipeline.warm_project``), as the Typer command prints it."""
    from budgetctl.loading.discover import find_root
    from budgetctl.pipeline import warm_project

    fast = warm_project(find_root(data), project, data)
    if fast is None:
        return
    from budgetctl.render.project import print_project
    from budgetctl.reports.projects import project_detail

    print_project(project_detail(fast.ledger, fast.entry, fast.figures), fast.problems, as_json)
    _done()


def _owners(data: Path | None, admins: list[str]) -> None:
    """``owners`` printing CODEOWNERS (no --check or --path), as the Typer command prints it when
    nothing refuses it."""
    from budgetctl.loading.discover import has_year_files
    from budgetctl.loading.owners import owned_files, owned_ledger
    from budgetctl.loading.revision import ledger_place
    from budgetctl.model.owners import owner_problem
    from budgetctl.reports.codeowners import DEFAULT_FILE, codeowners, path_problem

    if any(owner_problem(admin) for admin in admins):
        return
    root, folder, _ = ledger_place(data)
    ledger = owned_ledger(root, owned_files(root))
    if ledger is None or path_problem(folder) or path_problem(DEFAULT_FILE):
        return
    text = codeowners(ledger, folder, admins, DEFAULT_FILE, year_files=has_year_files(root))
    if not text.isascii() or "\x1b" in text:
        return  # typer.echo takes out terminal escapes when piped: let it
    sys.stdout.write(text)
    _done()


def _report(options: Options) -> None:
    """``report`` of a paper that summarises Appendix A (no --monitor), from the paper kept as
    written for this ledger content (``render.board_view``) or from the last whole check
    (``reports.board.warm``), as the Typer command prints or writes it."""
    from budgetctl.loading.root import located
    from budgetctl.model.periods import YearError, parse_year
    from budgetctl.render import board_view
    from budgetctl.reports import board_date

    given = {key: values[0] for key, values in options.items()}  # each at most once (plainargs)
    chosen, format, projects = given.get("year"), given.get("format", "markdown"), given.get("projects", "auto")
    listing = {"auto": None, "summary": False}.get(projects, True)
    if format not in ("markdown", "html") or listing is True:
        return
    try:
        chosen = None if chosen is None else parse_year(chosen)
        day = board_date.paper_date(given.get("as_at"))
    except (YearError, ValueError, OverflowError, OSError):
        return  # the command says what is wrong
    data = _data(options)
    try:
        root = located(data, str(Path.cwd()))  # discovery's find_root, without importing discovery
    except OSError:
        return
    if root is None:
        return  # the command says there is no ledger
    revision = board_date.revision_of(Path(root))
    view = board_view.view_of(format, projects, chosen)
    from budgetctl.loading.warm import current_listed

    found = current_listed(data)
    if found is None:
        return  # no cache: the command builds the paper
    text = board_view.served(found[:4], view, format, lambda: board_date.as_at_line(day, revision()))
    kept = None
    if text is None:
        from budgetctl.reports import board

        kept = board.warm(data, chosen, listing, found)
        if kept is None:
            return
        assert kept.checked.ledger is not None
        paper = board.board_report(kept.checked.ledger, kept.year, day, revision(), False, kept.known, kept.awards)
        from budgetctl.render import board_html, board_markdown

        render = board_html.render if format == "html" else board_markdown.render
        # Written once with a mark for its date line: the paper kept has none, and this run's is written in.
        as_at, paper.as_at = paper.as_at, board_view.mark()
        marked = render(paper)
        if marked.count(paper.as_at) == 1:
            before, after = marked.split(paper.as_at)
            text = before + board_view.escaped(format, as_at) + after
            if not kept.checked.problems:
                board_view.keep(kept.cache, kept.ledger_key, view, marked, paper.as_at)
        else:
            paper.as_at = as_at
            text = render(paper)
    output = given.get("output")
    if output is None:
        sys.stdout.write(text)
    else:
        from budgetctl.infra.atomic import write_atomic

        try:
            write_atomic(Path(output), text.encode("utf-8"))
        except (UserError, OSError):
            return  # nothing written: the command says why
        print(f"wrote {Path(output)}", file=sys.stderr)
    if kept is not None and kept.checked.problems:
        from budgetctl.render.problems import trailing

        trailing(kept.checked.problems, kept.checked.file_count)
    _done()


def _trace(options: Options, subject: str) -> None:
    """``trace`` of a figure read from the ledger narrowed to the stream's or the project's files
    (``pipeline.warm_subject``), as the Typer command prints it; anything it would refuse is
    left for the command to say."""
    from budgetctl.reports.trace import MEASURES

    given = {key: values[0] for key, values in options.items()}  # each at most once (plainargs)
    measure, format = given.get("measure"), given.get("format", "text")
    if measure not in MEASURES or format not in ("text", "json"):
        return
    import datetime

    from budgetctl.model.periods import YearError, chosen_year, parse_year

    try:
        chosen = parse_year(given["year"]) if "year" in given else None
    except YearError:
        return
    from budgetctl.loading.discover import find_root
    from budgetctl.pipeline import warm_subject

    data = _data(options)
    narrowed = warm_subject(find_root(data), subject, data)
    if narrowed is None or narrowed.ledger is None or narrowed.totals_broken():
        return
    year = chosen_year(narrowed.ledger.budget_years(), chosen, datetime.date.today())
    if year is None:
        return
    from budgetctl.render.problems import trailing
    from budgetctl.render.trace import trace_text
    from budgetctl.reports.trace import answer

    found = answer(narrowed.ledger, subject, year, measure, given.get("as_at"), _refused)
    sys.stdout.write(trace_text(found, format == "json"))
    trailing(narrowed.problems, narrowed.file_count)
    _done()


def _refused(message: str) -> NoReturn:
    """A refusal this module leaves to the Typer command, which says it (``_try``)."""
    raise UserError(message)


def _diff(data: Path | None, revisions: list[str], fail_on_new_errors: bool) -> None:
    """``diff BASE [HEAD]`` as a table, as the Typer command (``cli.workflow.diff_command``) prints
    it: the same functions. A bad revision or no repository is left for the command to report."""
    from budgetctl.pipeline import compare_sides
    from budgetctl.render.diff import render_table
    from budgetctl.reports.diff import compare

    before, after = compare_sides(data, revisions[0], revisions[1] if len(revisions) > 1 else None)
    result = compare(before, after)
    render_table(result)
    sys.stdout.flush()
    raise SystemExit(1 if fail_on_new_errors and result.new_errors else 0)
