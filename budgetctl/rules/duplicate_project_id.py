"""Two project files have the same id (the file name without .yaml).

Ids are unique across every sub-folder of projects/, so that a project can be
named unambiguously in reports, diffs and exports. Rename one of the files.

    projects/victims/isva.yaml
    projects/2023/isva.yaml      # R004: same id 'isva'
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger, Place
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    first_path: dict[str, str] = {}
    # By path, so the file reported is the same whatever order the files were read in.
    for entry in sorted(ledger.projects, key=lambda e: e.source.path):
        path = entry.source.path
        if entry.id in first_path:
            yield (
                f"project id {entry.id!r} is also used by {first_path[entry.id]}; rename one of the files",
                Place(path, 1, 1),
            )
        else:
            first_path[entry.id] = path


RULE = Rule("R004", "duplicate-project-id", Severity.ERROR, check, __doc__, affects_totals=True)
