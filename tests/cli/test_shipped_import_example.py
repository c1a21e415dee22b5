"""The shipped ledger's import example: `data/imports/` holds a mapping and a small export of
late March postings that the README's walk-through imports into a copy of the ledger."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from budgetctl.cli import app
from tests.conftest import SHIPPED

IMPORT = [
    "import",
    "actuals",
    "data/imports/ap-2024-03-late.csv",
    "--map",
    "data/imports/finance-ap.yaml",
    "--year",
    "2023/24",
]


@pytest.fixture
def ledger(tmp_path, monkeypatch) -> Path:
    shutil.copytree(SHIPPED, tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_dry_run_prints_the_control_totals_and_writes_nothing(runner, ledger) -> None:
    result = runner.invoke(app, [*IMPORT, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        "rows read 4, skipped 1, already in the ledger 0, to add 3",
        "total to add 2,380.40",
        "  victims-services  1,200.00",
        "  violence-reduction-partnership  1,180.40",
        "dry run: nothing written",
    ]
    assert not (ledger / "data/actuals/2023-24/ap-2024-03-late.csv").exists()


def test_the_import_adds_three_rows_that_validate_and_monitor_count(runner, ledger) -> None:
    year_end = ["monitor", "--year", "2023/24", "--as-at", "2024-03-31", "--format", "json"]
    before = Decimal(json.loads(runner.invoke(app, year_end).stdout)["total"]["actual"])
    assert runner.invoke(app, IMPORT).exit_code == 0
    assert (ledger / "data/actuals/2023-24/ap-2024-03-late.csv").read_text().count("\n") == 4  # header, 3 rows
    checked = runner.invoke(app, ["validate"])
    assert checked.exit_code == 0  # one warning: isva-service's year now ends 2,450.00 above its allocation
    assert "M003 warning: actual spend on 'isva-service' in 2023/24 is £1,292,450.00" in checked.stdout
    assert Decimal(json.loads(runner.invoke(app, year_end).stdout)["total"]["actual"]) - before == Decimal("2380.40")
    again = runner.invoke(app, IMPORT)
    assert "already in the ledger 3, to add 0" in again.stdout and "nothing written" in again.stdout


def test_the_shipped_ledger_validates_with_the_example_beside_it(runner, ledger) -> None:
    # imports/ holds raw exports and mappings: never read as ledger files.
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0 and result.stdout == "no problems in 160 files\n"
