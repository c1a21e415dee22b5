"""Read one sheet of an .xlsx workbook as rows of cells, for the importer.

A small reader over ``zipfile`` and the standard library's expat parser, not a
spreadsheet library: it reads the few parts an import needs (workbook,
relationships, shared strings, number formats, one sheet) and nothing else.

* Safe with hostile files: any DTD is refused before an entity can be
  declared, so there is no entity expansion and no external entity; every part's
  declared size is checked before it is read (zipfile never inflates past the
  declared size), the sheet is parsed as a stream, and rows and cells are
  counted while reading, so a zip bomb or a huge sheet is refused, never waited on.
* Exact: a number is the text Excel stored (``0.30000000000000004``) rounded
  to Excel's 15 significant digits (``0.3``) as a Decimal; no binary float.
* Dates: a number in a date format is a date (1900 system, with its
  fictitious 29 February 1900 refused, or the 1904 system when the workbook
  says so); ``serial_to_date`` converts a serial the caller knows to be a date.
* A formula takes its cached value; a formula without one is refused with its
  sheet and cell (``Sheet1!D7``). Error values (``#REF!``) are refused.

Every problem is a Diagnostic whose line is the sheet row and column the sheet
column (the message names the cell); nothing raises.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation
from xml.parsers import expat

from budgetctl.diagnostics import Diagnostic, Severity, printable
from budgetctl.plainclass import dataclass, field

MAX_WORKBOOK_BYTES = 50_000_000  # the .xlsx file itself
MAX_PART_BYTES = 200_000_000  # one part, uncompressed (a 500,000-row sheet is about 100 MB)
MAX_MEMBERS = 10_000
MAX_ROWS = 500_000
MAX_CELLS = 5_000_000
MAX_SHARED_STRINGS = 2_000_000
MAX_COLUMN = 16_384  # XFD, Excel's last column
MAX_ROW_NUMBER = 1_048_576
CHUNK = 1 << 20


@dataclass(frozen=True)
class Code:
    """A workbook problem code. Its name and explanation are in ``budgetctl.loading.codes``:
    infra sits below loading, so the reader names its codes here."""

    code: str

    def at(self, message: str, file: str, line: int = 1, column: int = 1) -> Diagnostic:
        return Diagnostic(self.code, Severity.ERROR, message, file, line, column)


UNREADABLE = Code("I001")
TOO_LARGE = Code("I002")
DTD = Code("I003")
NO_CACHED_VALUE = Code("I004")
NO_SHEET = Code("I005")
BAD_CELL = Code("I006")

_SIG15 = Context(prec=15, rounding=ROUND_HALF_EVEN)
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
# Number formats 14-22 are Excel's built-in dates and times; 27-36, 45-47, 50-58
# and 71-81 the East Asian and Thai ones.
_DATE_FORMAT_IDS = frozenset((*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59), *range(71, 82)))
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell: its value (text, an exact number, or a date) and where it is."""

    value: str | Decimal | date
    row: int
    column: int

    @property
    def ref(self) -> str:
        return f"{column_letters(self.column)}{self.row}"


@dataclass(slots=True)
class Sheet:
    """The rows of one sheet: each row's number and its cells by column (1-based)."""

    name: str
    date1904: bool
    rows: list[tuple[int, dict[int, Cell]]] = field(default_factory=list)


class _Refused(Exception):
    """Stops reading: the problem is already recorded."""


def column_letters(column: int) -> str:
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def serial_to_date(serial: Decimal, date1904: bool = False) -> date | None:
    """The date of a spreadsheet serial (its time of day dropped), or None when it is none."""
    try:
        days = int(serial.to_integral_value(rounding="ROUND_FLOOR"))
        if date1904:
            return date(1904, 1, 1) + timedelta(days=days) if days >= 0 else None
        if days < 1 or days == 60:  # 60 is Lotus 1-2-3's 29 February 1900, kept by Excel
            return None
        return date(1899, 12, 31 if days < 60 else 30) + timedelta(days=days)
    except (OverflowError, ValueError, InvalidOperation):
        return None


def exact_number(text: str) -> Decimal | None:
    """A stored number as Excel shows it: rounded to 15 significant digits, trailing zeros dropped."""
    if not _NUMBER.fullmatch(text) or len(text) > 400:
        return None
    try:
        value = _SIG15.plus(Decimal(text))
        if value.is_zero():
            return Decimal(0)
        value = value.normalize(_SIG15)
        return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value  # type: ignore[operator]
    except ArithmeticError:  # Overflow and InvalidOperation among them
        return None


class _Reader:
    def __init__(self, data: bytes, path: str) -> None:
        self.path = path
        self.problems: list[Diagnostic] = []
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.names = {info.filename: info for info in self.zip.infolist()}

    def refuse(self, code: Code, message: str, row: int = 1, column: int = 1) -> _Refused:
        self.problems.append(code.at(message, self.path, row, column))
        return _Refused()

    def check_sizes(self) -> None:
        if len(self.names) > MAX_MEMBERS:
            raise self.refuse(TOO_LARGE, f"the workbook holds {len(self.names):,} parts; the limit is {MAX_MEMBERS:,}")
        for info in self.names.values():
            if info.file_size > MAX_PART_BYTES:
                raise self.refuse(
                    TOO_LARGE,
                    f"part {printable(info.filename)[:80]!r} unpacks to {info.file_size:,} bytes; "
                    f"the limit is {MAX_PART_BYTES:,}: split the export",
                )

    def parse(
        self,
        name: str,
        start: Callable[..., None],
        end: Callable[[str], None] | None = None,
        text: Callable[[str], None] | None = None,
        required: bool = True,
    ) -> bool:
        """Stream one part through expat with DTDs refused; False when an optional part is absent."""
        info = self.names.get(name)
        if info is None:
            if required:
                raise self.refuse(UNREADABLE, f"the workbook has no {name}; save it again from Excel as .xlsx")
            return False
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

        def refuse_dtd(*_: object) -> None:
            raise self.refuse(DTD, f"{name} declares a DTD (<!DOCTYPE>); Excel never does: the file is refused")

        parser.StartDoctypeDeclHandler = refuse_dtd
        parser.EntityDeclHandler = refuse_dtd
        parser.StartElementHandler = start
        if end is not None:
            parser.EndElementHandler = end
        if text is not None:
            parser.CharacterDataHandler = text
        parser.buffer_text = True
        try:
            with self.zip.open(info) as stream:
                while chunk := stream.read(CHUNK):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise self.refuse(
                UNREADABLE, f"{name} is not well-formed XML ({expat.ErrorString(exc.code)}, line {exc.lineno})"
            ) from None
        return True


def _local(name: str) -> str:
    return name.rpartition(" ")[2]


def _attrs(attributes: dict[str, str]) -> dict[str, str]:
    return {_local(key): value for key, value in attributes.items()}


def read_sheet(data: bytes, path: str, sheet: str | None = None) -> tuple[Sheet | None, list[Diagnostic]]:
    """Read the sheet named ``sheet`` (the first sheet when None) of an .xlsx file."""
    if len(data) > MAX_WORKBOOK_BYTES:
        return None, [TOO_LARGE.at(f"the file is {len(data):,} bytes; the limit is {MAX_WORKBOOK_BYTES:,}", path)]
    try:
        reader = _Reader(data, path)
    except Exception:  # zipfile raises several types for a damaged archive
        return None, [UNREADABLE.at("not an .xlsx file (not a zip archive); save it again from Excel", path)]
    try:
        return _read(reader, sheet), reader.problems
    except _Refused:
        return None, reader.problems
    except Exception as exc:  # a damaged archive (bad CRC, truncated part): a problem, not a traceback
        reader.problems.append(UNREADABLE.at(f"the workbook is damaged ({type(exc).__name__}); save it again", path))
        return None, reader.problems


def _read(reader: _Reader, wanted: str | None) -> Sheet | None:
    reader.check_sizes()
    sheets: list[tuple[str, str]] = []
    flags = {"date1904": False}

    def workbook_start(name: str, attributes: dict[str, str]) -> None:
        local, attrs = _local(name), _attrs(attributes)
        if local == "sheet" and len(sheets) < 1000:
            sheets.append((attrs.get("name", ""), attrs.get("id", "")))
        elif local == "workbookPr":
            flags["date1904"] = attrs.get("date1904", "").lower() in ("1", "true")

    reader.parse("xl/workbook.xml", workbook_start)
    if not sheets:
        raise reader.refuse(UNREADABLE, "the workbook has no sheets")
    names = [name for name, _ in sheets]
    if wanted is None:
        name, rid = sheets[0]
    elif wanted in names:
        name, rid = sheets[names.index(wanted)]
    else:
        listed = ", ".join(repr(printable(n)) for n in names[:20])
        raise reader.refuse(NO_SHEET, f"no sheet named {printable(wanted)!r}; the workbook has {listed}")
    targets: dict[str, str] = {}

    def rels_start(element: str, attributes: dict[str, str]) -> None:
        attrs = _attrs(attributes)
        if _local(element) == "Relationship" and len(targets) < 10_000:
            targets[attrs.get("Id", "")] = attrs.get("Target", "")

    reader.parse("xl/_rels/workbook.xml.rels", rels_start)
    target = targets.get(rid, "")
    part = target.lstrip("/") if target.startswith("/") else "xl/" + target
    strings = _shared_strings(reader)
    date_styles = _date_styles(reader)
    result = Sheet(name, flags["date1904"])
    _SheetParser(reader, result, strings, date_styles).run(part)
    return None if reader.problems else result


def _shared_strings(reader: _Reader) -> list[str]:
    strings: list[str] = []
    state = {"depth_rph": 0, "in_t": False}
    parts: list[str] = []

    def start(element: str, _: dict[str, str]) -> None:
        local = _local(element)
        if local == "si":
            parts.clear()
        elif local == "rPh":  # phonetic guide text is not part of the value
            state["depth_rph"] += 1
        elif local == "t" and not state["depth_rph"]:
            state["in_t"] = True

    def end(element: str) -> None:
        local = _local(element)
        if local == "si":
            if len(strings) >= MAX_SHARED_STRINGS:
                raise reader.refuse(TOO_LARGE, f"more than {MAX_SHARED_STRINGS:,} shared strings")
            strings.append("".join(parts))
        elif local == "rPh":
            state["depth_rph"] -= 1
        elif local == "t":
            state["in_t"] = False

    def text(data: str) -> None:
        if state["in_t"]:
            parts.append(data)

    reader.parse("xl/sharedStrings.xml", start, end, text, required=False)
    return strings


def _date_styles(reader: _Reader) -> list[bool]:
    """For each cell style (the ``s`` attribute), whether its number format shows a date."""
    custom: dict[int, bool] = {}
    styles: list[bool] = []
    inside = {"cellXfs": False}

    def start(element: str, attributes: dict[str, str]) -> None:
        local, attrs = _local(element), _attrs(attributes)
        if local == "numFmt":
            code = _FORMAT_LITERALS.sub("", attrs.get("formatCode", ""))
            custom[_int(attrs.get("numFmtId"))] = re.search("[dmy]", code, re.IGNORECASE) is not None
        elif local == "cellXfs":
            inside["cellXfs"] = True
        elif local == "xf" and inside["cellXfs"] and len(styles) < 100_000:
            number_format = _int(attrs.get("numFmtId"))
            styles.append(custom.get(number_format, number_format in _DATE_FORMAT_IDS))

    def end(element: str) -> None:
        if _local(element) == "cellXfs":
            inside["cellXfs"] = False

    reader.parse("xl/styles.xml", start, end, required=False)
    return styles


def _int(text: str | None) -> int:
    return int(text) if text is not None and text.isdigit() and len(text) < 10 else -1


class _SheetParser:
    def __init__(self, reader: _Reader, sheet: Sheet, strings: list[str], date_styles: list[bool]) -> None:
        self.reader, self.sheet, self.strings, self.date_styles = reader, sheet, strings, date_styles
        self.row_number = 0
        self.cells: dict[int, Cell] = {}
        self.count = 0
        self.column = 0
        self.kind = ""
        self.style = -1
        self.formula = False
        self.text: list[str] = []
        self.collect = False  # inside <v> or an inline string's <t>

    def run(self, part: str) -> None:
        self.reader.parse(part, self.start, self.end, self.characters)

    def where(self) -> str:
        return f"{printable(self.sheet.name)}!{column_letters(self.column)}{self.row_number}"

    def refuse(self, code: Code, message: str) -> _Refused:
        return self.reader.refuse(code, message, max(self.row_number, 1), max(self.column, 1))

    def bad_cell(self, code: Code, message: str) -> None:
        """A cell-level problem: noted, and reading goes on to find the others (up to 50)."""
        error = self.refuse(code, message)
        if len(self.reader.problems) >= 50:
            raise error

    def start(self, element: str, attributes: dict[str, str]) -> None:
        local = _local(element)
        if local == "c":
            attrs = _attrs(attributes)
            match = _REF.fullmatch(attrs.get("r", ""))
            self.column = _column_number(match[1]) if match else self.column + 1
            if match and int(match[2]) != self.row_number:
                raise self.refuse(UNREADABLE, f"cell {match[0]} is inside row {self.row_number}; the sheet is damaged")
            if self.column > MAX_COLUMN:
                raise self.refuse(TOO_LARGE, f"a cell beyond column XFD in row {self.row_number}")
            self.count += 1
            if self.count > MAX_CELLS:
                raise self.refuse(TOO_LARGE, f"more than {MAX_CELLS:,} cells; split the export")
            self.kind, self.style = attrs.get("t", "n"), _int(attrs.get("s", "0"))
            self.formula, self.text = False, []
        elif local == "row":
            attrs = _attrs(attributes)
            number = _int(attrs.get("r")) if "r" in attrs else self.row_number + 1
            if not self.row_number < number <= MAX_ROW_NUMBER:
                raise self.reader.refuse(
                    UNREADABLE, f"row number {printable(attrs.get('r', ''))[:12]!r} is out of order"
                )
            if len(self.sheet.rows) >= MAX_ROWS:
                raise self.reader.refuse(TOO_LARGE, f"more than {MAX_ROWS:,} rows; split the export", number)
            self.row_number, self.column, self.cells = number, 0, {}
            self.sheet.rows.append((number, self.cells))
        elif local in ("v", "t"):
            self.collect = True
        elif local == "f":
            self.formula = True

    def characters(self, data: str) -> None:
        if self.collect:
            self.text.append(data)
            if len(self.text) > 1000:
                raise self.refuse(TOO_LARGE, f"cell {self.where()} holds too much text")

    def end(self, element: str) -> None:
        local = _local(element)
        if local in ("v", "t"):
            self.collect = False
        elif local == "c":
            value = self.value()
            if value is not None:
                self.cells[self.column] = Cell(value, self.row_number, self.column)

    def value(self) -> str | Decimal | date | None:
        text = "".join(self.text)
        if not self.text:
            if self.formula:
                self.bad_cell(
                    NO_CACHED_VALUE,
                    f"cell {self.where()} holds a formula without a saved value; open the workbook in Excel, "
                    "save it, and import again",
                )
            return None
        kind = self.kind
        if kind == "s":
            index = _int(text)
            if not 0 <= index < len(self.strings):
                self.bad_cell(BAD_CELL, f"cell {self.where()} names a missing shared string; the file is damaged")
                return None
            return self.strings[index]
        if kind in ("inlineStr", "str", "d"):
            return text
        if kind == "b":
            return "TRUE" if text == "1" else "FALSE"
        if kind == "e":
            self.bad_cell(BAD_CELL, f"cell {self.where()} holds the error {printable(text)[:20]}; fix it in Excel")
            return None
        number = exact_number(text.strip())
        if number is None:
            self.bad_cell(BAD_CELL, f"cell {self.where()} holds {printable(text)[:30]!r}, not a number")
            return None
        if 0 <= self.style < len(self.date_styles) and self.date_styles[self.style]:
            when = serial_to_date(number, self.sheet.date1904)
            if when is None:
                self.bad_cell(BAD_CELL, f"cell {self.where()} holds the serial {number}, which is not a date")
                return None
            return when
        return number
