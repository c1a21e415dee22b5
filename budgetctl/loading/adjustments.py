"""Adjustment files (``adjustments/YYYY-YY/<id>.yaml``) -> records, with located problems.

Each file is loaded by the strict YAML loader and validated as an
``Adjustment``; the keys a type takes (a virement's ``from`` and ``to``, a
grant variation's ``stream`` and ``change`` ...) are checked here, since one
record holds the four types. Discovery has already refused misplaced files
(Y018), so every file here sits in a valid year folder under a valid id.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from budgetctl.diagnostics import Diagnostic
from budgetctl.loading.build import LazySource
from budgetctl.loading.checks import FileCheck
from budgetctl.loading.codes import CODES
from budgetctl.loading.discover import RawFile
from budgetctl.loading.yamlsubset import strict_load
from budgetctl.model.kinds import year_of_folder
from budgetctl.model.ledger import AdjustmentEntry
from budgetctl.model.records import ADJUSTMENT_KEYS, Adjustment
from budgetctl.model.source import Mapping, SourceFile
from budgetctl.plainclass import dataclass, field

if TYPE_CHECKING:
    from budgetctl.loading.cache import FileCache

# Keys every type takes.
COMMON_KEYS = ("type", "date", "amount", "reason", "approval")


@dataclass
class LoadedAdjustments:
    """Every adjustment file's record, the problems found, and whether a file could not be used."""

    entries: list[AdjustmentEntry] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    incomplete: bool = False  # a file could not be used: its change is missing from revised budgets


def load_adjustments(raws: Iterable[RawFile], cache: FileCache | None = None) -> LoadedAdjustments:
    """Every adjustment file as a record, or its problems (from ``cache`` when its bytes were checked before)."""
    loaded = LoadedAdjustments()
    for raw in raws:
        folder, name = raw.path.rsplit("/", 2)[-2:]
        year = year_of_folder(folder)
        checked = _check(raw, cache)
        loaded.problems.extend(checked.load_problems)
        loaded.problems.extend(checked.schema_problems or [])
        if checked.project is None or year is None:
            loaded.incomplete = True
            continue
        # Positions are parsed again from the bytes only if a problem needs one.
        loaded.entries.append(AdjustmentEntry(name.removesuffix(".yaml"), year, LazySource(raw.path, raw),
                                              checked.project))  # fmt: skip
    return loaded


def check_adjustment(raw: RawFile) -> FileCheck:
    """Load one adjustment file, validate it as an ``Adjustment`` and check the keys its type takes."""
    from budgetctl.loading.schema import validate  # the validator: only when a file must be checked

    source, load_problems = strict_load(raw.data, raw.path)
    if source is None:
        return FileCheck(load_problems, None, None)
    record, schema_problems = validate(Adjustment, source)
    if record is not None:
        wrong = type_keys(record.type, source)
        if wrong:
            return FileCheck(load_problems, wrong, None)
    return FileCheck(load_problems, schema_problems, record)


def _check(raw: RawFile, cache: FileCache | None) -> FileCheck:
    from budgetctl.loading.cache import recall, remember

    found, keys = recall(cache, [raw], Adjustment)
    if found[0] is not None:
        return found[0]
    checked = check_adjustment(raw)
    if cache is not None and keys:
        remember(cache, raw.path, keys[0], checked)
    return checked


def type_keys(kind: str, source: SourceFile) -> list[Diagnostic]:
    """A key the type does not take (S001, at the key), or a key it needs (S002, at the mapping)."""
    required, optional = ADJUSTMENT_KEYS[kind]
    root = source.root
    assert isinstance(root, Mapping)  # the record validated: the file is a mapping
    allowed = (*COMMON_KEYS, *required, *optional)
    problems = []
    for key in root:
        if key not in allowed:
            line, column = source.locate((key,), key=True)
            message = f"a {kind} does not take {key!r} (it takes {', '.join(allowed)}); remove it or change `type:`"
            problems.append(CODES["S001"].at(message, source.path, line, column))
    for key in required:
        if key not in root:
            message = f"missing required key {key!r} for a {kind}; add `{key}:` with a value"
            problems.append(CODES["S002"].at(message, source.path, root.line, root.column))
    return problems
