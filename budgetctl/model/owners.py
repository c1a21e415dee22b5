"""Stream owners: who must approve a change to a stream or its projects.

A stream names its ``owners`` in streams.yaml (GitHub users ``@jane``, teams
``@org/victims-commissioning``, or e-mail addresses); ``budgetctl.reports.codeowners``
writes them out as a CODEOWNERS file.
"""

from __future__ import annotations

import re

from budgetctl.model.kinds import ADJUSTMENT
from budgetctl.model.ledger import Ledger

# A GitHub user or team (@user, @org/team), or an e-mail address. Nothing else may reach
# CODEOWNERS: a space or newline in an owner would add patterns or lines, and GitHub
# silently ignores an owner it cannot resolve, such as GitLab's nested @group/sub/team.
_HANDLE = re.compile(r"@[A-Za-z0-9](?:[A-Za-z0-9_-]{0,38})(?:/[A-Za-z0-9][A-Za-z0-9_.-]{0,99})?")
_NESTED = re.compile(r"@[A-Za-z0-9][A-Za-z0-9_-]{0,38}(?:/[A-Za-z0-9][A-Za-z0-9_.-]{0,99}){2,}")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+")


def owner_problem(owner: str) -> str | None:
    """Why ``owner`` cannot go into CODEOWNERS, or None when it can."""
    if _HANDLE.fullmatch(owner) or _EMAIL.fullmatch(owner):
        return None
    shown = owner if len(owner) <= 40 else owner[:37] + "..."
    if _NESTED.fullmatch(owner):
        return (
            f"owner {shown!r} is a nested group (GitLab's form); GitHub owners are @user or @org/team, "
            "and GitHub ignores any other, so the stream would lose its review"
        )
    if not owner.startswith("@") and "@" not in owner:
        hint = f"; did you mean '@{shown.strip()}'?" if _HANDLE.fullmatch("@" + owner.strip()) else ""
        return f"owner {shown!r} is not a user or team: write @user, @org/team or an e-mail address{hint}"
    return f"owner {shown!r} is not a valid @user, @org/team or e-mail address (no spaces or punctuation)"


def stream_owners(ledger: Ledger | None, stream_id: str) -> tuple[str, ...]:
    """The valid owners a stream declares (none when the stream or the ledger is missing)."""
    if ledger is None or stream_id not in ledger.streams:
        return ()
    return tuple(o for o in ledger.streams[stream_id].owners if owner_problem(o) is None)


def all_owners(ledger: Ledger) -> list[str]:
    """Every valid owner of any stream, in order of first appearance."""
    return list(dict.fromkeys(o for s in ledger.streams for o in stream_owners(ledger, s)))


def adjustment_owners(ledger: Ledger) -> list[tuple[str, tuple[str, ...]]]:
    """Each adjustment file (``adjustments/YYYY-YY/<id>.yaml``) with the owners of the streams it names."""
    found = []
    for entry in ledger.adjustments:
        record = entry.record
        named = [record.from_.stream if record.from_ else None, record.to.stream if record.to else None, record.stream]
        owners = dict.fromkeys(o for stream in named if stream for o in stream_owners(ledger, stream))
        path = ADJUSTMENT.path(entry.year, entry.file_name)
        found.append((path, tuple(owners)))
    return found
