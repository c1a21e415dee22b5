"""Commands: workflow (see README)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from budgetctl.cli import DataOption, app, fail

# --- diff and owners: reviewing a change (issue 3, items 1 and 5) -------------------


class DiffFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"


@app.command("diff")
def diff_command(
    base: Annotated[str, typer.Argument(metavar="BASE", help="The revision to compare from: a branch, tag or commit.")],
    head: Annotated[
        str | None,
        typer.Argument(
            metavar="HEAD", help="The revision to compare to (default: the working tree).", show_default=False
        ),
    ] = None,
    format: Annotated[
        DiffFormat, typer.Option("--format", "-f", help="table, markdown (for a pull request) or json.")
    ] = DiffFormat.table,
    fail_on_new_errors: Annotated[
        bool, typer.Option("--fail-on-new-errors", help="Exit 1 when the change introduces an error.")
    ] = False,
    data: DataOption = None,
) -> None:
    """Compare the ledger at two git revisions: money per year and stream, projects, problems, approvals.

    Revisions are read from git objects; the working tree and the index are
    never touched. A revision without a ledger counts as empty. Exit 0 when
    compared (1 with --fail-on-new-errors if the change adds an error), 2 for a
    bad revision or outside a git repository.

    Example: budgetctl diff origin/main --format markdown
    """
    from budgetctl.gitrepo import GitError
    from budgetctl.render.diff import RENDERERS
    from budgetctl.reports.diff import compare
    from budgetctl.revision import locate, revision_side, working_tree_side

    try:
        where = locate(data)
        before = revision_side(where.repo, base, where.folder)
        after = revision_side(where.repo, head, where.folder) if head is not None else working_tree_side(where.root)
    except GitError as exc:
        fail(str(exc))
    result = compare(before, after)
    RENDERERS[format.value](result)
    raise typer.Exit(1 if fail_on_new_errors and result.new_errors else 0)


@app.command("owners")
def owners_command(
    admins: Annotated[
        list[str] | None,
        typer.Option(
            "--admins",
            metavar="OWNER",
            help="Owner of streams.yaml, the ledger, CODEOWNERS and .github/ (repeatable), e.g. @org/finance-admins.",
            show_default=False,
        ),
    ] = None,
    check: Annotated[
        Path | None,
        typer.Option(
            "--check",
            metavar="FILE",
            help="Compare with FILE instead of printing: exit 1 when it is out of date.",
            show_default=False,
        ),
    ] = None,
    path: Annotated[
        str | None,
        typer.Option(
            "--path",
            metavar="PATH",
            help="Where CODEOWNERS lives in the repository (default: .github/CODEOWNERS, or --check's FILE).",
            show_default=False,
        ),
    ] = None,
    data: DataOption = None,
) -> None:
    """Print a CODEOWNERS file so each stream's owners must review changes to its projects.

    Streams name `owners:` in streams.yaml; their projects live in
    projects/<stream-id>/. Exit 1 when the ledger cannot be read or an owner
    is invalid, or with --check when FILE differs from what would be printed.

    Example: budgetctl owners --admins @org/finance-admins > .github/CODEOWNERS
    """
    from budgetctl.discovery import NoLedger, read_ledger
    from budgetctl.owners import DEFAULT_FILE, codeowners, owner_problem, path_problem
    from budgetctl.pipeline import check_files
    from budgetctl.revision import ledger_place

    for admin in admins or []:
        if owner_problem(admin):
            fail(f"--admins: {owner_problem(admin)}")
    try:
        root, folder, top = ledger_place(data)
    except NoLedger as exc:
        fail(str(exc))
    checked = check_files(read_ledger(root))
    blocking = [p for p in checked.problems if p.code in ("R005",)]
    if checked.ledger is None or blocking:
        for p in blocking or checked.errors:
            typer.echo(f"{p.file}:{p.line}:{p.column}: {p.code} {p.message}", err=True)
        fail("owners refused: fix these errors first (see `budgetctl validate`)", code=1)
    file = path or (_in_repo(check, top) if check is not None else None) or DEFAULT_FILE
    for shown in (folder, file):
        if path_problem(shown):
            fail(path_problem(shown) or "")
    text = codeowners(checked.ledger, folder, admins or [], file)
    if check is None:
        typer.echo(text, nl=False)
        return
    try:
        current = check.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        current = None
        reason = getattr(exc, "strerror", None) or str(exc)
        typer.echo(f"budgetctl: cannot read {check}: {reason}", err=True)
    if current != text:
        typer.echo(
            f"{check} is out of date; regenerate it with: budgetctl owners{_admin_flags(admins)} > {check}", err=True
        )
        raise typer.Exit(1)
    typer.echo(f"{check} is up to date", err=True)


def _in_repo(file: Path, top: Path | None) -> str | None:
    """``file``'s path inside the repository, as CODEOWNERS lines name it."""
    if top is None:
        return None
    try:
        return file.resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        return None


def _admin_flags(admins: list[str] | None) -> str:
    return "".join(f" --admins {a}" for a in admins or [])
