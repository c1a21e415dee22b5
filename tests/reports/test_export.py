"""`budgetctl export --format csv|json`: one row per project and year, exact money, safe cells."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

from budgetctl.cli import app
from tests.conftest import SHIPPED, make_ledger

STREAMS = """\
streams:
  fund:
    programme: Fund
    funding: Police Grant
    budget:
      2023/24: 100000
      2024/25: 100000
"""


def export(runner, data: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["export", "--data", str(data), *args])


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_shipped_csv_has_one_row_per_allocation_and_sums_exactly(runner) -> None:
    result = export(runner, SHIPPED, "--format", "csv", "--year", "2023/24")
    assert result.exit_code == 0, result.output
    table = rows(result.stdout)
    assert len(table) == 139
    assert list(table[0])[:11] == [
        "project",
        "year",
        "title",
        "stream",
        "programme",
        "funding",
        "purpose",
        "priorities",
        "lead",
        "provider",
        "amount",
    ]
    assert sum(Decimal(r["amount"]) for r in table) == Decimal("17325360.40")
    dudley = next(r for r in table if r["project"] == "dudley-home-security-packs")
    assert dudley["amount"] == "2750.50"
    assert dudley["programme"] == "Helping Communities Fund"
    assert dudley["funding"] == "Proceeds of Crime Act (POCA)"
    assert dudley["priorities"] == "preventing-and-reducing-crime; prioritising-victims"
    idva = next(r for r in table if r["project"] == "idva-service")
    assert idva["purpose"] == "sexual-violence-and-domestic-abuse"
    assert idva["lead"] == "Victims Commissioning Manager"


def test_shipped_json_money_is_two_decimal_text(runner) -> None:
    result = export(runner, SHIPPED, "--format", "json")
    payload = json.loads(result.stdout)
    assert payload["years"] == ["2023/24", "2024/25"]
    assert payload["total"] == "20710360.40"
    assert len(payload["rows"]) == 143
    hub = next(r for r in payload["rows"] if r["project"] == "hate-crime-third-party-reporting")
    assert hub["amount"] == "64487.50"
    assert hub["priorities"] == ["increased-confidence-in-west-midlands-police", "prioritising-victims"]
    assert hub["file"] == "data/projects/intervention-and-prevention/hate-crime-third-party-reporting.yaml"


def multi_year(tmp_path: Path) -> Path:
    return make_ledger(
        tmp_path,
        {
            "streams.yaml": STREAMS,
            "projects/fund/a.yaml": "title: A\nstream: fund\nlead: L\nallocations:\n  2023/24: 10\n  2024/25: 20.5\n",
            "projects/fund/b.yaml": "title: B\nstream: fund\nlead: L\nallocations:\n  2024/25: 7\n",
        },
    )


def test_every_year_by_default_and_one_with_year(runner, tmp_path: Path) -> None:
    data = multi_year(tmp_path)
    every = rows(export(runner, data, "--format", "csv").stdout)
    assert [(r["project"], r["year"], r["amount"]) for r in every] == [
        ("a", "2023/24", "10.00"),
        ("a", "2024/25", "20.50"),
        ("b", "2024/25", "7.00"),
    ]
    one = rows(export(runner, data, "--format", "csv", "--year", "2024/25").stdout)
    assert [(r["project"], r["amount"]) for r in one] == [("a", "20.50"), ("b", "7.00")]


def test_year_with_nothing_is_a_usage_error(runner, tmp_path: Path) -> None:
    result = export(runner, multi_year(tmp_path), "--format", "csv", "--year", "2030/31")
    assert result.exit_code == 2
    assert "years in this ledger: 2023/24, 2024/25" in result.stderr
    assert export(runner, multi_year(tmp_path), "--format", "csv", "--year", "2023-24").exit_code == 2


def test_csv_cells_cannot_run_as_formulas(runner, tmp_path: Path) -> None:
    data = make_ledger(
        tmp_path,
        {
            "streams.yaml": STREAMS,
            "projects/fund/evil.yaml": (
                "title: '=HYPERLINK(\"http://x\",\"y\")'\nstream: fund\nlead: '@SUM(A1)'\n"
                "provider: '+cmd'\nallocations:\n  2023/24: 5\n"
            ),
        },
    )
    row = rows(export(runner, data, "--format", "csv").stdout)[0]
    assert row["title"] == '\'=HYPERLINK("http://x","y")'
    assert row["lead"] == "'@SUM(A1)"
    assert row["provider"] == "'+cmd"
    assert row["amount"] == "5.00"


def test_output_file_is_written_atomically(runner, tmp_path: Path) -> None:
    target = tmp_path / "allocations.csv"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    result = export(runner, SHIPPED, "--format", "csv", "-o", str(target))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert len(rows(target.read_text(encoding="utf-8"))) == 143
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["allocations.csv"]


def test_output_in_a_missing_folder_is_an_io_error(runner, tmp_path: Path) -> None:
    result = export(runner, SHIPPED, "--format", "json", "-o", str(tmp_path / "nope" / "x.json"))
    assert result.exit_code == 2
    assert "budgetctl:" in result.stderr
