"""The comparison of two ledgers: money per year and stream, projects, streams, problems, approvals.

``compare(base, head)`` returns a neutral value; ``budgetctl.render.diff`` shows
it as a table, Markdown or JSON. Either side may be empty (a revision before
the ledger existed). Money is exact Decimal throughout.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from budgetctl.diagnostics import Diagnostic
from budgetctl.loading.codes import APPROVED_CHANGED, CLOSED_CHANGED
from budgetctl.model import figures
from budgetctl.model.approvals import tier_checks
from budgetctl.model.kinds import project_id, year_folder
from budgetctl.model.ledger import Ledger
from budgetctl.model.money import ZERO, format_json, format_pounds, total
from budgetctl.model.owners import stream_owners
from budgetctl.model.periods import year_sort_key
from budgetctl.model.records import Adjustment, Project, fields_of, is_record
from budgetctl.pipeline import Side
from budgetctl.plainclass import dataclass, field
from budgetctl.reports.diff_inyear import InYearDiff, compare_in_year

Value = Decimal | str | None
Totals = dict[str, dict[str, tuple[int, Decimal]]]  # stream -> year -> (allocations, allocated)


@dataclass(frozen=True)
class Change:
    """One field that differs, by its dotted path (``allocations.2023/24``, ``provider``)."""

    field: str
    before: Value
    after: Value

    @property
    def money(self) -> bool:
        return isinstance(self.before, Decimal) or isinstance(self.after, Decimal)

    @property
    def delta(self) -> Decimal | None:
        """after - before for money (a missing side counts as zero); None for text."""
        if not self.money:
            return None
        before = self.before if isinstance(self.before, Decimal) else ZERO
        after = self.after if isinstance(self.after, Decimal) else ZERO
        return after - before


@dataclass(frozen=True)
class Figures:
    """A stream-year's approved budget, its allocations and its adjustments."""

    budget: Decimal  # approved
    allocated: Decimal
    adjustments: Decimal = ZERO

    @property
    def revised_budget(self) -> Decimal:
        return self.budget + self.adjustments

    @property
    def unallocated(self) -> Decimal:
        return self.revised_budget - self.allocated


@dataclass(frozen=True)
class StreamYear:
    """A stream's figures in one year on both sides."""

    stream: str
    programme: str
    before: Figures
    after: Figures


@dataclass(frozen=True)
class YearChange:
    """A year in which some stream's budget or allocation changed: those streams, and all streams' totals."""

    year: str
    rows: list[StreamYear]
    before: Figures
    after: Figures

    def budget_streams(self) -> int:
        return sum(1 for r in self.rows if r.before.budget != r.after.budget)

    def allocated_streams(self) -> int:
        return sum(1 for r in self.rows if r.before.allocated != r.after.allocated)

    def adjusted_streams(self) -> int:
        return sum(1 for r in self.rows if r.before.adjustments != r.after.adjustments)


@dataclass(frozen=True)
class AdjustmentChange:
    """An adjustment file added, removed or changed, with what it does and the tier it needs (head side)."""

    id: str
    year: str
    kind: str  # added | removed | changed
    path: str
    summary: str  # "virement £120,000.00 from community-safety-fund to intervention-and-prevention"
    approval: str  # "approved by chief-executive on 2023-11-06 (WMPCC 052/2023)"
    tier: str | None  # "tier 2 (up to £500,000.00: chief-executive), chosen by its amount £120,000.00"
    streams: tuple[str, ...]
    fields: list[Change]


@dataclass(frozen=True)
class ProjectChange:
    """A project added, removed, changed, moved (same id, other path) or renamed (another id)."""

    id: str
    kind: str  # added | removed | changed | moved | renamed
    title: str | None
    stream_before: str | None
    stream_after: str | None
    path_before: str | None
    path_after: str | None
    fields: list[Change]
    previous_id: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class StreamChange:
    """A stream added, removed or changed, with the fields that changed."""

    id: str
    kind: str  # added | removed | changed
    programme: str
    fields: list[Change]


@dataclass(frozen=True)
class Approval:
    """A stream whose change needs the approval of its owners."""

    stream: str
    owners: tuple[str, ...]


@dataclass
class LedgerDiff:
    """What changed between two sides of a ledger, and the problems the head side brings."""

    base: Side
    head: Side
    years: list[YearChange] = field(default_factory=list)
    projects: list[ProjectChange] = field(default_factory=list)
    streams: list[StreamChange] = field(default_factory=list)
    priorities: list[Change] = field(default_factory=list)
    new_problems: list[Diagnostic] = field(default_factory=list)
    fixed_problems: list[Diagnostic] = field(default_factory=list)
    approvals: list[Approval] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    uncompared: str | None = None  # why budgets and allocations were not compared (counts only, no file text)
    in_year: InYearDiff = field(default_factory=InYearDiff)
    adjustments: list[AdjustmentChange] = field(default_factory=list)

    @property
    def adjusted(self) -> bool:
        """Whether any compared stream has adjustments on either side (the tables then show Revised)."""
        return any(r.before.adjustments or r.after.adjustments for y in self.years for r in y.rows)

    @property
    def new_errors(self) -> list[Diagnostic]:
        return [p for p in self.new_problems if p.is_error]

    @property
    def ledger_changed(self) -> bool:
        return bool(
            self.years or self.projects or self.streams or self.priorities or self.adjustments or self.in_year.changed
        )

    def approvers(self) -> list[str]:
        """Everyone whose approval the change needs, each once."""
        return list(dict.fromkeys(o for a in self.approvals for o in a.owners))

    def headline(self) -> str:
        """One line: ``2023/24: allocated +£12,500.00 across 2 streams; 1 new error``."""
        parts = []
        if self.uncompared:
            parts.append(f"totals could not be compared: {self.uncompared}")
        for year in self.years:
            bits = []
            for name in ("budget", "adjustments", "allocated"):
                deltas = [getattr(r.after, name) - getattr(r.before, name) for r in year.rows]
                deltas = [d for d in deltas if d]
                if not deltas:
                    continue
                net = getattr(year.after, name) - getattr(year.before, name)
                if net == 0 and len(deltas) > 1:
                    # Money that left one stream for another: a move, not a change of £0.00.
                    moved = total(d for d in deltas if d > 0)
                    if name == "adjustments":  # virements only: nothing added
                        bits.append(f"adjustments moving £{format_pounds(moved)}{_across(len(deltas))}")
                    else:
                        bits.append(f"{name} £{format_pounds(moved)} moved between {_count(len(deltas), 'stream')}")
                else:
                    bits.append(f"{name} {signed(net)}{_across(len(deltas))}")
            parts.append(f"{year.year}: {', '.join(bits)}")
        parts += self.in_year.headline_parts()
        if not parts and self.ledger_changed:
            counted = [
                _count(len(self.projects), "project") + " changed" if self.projects else "",
                _count(len(self.streams), "stream") + " changed" if self.streams else "",
                _count(len(self.adjustments), "adjustment") + " changed" if self.adjustments else "",
                "priorities changed" if self.priorities else "",
            ]
            parts.append("no change to amounts; " + ", ".join(c for c in counted if c))
        parts += _problem_counts(self.new_problems, self.fixed_problems)
        if not parts:
            return "No changes to the ledger."
        line = "; ".join(parts)
        return line[0].upper() + line[1:] if line.startswith(("no change", "totals")) else line

    def to_json(self) -> dict[str, Any]:
        """The documented JSON shape: money as strings with two decimals."""
        return {
            "headline": self.headline(),
            "base": _side_json(self.base),
            "head": _side_json(self.head),
            "years": [
                {
                    "year": y.year,
                    "streams": [
                        {"stream": r.stream, "programme": r.programme, **_figures_json(r.before, r.after)}
                        for r in y.rows
                    ],
                    "total": _figures_json(y.before, y.after),
                }
                for y in self.years
            ],
            "projects": [
                {
                    "id": p.id,
                    "change": p.kind,
                    "previous_id": p.previous_id,
                    "title": p.title,
                    "stream": {"before": p.stream_before, "after": p.stream_after},
                    "path": {"before": p.path_before, "after": p.path_after},
                    "fields": [_change_json(c) for c in p.fields],
                    "note": p.note,
                }
                for p in self.projects
            ],
            "streams": [
                {"id": s.id, "change": s.kind, "programme": s.programme, "fields": [_change_json(c) for c in s.fields]}
                for s in self.streams
            ],
            "priorities": [_change_json(c) for c in self.priorities],
            "problems": {
                "new": [p.as_json() for p in self.new_problems],
                "fixed": [p.as_json() for p in self.fixed_problems],
            },
            "adjustments": [
                {
                    "id": a.id,
                    "year": a.year,
                    "change": a.kind,
                    "file": a.path,
                    "summary": a.summary,
                    "approval": a.approval,
                    "tier": a.tier,
                    "streams": list(a.streams),
                    "fields": [_change_json(c) for c in a.fields],
                }
                for a in self.adjustments
            ],
            "approvals": [{"stream": a.stream, "owners": list(a.owners)} for a in self.approvals],
            "approvers": self.approvers(),
            "notes": self.notes,
            "in_year": self.in_year.to_json(),
        }


def signed(amount: Decimal) -> str:
    """``+£12,500.00``, ``-£5,000.00``, ``£0.00``."""
    sign = "+" if amount > 0 else "-" if amount < 0 else ""
    return f"{sign}£{format_pounds(abs(amount))}"


def pounds(amount: Decimal) -> str:
    """``£1,234.50``; ``-£5,000.00`` when negative (an over-allocated stream's unallocated)."""
    return f"-£{format_pounds(-amount)}" if amount < 0 else f"£{format_pounds(amount)}"


def compare(base: Side, head: Side) -> LedgerDiff:
    """Everything that differs between ``base`` and ``head``."""
    diff = LedgerDiff(base, head)
    before, after = _ledger(base), _ledger(head)
    # A streams.yaml that does not load is not an empty ledger: comparing it as one
    # would report every stream removed. Its problems and projects are still compared.
    unloadable = [side for side in (base, head) if side.checked is not None and side.checked.ledger is None]
    # A project file that has errors on one side only (or changed while broken) is left out of
    # that side's totals: comparing them would report its whole allocation as moved.
    broken = [_left_out(side) for side in (base, head)]
    if unloadable:
        sides = ["before" if side is base else "after" for side in unloadable]
        diff.uncompared = f"streams.yaml has errors {' and '.join(sides)} the change"
    elif broken[0] != broken[1]:
        only_before, only_after = broken[0] - broken[1], broken[1] - broken[0]
        sides = [where for where, part in (("before", only_before), ("after", only_after)) if part]
        count = len({path for path, _ in only_before | only_after})
        diff.uncompared = f"{_count(count, 'project file')} with errors {' and '.join(sides)} the change"
    if not unloadable and not diff.uncompared:
        diff.years = _years(before, after, (base.totals, head.totals))
        # One streams.yaml read for both sides (the same bytes) is one model: nothing differs.
        same = before is not None and after is not None and before.streams_file is after.streams_file
        diff.streams = [] if same else _streams(before, after)
        if not same:
            diff.priorities = _fields(before.priorities if before else {}, after.priorities if after else {})
        diff.adjustments = _adjustments(before, after)
        diff.in_year = compare_in_year(before, after)
    diff.projects = _projects(base, head)
    diff.new_problems, diff.fixed_problems = _problems(base, head)
    if not unloadable and before is not None and after is not None:
        found = _approved_changed_in_place(before, after) + _closed_year_changed(before, base, head)
        diff.new_problems = sorted([*diff.new_problems, *found], key=Diagnostic.sort_key)
    diff.approvals = _approvals(diff, before, after)
    for side in (base, head):
        if side.empty:
            diff.notes.append(
                f"{side.label[0].upper()}{side.label[1:]} has no ledger (no streams.yaml): it counts as empty."
            )
        elif side in unloadable:
            diff.notes.append(
                f"streams.yaml cannot be loaded in {side.label}: budgets, allocations and streams are not compared."
            )
        elif side.checked is not None and side.checked.incomplete:
            diff.notes.append(f"Some files in {side.label} have errors and are left out of its totals.")
    return diff


def _left_out(side: Side) -> set[tuple[str, bytes]]:
    """The project files of a side that are not in its totals (they have errors), with their bytes."""
    if side.files is None or side.checked is None or side.checked.ledger is None:
        return set()
    counted = {entry.source.path for entry in side.checked.ledger.projects}
    return {(raw.path, raw.data) for raw in side.files.projects if raw.path not in counted}


def _ledger(side: Side) -> Ledger | None:
    return side.checked.ledger if side.checked is not None else None


# --- money per year and stream -------------------------------------------------------


def _figures_by_year(ledger: Ledger | None, totals: Totals | None = None) -> dict[str, dict[str, Figures]]:
    """Each year's figures of the streams with a budget, an allocation or an adjustment in it (the
    others are zero): approved budget, allocated and the net of the year's adjustments (``model.figures``).
    ``totals``: each stream's (allocations, allocated) per year, when ``ledger`` holds only some projects."""
    found: dict[str, dict[str, list[Decimal]]] = {}
    if ledger is None:
        return {}
    for stream_id, stream in ledger.streams.items():
        for year, amount in stream.budget.items():
            found.setdefault(year, {}).setdefault(stream_id, [amount, ZERO, ZERO])[0] = amount
    if totals is not None:
        for stream_id, years in totals.items():
            for year, (count, amount) in years.items():
                if count and stream_id in ledger.streams:
                    row = found.setdefault(year, {}).setdefault(stream_id, [ZERO, ZERO, ZERO])
                    row[1] = total((row[1], amount))
    for entry in ledger.projects if totals is None else ():
        if entry.project.stream not in ledger.streams:
            continue
        for year, amount in entry.project.allocations.items():
            row = found.setdefault(year, {}).setdefault(entry.project.stream, [ZERO, ZERO, ZERO])
            row[1] = total((row[1], amount))
    for adjustment in ledger.adjustments:
        for stream_id, _, amount in figures.effects(adjustment.record):
            if stream_id in ledger.streams:
                row = found.setdefault(adjustment.year, {}).setdefault(stream_id, [ZERO, ZERO, ZERO])
                row[2] = total((row[2], amount))
    for year, streams in found.items():  # a balance stream's opening balance changes its budget like a record
        for stream_id, row in streams.items():
            row[2] = total((row[2], figures.opening_balance(ledger, stream_id, year)))
    return {y: {s: Figures(b, a, d) for s, (b, a, d) in streams.items()} for y, streams in found.items()}


def _years(
    before: Ledger | None, after: Ledger | None, totals: tuple[Totals | None, Totals | None] = (None, None)
) -> list[YearChange]:
    """Years in which a stream's figures changed. Only the streams with figures in a year are
    visited (not every stream in every year: an author controls both counts)."""
    old, new = _figures_by_year(before, totals[0]), _figures_by_year(after, totals[1])
    order = {
        s: i
        for i, s in enumerate(dict.fromkeys([*(after.streams if after else ()), *(before.streams if before else ())]))
    }
    none = Figures(ZERO, ZERO)
    changes = []
    for year in sorted({*old, *new}, key=year_sort_key):
        was, now = old.get(year, {}), new.get(year, {})
        streams = sorted({*was, *now}, key=order.__getitem__)
        rows = [StreamYear(s, _programme(s, before, after), was.get(s, none), now.get(s, none)) for s in streams]
        changed = [r for r in rows if r.before != r.after]
        if changed:
            changes.append(YearChange(year, changed, _sum(was.values()), _sum(now.values())))
    return changes


def _sum(found: Iterable[Figures]) -> Figures:
    listed = list(found)
    return Figures(
        total(f.budget for f in listed), total(f.allocated for f in listed), total(f.adjustments for f in listed)
    )


# --- the state of years: approved budgets and closed years are not edited in place ----------


def _approved_changed_in_place(before: Ledger, after: Ledger) -> list[Diagnostic]:
    """A change to ``budget:`` or ``sources:`` of a year the base side had approved."""
    found = []
    for year, state in before.streams_file.years.items():
        for stream in dict.fromkeys([*before.streams, *after.streams]):
            old, new = before.streams.get(stream), after.streams.get(stream)
            pairs: list[tuple[str, tuple[str, ...], Decimal | None, Decimal | None]] = [
                (
                    "budget",
                    ("budget", year),
                    old.budget.get(year) if old else None,
                    new.budget.get(year) if new else None,
                )
            ]
            for source in dict.fromkeys([*(old.sources if old else {}), *(new.sources if new else {})]):
                pairs.append(
                    (
                        f"sources.{source}",
                        ("sources", source, year),
                        old.sources.get(source, {}).get(year) if old else None,
                        new.sources.get(source, {}).get(year) if new else None,
                    )
                )
            for label, loc, was, now in pairs:
                if was == now:
                    continue
                where = after.stream_at(stream, *loc) if new else after.streams_at("streams")
                shown = " → ".join(pounds(v) if v is not None else "(none)" for v in (was, now))
                found.append(
                    APPROVED_CHANGED.at(
                        f"approved budget changed in place: record an adjustment (stream {stream!r} {label} "
                        f"{year}: {shown}; {year} was approved on {state.approved.isoformat()}); restore the "
                        "approved figure and record the change with `budgetctl new adjustment`",
                        where.file,
                        where.line,
                        where.column,
                    )
                )
    return found


def _closed_year_changed(before: Ledger, base: Side, head: Side) -> list[Diagnostic]:
    """An in-year file of a year the base side had closed, added, removed or changed."""
    closed = {year_folder(y): (y, s.closed) for y, s in before.streams_file.years.items() if s.closed}
    if not closed or base.files is None or head.files is None:
        return []

    def files(side: Side) -> dict[str, bytes]:
        assert side.files is not None
        return {r.path: r.data for raws in side.files.in_year.values() for r in raws}

    old, new = files(base), files(head)
    found = []
    for path in sorted(set(old) | set(new)):
        folder = path.rsplit("/", 2)[-2] if path.count("/") >= 2 else ""
        if folder not in closed or old.get(path) == new.get(path):
            continue
        year, date = closed[folder]
        what = "added" if path not in old else "removed" if path not in new else "changed"
        found.append(
            CLOSED_CHANGED.at(
                f"{year} is closed (its outturn became final on {date.isoformat() if date else '?'}): this file was "
                f"{what}; its actuals, adjustments and forecasts cannot change: undo it and record the change "
                "in the current year",
                path,
            )
        )
    return found


# --- adjustments -----------------------------------------------------------------------


def _adjustments(before: Ledger | None, after: Ledger | None) -> list[AdjustmentChange]:
    """Adjustment files added, removed or changed (by path), with the head side's tier check."""
    old = {e.source.path: e for e in (before.adjustments if before else [])}
    new = {e.source.path: e for e in (after.adjustments if after else [])}
    tiers = {c.entry.source.path: c for c in tier_checks(after)} if after is not None else {}
    changes = []
    for path in sorted(set(old) | set(new)):
        entry = new.get(path) or old[path]
        kind = "added" if path not in old else "removed" if path not in new else "changed"
        fields = _fields(old[path].record, new[path].record) if kind == "changed" else []
        if kind == "changed" and not fields:
            continue
        found = tiers.get(path) if kind != "removed" else None
        tier = f"{found.describe()}, chosen by {found.basis()}" if found is not None and found.tiers else None
        changes.append(
            AdjustmentChange(
                entry.id,
                entry.year,
                kind,
                path,
                describe_adjustment(entry.record),
                _approval_text(entry.record),
                tier,
                tuple(dict.fromkeys(s for s, _, _ in figures.effects(entry.record))),
                fields,
            )
        )
    return changes


def describe_adjustment(record: Adjustment) -> str:
    """One line: ``virement £120,000.00 from community-safety-fund to intervention-and-prevention``."""
    amount = f"£{format_pounds(record.amount)}"
    if record.type == "virement" and record.from_ is not None and record.to is not None:
        return f"virement {amount} from {_side(record.from_.stream, record.from_.source)} to " + _side(
            record.to.stream, record.to.source
        )
    stream = _side(record.stream or "", record.source)
    if record.type == "grant-variation":
        return f"grant variation: {record.change} of {amount} on {stream}"
    if record.type == "carry-forward":
        return f"carry-forward of {amount} from {record.from_year} into {stream}"
    return f"reserve drawdown of {amount} from {record.reserve} into {stream}"


def _side(stream: str, source: str | None) -> str:
    return f"{stream} ({source})" if source else stream


def _approval_text(record: Adjustment) -> str:
    decision = f" ({record.approval.decision})" if record.approval.decision else ""
    return f"approved by {record.approval.approver} on {record.approval.date.isoformat()}{decision}"


def _programme(stream: str, before: Ledger | None, after: Ledger | None) -> str:
    for ledger in (after, before):
        if ledger is not None and stream in ledger.streams:
            return ledger.streams[stream].programme
    return stream


# --- field by field ----------------------------------------------------------------


def flatten(value: Any, prefix: str = "") -> dict[str, Value]:
    """A model as dotted paths to comparable leaves: money stays Decimal, the rest becomes text."""
    if is_record(value):
        value = {name: getattr(value, name) for name in fields_of(type(value))}
    if isinstance(value, dict):
        flat: dict[str, Value] = {}
        for key, item in value.items():
            flat.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if value is None or value == ():
        return {}
    if isinstance(value, Decimal):
        return {prefix: value}
    if isinstance(value, bool):
        return {prefix: "true" if value else "false"}
    if isinstance(value, tuple | list):
        return {prefix: ", ".join(str(v) for v in value)}
    if isinstance(value, datetime.date):
        return {prefix: value.isoformat()}
    return {prefix: str(value)}


def _fields(before: Any, after: Any, flat: Callable[[Any], dict[str, Value]] = flatten) -> list[Change]:
    old, new = flat(before), flat(after)
    keys = list(dict.fromkeys([*new, *old]))
    return [Change(k, old.get(k), new.get(k)) for k in keys if old.get(k) != new.get(k)]


def _streams(before: Ledger | None, after: Ledger | None) -> list[StreamChange]:
    old = before.streams if before else {}
    new = after.streams if after else {}
    changes = []
    for stream in dict.fromkeys([*new, *old]):
        kind = "added" if stream not in old else "removed" if stream not in new else "changed"
        fields = _fields(old.get(stream), new.get(stream))
        if fields:
            changes.append(StreamChange(stream, kind, (new.get(stream) or old[stream]).programme, fields))
    return changes


# --- projects ------------------------------------------------------------------------


def _projects(base: Side, head: Side) -> list[ProjectChange]:
    old_paths, new_paths = base.project_paths(), head.project_paths()
    old_models, new_models = base.projects(), head.projects()
    old_bytes, new_bytes = _bytes(base), _bytes(head)
    changes: list[dict[str, Any]] = []  # ProjectChange fields, built up then sorted
    removed = [i for i in old_paths if i not in new_paths]
    added = [i for i in new_paths if i not in old_paths]
    flattened: dict[int, dict[str, Value]] = {}  # by id(project): each project is flattened once

    def flat(project: Project | None) -> dict[str, Value]:
        if project is None:
            return {}
        found = flattened.get(id(project))
        if found is None:
            found = flattened[id(project)] = flatten(project)
        return found

    def _changed(*args: Any) -> dict[str, Any]:
        return _change(*args, flat=flat)

    renames = _renames(removed, added, old_models, new_models, flat)
    paired = {i for pair in renames for i in pair}
    removed = [i for i in removed if i not in paired]
    added = [i for i in added if i not in paired]
    for old_id, new_id in renames:
        changes.append(
            _changed(new_id, "renamed", old_models[old_id], new_models[new_id], old_paths[old_id], new_paths[new_id])
            | {"previous_id": old_id}
        )
    for ident in old_paths:
        if ident not in new_paths:
            continue
        moved = old_paths[ident] != new_paths[ident]
        if not moved and ident in old_bytes and old_bytes[ident] == new_bytes.get(ident):
            continue  # the same file with the same bytes: the same project, nothing to compare
        if ident in old_models and ident in new_models:
            change = _changed(ident, "moved" if moved else "changed", old_models[ident], new_models[ident],
                              old_paths[ident], new_paths[ident])  # fmt: skip
            if moved or change["fields"]:
                changes.append(change)
        elif moved or old_bytes.get(ident) != new_bytes.get(ident):
            broken = [side.label for side, models in ((base, old_models), (head, new_models)) if ident not in models]
            change = _changed(ident, "moved" if moved else "changed", old_models.get(ident), new_models.get(ident),
                              old_paths[ident], new_paths[ident])  # fmt: skip
            change["fields"] = []
            change["note"] = f"the file has errors in {' and '.join(broken)}, so its fields are not compared"
            changes.append(change)
    for ident in removed:
        changes.append(_changed(ident, "removed", old_models.get(ident), None, old_paths[ident], None))
    for ident in added:
        changes.append(_changed(ident, "added", None, new_models.get(ident), None, new_paths[ident]))
    order = {"added": 0, "removed": 1, "renamed": 2, "moved": 3, "changed": 4}
    return [ProjectChange(**c) for c in sorted(changes, key=lambda c: (order[c["kind"]], c["id"]))]


def _change(
    ident: str,
    kind: str,
    old: Project | None,
    new: Project | None,
    path_before: str | None,
    path_after: str | None,
    *,
    flat: Callable[[Any], dict[str, Value]],
) -> dict[str, Any]:
    shown = new or old
    return {
        "id": ident,
        "kind": kind,
        "title": shown.title if shown else None,
        "stream_before": old.stream if old else None,
        "stream_after": new.stream if new else None,
        "path_before": path_before,
        "path_after": path_after,
        "fields": _fields(old, new, flat),
    }


RENAME_EDITS = 2  # a renamed file may also change this many values (say its title and an amount)
RENAME_PAIRS = 400  # at most this many (old, new) pairs of one stream are compared value by value


def _edited(before: dict[str, Value], after: dict[str, Value]) -> bool:
    keys = before.keys() | after.keys()
    changed = sum(1 for k in keys if before.get(k) != after.get(k))
    return changed <= RENAME_EDITS and 2 * changed < len(keys)


def _renames(
    removed: list[str],
    added: list[str],
    old: dict[str, Project],
    new: dict[str, Project],
    flat: Callable[[Any], dict[str, Value]] = flatten,
) -> list[tuple[str, str]]:
    """Pairs (old id, new id) that are one project under a new name: identical content,
    else the same title on the same stream, else (a rename with edits) the same stream with at
    most RENAME_EDITS values changed and most kept; each only when the match is unique.

    Matched through dictionaries keyed by content, then by title and stream, with each
    project flattened once: an author renaming every project costs linear time.
    """
    olds = [i for i in removed if i in old]
    news = [i for i in added if i in new]
    flats = {i: flat(old[i]) for i in olds}
    flats_new = {i: flat(new[i]) for i in news}
    content = {i: frozenset(f.items()) for i, f in flats.items()}
    content |= {i: frozenset(f.items()) for i, f in flats_new.items()}
    pairs: list[tuple[str, str]] = []
    for key in (lambda i: content[i], lambda i: (_either(old, new, i).title, _either(old, new, i).stream)):
        free: dict[object, list[str]] = {}
        for i in news:
            free.setdefault(key(i), []).append(i)
        unpaired = []
        for old_id in olds:
            matches = free.get(key(old_id))
            if matches is not None and len(matches) == 1:
                pairs.append((old_id, matches.pop()))
            else:
                unpaired.append(old_id)
        taken = {n for _, n in pairs}
        olds, news = unpaired, [i for i in news if i not in taken]
    # A rename with edits: compared pairwise only within a stream, and only while the
    # pairs to compare stay few, so renaming every project of a stream stays linear.
    by_stream: dict[str, tuple[list[str], list[str]]] = {}
    for i in olds:
        by_stream.setdefault(old[i].stream, ([], []))[0].append(i)
    for i in news:
        by_stream.setdefault(new[i].stream, ([], []))[1].append(i)
    for stream_olds, stream_news in by_stream.values():
        if len(stream_olds) * len(stream_news) > RENAME_PAIRS:
            continue
        for old_id in stream_olds:
            matches = [n for n in stream_news if _edited(flats[old_id], flats_new[n])]
            if len(matches) == 1:
                pairs.append((old_id, matches[0]))
                stream_news.remove(matches[0])
    return pairs


def _either(old: dict[str, Project], new: dict[str, Project], ident: str) -> Project:
    return old[ident] if ident in old else new[ident]


def _bytes(side: Side) -> dict[str, bytes]:
    if side.files is None:
        return {}
    return {project_id(f.path): f.data for f in side.files.projects}


# --- problems and approvals -------------------------------------------------------


def _problem_key(p: Diagnostic) -> tuple[str, str, str]:
    # Lines shift when a file is edited; the same problem keeps its code, file and message.
    return (p.code, p.file, p.message)


def _problems(base: Side, head: Side) -> tuple[list[Diagnostic], list[Diagnostic]]:
    old = base.checked.problems if base.checked else []
    new = head.checked.problems if head.checked else []
    return _unmatched(new, old), _unmatched(old, new)


def _unmatched(problems: list[Diagnostic], others: list[Diagnostic]) -> list[Diagnostic]:
    left = Counter(_problem_key(p) for p in others)
    found = []
    for p in problems:
        key = _problem_key(p)
        if left[key]:
            left[key] -= 1
        else:
            found.append(p)
    return found


def _approvals(diff: LedgerDiff, before: Ledger | None, after: Ledger | None) -> list[Approval]:
    """Streams the change touches, with the owners who must approve: those on the base
    side (the host reads CODEOWNERS from the base branch), or the new stream's own."""
    touched = [s.id for s in diff.streams]
    for p in diff.projects:
        touched += [s for s in (p.stream_before, p.stream_after) if s]
    for a in diff.adjustments:  # an adjustment needs the owners of every stream it touches
        touched += list(a.streams)
    # In the order streams.yaml lists them, new streams first as they appear on the head side.
    order = {
        s: i
        for i, s in enumerate(dict.fromkeys([*(after.streams if after else ()), *(before.streams if before else ())]))
    }
    touched = sorted(set(touched), key=lambda s: (order.get(s, len(order)), s))
    approvals = []
    for stream in touched:
        owners = stream_owners(before, stream) if before and stream in before.streams else stream_owners(after, stream)
        approvals.append(Approval(stream, owners))
    return approvals


# --- small helpers --------------------------------------------------------------------


def _across(streams: int) -> str:
    return f" across {_count(streams, 'stream')}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _problem_counts(new: list[Diagnostic], fixed: list[Diagnostic]) -> list[str]:
    """``1 new error``, ``2 new warnings``, ``1 error fixed``."""
    parts = []
    for problems, template in ((new, "{n} new {noun}"), (fixed, "{n} {noun} fixed")):
        errors = sum(1 for p in problems if p.is_error)
        for n, noun in ((errors, "error"), (len(problems) - errors, "warning")):
            if n:
                parts.append(template.format(n=n, noun=noun if n == 1 else noun + "s"))
    return parts


def _side_json(side: Side) -> dict[str, Any]:
    return {
        "label": side.label,
        "revision": side.revision,
        "commit": side.commit,
        "working_tree": side.commit is None,
        "empty": side.empty,
    }


def _figures_json(before: Figures, after: Figures) -> dict[str, Any]:
    return {
        name: {
            "before": format_json(getattr(before, name)),
            "after": format_json(getattr(after, name)),
            "change": format_json(getattr(after, name) - getattr(before, name)),
        }
        for name in ("budget", "adjustments", "revised_budget", "allocated", "unallocated")
    }


def _change_json(change: Change) -> dict[str, Any]:
    def value(v: Value) -> str | None:
        return format_json(v) if isinstance(v, Decimal) else v

    shown: dict[str, Any] = {"field": change.field, "before": value(change.before), "after": value(change.after)}
    if change.delta is not None:
        shown["change"] = format_json(change.delta)
    return shown
