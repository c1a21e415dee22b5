"""``budgetctl import actuals``: a finance-system export into one canonical actuals file.

``plan_import`` (``importer``) turns the export into rows and refusals; this module
checks the rows against the ledger (each mapped project exists), then writes the
actuals file ``actuals/YYYY-YY/<export name>.csv`` atomically (merged with that file's
rows when it exists) and the control totals to ``imports/receipts/<export name>.yaml``,
or writes nothing at all when any row is refused or nothing is new.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from budgetctl.diagnostics import Diagnostic, Severity, printable
from budgetctl.edit.importer import ImportPlan, load_mapping, plan_import, render_receipt
from budgetctl.infra.atomic import WriteRefused, read_for_update, write_atomic
from budgetctl.loading.actuals import format_actuals, read_actuals
from budgetctl.loading.discover import display_path
from budgetctl.model.kinds import ACTUALS, IMPORTS_DIR
from budgetctl.model.ledger import Ledger
from budgetctl.model.money import total
from budgetctl.model.source import MAX_FILE_BYTES
from budgetctl.plainclass import dataclass, field

MAX_EXPORT_BYTES = 50_000_000


class ImportRefused(Exception):
    """The import cannot start (a file cannot be read, a name cannot be used); str() says why (exit 2)."""


@dataclass
class ImportResult:
    """What an import did: the plan, the rows refused, the total by stream and the file written."""

    plan: ImportPlan
    refusals: list[Diagnostic]
    by_stream: dict[str, Decimal]
    target: str  # the actuals file, shown from the ledger's parent folder
    receipt: str
    written: bool = False
    kept_rows: int = 0  # rows of an existing target file kept beside the new ones
    notes: list[str] = field(default_factory=list)


def file_name(export: Path) -> str:
    """The actuals file's name from the export's: lower-case letters, digits, ``-`` and ``_``."""
    stem = re.sub(r"[^a-z0-9_-]+", "-", export.stem.lower()).strip("-_")
    if not stem:
        raise ImportRefused(f"cannot make a file name from {printable(export.name)!r}; rename the export")
    return stem


def _read(path: Path, what: str, limit: int) -> bytes:
    try:
        if path.is_symlink() or not path.is_file():
            raise ImportRefused(f"{what} {printable(str(path))} is not a regular file")
        if path.stat().st_size > limit:
            raise ImportRefused(f"{what} {printable(str(path))} is larger than {limit:,} bytes")
        return path.read_bytes()
    except OSError as exc:
        raise ImportRefused(f"cannot read {what} {printable(str(path))}: {exc.strerror or exc}") from exc


def receipt_text(result: ImportResult, mapping: str) -> str:
    """The control totals: the importer's (rows, total, per project) and the total per stream."""
    from budgetctl.model.money import format_json

    text = render_receipt(result.plan, mapping, result.target)
    lines = ["by_stream:" if result.by_stream else "by_stream: {}"]
    lines += [f"  {stream}: {format_json(amount)}" for stream, amount in sorted(result.by_stream.items())]
    return text + "\n".join(lines) + "\n"


def import_actuals(
    root: Path, ledger: Ledger, export: Path, mapping_path: Path, year: str, *, dry_run: bool = False
) -> ImportResult:
    """Plan the import and, unless ``dry_run`` or any row is refused, write the actuals file and receipt."""
    mapping_bytes = _read(mapping_path, "the mapping", 1_000_000)
    mapping, problems = load_mapping(mapping_bytes, printable(str(mapping_path)))
    name = file_name(export)
    target = root / ACTUALS.path(year, f"{name}.csv")
    receipt = root / IMPORTS_DIR / "receipts" / f"{name}.yaml"
    shown = (display_path(root, target), display_path(root, receipt))  # as problems show paths
    if mapping is None:
        return ImportResult(ImportPlan(export.name, ""), problems, {}, *shown)
    data = _read(export, "the export", MAX_EXPORT_BYTES)
    existing = {(row.reference, row.kind) for file in ledger.actuals for row in file.rows}
    plan = plan_import(data, printable(export.name), mapping, year, existing)
    refusals = list(plan.refusals)
    projects = ledger.projects_by_id
    for row in plan.rows:
        if row.project not in projects:
            refusals.append(
                Diagnostic(
                    "M001",
                    Severity.ERROR,
                    f"the mapping sends this row to project {row.project!r}, which no project file defines; "
                    f"fix {printable(str(mapping_path))} or add the project",
                    plan.export_name,
                    row.line,
                )
            )
    by_stream: dict[str, list[Decimal]] = {}
    for row in plan.rows:
        entry = projects.get(row.project)
        by_stream.setdefault(entry.project.stream if entry else "(unknown project)", []).append(row.signed)
    result = ImportResult(plan, refusals, {s: total(a) for s, a in by_stream.items()}, *shown)
    if refusals or dry_run or not plan.rows:
        return result
    rows = list(plan.rows)
    before: bytes | None = None
    if target.exists() or target.is_symlink():
        try:
            before = read_for_update(target)
        except WriteRefused as exc:
            raise ImportRefused(str(exc)) from exc
        kept, found = read_actuals(before, shown[0], year)
        if found:
            raise ImportRefused(f"{shown[0]} has problems; fix them (budgetctl validate) before importing into it")
        result.kept_rows = len(kept)
        rows += kept
    output = format_actuals(rows)
    if len(output) > MAX_FILE_BYTES:
        # validate refuses a ledger file over the limit (Y015): never write one.
        raise ImportRefused(
            f"{shown[0]} would be {len(output):,} bytes, over the limit of {MAX_FILE_BYTES:,} for a ledger file; "
            "split the export (a month to a file) and import each part"
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        receipt.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, output, expected=before)
        write_atomic(receipt, receipt_text(result, printable(str(mapping_path))).encode("utf-8"))
    except (OSError, WriteRefused) as exc:
        raise ImportRefused(str(exc)) from exc
    result.written = True
    return result
