"""Import a finance-system export (CSV or .xlsx) as canonical actuals rows.

The mapping is a YAML file in the ledger, ``data/imports/NAME.yaml``; it says
where each value is in the export and how to read it:

```yaml
# data/imports/agresso-ap.yaml
sheet: AP lines              # workbooks only; default: the first sheet
header_row: 3                # the row holding the column names; default 1
columns:                     # export column names (exactly as in the header row)
  date: Posting date
  amount: Net amount
  reference: Document no
  project: Cost centre       # the column that identifies the project
  supplier: Supplier name    # optional: empty when absent
  description: Narrative     # optional
  kind: Doc type             # optional, see kinds
date_format: "%d/%m/%Y"      # strptime; default %d/%m/%Y. Workbook date cells need none
kinds:                       # needed with columns.kind: export value -> our kind
  INV: payment
  CRN: credit
projects:                    # export value -> project id
  CC1234: isva-service
  CC1250: custody-navigators
skip:                        # rows left out on purpose (counted, not refused)
  - column: Cost centre
    values: [CC9999]         # e.g. internal recharges
```

Amounts are read exactly from the text (never through a float): ``£`` and
thousands separators are accepted here only, ``(1,234.50)`` and ``-1234.50``
are negative, more than two decimals are refused. Without a kind column a
negative amount is a credit and a positive one a payment; with one, a negative
amount is allowed only for a kind that reduces spend. Each built row then obeys
exactly the checks of a hand-written actuals row (``check_values``).

``plan_import`` writes nothing: it returns the rows to add, the refusals
(located in the export: its row, and for a workbook the sheet and cell), and
control totals. Rows whose (reference, kind) the ledger already holds are
counted as already present, so importing the same export twice adds nothing.
If ``plan.refusals`` is not empty the caller writes nothing.

Where things go: the rows to ``data/actuals/YYYY-YY/<name>.csv`` (a canonical
actuals file, header first), the control totals (``render_receipt``) to
``data/imports/receipts/<name>.yaml``: outside ``actuals/``, so it is never
read as actuals, and in a subfolder, so it is never read as a mapping.
"""

from __future__ import annotations

import csv
import hashlib
import re
from datetime import date, datetime
from decimal import Decimal

from budgetctl.diagnostics import FORBIDDEN, Diagnostic, printable
from budgetctl.loading.actuals import check_values
from budgetctl.loading.codes import CODES
from budgetctl.loading.yamlsubset import strict_load
from budgetctl.model.actuals import HEADER, KINDS, REDUCING, ActualRow
from budgetctl.model.money import format_json, total
from budgetctl.model.source import Mapping, Node, Scalar, Sequence
from budgetctl.plainclass import dataclass, field

MAX_PROBLEMS = 50
ROLES = ("date", "amount", "reference", "project", "supplier", "description", "kind")
REQUIRED_ROLES = ("date", "amount", "reference", "project")
TOP_KEYS = ("sheet", "header_row", "columns", "date_format", "kinds", "projects", "skip")

# £1,234.50, 1234.5, (1,234.50), -£12: digits grouped by thousands or not at all.
_AMOUNT = re.compile(r"(\()?(-)?£?(-)?([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+))?(\))?")


@dataclass(frozen=True, slots=True)
class SkipRule:
    """Rows whose cell in ``column`` is one of ``values`` are not imported."""

    column: str
    values: frozenset[str]


@dataclass(frozen=True, slots=True)
class ImportMapping:
    """A checked import mapping (see the module docstring for its YAML)."""

    path: str
    columns: dict[str, str]  # role -> export column name
    projects: dict[str, str]  # export value -> project id
    kinds: dict[str, str] = field(default_factory=dict)
    date_format: str = "%d/%m/%Y"
    sheet: str | None = None
    header_row: int = 1
    skip: tuple[SkipRule, ...] = ()


@dataclass(slots=True)
class ImportPlan:
    """What an import would add, what it refuses, and its control totals."""

    export_name: str
    sha256: str
    rows: list[ActualRow] = field(default_factory=list)
    refusals: list[Diagnostic] = field(default_factory=list)
    rows_read: int = 0
    rows_skipped: int = 0
    rows_already_present: int = 0

    @property
    def rows_added(self) -> int:
        return len(self.rows)

    def totals(self) -> dict[str, Decimal]:
        """Signed amount per project of the rows to add."""
        by_project: dict[str, list[Decimal]] = {}
        for row in self.rows:
            by_project.setdefault(row.project, []).append(row.signed)
        return {project: total(amounts) for project, amounts in sorted(by_project.items())}


# --- the mapping -----------------------------------------------------------------


class _MappingProblems(list[Diagnostic]):
    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def add(self, code: str, message: str, node: Node | None) -> None:
        line, column = (node.line, node.column) if node is not None else (1, 1)
        self.append(CODES[code].at(message, self.path, line, column))


def load_mapping(data: bytes, path: str) -> tuple[ImportMapping | None, list[Diagnostic]]:
    """Read and check an import mapping file; every problem is located in it."""
    source, found = strict_load(data, path)
    if source is None:
        return None, found
    root = source.root
    problems = _MappingProblems(path)
    for key in root:
        if key not in TOP_KEYS:
            problems.add(
                "I011", f"unknown key {printable(key)!r}; the keys are {', '.join(TOP_KEYS)}", root.keys_at[key]
            )
    columns = _text_map(root, "columns", problems, required=True)
    for role in columns:
        if role not in ROLES:
            problems.add("I011", f"unknown column role {printable(role)!r}; roles are {', '.join(ROLES)}", root)
    for role in REQUIRED_ROLES:
        if "columns" in root and role not in columns:
            problems.add("I010", f"columns has no {role!r}: name the export column that holds it", root["columns"])
    projects = _text_map(root, "projects", problems, required=True)
    for project in projects.values():
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", project):
            problems.add("I012", f"{printable(project)!r} is not a project id (e.g. isva-service)", root["projects"])
    kinds = _text_map(root, "kinds", problems, required="kind" in columns)
    for kind in kinds.values():
        if kind not in KINDS:
            problems.add("I012", f"kind {printable(kind)!r} is not one of {', '.join(KINDS)}", root["kinds"])
    date_format = _text(root, "date_format", problems) or "%d/%m/%Y"
    if not re.search("%[dj]", date_format) or ("%Y" not in date_format and "%y" not in date_format):
        problems.add(
            "I012", f"date_format {date_format!r} needs a day and a year, e.g. %d/%m/%Y", root.get("date_format")
        )
    header_row = _text(root, "header_row", problems) or "1"
    if not header_row.isdigit() or not 1 <= int(header_row) <= 1000:
        problems.add(
            "I012", f"header_row {printable(header_row)!r} must be a row number from 1 to 1000", root.get("header_row")
        )
        header_row = "1"
    skip = _skip_rules(root.get("skip"), problems)
    if problems:
        return None, problems
    return ImportMapping(
        path, columns, projects, kinds, date_format, _text(root, "sheet", problems), int(header_row), skip
    ), []


def _text(root: Mapping, key: str, problems: _MappingProblems) -> str | None:
    node = root.get(key)
    if node is None:
        return None
    if not isinstance(node, Scalar) or node.is_null:
        problems.add("I012", f"{key} must be a text value", node)
        return None
    return node.value


def _text_map(root: Mapping, key: str, problems: _MappingProblems, *, required: bool) -> dict[str, str]:
    node = root.get(key)
    if node is None:
        if required:
            problems.add("I010", f"the mapping has no {key!r}; see budgetctl explain I010 for an example", root)
        return {}
    if not isinstance(node, Mapping):
        problems.add("I012", f"{key} must be a mapping of text to text", node)
        return {}
    result: dict[str, str] = {}
    for name, value in node.items():
        if not isinstance(value, Scalar) or value.is_null:
            problems.add("I012", f"{key}.{printable(name)} must be a text value", value)
        else:
            result[name] = value.value
    return result


def _skip_rules(node: Node | None, problems: _MappingProblems) -> tuple[SkipRule, ...]:
    if node is None:
        return ()
    items = node if isinstance(node, Sequence) else [node]
    rules = []
    for item in items:
        column, values = (item.get("column"), item.get("values")) if isinstance(item, Mapping) else (None, None)
        if (
            not isinstance(item, Mapping)
            or set(item) != {"column", "values"}
            or not isinstance(column, Scalar)
            or not isinstance(values, Sequence)
            or not all(isinstance(v, Scalar) for v in values)
        ):
            problems.add("I012", "a skip rule is {column: NAME, values: [VALUE, ...]}", item)
            continue
        rules.append(SkipRule(column.value, frozenset(v.value for v in values if isinstance(v, Scalar))))
    return tuple(rules)


# --- the export ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Cell:
    """One cell of an export: its value and where it is (row, column, and the sheet's cell name)."""

    value: str | Decimal | date
    row: int
    column: int
    where: str  # "Sheet1!D7" for a workbook, "" for a CSV


def _export_rows(data: bytes, name: str, mapping: ImportMapping, plan: ImportPlan) -> tuple[list, bool]:
    """(row number, {column: _Cell}) for every row of the export, and whether it is a workbook."""
    if name.lower().endswith((".xlsx", ".xlsm")):
        from budgetctl.infra.workbook import column_letters, read_sheet

        sheet, found = read_sheet(data, name, mapping.sheet)
        plan.refusals += found
        if sheet is None:
            return [], True
        prefix = printable(sheet.name)
        rows = [
            (
                number,
                {c: _Cell(cell.value, number, c, f"{prefix}!{column_letters(c)}{number}") for c, cell in cells.items()},
            )
            for number, cells in sheet.rows
        ]
        return rows, True
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        plan.refusals.append(
            CODES["I021"].at(f"byte 0x{data[exc.start]:02x} is not UTF-8; export as CSV UTF-8", name, line)
        )
        return [], False
    rows = []
    reader = csv.reader(text.splitlines(), strict=True)
    try:
        for cells in reader:
            number = reader.line_num
            rows.append((number, {i: _Cell(v, number, i, "") for i, v in enumerate(cells, 1) if v != ""}))
    except csv.Error as exc:
        plan.refusals.append(
            CODES["I021"].at(f"the export is not CSV here: {printable(str(exc))}", name, reader.line_num)
        )
    return rows, False


def plan_import(
    export_bytes: bytes, export_name: str, mapping: ImportMapping, year: str, existing: set[tuple[str, str]]
) -> ImportPlan:
    """Plan the import of one export into the financial year ``year`` (``2023/24``); nothing is written."""
    plan = ImportPlan(export_name, hashlib.sha256(export_bytes).hexdigest())
    try:
        rows, is_workbook = _export_rows(export_bytes, export_name, mapping, plan)
    except Exception as exc:  # a reader's bug must reach the user as a problem, never a traceback
        plan.refusals.append(CODES["I021"].at(f"the export could not be read ({type(exc).__name__})", export_name))
        return plan
    if plan.refusals:
        return plan
    header = next((cells for number, cells in rows if number == mapping.header_row), None)
    names = {str(cell.value).strip(): column for column, cell in (header or {}).items()}
    where: dict[str, int] = {}
    for role, column_name in mapping.columns.items():
        if column_name in names:
            where[role] = names[column_name]
        else:
            shown = ", ".join(repr(printable(n)[:40]) for n in list(names)[:30])
            plan.refusals.append(
                CODES["I020"].at(
                    f"row {mapping.header_row} has no column {printable(column_name)!r} ({role}); it has {shown}",
                    export_name,
                    mapping.header_row,
                )
            )
    skips = [(names.get(rule.column), rule) for rule in mapping.skip]
    for column_index, rule in skips:
        if column_index is None:
            plan.refusals.append(
                CODES["I020"].at(
                    f"row {mapping.header_row} has no column {printable(rule.column)!r} (skip)", export_name
                )
            )
    if plan.refusals:
        return plan
    first_seen: dict[tuple[str, str], int] = {}
    for number, cells in rows:
        if number <= mapping.header_row or not cells:
            continue
        plan.rows_read += 1
        if any(i is not None and i in cells and str(cells[i].value).strip() in rule.values for i, rule in skips):
            plan.rows_skipped += 1
            continue
        row = _build_row(number, cells, where, mapping, year, export_name, plan, is_workbook)
        if row is None:
            continue
        key = (row.reference, row.kind)
        if key in existing:
            plan.rows_already_present += 1
        elif key in first_seen:
            plan.refusals.append(
                CODES["I026"].at(
                    f"reference {printable(row.reference)!r} ({row.kind}) is also on row {first_seen[key]}; "
                    "one payment must not be imported twice",
                    export_name,
                    number,
                    where["reference"],
                )
            )
        else:
            first_seen[key] = number
            plan.rows.append(row)
        if len(plan.refusals) >= MAX_PROBLEMS:
            break
    return plan


def _build_row(
    number: int,
    cells: dict[int, _Cell],
    where: dict[str, int],
    mapping: ImportMapping,
    year: str,
    export_name: str,
    plan: ImportPlan,
    is_workbook: bool,
) -> ActualRow | None:
    def refuse(code: str, role: str, message: str) -> None:
        column = where.get(role, 1)
        cell = cells.get(column)
        at = cell.where if cell is not None and cell.where else ""
        place = f"{at}: " if at else ""
        plan.refusals.append(CODES[code].at(place + message, export_name, number, column))

    def value(role: str) -> str | Decimal | date:
        cell = cells.get(where[role]) if role in where else None
        return "" if cell is None else cell.value

    def text(role: str) -> str:
        found = value(role)
        return found.isoformat() if isinstance(found, date) else str(found).strip()

    before = len(plan.refusals)
    when = _date(value("date"), mapping.date_format, is_workbook)
    if when is None:
        refuse("I022", "date", f"date {printable(text('date'))[:40]!r} does not match {mapping.date_format!r}")
    amount = _amount(value("amount"))
    if amount is None:
        refuse("I023", "amount", f"{printable(text('amount'))[:40]!r} is not an amount in pounds and pence")
    code = text("project")
    project = mapping.projects.get(code)
    if project is None:
        refuse("I024", "project", f"{printable(code)[:40]!r} is not in the mapping's projects; add it there")
    if "kind" in mapping.columns:
        kind = mapping.kinds.get(text("kind"))
        if kind is None:
            refuse("I025", "kind", f"{printable(text('kind'))[:40]!r} is not in the mapping's kinds; add it there")
        elif amount is not None and amount < 0 and kind not in REDUCING:
            refuse("I023", "amount", f"a negative amount for kind {kind}; only credits and reversals are negative")
    else:
        kind = "credit" if amount is not None and amount < 0 else "payment"
    if len(plan.refusals) > before or when is None or amount is None or project is None or kind is None:
        return None
    built = (
        when.isoformat(),
        project,
        kind,
        format_json(abs(amount)),
        text("reference"),
        text("supplier"),
        text("description"),
    )
    row, found = check_values(built, year, number)
    for index, value_code, message in found:
        refuse(value_code, HEADER[index], message)
    return row


def _date(found: str | Decimal | date, date_format: str, is_workbook: bool) -> date | None:
    if isinstance(found, date):
        return found
    if isinstance(found, Decimal):
        if not is_workbook:
            return None
        from budgetctl.infra.workbook import serial_to_date

        return serial_to_date(found)
    try:
        return datetime.strptime(found.strip(), date_format).date()
    except ValueError:
        return None


def _amount(found: str | Decimal | date) -> Decimal | None:
    """An export amount, exactly: a workbook number, or text with £, separators and brackets."""
    if isinstance(found, date):
        return None
    if isinstance(found, Decimal):
        return found if found == found.quantize(Decimal("0.01")) and abs(found) < 10**12 else None
    match = _AMOUNT.fullmatch(found.replace(" ", ""))
    if match is None:
        return None
    opened, minus, minus_after_pound, whole, pence, closed = match.groups()
    if bool(opened) != bool(closed) or (opened and (minus or minus_after_pound)) or (minus and minus_after_pound):
        return None
    if (pence is not None and len(pence) > 2) or len(whole.replace(",", "")) > 12:
        return None
    amount = Decimal(whole.replace(",", "") + "." + (pence or "0"))
    return -amount if opened or minus or minus_after_pound else amount


def render_receipt(plan: ImportPlan, mapping_path: str, written_path: str) -> str:
    """The control totals of an import, as YAML for ``data/imports/receipts/<name>.yaml``."""
    lines = [
        "# Control totals of an import, written by budgetctl; compare them with the export's own.",
        f"export: {_yaml_text(plan.export_name)}",
        f"sha256: {plan.sha256}",
        f"mapping: {_yaml_text(mapping_path)}",
        f"written: {_yaml_text(written_path)}",
        f"rows_read: {plan.rows_read}",
        f"rows_added: {plan.rows_added}",
        f"rows_skipped: {plan.rows_skipped}",
        f"rows_already_present: {plan.rows_already_present}",
        f"total: {format_json(total(plan.totals().values()))}",
        "totals:" if plan.rows else "totals: {}",
    ]
    lines += [f"  {project}: {format_json(amount)}" for project, amount in plan.totals().items()]
    return "\n".join(lines) + "\n"


def _yaml_text(text: str) -> str:
    """A double-quoted YAML scalar, with quotes, backslashes and anything invisible escaped."""
    out = []
    for char in text:
        if char in '\\"':
            out.append("\\" + char)
        elif char < " " or FORBIDDEN.match(char):
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'
