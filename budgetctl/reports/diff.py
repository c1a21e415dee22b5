"""The comparison of two ledgers: money per year and stream, projects, streams, problems, approvals.

``compare(base, head)`` returns a neutral value; ``budgetctl.render.diff`` shows
it as a table, Markdown or JSON. Either side may be empty (a revision before
the ledger existed). Money is exact Decimal throughout.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from budgetctl.diagnostics import Diagnostic
from budgetctl.loading.revision import Side
from budgetctl.model.ledger import Ledger
from budgetctl.model.money import ZERO, format_json, format_pounds, total
from budgetctl.model.owners import stream_owners
from budgetctl.model.periods import year_sort_key
from budgetctl.model.records import Project, fields_of, is_record
from budgetctl.reports.diff_inyear import InYearDiff, compare_in_year

Value = Decimal | str | None


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
    budget: Decimal
    allocated: Decimal

    @property
    def unallocated(self) -> Decimal:
        return self.budget - self.allocated


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
    id: str
    kind: str  # added | removed | changed
    programme: str
    fields: list[Change]


@dataclass(frozen=True)
class Approval:
    stream: str
    owners: tuple[str, ...]


@dataclass
class LedgerDiff:
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

    @property
    def new_errors(self) -> list[Diagnostic]:
        return [p for p in self.new_problems if p.is_error]

    @property
    def ledger_changed(self) -> bool:
        return bool(self.years or self.projects or self.streams or self.priorities or self.in_year.changed)

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
            for name in ("budget", "allocated"):
                deltas = [getattr(r.after, name) - getattr(r.before, name) for r in year.rows]
                deltas = [d for d in deltas if d]
                if not deltas:
                    continue
                net = getattr(year.after, name) - getattr(year.before, name)
                if net == 0 and len(deltas) > 1:
                    # Money that left one stream for another: a move, not a change of £0.00.
                    moved = total(d for d in deltas if d > 0)
                    bits.append(f"{name} £{format_pounds(moved)} moved between {_count(len(deltas), 'stream')}")
                else:
                    bits.append(f"{name} {signed(net)}{_across(len(deltas))}")
            parts.append(f"{year.year}: {', '.join(bits)}")
        parts += self.in_year.headline_parts()
        if not parts and self.ledger_changed:
            counted = [
                _count(len(self.projects), "project") + " changed" if self.projects else "",
                _count(len(self.streams), "stream") + " changed" if self.streams else "",
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
        diff.years = _years(before, after)
        diff.streams = _streams(before, after)
        diff.priorities = _fields(before.priorities if before else {}, after.priorities if after else {})
        diff.in_year = compare_in_year(before, after)
    diff.projects = _projects(base, head)
    diff.new_problems, diff.fixed_problems = _problems(base, head)
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


def _figures_by_year(ledger: Ledger | None) -> dict[str, dict[str, Figures]]:
    """Each year's figures of the streams with a budget or an allocation in it (the others are zero)."""
    found: dict[str, dict[str, list[Decimal]]] = {}
    if ledger is None:
        return {}
    for stream_id, stream in ledger.streams.items():
        for year, amount in stream.budget.items():
            found.setdefault(year, {}).setdefault(stream_id, [amount, ZERO])[0] = amount
    for entry in ledger.projects:
        if entry.project.stream not in ledger.streams:
            continue
        for year, amount in entry.project.allocations.items():
            pair = found.setdefault(year, {}).setdefault(entry.project.stream, [ZERO, ZERO])
            pair[1] = total((pair[1], amount))
    return {y: {s: Figures(b, a) for s, (b, a) in streams.items()} for y, streams in found.items()}


def _years(before: Ledger | None, after: Ledger | None) -> list[YearChange]:
    """Years in which a stream's figures changed. Only the streams with figures in a year are
    visited (not every stream in every year: an author controls both counts)."""
    old, new = _figures_by_year(before), _figures_by_year(after)
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


def _sum(figures: Iterable[Figures]) -> Figures:
    listed = list(figures)
    return Figures(total(f.budget for f in listed), total(f.allocated for f in listed))


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
    return {f.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]: f.data for f in side.files.projects}


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
        for name in ("budget", "allocated", "unallocated")
    }


def _change_json(change: Change) -> dict[str, Any]:
    def value(v: Value) -> str | None:
        return format_json(v) if isinstance(v, Decimal) else v

    shown: dict[str, Any] = {"field": change.field, "before": value(change.before), "after": value(change.after)}
    if change.delta is not None:
        shown["change"] = format_json(change.delta)
    return shown


def _problem_json(p: Diagnostic) -> dict[str, Any]:
    return {
        "code": p.code,
        "severity": p.severity.value,
        "message": p.message,
        "file": p.file,
        "line": p.line,
        "column": p.column,
    }
