"""A project marked `grant: true` lacks what the 360Giving export requires.

`budgetctl export --format 360giving` publishes every `grant: true` project, and
the 360Giving Data Standard requires a description, an award date and a
recipient for each grant; planned dates need a start. Found here, by `validate`
in CI, rather than first by the export on the day the data is due.

    grant: true
    description: Security packs for burgled homes   # G001 without it
    award_date: 2023-04-01                          # G001 without it
    provider: Netherton Residents Group             # G001 without it
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.rules._rule import Finding, Rule

REQUIRED = (
    ("description", "a short description of the grant"),
    ("award_date", "the date the award was decided, e.g. award_date: 2023-04-01"),
    ("provider", "the name of the recipient organisation"),
)


def check(ledger: Ledger) -> Iterator[Finding]:
    for entry in ledger.projects:
        project = entry.project
        if not project.grant:
            continue
        for field, why in REQUIRED:
            if getattr(project, field) is None:
                yield (
                    f"a grant published as 360Giving data needs `{field}:` ({why}); add it, or remove `grant: true`",
                    entry.at(),
                )
        if project.end_date is not None and project.start_date is None:
            yield (
                "a grant's planned dates need a start: add `start_date:` beside `end_date:`",
                entry.at("end_date"),
            )


RULE = Rule("G001", "grant-incomplete", Severity.ERROR, check, __doc__, scope="file")
