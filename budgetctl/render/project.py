"""``show``'s output: one project's problems on stderr, then its fields and allocations (text or JSON)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING

from budgetctl.diagnostics import Diagnostic, printable
from budgetctl.render.problems import to_stderr

if TYPE_CHECKING:
    from budgetctl.reports.projects import ProjectDetail


def print_project(detail: ProjectDetail, problems: Iterable[Diagnostic], as_json: bool) -> None:
    """The problems of the files shown (one line each on stderr), then the project: JSON, or its
    fields and a table of its allocations, written without Rich when nothing needs its layout."""
    to_stderr(problems)
    if as_json:
        import json

        print(json.dumps(detail.data, indent=2, ensure_ascii=False))
        return
    from budgetctl.render.console import plain_stdout, stdout_width
    from budgetctl.render.tables import grid_of

    fields = [(label, printable(value)) for label, value in detail.fields]
    if plain_stdout() and not detail.allocations.notes:
        from budgetctl.render.boxed import boxed_lines
        from budgetctl.render.fit import field_lines

        width = stdout_width()
        table = boxed_lines(grid_of(detail.allocations), width)
        if table is not None:
            sys.stdout.write("\n".join([*field_lines(fields, width), "", *table]) + "\n")
            return
    from budgetctl.render.console import stdout
    from budgetctl.render.fit import print_fields
    from budgetctl.render.tables import render_rich

    console = stdout()
    print_fields(console, fields)
    console.print()
    render_rich(detail.allocations)
