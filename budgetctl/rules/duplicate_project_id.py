"""Two project files have the same id (the file name without .yaml).

Ids are unique across every sub-folder of projects/, so that a project can be
named unambiguously in reports, diffs and exports. Rename one of the files.

    projects/victims/isva.yaml
    projects/2023/isva.yaml      # R004: same id 'isva'
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger, Place
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    return duplicates((entry.id, entry.source.path) for entry in ledger.projects)


def duplicates(projects: Iterable[tuple[str, str]]) -> Iterator[Finding]:
    """The findings over (id, path) of the projects that validate: the findings of an id depend
    on the files with that id only, so a check of a few changed files asks for their ids (``pipeline``)."""
    first_path: dict[str, str] = {}
    # By path, so the file reported is the same whatever order the files were read in.
    for ident, path in sorted(projects, key=lambda pair: pair[1]):
        if ident in first_path:
            yield (
                f"project id {ident!r} is also used by {first_path[ident]}; rename one of the files",
                Place(path, 1, 1),
            )
        else:
            first_path[ident] = path


RULE = Rule("R004", "duplicate-project-id", Severity.ERROR, check, __doc__, affects_totals=True, scope="ledger")
