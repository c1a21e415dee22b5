"""`budgetctl import actuals`: real CSV and .xlsx exports into a copy of the in-year fixture ledger."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgetctl.cli import app
from tests.conftest import LEDGERS
from tests.infra.xlsx_files import cell, make_xlsx, sheet_xml

FIXTURE = LEDGERS / "in-year"
HEAD = "AP lines report\nPosting date,Cost centre,Document no,Supplier name,Narrative,Net amount\n"


@pytest.fixture
def ledger(tmp_path, monkeypatch) -> Path:
    shutil.copytree(FIXTURE / "data", tmp_path / "data")
    shutil.copytree(FIXTURE / "exports", tmp_path / "exports")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(runner, export: str, *more: str):
    return runner.invoke(
        app, ["import", "actuals", export, "--map", "data/imports/finance-ap.yaml", "--year", "2023/24", *more]
    )


def test_csv_import_writes_canonical_rows_and_control_totals(runner, ledger) -> None:
    result = run(runner, "exports/ap-2024-03-late.csv")
    assert result.exit_code == 0, result.output
    assert "rows read 4, skipped 1, already in the ledger 0, to add 3" in result.stdout
    assert "  victims-services  1,200.00\n  violence-reduction-partnership  1,180.40\n" in result.stdout
    written = (ledger / "data/actuals/2023-24/ap-2024-03-late.csv").read_text()
    assert written.splitlines() == [
        "date,project,kind,amount,reference,supplier,description",
        "2024-03-25,isva-service,payment,2450.00,AP-900101,Example Support Services,ISVA extra sessions March",
        "2024-03-26,idva-service,credit,1250.00,AR-900102,Example Support Services,IDVA vacancy credit Q4",
        "2024-03-28,custody-navigators,payment,1180.40,AP-900104,Example Navigators CIC,Navigator overtime March",
    ]
    receipt = (ledger / "data/imports/receipts/ap-2024-03-late.yaml").read_text()
    assert "rows_added: 3\n" in receipt and "total: 2380.40\n" in receipt
    assert "by_stream:\n  victims-services: 1200.00\n  violence-reduction-partnership: 1180.40\n" in receipt
    # The imported rows count in monitor and validate like any other actuals.
    assert runner.invoke(app, ["validate", "--format", "json"]).stdout.count('"M00') == 1  # M003 only


def test_reimport_adds_nothing_and_writes_nothing(runner, ledger) -> None:
    assert run(runner, "exports/ap-2024-03-late.csv").exit_code == 0
    target = ledger / "data/actuals/2023-24/ap-2024-03-late.csv"
    before = target.stat().st_mtime_ns, target.read_bytes()
    again = run(runner, "exports/ap-2024-03-late.csv")
    assert again.exit_code == 0
    assert "already in the ledger 3, to add 0" in again.stdout and "nothing written" in again.stdout
    assert (target.stat().st_mtime_ns, target.read_bytes()) == before


def test_a_longer_export_adds_only_its_new_rows_to_the_same_file(runner, ledger) -> None:
    assert run(runner, "exports/ap-2024-03-late.csv").exit_code == 0
    longer = (ledger / "exports/ap-2024-03-late.csv").read_text() + "29/03/2024,CC4101,AP-900105,X,More,10.00\n"
    (ledger / "exports/ap-2024-03-late.csv").write_text(longer)
    result = run(runner, "exports/ap-2024-03-late.csv")
    assert "already in the ledger 3, to add 1" in result.stdout
    assert "(1 rows, beside its 3 earlier rows)" in result.stdout
    assert len((ledger / "data/actuals/2023-24/ap-2024-03-late.csv").read_text().splitlines()) == 5


def test_dry_run_writes_nothing(runner, ledger) -> None:
    result = run(runner, "exports/ap-2024-03-late.csv", "--dry-run")
    assert result.exit_code == 0 and "dry run: nothing written" in result.stdout
    assert not (ledger / "data/actuals/2023-24/ap-2024-03-late.csv").exists()
    assert not (ledger / "data/imports/receipts").exists()


def test_any_refused_row_writes_nothing(runner, ledger) -> None:
    (ledger / "exports/bad.csv").write_text(
        HEAD
        + "25/03/2024,CC4101,AP-1,S,ok,10.00\n"
        + "26/03/2024,CC0000,AP-2,S,unmapped,10.00\n"
        + "31/04/2024,CC4101,AP-3,S,bad date,10.00\n"
        + "27/03/2024,CC4101,AP-4,S,too precise,10.005\n"
    )
    result = run(runner, "exports/bad.csv")
    assert result.exit_code == 1
    assert "nothing written" in result.stderr
    for line, code in ((4, "I024"), (5, "I022"), (6, "I023")):
        assert f"bad.csv:{line}:" in result.stderr and code in result.stderr
    assert not (ledger / "data/actuals/2023-24/bad.csv").exists()


def test_a_mapped_project_that_does_not_exist_is_refused(runner, ledger) -> None:
    mapping = ledger / "data/imports/finance-ap.yaml"
    mapping.write_text(mapping.read_text().replace("CC4101: isva-service", "CC4101: isva-servce"))
    result = run(runner, "exports/ap-2024-03-late.csv")
    assert result.exit_code == 1
    assert "ap-2024-03-late.csv:3:1: M001" in result.stderr  # the export row
    assert not (ledger / "data/actuals/2023-24/ap-2024-03-late.csv").exists()


def _workbook(rows: list[list[str]]) -> bytes:
    return make_xlsx({"AP lines": sheet_xml(rows)})


def test_xlsx_import_dates_as_serials_and_text_credits_in_brackets_and_a_formula(runner, ledger) -> None:
    header = ["Posting date", "Cost centre", "Document no", "Supplier name", "Narrative", "Net amount"]
    rows = [
        [cell("A1", "AP lines report")],
        [cell(f"{chr(65 + i)}2", name) for i, name in enumerate(header)],
        # 45376 is 2024-03-25 in the 1900 date system.
        [cell("A3", 45376, style=1), cell("B3", "CC4101"), cell("C3", "AP-7001"), cell("F3", Decimal("1234.5"))],
        [cell("A4", "26/03/2024"), cell("B4", "CC4102"), cell("C4", "AR-7002"), cell("F4", "(1,000.00)")],
        [
            cell("A5", "27/03/2024"),
            cell("B5", "CC4210"),
            cell("C5", "AP-7003"),
            cell("F5", Decimal("0.30000000000000004"), formula="0.1+0.2"),
        ],
    ]
    (ledger / "exports/ap.xlsx").write_bytes(_workbook(rows))
    result = run(runner, "exports/ap.xlsx")
    assert result.exit_code == 0, result.output
    assert (ledger / "data/actuals/2023-24/ap.csv").read_text().splitlines()[1:] == [
        "2024-03-25,isva-service,payment,1234.50,AP-7001,,",
        "2024-03-26,idva-service,credit,1000.00,AR-7002,,",
        "2024-03-27,custody-navigators,payment,0.30,AP-7003,,",
    ]


def test_xlsx_refusals_name_sheet_and_cell(runner, ledger) -> None:
    header = ["Posting date", "Cost centre", "Document no", "Supplier name", "Narrative", "Net amount"]
    rows = [
        [cell("A1", "AP lines report")],
        [cell(f"{chr(65 + i)}2", name) for i, name in enumerate(header)],
        [cell("A3", 45376, style=1), cell("B3", "CC4101"), cell("C3", "AP-7001"), cell("F3", None, formula="1+1")],
    ]
    (ledger / "exports/ap.xlsx").write_bytes(_workbook(rows))
    result = run(runner, "exports/ap.xlsx")
    assert result.exit_code == 1
    assert "ap.xlsx:3:6: I004" in result.stderr
    hostile = make_xlsx({"AP lines": sheet_xml([], head='<!DOCTYPE x [<!ENTITY a "aaaa">]>')})
    (ledger / "exports/hostile.xlsx").write_bytes(hostile)
    result = run(runner, "exports/hostile.xlsx")
    assert result.exit_code == 1 and "I003" in result.stderr
    assert not (ledger / "data/actuals/2023-24/ap.csv").exists()


def test_usage_errors_exit_2(runner, ledger) -> None:
    assert run(runner, "exports/missing.csv").exit_code == 2
    bad_year = runner.invoke(
        app,
        ["import", "actuals", "exports/ap-2024-03-late.csv", "--map", "data/imports/finance-ap.yaml", "--year", "2023"],
    )
    assert bad_year.exit_code == 2


ROW = st.tuples(
    st.dates(min_value=__import__("datetime").date(2023, 4, 1), max_value=__import__("datetime").date(2024, 3, 31)),
    st.sampled_from(["CC4101", "CC4102", "CC4210"]),
    st.integers(min_value=1, max_value=10**7),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(ROW, min_size=1, max_size=8), st.randoms())
def test_import_then_reimport_in_any_order_adds_nothing(runner, tmp_path_factory, rows, shuffle) -> None:
    root = tmp_path_factory.mktemp("prop")
    shutil.copytree(FIXTURE / "data", root / "data")
    lines = [f"{d:%d/%m/%Y},{cc},PX-{i},S,N,{pence // 100}.{pence % 100:02d}" for i, (d, cc, pence) in enumerate(rows)]
    (root / "first.csv").write_text(HEAD + "\n".join(lines) + "\n")
    shuffle.shuffle(lines)
    (root / "again.csv").write_text(HEAD + "\n".join(lines) + "\n")
    base = ["import", "actuals", "--map", str(root / "data/imports/finance-ap.yaml"), "--year", "2023/24"]
    first = runner.invoke(app, [*base[:2], str(root / "first.csv"), *base[2:], "--data", str(root / "data")])
    assert first.exit_code == 0, first.output
    again = runner.invoke(app, [*base[:2], str(root / "again.csv"), *base[2:], "--data", str(root / "data")])
    assert f"already in the ledger {len(rows)}, to add 0" in again.stdout
    assert not (root / "data/actuals/2023-24/again.csv").exists()
