"""The CSV subset: each refusal with its code, line and column; quoting; speed."""

from __future__ import annotations

import pytest

from budgetctl.loading.codes import CODES
from budgetctl.loading.csvsubset import MAX_FILE_BYTES, MAX_ROWS, read_csv

H = ("a", "b", "c")


def problems(data: bytes, header: tuple[str, ...] = H) -> list[tuple[str, int, int]]:
    table, found = read_csv(data, "f.csv", header)
    assert (table is None) == bool(found)
    for p in found:
        assert p.file == "f.csv" and p.code in CODES
        assert not any(ch in p.message for ch in "\r\n\u2028\u2029\x85")
    return [(p.code, p.line, p.column) for p in found]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b"a,bb,c\n1,2,3\n", [("C003", 1, 3)], id="header-near-miss"),
        pytest.param(b"a,b,c,d\n1,2,3\n", [("C003", 1, 7)], id="header-extra-column"),
        pytest.param(b"", [("C003", 1, 1)], id="empty-file"),
        pytest.param(b"a,b,c\n1,2\n", [("C004", 2, 1)], id="too-few-cells"),
        pytest.param(b"a,b,c\n1,2,3,4\n", [("C004", 2, 7)], id="too-many-cells"),
        pytest.param(b'a,b,c\n"x",2,3,"4"\n', [("C004", 2, 9)], id="too-many-cells-quoted"),
        pytest.param(b"a,b,c\n\n1,2,3\n", [("C005", 2, 1)], id="blank-line"),
        pytest.param(b"a,b,c\n1,2,3\n\n", [("C005", 3, 1)], id="two-final-line-breaks"),
        pytest.param(b"a,b,c\r\n\r\n1,2,3\r\n", [("C005", 2, 1)], id="blank-crlf-line"),
        pytest.param(b'a,b,c\n1,"x\ny",3\n4,5,6\n', [("C006", 2, 3)], id="line-break-in-cell"),
        pytest.param(b'a,b,c\n1,"x\r\ny",3\n', [("C006", 2, 3)], id="crlf-in-cell"),
        pytest.param(b"a,b,c\n1,x\ty,3\n", [("C007", 2, 3)], id="tab"),
        pytest.param(b"a,b,c\n1,2,x\x00\n", [("C007", 2, 5)], id="nul"),
        pytest.param(b"a,b,c\n1,2,x\x7f\n", [("C007", 2, 5)], id="del"),
        pytest.param("a,b,c\n1,2,x\x85\n".encode(), [("C007", 2, 5)], id="nel-c1"),
        pytest.param("a,b,c\n1,\u2028,3\n".encode(), [("C007", 2, 3)], id="line-separator"),
        pytest.param("a,b,c\n1,\u2029,3\n".encode(), [("C007", 2, 3)], id="paragraph-separator"),
        pytest.param("a,b,c\n1,\u202e,3\n".encode(), [("C007", 2, 3)], id="bidi"),
        pytest.param(b'a,b,c\n1,"\x1b[31m",3\n', [("C007", 2, 3)], id="escape-in-quoted-cell"),
        pytest.param(b"a,b,c\n1,2\r,3\n", [("C007", 2, 3)], id="lone-cr"),
        pytest.param(b'a,b,c\n1,x\ry,"q"\n', [("C007", 2, 3)], id="lone-cr-on-a-quoted-line"),  # found by fuzzing
        pytest.param(b'a,b,c\n1,"x\ry",q\n', [("C007", 2, 3)], id="lone-cr-in-a-quoted-cell"),
        pytest.param(b'a,b,c\n1,2,"abc\n', [("C008", 2, 5)], id="unterminated-quote"),
        pytest.param(b'a,b,c\n1,ab"c,3\n', [("C009", 2, 3)], id="stray-quote"),
        pytest.param(b'a,b,c\n1,"ab"c,3\n4,5,6\n', [("C010", 2, 3)], id="text-after-quote"),
        pytest.param(b"a,b,c\n1,\xa3,3\n", [("C001", 2, 3)], id="latin-1-pound"),
        pytest.param(b"\xff\xfea\x00", [("C001", 1, 1)], id="utf-16"),
        pytest.param("a,b,c\n1,£é,\xa3".encode() + b"\xff", [("C001", 2, 7)], id="bad-byte-after-multibyte"),
    ],
)
def test_each_refusal_has_its_code_line_and_column(data: bytes, expected: list[tuple[str, int, int]]) -> None:
    assert problems(data) == expected


def test_header_did_you_mean() -> None:
    _, found = read_csv(b"date,project,knd\n", "f.csv", ("date", "project", "kind"))
    assert "did you mean 'kind'" in found[0].message


def test_a_record_stays_in_step_after_a_broken_quote() -> None:
    # Only the broken row is reported: the next rows are read as rows.
    assert problems(b'a,b,c\n1,"x\ny",3\n4,5\n') == [("C006", 2, 3), ("C004", 4, 1)]


def test_quoting_is_rfc_4180_and_kept_per_cell() -> None:
    table, found = read_csv(b'a,b,c\n"1","x,""y""",\r\n4,,""\n', "f.csv", H)
    assert found == [] and table is not None
    first, second = table.rows
    assert first.cells == ("1", 'x,"y"', "") and (first.line, second.line) == (2, 3)
    assert [first.quoted(i) for i in range(3)] == [True, True, False]
    assert [first.column(i) for i in range(3)] == [1, 5, 15]
    assert second.cells == ("4", "", "") and [second.column(i) for i in range(3)] == [1, 3, 4]


def test_bom_mixed_line_endings_and_no_final_line_break_are_accepted() -> None:
    table, found = read_csv(b"\xef\xbb\xbfa,b,c\r\n1,2,3\n4,5,6", "f.csv", H)
    assert found == [] and table is not None
    assert [r.cells for r in table.rows] == [("1", "2", "3"), ("4", "5", "6")]


def test_columns_count_characters_not_bytes() -> None:
    assert problems("a,b,c\n££,é,x\ty\n".encode()) == [("C007", 2, 6)]


def test_size_and_row_limits() -> None:
    assert problems(b"a,b,c\n" + b"x" * MAX_FILE_BYTES) == [("C002", 1, 1)]
    many = b"a,b,c\n" + b"1,2,3\n" * (MAX_ROWS + 1)
    assert problems(many) == [("C002", MAX_ROWS + 2, 1)]
    table, found = read_csv(b"a,b,c\n" + b"1,2,3\n" * MAX_ROWS, "f.csv", H)
    assert found == [] and table is not None and len(table.rows) == MAX_ROWS


def test_problems_are_capped_and_messages_show_characters_visibly() -> None:
    _, found = read_csv(b"a,b,c\n" + b"1,2\n" * 500, "f.csv", H)
    assert len(found) == 50
    _, found = read_csv("x\u2028y,b,c\n".encode(), "f.csv", H)
    assert all("\u2028" not in p.message for p in found)


@pytest.mark.parametrize("quote", [False, True])
def test_120000_rows_parse_with_and_without_quotes(quote: bool) -> None:
    header = ("date", "project", "kind", "amount", "reference", "supplier", "description")
    supplier = '"Example, Support ""Services"""' if quote else "Example Support Services"
    body = "".join(
        f"2023-05-{1 + i % 28:02d},isva-service,payment,{i}.25,AP-{i},{supplier},ISVA April\n" for i in range(120_000)
    )
    data = (",".join(header) + "\n" + body).encode()
    # Speed is measured by benchmarks/run.py, not here.
    table, found = read_csv(data, "f.csv", header)
    assert found == [] and table is not None and len(table.rows) == 120_000
    assert table.rows[7].cells[5] == ('Example, Support "Services"' if quote else "Example Support Services")
