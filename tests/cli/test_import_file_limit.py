"""`import actuals` never writes an actuals file that validate would refuse for its size (Y015)."""

from __future__ import annotations

import shutil
from pathlib import Path

from budgetctl.cli import app
from budgetctl.edit import import_actuals
from tests.conftest import LEDGERS

FIXTURE = LEDGERS / "in-year"


def test_an_import_that_would_pass_the_file_limit_is_refused_and_writes_nothing(
    runner, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    shutil.copytree(FIXTURE / "data", tmp_path / "data")
    shutil.copytree(FIXTURE / "exports", tmp_path / "exports")
    monkeypatch.chdir(tmp_path)
    # The three rows of this export make a file of about 400 bytes; a limit of 300 stands in
    # for the real 5,000,000 without writing megabytes.
    monkeypatch.setattr(import_actuals, "MAX_FILE_BYTES", 300)
    args = ["import", "actuals", "exports/ap-2024-03-late.csv", "--map", "data/imports/finance-ap.yaml"]
    result = runner.invoke(app, [*args, "--year", "2023/24"])
    assert result.exit_code == 2
    assert "data/actuals/2023-24/ap-2024-03-late.csv would be " in result.stderr
    assert "over the limit of 300 for a ledger file; split the export (a month to a file)" in result.stderr
    assert not (tmp_path / "data/actuals/2023-24/ap-2024-03-late.csv").exists()
    assert not (tmp_path / "data/imports/receipts/ap-2024-03-late.yaml").exists()
