"""Actuals files, ``data/actuals/YYYY-YY/*.csv``.

``read_actuals`` reads one file through the CSV subset and checks each row's
values on its own: the date (real, inside the folder's year; an accrual on 31
March), the project id's form, the kind, the amount (ledger money; CSV quoting
is syntax, so ``"5.00"`` is 5.00), a reference, and no text cell that a
spreadsheet would run as a formula. Checks across files (the project exists,
(reference, kind) is unique in the ledger, actual above allocation) are rules'.

``format_actuals`` writes rows canonically: header, rows by date, reference,
kind, then line; two-decimal money; LF; quotes only where RFC 4180 needs them;
UTF-8 without BOM. Reading what it writes gives the same rows back.
"""

from __future__ import annotations

import difflib
import re
from array import array
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from datetime import date
from decimal import Decimal
from itertools import count, repeat

from budgetctl.diagnostics import Diagnostic, printable
from budgetctl.loading.codes import CODES
from budgetctl.loading.csvsubset import MAX_PROBLEMS_PER_FILE, plain_columns, read_csv
from budgetctl.model.actuals import HEADER, KIND_INDEX, KINDS, REDUCING, ActualColumns, ActualRow
from budgetctl.model.money import MoneyError, parse_money, total
from budgetctl.model.periods import year_bounds

TEXT_FIELDS = (4, 5, 6)  # reference, supplier, description: the formula rule applies to these
FORMULA_STARTS = ("=", "+", "-", "@")

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
PROJECT_ID = _ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")  # a project id's form


# A value problem: the index of the cell at fault, its code and its message.
ValueProblem = tuple[int, str, str]


def check_values(
    cells: Sequence[str], year: str, line: int = 0, columns: tuple[int, ...] = (1,) * 7
) -> tuple[ActualRow | None, list[ValueProblem]]:
    """Check the seven cells of one row; the row when all are good, and the problems.

    The importer calls this too, with the cells it built from an export row, so an
    imported row obeys exactly the rules of a hand-written one.
    """
    problems: list[ValueProblem] = []
    when = _check_date(cells[0], year, problems)
    project, kind, amount_text = cells[1], cells[2], cells[3]
    if not _ID.fullmatch(project):
        problems.append((1, "C013", f"found {_show(project)}; write a project id such as isva-service"))
    if kind not in KINDS:
        close = difflib.get_close_matches(kind.strip().lower(), KINDS, n=1, cutoff=0.5)
        hint = f"did you mean {close[0]!r}? " if close else ""
        problems.append((2, "C014", f"found {_show(kind)}; {hint}a kind is one of {', '.join(KINDS)}"))
    amount = _check_amount(amount_text, problems)
    if cells[4].strip() == "":
        problems.append((4, "C016", "the reference is empty; write the finance system's reference, e.g. AP-104233"))
    for index in TEXT_FIELDS:
        text = cells[index]
        if text.startswith(FORMULA_STARTS):
            problems.append(
                (
                    index,
                    "C017",
                    f"{HEADER[index]} {_show(text)} starts with {text[0]!r} and would run as a spreadsheet "
                    "formula; reword it so it starts with a letter or digit",
                )
            )
    if kind == "accrual" and when is not None and (when.month, when.day) != (3, 31):
        problems.append(
            (0, "C018", f"an accrual is dated 31 March, the year end: write {year_bounds(year)[1].isoformat()}")
        )
    if problems or when is None or amount is None:
        return None, problems
    row = ActualRow(when, project, kind, amount, cells[4], cells[5], cells[6], line, columns)
    return row, problems


def _show(text: str) -> str:
    return repr(printable(text if len(text) <= 40 else text[:37] + "..."))


def _check_date(text: str, year: str, problems: list[ValueProblem]) -> date | None:
    first, last = year_bounds(year)
    if not _DATE.fullmatch(text):
        problems.append((0, "C011", f"found {_show(text)}; write the date as YYYY-MM-DD, e.g. {first.isoformat()}"))
        return None
    try:
        when = date.fromisoformat(text)
    except ValueError:
        problems.append((0, "C011", f"{_show(text)} is not a real date; check the day and the month"))
        return None
    if not first <= when <= last:
        problems.append(
            (
                0,
                "C012",
                f"{text} is outside {year} ({first.isoformat()} to {last.isoformat()}); "
                "move the row to the file of its year",
            )
        )
    return when


def _check_amount(text: str, problems: list[ValueProblem]) -> Decimal | None:
    # CSV quoting is syntax: "5.00" is the money 5.00, so quoted is never passed on.
    try:
        return parse_money(text)
    except MoneyError as exc:
        stripped = text.strip()
        if stripped.startswith("-") or (stripped.startswith("(") and stripped.endswith(")")):
            digits = stripped.strip("-() ")
            message = f"found {_show(text)}; the kind gives the sign: write {digits} with kind credit"
        else:
            message = printable(str(exc))
        problems.append((3, "C015", message))
        return None


def read_actuals(
    data: bytes, path: str, year: str, projects: AbstractSet[str] | None = None
) -> tuple[list[ActualRow], list[Diagnostic]]:
    """Read one actuals file of the financial year ``year`` (``2023/24``): its good rows (those
    naming one of ``projects``, when given) and its problems."""
    if projects is not None:  # the rows wanted, made without the others where the file is plain
        plain = plain_columns(data, HEADER)
        made = None if plain is None else _plain(*plain, year, True, projects)
        if made is not None:
            assert made[0] is not None
            return made[0], []
    rows, _, problems = read_actuals_columns(data, path, year)
    return (rows if projects is None else [row for row in rows if row.project in projects]), problems


def read_actuals_columns(data: bytes, path: str, year: str) -> tuple[list[ActualRow], ActualColumns, list[Diagnostic]]:
    """``read_actuals``, and the good rows' figures as columns, made as the rows are."""
    rows, columns, problems = read_actuals_figures(data, path, year, rows=True)
    assert rows is not None
    return rows, columns, problems


def read_actuals_figures(
    data: bytes, path: str, year: str, *, rows: bool = False
) -> tuple[list[ActualRow] | None, ActualColumns, list[Diagnostic]]:
    """The good rows' figures as columns and the file's problems; the rows too, with
    ``rows`` or where they are made anyway (a file read row by row), else None.

    Validating a ledger needs only the columns: 120,000 row objects cost more to build
    than everything else about the file, and are built when a command asks for them.
    """
    plain = plain_columns(data, HEADER)
    made = None if plain is None else _plain(*plain, year, rows)
    if made is not None:
        return made[0], made[1], []
    return read_actuals_rows(data, path, year)


def _plain(
    text: str, cells: list[list[str]], year: str, with_rows: bool, wanted: AbstractSet[str] | None = None
) -> tuple[list[ActualRow] | None, ActualColumns] | None:
    """The columns (and, ``with_rows``, the rows: those naming one of the projects ``wanted``, when given)
    of a plain file (``plain_columns``) whose every row is the fast path's common form; None when
    any row is not, for ``read_actuals_rows`` to read.

    Each check runs once per distinct value (a year has 365 dates, a ledger a few thousand
    ids) or as one pass in C over a column: what ``read_actuals_rows`` does row by row,
    which a test and the CSV fuzzer hold to the same rows, columns and lines.
    """
    dates, projects, kinds, amounts, references, suppliers, descriptions = cells
    if not set(kinds) <= _PLAIN_KINDS.keys():
        return None
    first, last = year_bounds(year)
    day_of: dict[str, date] = {}
    for written in set(dates):
        if not _DATE.fullmatch(written):
            return None
        try:
            when = date.fromisoformat(written)
        except ValueError:
            return None
        if not first <= when <= last:
            return None
        day_of[written] = when
    names = dict.fromkeys(projects)  # the ids in order of first use, each one shared string
    # The ids, and the amounts, joined at line ends (which no cell holds) and matched in one
    # pass: each matches alone exactly when the joined text matches the repeated form.
    money = "\n".join(amounts)
    if (
        (names and not _IDS.fullmatch("\n".join(names)))
        or (amounts and not _PLAIN_MONEYS.fullmatch(money))
        or not all(map(str.strip, references))
        # No cell after a comma starts a formula: the first four cells cannot, having passed.
        or _FORMULA_AFTER_COMMA.search(text)
    ):
        return None
    index = {name: i for i, name in enumerate(names)}
    ordinal = {written: when.toordinal() for written, when in day_of.items()}
    cents = list(map(int, money.replace(".", "").split("\n"))) if amounts else []
    if set(kinds) != {"payment"}:
        cents = [-c if kind in REDUCING else c for c, kind in zip(cents, kinds, strict=True)]
    columns = ActualColumns(
        tuple(names),
        array("i", map(ordinal.__getitem__, dates)),
        array("i", map(index.__getitem__, projects)),
        array("q", cents),
        tuple(references),
        bytes(map(KIND_INDEX.__getitem__, kinds)),
    )
    if not with_rows:
        return None, columns
    lines: Iterable[int] = count(2)  # the header is line 1
    if wanted is not None:  # only the rows wanted: each column cut to them, with their lines
        taken = [i for i, name in enumerate(projects) if name in wanted]
        dates, projects, kinds, amounts, references, suppliers, descriptions = (
            [column[i] for i in taken] for column in cells
        )
        lines = [i + 2 for i in taken]
    # Where each cell starts on its line: a date is ten characters, so the second cell is at 12.
    c2 = [13 + n for n in map(len, projects)]
    c3 = [c + n + 1 for c, n in zip(c2, map(len, kinds), strict=True)]
    c4 = [c + n + 1 for c, n in zip(c3, map(len, amounts), strict=True)]
    c5 = [c + n + 1 for c, n in zip(c4, map(len, references), strict=True)]
    c6 = [c + n + 1 for c, n in zip(c5, map(len, suppliers), strict=True)]
    shared_id = dict(zip(names, names, strict=True))
    shared_kind = {kind: _PLAIN_KINDS[kind][0] for kind in set(kinds)}
    values = zip(
        map(day_of.__getitem__, dates),
        map(shared_id.__getitem__, projects),
        map(shared_kind.__getitem__, kinds),
        map(Decimal, amounts),
        references,
        suppliers,
        descriptions,
        lines,
        zip(repeat(1), repeat(12), c2, c3, c4, c5, c6),
        strict=False,  # ``lines`` may be the endless count
    )
    return list(map(tuple.__new__, repeat(ActualRow), values)), columns


def read_actuals_rows(data: bytes, path: str, year: str) -> tuple[list[ActualRow], ActualColumns, list[Diagnostic]]:
    """``read_actuals_columns`` a row at a time: any file, every problem at its cell."""
    table, problems = read_csv(data, path, HEADER)
    if table is None:
        return [], ActualColumns((), array("i"), array("i"), array("q"), (), b""), problems
    rows: list[ActualRow] = []
    append = rows.append
    new_row = tuple.__new__  # the named tuple's own __new__ parses its arguments in Python: 3x slower
    # A year holds 365 dates and a ledger a few thousand projects: a date or an id that
    # passed check_values once passes again, so repeats skip straight to the row. Ids
    # and kinds map to one shared string each (120,000 rows name a few thousand ids).
    dates: dict[str, tuple[date, int]] = {}
    ids: dict[str, int] = {}  # each id's index in the columns' projects
    names: list[str] = []  # the ids, each one string shared by its rows
    days: list[int] = []
    who: list[int] = []
    pence: list[int] = []
    references: list[str] = []
    kinds_of: bytearray = bytearray()
    add_day, add_who, add_pence = days.append, who.append, pence.append
    add_reference, add_kind = references.append, kinds_of.append
    kinds = _PLAIN_KINDS
    plain_money = _PLAIN_MONEY.fullmatch
    for csv_row in table.rows:
        cells = csv_row.cells
        columns: tuple[int, ...]
        if csv_row.written is None and csv_row.starts is None and len(cells) == 7:  # cells as written
            c1 = len(cells[0]) + 2
            c2 = c1 + len(cells[1]) + 1
            c3 = c2 + len(cells[2]) + 1
            c4 = c3 + len(cells[3]) + 1
            c5 = c4 + len(cells[4]) + 1
            columns = (1, c1, c2, c3, c4, c5, c5 + len(cells[5]) + 1)
        else:
            columns = tuple(csv_row.column(i) for i in range(len(cells)))
        known = dates.get(cells[0])
        project = cells[1]
        index = ids.get(project)
        kind, sign = kinds.get(cells[2], _NOT_PLAIN)
        reference, supplier, description = cells[4], cells[5], cells[6]
        if (
            known is not None
            and (index is not None or _ID.fullmatch(project))
            and sign
            and plain_money(cells[3])
            and reference.strip()
            and not reference.startswith(FORMULA_STARTS)
            and not supplier.startswith(FORMULA_STARTS)
            and not description.startswith(FORMULA_STARTS)
        ):
            if index is None:
                index = ids[project] = len(ids)
                names.append(project)
            amount = cells[3]
            # Two decimals already: the Decimal parse_money returns, and its pence.
            append(
                new_row(
                    ActualRow,
                    (known[0], names[index], kind, Decimal(amount), reference, supplier, description, csv_row.line,
                     columns),
                )
            )  # fmt: skip
            add_day(known[1])
            add_who(index)
            add_pence(sign * int(amount.replace(".", "")))
            add_reference(reference)
            add_kind(KIND_INDEX[kind])
            continue
        row, found = check_values(cells, year, csv_row.line, columns)
        if row is not None:
            rows.append(row)
            day = row.date.toordinal()
            dates[cells[0]] = (row.date, day)
            index = ids.get(row.project)
            if index is None:
                index = ids[row.project] = len(ids)
                names.append(row.project)
            days.append(day)
            who.append(index)
            pence.extend(ActualColumns.of([row]).pence)
            references.append(row.reference)
            kinds_of.append(KIND_INDEX[row.kind])
        for index, code, message in found:
            if len(problems) < MAX_PROBLEMS_PER_FILE:
                problems.append(CODES[code].at(message, path, csv_row.line, columns[index]))
    figures = ActualColumns(
        tuple(names), array("i", days), array("i", who), array("q", pence), tuple(references), bytes(kinds_of)
    )
    return rows, figures, problems


# The fast path's forms: an accrual's date is checked by check_values; money with exactly
# two decimals and at most twelve digits before them is parse_money's result as written.
_PLAIN_KINDS = {kind: (kind, -1 if kind in REDUCING else 1) for kind in ("payment", "credit", "accrual-reversal")}
_NOT_PLAIN = ("", 0)
_PLAIN_MONEY = re.compile(r"(0|[1-9][0-9]{0,11})\.[0-9]{2}")
# One or more of _PLAIN_MONEY, and of a project id's form, each after a line end but the first.
_PLAIN_MONEYS = re.compile(r"(?:0|[1-9][0-9]{0,11})\.[0-9]{2}(?:\n(?:0|[1-9][0-9]{0,11})\.[0-9]{2})*")
_IDS = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:\n[a-z0-9]+(?:-[a-z0-9]+)*)*")
_FORMULA_AFTER_COMMA = re.compile("," + "[" + re.escape("".join(FORMULA_STARTS)) + "]")


def totals_by_project(rows: Iterable[ActualRow], up_to: date | None = None) -> dict[str, Decimal]:
    """Actual spend per project: signed amounts of rows dated on or before ``up_to``."""
    signed: dict[str, list[Decimal]] = {}
    for row in rows:
        if up_to is None or row.date <= up_to:
            signed.setdefault(row.project, []).append(row.signed)
    return {project: total(amounts) for project, amounts in sorted(signed.items())}


def _quote(cell: str) -> str:
    if "," in cell or '"' in cell or "\n" in cell or "\r" in cell:
        return '"' + cell.replace('"', '""') + '"'
    return cell


def sort_key(row: ActualRow) -> tuple[date, str, str, tuple[str, ...]]:
    """Date, reference, kind, then the cells: a function of the row's values alone, so the
    canonical file does not depend on the order the rows were written in."""
    return (row.date, row.reference, row.kind, row.cells())


def format_actuals(rows: Iterable[ActualRow]) -> bytes:
    """The canonical actuals file: header, sorted rows, two-decimal money, LF, UTF-8 without BOM."""
    lines = [",".join(HEADER)]
    lines += [",".join(map(_quote, row.cells())) for row in sorted(rows, key=sort_key)]
    return ("\n".join(lines) + "\n").encode("utf-8")
