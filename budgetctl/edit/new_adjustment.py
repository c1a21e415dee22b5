"""Building a new adjustment file: canonical text, checked against the whole ledger first.

As for `new project`, the ledger is checked with the new file held in memory:
the file is written only when it brings no new error (a virement out of a
ring-fenced stream, an approver below the delegation tier, a decrease below
zero...), and the tier it falls in is known before anything is written.
"""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal
from pathlib import Path

from budgetctl.diagnostics import Diagnostic
from budgetctl.edit.fmt import canonical_money, format_file
from budgetctl.edit.new_project import ScaffoldError, scalar
from budgetctl.loading.discover import RawFile, display_path, read_ledger
from budgetctl.model.approvals import tier_checks
from budgetctl.model.kinds import ADJUSTMENT, year_folder
from budgetctl.model.records import ADJUSTMENT_TYPES, ID_PATTERN
from budgetctl.pipeline import check_files
from budgetctl.plainclass import dataclass


@dataclass
class NewAdjustment:
    """The values of a new adjustment file, in canonical key order."""

    id: str
    type: str
    year: str  # the financial year it changes: its folder
    date: datetime.date
    amount: Decimal
    reason: str
    approver: str
    approved: datetime.date
    decision: str | None = None
    from_stream: str | None = None  # virement
    from_source: str | None = None
    to_stream: str | None = None
    to_source: str | None = None
    stream: str | None = None  # the other types
    change: str | None = None  # grant-variation
    source: str | None = None
    from_year: str | None = None  # carry-forward
    reserve: str | None = None  # reserve-drawdown
    consent: str | None = None  # carry-forward, where the stream's year_end asks for it


@dataclass
class Plan:
    """Where the file would go, its bytes, the tier it falls in and what it would break."""

    path: Path
    shown: str
    data: bytes
    needs: str | None  # "tier 2 (...) of delegations.limits.virement, chosen by ...: chief-executive or above"
    problems: list[Diagnostic]

    @property
    def refused(self) -> bool:
        return any(p.is_error for p in self.problems)


def adjustment_text(a: NewAdjustment) -> str:
    """The adjustment file, in canonical layout."""
    lines = [f"type: {a.type}", f"date: {a.date.isoformat()}"]
    if a.type == "virement":
        for key, stream, source in (("from", a.from_stream, a.from_source), ("to", a.to_stream, a.to_source)):
            lines += [f"{key}:", f"  stream: {scalar(stream or '')}"]
            if source:
                lines.append(f"  source: {scalar(source)}")
    else:
        lines.append(f"stream: {scalar(a.stream or '')}")
        if a.change:
            lines.append(f"change: {a.change}")
        if a.source:
            lines.append(f"source: {scalar(a.source)}")
        if a.from_year:
            lines.append(f"from_year: {a.from_year}")
        if a.consent:
            lines.append(f"consent: {scalar(a.consent)}")
        if a.reserve:
            lines.append(f"reserve: {scalar(a.reserve)}")
    lines += [
        f"amount: {canonical_money(a.amount)}",
        f"reason: {scalar(a.reason)}",
        "approval:",
        f"  approver: {scalar(a.approver)}",
        f"  date: {a.approved.isoformat()}",
    ]
    if a.decision:
        lines.append(f"  decision: {scalar(a.decision)}")
    return "\n".join(lines) + "\n"


def missing(a: NewAdjustment) -> list[str]:
    """The options the type needs that were not given."""
    wanted = {
        "virement": (("--from", a.from_stream), ("--to", a.to_stream)),
        "grant-variation": (("--stream", a.stream), ("--change", a.change)),
        "carry-forward": (("--stream", a.stream),),
        "reserve-drawdown": (("--stream", a.stream), ("--reserve", a.reserve)),
    }[a.type]
    return [name for name, value in wanted if not value]


def plan(root: Path, adjustment: NewAdjustment) -> Plan:
    """Everything `new adjustment` needs to decide, without writing: the file, its tier, the problems it adds."""
    if adjustment.type not in ADJUSTMENT_TYPES:
        raise ScaffoldError(f"type {adjustment.type!r}: write one of {', '.join(ADJUSTMENT_TYPES)}")
    if not ID_PATTERN.fullmatch(adjustment.id):
        raise ScaffoldError(
            f"adjustment id {adjustment.id!r}: use lower-case letters, digits and single hyphens, e.g. cs-to-ip"
        )
    absent = missing(adjustment)
    if absent:
        raise ScaffoldError(f"a {adjustment.type} needs {' and '.join(absent)}")
    folder = year_folder(adjustment.year)
    for part in (root / ADJUSTMENT.folder, root / ADJUSTMENT.folder / folder):
        if part.is_symlink():  # it could lead outside the ledger
            raise ScaffoldError(f"{display_path(root, part)} is a symbolic link")
    path = root / ADJUSTMENT.folder / folder / f"{adjustment.id}.yaml"
    shown = display_path(root, path)
    if path.exists() or path.is_symlink():
        raise ScaffoldError(
            f"adjustment {adjustment.id!r} already exists: {shown}; an adjustment is never replaced", exit_code=1
        )
    formatted = format_file(adjustment_text(adjustment).encode(), shown, "adjustment")
    if formatted.output is None:  # cannot happen for text we built; refuse rather than write it
        return Plan(path, shown, b"", None, formatted.problems)
    files = read_ledger(root)
    before = check_files(files).problems
    raws = files.in_year.setdefault(ADJUSTMENT.name, [])
    raws.append(RawFile(shown, formatted.output))
    raws.sort(key=lambda raw: raw.path)
    checked = check_files(files)
    added = Counter(checked.problems) - Counter(before)
    needs = None
    if checked.ledger is not None:
        mine = [c for c in tier_checks(checked.ledger) if c.entry.source.path == shown]
        if mine and mine[0].tier is not None:
            c = mine[0]
            decision = " with a decision reference" if c.tier.decision else ""  # type: ignore[union-attr]
            needs = (
                f"{c.describe()} of delegations.limits.{adjustment.type}, chosen by {c.basis()}: "
                f"approval by {c.tier.approver!r} or above{decision}"  # type: ignore[union-attr]
            )
        elif mine and not mine[0].tiers and checked.ledger.streams_file.delegations is not None:
            needs = f"no limits for {adjustment.type}: approval by anyone in delegations.approvers"
    return Plan(path, shown, formatted.output, needs, sorted(added.elements(), key=Diagnostic.sort_key))


def write(planned: Plan) -> None:
    """Write a plan that was not refused: its year folder is made if needed, the file atomically."""
    from budgetctl.infra.atomic import write_atomic

    planned.path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(planned.path, planned.data, expected=None)
