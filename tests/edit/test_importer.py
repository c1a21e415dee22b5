"""The import library: a mapping, an export (CSV or workbook), a plan; re-importing adds nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgetctl.edit.importer import ImportMapping, load_mapping, plan_import, render_receipt
from budgetctl.loading.actuals import format_actuals, read_actuals
from budgetctl.loading.yamlsubset import strict_load
from tests.infra.xlsx_files import cell, make_xlsx, sheet_xml

MAPPING = b"""\
header_row: 2
columns:
  date: Posting date
  amount: Net amount
  reference: Document no
  project: Cost centre
  supplier: Supplier name
  description: Narrative
date_format: "%d/%m/%Y"
projects:
  CC1234: isva-service
  CC1250: custody-navigators
skip:
  - column: Cost centre
    values: [CC9999]
"""
HEAD = "AP lines report\nPosting date,Cost centre,Document no,Supplier name,Narrative,Net amount\n"


def mapping(text: bytes = MAPPING) -> ImportMapping:
    result, found = load_mapping(text, "data/imports/ap.yaml")
    assert found == [] and result is not None
    return result


def export(*lines: str) -> bytes:
    return (HEAD + "".join(line + "\n" for line in lines)).encode()


def test_a_csv_export_becomes_canonical_rows_with_control_totals() -> None:
    data = export(
        '28/04/2023,CC1234,AP-1,"Smith, J",April,"£1,234.50"',
        "03/07/2023,CC1234,AR-2,Smith,Recharge,(200.00)",
        "05/07/2023,CC9999,AP-3,Police,Internal,50",
        "06/07/2023,CC1250,AP-4,Navigators,July,-10.5",
    )
    plan = plan_import(data, "ap-2023-07.csv", mapping(), "2023/24", set())
    assert plan.refusals == []
    assert [(r.date, r.project, r.kind, r.amount, r.reference) for r in plan.rows] == [
        (date(2023, 4, 28), "isva-service", "payment", Decimal("1234.50"), "AP-1"),
        (date(2023, 7, 3), "isva-service", "credit", Decimal("200.00"), "AR-2"),
        (date(2023, 7, 6), "custody-navigators", "credit", Decimal("10.50"), "AP-4"),
    ]
    assert (plan.rows_read, plan.rows_added, plan.rows_skipped, plan.rows_already_present) == (4, 3, 1, 0)
    assert plan.totals() == {"isva-service": Decimal("1034.50"), "custody-navigators": Decimal("-10.50")}
    receipt = render_receipt(plan, "data/imports/ap.yaml", "data/actuals/2023-24/ap-2023-07.csv")
    source, found = strict_load(receipt.encode(), "r.yaml")
    assert found == [] and source is not None
    assert source.root["sha256"].value == plan.sha256 and source.root["rows_added"].value == "3"
    # What would be written reads back as the same rows.
    rows, found = read_actuals(format_actuals(plan.rows), "data/actuals/2023-24/ap.csv", "2023/24")
    assert found == [] and sorted(rows, key=lambda r: r.reference) == sorted(plan.rows, key=lambda r: r.reference)


def test_reimporting_adds_nothing() -> None:
    data = export("28/04/2023,CC1234,AP-1,S,April,10", "29/04/2023,CC1234,AP-2,S,April,(5)")
    first = plan_import(data, "ap.csv", mapping(), "2023/24", set())
    again = plan_import(data, "ap.csv", mapping(), "2023/24", {(r.reference, r.kind) for r in first.rows})
    assert again.rows == [] and again.rows_already_present == 2 and again.refusals == []


@pytest.mark.parametrize(
    ("line", "code", "column"),
    [
        ("2023-04-28,CC1234,AP-1,S,D,10", "I022", 1),
        ("28/04/2023,CC1234,AP-1,S,D,10.005", "I023", 6),
        ('28/04/2023,CC1234,AP-1,S,D,"12,34.50"', "I023", 6),
        ("28/04/2023,CC0000,AP-1,S,D,10", "I024", 2),
        ("28/04/2024,CC1234,AP-1,S,D,10", "C012", 1),
        ("28/04/2023,CC1234,,S,D,10", "C016", 3),
        ("28/04/2023,CC1234,AP-1,=HYPERLINK(1),D,10", "C017", 4),
    ],
)
def test_each_refusal_is_located_at_the_export_row_and_column(line: str, code: str, column: int) -> None:
    plan = plan_import(export(line), "ap.csv", mapping(), "2023/24", set())
    assert [(p.code, p.file, p.line, p.column) for p in plan.refusals] == [(code, "ap.csv", 3, column)]
    assert plan.rows == []


def test_duplicate_rows_in_one_export_are_refused_naming_both() -> None:
    plan = plan_import(
        export("28/04/2023,CC1234,AP-1,S,D,1", "29/04/2023,CC1234,AP-1,S,D,2"), "a.csv", mapping(), "2023/24", set()
    )
    assert [(p.code, p.line) for p in plan.refusals] == [("I026", 4)] and "row 3" in plan.refusals[0].message


def test_a_kind_column_with_its_map() -> None:
    text = MAPPING.replace(b"  description: Narrative\n", b"  description: Narrative\n  kind: Type\n") + (
        b"kinds: {INV: payment, CRN: credit}\n"
    )
    head = HEAD.replace("Net amount", "Net amount,Type")
    rows = "28/04/2023,CC1234,AP-1,S,D,10,INV\n28/04/2023,CC1234,AP-2,S,D,-10,CRN\n28/04/2023,CC1234,AP-3,S,D,1,XXX\n"
    plan = plan_import((head + rows).encode(), "a.csv", mapping(text), "2023/24", set())
    assert [(r.kind, r.amount) for r in plan.rows] == [("payment", Decimal("10.00")), ("credit", Decimal("10.00"))]
    assert [(p.code, p.line, p.column) for p in plan.refusals] == [("I025", 5, 7)]


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        (b"columns: {date: D}\nprojects: {}\n", "I010", 1),
        (MAPPING + b"colums: {}\n", "I011", 16),
        (MAPPING.replace(b"isva-service", b"ISVA"), "I012", 11),
        (MAPPING.replace(b'"%d/%m/%Y"', b'"%m"'), "I012", 9),
        (MAPPING + b"kinds: {INV: paid}\n", "I012", 16),
        (b"columns: [a]\n", "I012", 1),
        (b"- a\n", "Y016", 1),
    ],
)
def test_mapping_problems_are_located(text: bytes, code: str, line: int) -> None:
    result, found = load_mapping(text, "data/imports/ap.yaml")
    assert result is None and found and found[0].code == code and found[0].line == line


def test_a_workbook_export_with_serial_and_text_dates_brackets_and_formulas() -> None:
    serial = (date(2023, 5, 2) - date(1899, 12, 30)).days
    header = ["Posting date", "Cost centre", "Document no", "Supplier name", "Narrative", "Net amount"]
    rows = [
        [cell("A1", "AP lines report")],
        [cell(f"{chr(65 + i)}2", name) for i, name in enumerate(header)],
        [cell("A3", serial, style=1), cell("B3", "CC1234"), cell("C3", "AP-1"), cell("F3", Decimal("1234.5"))],
        [cell("A4", "03/05/2023"), cell("B4", "CC1234"), cell("C4", "AP-2"), cell("F4", "(1,000.00)")],
        [
            cell("A5", "04/05/2023"),
            cell("B5", "CC1250"),
            cell("C5", "AP-3"),
            cell("F5", Decimal("0.30000000000000004"), formula="0.1+0.2"),
        ],
    ]
    data = make_xlsx({"AP lines": sheet_xml(rows)})
    plan = plan_import(data, "ap.xlsx", mapping(), "2023/24", set())
    assert plan.refusals == []
    assert [(r.date, r.kind, r.amount) for r in plan.rows] == [
        (date(2023, 5, 2), "payment", Decimal("1234.50")),
        (date(2023, 5, 3), "credit", Decimal("1000.00")),
        (date(2023, 5, 4), "payment", Decimal("0.30")),
    ]
    rows[4][3] = cell("F5", formula="0.1+0.2")
    rows.append([cell("A6", "04/05/2023"), cell("B6", "CC1250"), cell("C6", "AP-4"), cell("F6", Decimal("1.005"))])
    plan = plan_import(make_xlsx({"AP lines": sheet_xml(rows)}), "ap.xlsx", mapping(), "2023/24", set())
    assert [(p.code, p.line, p.column) for p in plan.refusals] == [("I004", 5, 6)]
    assert "AP lines!F5" in plan.refusals[0].message
    rows[4][3] = cell("F5", Decimal("2"), formula="1+1")
    plan = plan_import(make_xlsx({"AP lines": sheet_xml(rows)}), "ap.xlsx", mapping(), "2023/24", set())
    assert [(p.code, p.line, p.column) for p in plan.refusals] == [("I023", 6, 6)]
    assert "AP lines!F6" in plan.refusals[0].message


def test_a_missing_column_and_a_bad_encoding() -> None:
    plan = plan_import(
        b"Posting date,Amount\n", "a.csv", mapping(b"header_row: 1\n" + MAPPING.split(b"\n", 1)[1]), "2023/24", set()
    )
    assert {p.code for p in plan.refusals} == {"I020"}
    plan = plan_import(b"a,\xa3\n", "a.csv", mapping(), "2023/24", set())
    assert [p.code for p in plan.refusals] == ["I021"]


amounts = st.decimals(min_value=Decimal("-99999.99"), max_value=Decimal("99999.99"), places=2).filter(lambda d: d != 0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 360), st.sampled_from(["CC1234", "CC1250", "CC9999"]), amounts), max_size=20))
def test_import_then_reimport_adds_nothing_and_totals_match(entries: list[tuple[int, str, Decimal]]) -> None:
    lines = []
    for n, (day, centre, amount) in enumerate(entries):
        when = date.fromordinal(date(2023, 4, 1).toordinal() + day)
        shown = f"({-amount:,})" if amount < 0 else f"£{amount:,}"
        lines.append(f'{when:%d/%m/%Y},{centre},AP-{n},S,D,"{shown}"')
    data = export(*lines)
    plan = plan_import(data, "a.csv", mapping(), "2023/24", set())
    assert plan.refusals == []
    kept = [(centre, amount) for _, centre, amount in entries if centre != "CC9999"]
    assert plan.rows_added == len(kept) and plan.rows_skipped == len(entries) - len(kept)
    assert sum(plan.totals().values(), Decimal(0)) == sum((a for _, a in kept), Decimal(0))
    again = plan_import(data, "a.csv", mapping(), "2023/24", {(r.reference, r.kind) for r in plan.rows})
    assert again.rows == [] and again.rows_already_present == plan.rows_added
