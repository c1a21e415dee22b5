"""Commands: the review and writing workflow (diff, owners, fmt, new project, schema)."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from budgetctl.cli.options import DataOption, complete_stream, fail, problems_to_stderr
from budgetctl.diagnostics import printable

# --- diff and owners: reviewing a change ----------------------------------------------


class DiffFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"


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
    from budgetctl.pipeline import compare_sides
    from budgetctl.render.diff import RENDERERS
    from budgetctl.reports.diff import compare

    before, after = compare_sides(data, base, head)
    result = compare(before, after)
    RENDERERS[format.value](result)
    raise typer.Exit(1 if fail_on_new_errors and result.new_errors else 0)


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
    from budgetctl.loading.discover import has_year_files
    from budgetctl.loading.owners import owned_files, owned_ledger
    from budgetctl.loading.revision import ledger_place
    from budgetctl.model.owners import owner_problem
    from budgetctl.pipeline import check_files
    from budgetctl.reports.codeowners import DEFAULT_FILE, codeowners, path_problem

    for admin in admins or []:
        if owner_problem(admin):
            fail(f"--admins: {owner_problem(admin)}")
    root, folder, top = ledger_place(data)
    # Owners come from streams.yaml, the names of the ledger's folders and the adjustment files (each
    # needs the owners of the streams it touches): no project, actuals or forecast file is read.
    files = owned_files(root)
    ledger = owned_ledger(root, files)
    if ledger is None:
        checked = check_files(files)
        blocking = [p for p in checked.problems if p.code in ("R005",)]
        if checked.ledger is None or blocking:
            problems_to_stderr(blocking or checked.errors)
            fail("owners refused: fix these errors first (see `budgetctl validate`)", code=1)
        ledger = checked.ledger
    file = path or (_in_repo(check, top) if check is not None else None) or DEFAULT_FILE
    for shown in (folder, file):
        if path_problem(shown):
            fail(path_problem(shown) or "")
    text = codeowners(ledger, folder, admins or [], file, year_files=has_year_files(root))
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


# --- fmt, new project, schema: writing ledger files -------------------------------------


def fmt_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="PATHS", help="Files or folders to format (default: every file of the ledger).", show_default=False
        ),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 listing the files that would change.")
    ] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Write nothing; print a unified diff of the changes.")] = False,
    data: DataOption = None,
) -> None:
    """Rewrite ledger files in the one canonical layout, keeping every comment.

    Keys in the spec's order, years sorted, money written one way (250000,
    1234.50), two-space indentation. Each file is proven safe first (same
    values, same comments, stable when formatted again) and written atomically;
    a file that cannot be proven safe is reported and left untouched. Exit 0
    when every file is formatted, 1 with --check when a file would change, 1 when
    a file was refused (with --check only when it has YAML errors: a valid file
    fmt cannot rewrite is left as written), 2 when no ledger is found or a write fails.

    Example: budgetctl fmt --check
    """
    from budgetctl.edit.fmt import path_targets
    from budgetctl.edit.fmt_run import ledger_run, run

    def echo(line: str) -> None:
        typer.echo(line, err=True)

    if paths:
        # lexists: a name too long for the system is missing, not an internal error.
        missing = [p for p in paths if not os.path.lexists(p)]
        if missing:
            fail(f"no such file or folder: {missing[0]}")
        targets, problems = path_targets(paths)
        code = run(targets, problems, check=check, diff=diff, echo=echo)
    else:
        from budgetctl.loading.discover import find_root

        code = ledger_run(find_root(data), check=check, diff=diff, echo=echo)
    raise typer.Exit(code)


new_app = typer.Typer(
    help="Create ledger files in canonical layout, checked against the ledger first.", no_args_is_help=True
)


@new_app.command("project")
def new_project_command(
    project_id: Annotated[
        str, typer.Argument(metavar="ID", help="The project id, also its file name: youth-diversion.")
    ],
    stream: Annotated[
        str, typer.Option("--stream", help="The stream id that funds it.", autocompletion=complete_stream)
    ],
    title: Annotated[str, typer.Option("--title", help="The project's title.")],
    lead: Annotated[str, typer.Option("--lead", help="The accountable OPCC lead.")],
    amount: Annotated[
        list[str],
        typer.Option("--amount", metavar="YEAR=AMOUNT", help="An allocation, e.g. 2023/24=250000 (repeatable)."),
    ],
    provider: Annotated[str | None, typer.Option("--provider", help="Who delivers it.")] = None,
    provider_sector: Annotated[str | None, typer.Option("--provider-sector", help="The provider's sector id.")] = None,
    purpose: Annotated[str | None, typer.Option("--purpose", help="A purpose id of the stream.")] = None,
    priority: Annotated[
        list[str] | None, typer.Option("--priority", help="A priority id from streams.yaml (repeatable).")
    ] = None,
    npu: Annotated[str | None, typer.Option("--npu", help="Neighbourhood Policing Unit id.")] = None,
    approved_by: Annotated[str | None, typer.Option("--approved-by", help="Who signed the award off (an id).")] = None,
    partnership: Annotated[str | None, typer.Option("--partnership", help="Community Safety Partnership id.")] = None,
    partnership_priority: Annotated[
        list[str] | None, typer.Option("--partnership-priority", help="A partnership priority id (repeatable).")
    ] = None,
    cost: Annotated[list[str] | None, typer.Option("--cost", help="A cost category id (repeatable).")] = None,
    description: Annotated[str | None, typer.Option("--description", help="What the money pays for.")] = None,
    grant: Annotated[
        bool,
        typer.Option("--grant", help="Publish it as a grant (360Giving): needs description, award date, provider."),
    ] = False,
    award_date: Annotated[
        str | None, typer.Option("--award-date", metavar="YYYY-MM-DD", help="When the award was decided.")
    ] = None,
    start_date: Annotated[
        str | None, typer.Option("--start-date", metavar="YYYY-MM-DD", help="When the work starts.")
    ] = None,
    end_date: Annotated[str | None, typer.Option("--end-date", metavar="YYYY-MM-DD", help="When it ends.")] = None,
    recipient_org_id: Annotated[
        str | None,
        typer.Option("--recipient-org-id", metavar="ORG-ID", help="The provider's org-id, e.g. GB-CHC-1070468."),
    ] = None,
    folder: Annotated[
        str | None,
        typer.Option("--folder", help="Sub-folder of projects/ (default: the stream id).", show_default=False),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file with the same path.")] = False,
    data: DataOption = None,
) -> None:
    """Write a new project file in canonical layout, after checking the whole ledger with it.

    Refused, writing nothing, when the new file would bring an error: an
    unknown stream, purpose or priority, a missing eligibility field, or an
    allocation that over-allocates its stream (the message says by how much).
    Exit 0 when written, 1 when refused, 2 for bad options or no ledger.

    Example: budgetctl new project mentoring --stream intervention-and-prevention --title Mentoring --lead Manager --amount 2023/24=5000
    """  # noqa: E501
    from budgetctl.edit.new_project import NewProject, add_project, allocations_from, parse_date
    from budgetctl.pipeline import check_ledger

    given = {"award_date": award_date, "start_date": start_date, "end_date": end_date}
    dates = {
        key: parse_date("--" + key.replace("_", "-"), text) if text is not None else None for key, text in given.items()
    }
    project = NewProject(
        project_id,
        title,
        stream,
        lead,
        allocations_from(amount),
        provider=provider,
        provider_sector=provider_sector,
        purpose=purpose,
        priorities=priority or [],
        npu=npu,
        approved_by=approved_by,
        partnership=partnership,
        partnership_priorities=partnership_priority or [],
        costs=cost or [],
        description=description,
        recipient_org_id=recipient_org_id,
        grant=grant,
        **dates,
    )
    planned = add_project(check_ledger(data, cache=False), project, folder, force=force)
    for problem in planned.problems:
        problems_to_stderr([problem])
    if planned.refused:
        fail(f"not written: {planned.shown} would bring the error(s) above into the ledger", code=1)
    typer.echo(f"{'replaced' if planned.replaces is not None else 'created'} {printable(planned.shown)}")


class SchemaTarget(StrEnum):
    streams = "streams"
    project = "project"
    forecast = "forecast"
    mapping = "mapping"
    adjustment = "adjustment"


def schema_command(
    target: Annotated[
        SchemaTarget,
        typer.Argument(
            help="streams (streams.yaml), project (project files), forecast (forecasts/*/qN.yaml), "
            "mapping (imports/NAME.yaml) or adjustment (adjustments/*/ID.yaml)."
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write to FILE instead of printing.", show_default=False),
    ] = None,
) -> None:
    """Print the JSON Schema of streams.yaml or of a project file, for editors.

    With the YAML language server, put a modeline at the top of a file to get
    completion and checks while typing:
    `# yaml-language-server: $schema=../../schemas/project.schema.json`.

    Example: budgetctl schema project -o schemas/project.schema.json
    """
    import json

    from budgetctl.infra.atomic import write_atomic
    from budgetctl.reports.editor_schema import generate

    text = json.dumps(generate(target.value), indent=2, ensure_ascii=False) + "\n"
    if output is None or str(output) == "-":
        typer.echo(text, nl=False)
        return
    write_atomic(output, text.encode())
    typer.echo(f"wrote {output}", err=True)
