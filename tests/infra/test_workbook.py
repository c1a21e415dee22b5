"""The .xlsx reader: exact values, dates, formulas, and hostile workbooks refused as problems."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgetctl.infra import workbook
from budgetctl.infra.workbook import read_sheet, serial_to_date
from tests.infra.xlsx_files import NS, cell, make_xlsx, sheet_xml, table


def codes(data: bytes, sheet: str | None = None) -> list[tuple[str, int, int]]:
    result, found = read_sheet(data, "export.xlsx", sheet)
    assert (result is None) == bool(found)
    for p in found:
        assert p.file == "export.xlsx" and p.line >= 1 and p.column >= 1
        assert not any(ch in p.message for ch in "\r\n\u2028\u2029\x85")
    return [(p.code, p.line, p.column) for p in found]


def values(data: bytes, sheet: str | None = None) -> list[list[object]]:
    result, found = read_sheet(data, "export.xlsx", sheet)
    assert found == [] and result is not None
    return [[c.value for _, c in sorted(cells.items())] for _, cells in result.rows]


def test_text_numbers_and_shared_strings() -> None:
    rows = [
        [cell("A1", 0, kind="s"), cell("B1", "Amount")],
        [
            cell("A2", "  spaced  "),
            cell("B2", Decimal("0.30000000000000004")),
            cell("C2", Decimal("1234.5")),
            cell("D2", Decimal("-12")),
        ],
        [
            cell("A3", 1, kind="s"),
            cell("B3", Decimal("1E+3")),
            cell("C3", 1, kind="b"),
            cell("D3", "2023-05-01", kind="str"),
        ],
    ]
    data = make_xlsx({"Sheet1": sheet_xml(rows)}, shared=["Date", "Supplier, & Co"])
    assert values(data) == [
        ["Date", "Amount"],
        ["  spaced  ", Decimal("0.3"), Decimal("1234.5"), Decimal("-12")],
        ["Supplier, & Co", Decimal("1000"), "TRUE", "2023-05-01"],
    ]


def test_numbers_are_rounded_to_excels_15_significant_digits_without_a_float() -> None:
    # 0.1 + 0.2 and 1234.56 * 3 as Excel stores them (17 digits) show as 0.3 and 3703.68.
    assert workbook.exact_number("0.30000000000000004") == Decimal("0.3")
    assert workbook.exact_number("3703.6799999999998") == Decimal("3703.68")
    assert workbook.exact_number("100") == Decimal("100")
    assert workbook.exact_number("1.005") == Decimal("1.005")  # the caller refuses a third decimal
    assert workbook.exact_number("nan") is None and workbook.exact_number("1e999999999") is None


def test_dates_as_serials_in_date_styles_and_the_1904_system() -> None:
    day = date(2023, 4, 28)
    serial = (day - date(1899, 12, 30)).days  # Excel's 1900 system after 1 March 1900
    rows = [[cell("A1", serial, style=1), cell("B1", Decimal(f"{serial}.75"), style=2), cell("C1", serial)]]
    assert values(make_xlsx({"S": sheet_xml(rows)})) == [[day, day, Decimal(serial)]]
    serial_1904 = (day - date(1904, 1, 1)).days
    assert values(make_xlsx({"S": sheet_xml([[cell("A1", serial_1904, style=1)]])}, date1904=True)) == [[day]]


def test_serials_around_the_fictitious_29_february_1900() -> None:
    assert serial_to_date(Decimal(1)) == date(1900, 1, 1)
    assert serial_to_date(Decimal(59)) == date(1900, 2, 28)
    assert serial_to_date(Decimal(60)) is None
    assert serial_to_date(Decimal(61)) == date(1900, 3, 1)
    assert serial_to_date(Decimal(0)) is None and serial_to_date(Decimal(10**12)) is None
    assert serial_to_date(Decimal(0), date1904=True) == date(1904, 1, 1)
    assert codes(make_xlsx({"S": sheet_xml([[cell("A1", 60, style=1)]])})) == [("I006", 1, 1)]


def test_a_formula_takes_its_cached_value_and_one_without_is_refused_with_its_cell() -> None:
    rows = [[cell("A1", "x")], [cell("A2", "x"), cell("D2", Decimal("7.5"), formula="B2*3")]]
    assert values(make_xlsx({"Sheet1": sheet_xml(rows)}))[1] == ["x", Decimal("7.5")]
    rows += [[cell(f"A{n}", "y")] for n in range(3, 7)]
    rows.append([cell("A7", "y"), cell("D7", formula="SUM(D1:D6)")])
    data = make_xlsx({"Sheet1": sheet_xml(rows)})
    result, found = read_sheet(data, "export.xlsx")
    assert result is None and [(p.code, p.line, p.column) for p in found] == [("I004", 7, 4)]
    assert "Sheet1!D7" in found[0].message


def test_error_values_are_refused() -> None:
    data = make_xlsx({"S": sheet_xml([[cell("A1", "x"), cell("B1", "#REF!", kind="e")]])})
    assert codes(data) == [("I006", 1, 2)]


def test_sheet_by_name_and_a_missing_sheet() -> None:
    data = make_xlsx({"Notes": sheet_xml(table([["n"]])), "Ledger": sheet_xml(table([["l"]]))})
    assert values(data) == [["n"]] and values(data, "Ledger") == [["l"]]
    result, found = read_sheet(data, "export.xlsx", "Ledgr")
    assert result is None and found[0].code == "I005" and "'Ledger'" in found[0].message


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
    + "]>"
)


@pytest.mark.parametrize("part", ["sheet", "shared", "workbook"])
def test_entity_expansion_is_refused_before_it_starts(part: str) -> None:
    bomb_row = [[cell("A1", 0, kind="s")]]
    sheet = sheet_xml(bomb_row)
    shared = ["x"]
    head = ""
    if part == "sheet":
        sheet = BILLION_LAUGHS + sheet.replace("<sheetData>", "<sheetData><row r='0'><c><v>&lol9;</v></c></row>", 0)
    if part == "shared":
        extra = {"xl/sharedStrings.xml": (BILLION_LAUGHS + f"<sst {NS}><si><t>&lol9;</t></si></sst>").encode()}
        data = make_xlsx({"S": sheet}, extra=extra)
    else:
        head = BILLION_LAUGHS if part == "workbook" else ""
        data = make_xlsx({"S": sheet}, shared=shared, workbook_head=head)
    assert codes(data) == [("I003", 1, 1)]


def test_an_external_entity_is_never_read(tmp_path) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    xxe = f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    data = make_xlsx({"S": xxe + sheet_xml([[cell("A1", "&xxe;")]]).replace("&amp;xxe;", "&xxe;")})
    result, found = read_sheet(data, "export.xlsx")
    assert result is None and [p.code for p in found] == ["I003"]
    assert "TOP-SECRET" not in repr(found)


def test_a_real_zip_bomb_is_refused_from_its_declared_size_at_once() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            block = b" " * (1 << 20)
            for _ in range(workbook.MAX_PART_BYTES // len(block) + 1):
                part.write(block)
    data = buffer.getvalue()
    assert len(data) < workbook.MAX_WORKBOOK_BYTES
    assert codes(data) == [("I002", 1, 1)]


def test_a_part_that_lies_about_its_size_stops_at_the_declared_size() -> None:
    # Patch the declared size down: zipfile inflates no more than declared, and the CRC fails.
    rows = table([[f"row {i}"] for i in range(2000)])
    data = bytearray(make_xlsx({"S": sheet_xml(rows)}, compression=zipfile.ZIP_DEFLATED))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml")
    central = data.rfind(b"PK\x01\x02xl/worksheets"[:4], 0, len(data))
    assert central > 0 and info.file_size > 100
    found = codes(_shrink_declared_size(bytes(data), "xl/worksheets/sheet1.xml", 100))
    assert [c for c, *_ in found] == ["I001"]


def _shrink_declared_size(data: bytes, name: str, size: int) -> bytes:
    out = bytearray(data)
    encoded = name.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := out.find(signature, start)) >= 0:
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if out[name_at : name_at + len(encoded)] == encoded:
                out[start + offset : start + offset + 4] = size.to_bytes(4, "little")
            start += 4
    return bytes(out)


def test_a_huge_declared_dimension_allocates_nothing() -> None:
    data = make_xlsx({"S": sheet_xml(table([["a", "b"]]), dimension="A1:XFD1048576")})
    assert values(data) == [["a", "b"]]


def test_row_cell_and_column_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    data = make_xlsx({"S": sheet_xml(table([["x"]] * 5))})
    monkeypatch.setattr(workbook, "MAX_ROWS", 3)
    assert codes(data) == [("I002", 4, 1)]
    monkeypatch.setattr(workbook, "MAX_ROWS", 100)
    monkeypatch.setattr(workbook, "MAX_CELLS", 4)
    assert codes(data) == [("I002", 5, 1)]
    far = make_xlsx({"S": sheet_xml([[cell("XFE1", "x")]])})
    assert codes(far) == [("I002", 1, 16385)]  # XFE is past Excel's last column


@pytest.mark.parametrize(
    "data",
    [b"", b"not a zip", b"PK\x03\x04" + b"\x00" * 100, make_xlsx({"S": sheet_xml([])})[:200]],
    ids=["empty", "text", "zip-header-only", "truncated"],
)
def test_not_a_workbook(data: bytes) -> None:
    assert [c for c, *_ in codes(data)] == ["I001"]


def test_missing_parts_and_malformed_xml() -> None:
    good = make_xlsx({"S": sheet_xml(table([["a"]]))})
    broken = make_xlsx({"S": "<worksheet><sheetData><row>"})
    assert [c for c, *_ in codes(broken)] == ["I001"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(buffer, "w") as dst:
        for item in src.infolist():
            if item.filename != "xl/workbook.xml":
                dst.writestr(item, src.read(item))
    assert [c for c, *_ in codes(buffer.getvalue())] == ["I001"]


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_a_damaged_workbook_never_raises(data: st.DataObject) -> None:
    good = bytearray(make_xlsx({"S": sheet_xml(table([["Date", "Amount"], ["x", 1]]))}, shared=["a"]))
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(good) - 1))
        good[at] = data.draw(st.integers(0, 255))
    read_sheet(bytes(good), "export.xlsx")  # any problems, never an exception


def test_reading_a_workbook_is_the_only_way_its_module_is_imported() -> None:
    probe = "import sys, budgetctl.edit.importer, budgetctl.cli; print('budgetctl.infra.workbook' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_dates_cover_a_financial_year() -> None:
    first = date(2023, 4, 1)
    for offset in range(0, 366, 7):
        day = first + timedelta(days=offset)
        assert serial_to_date(Decimal((day - date(1899, 12, 30)).days)) == day
