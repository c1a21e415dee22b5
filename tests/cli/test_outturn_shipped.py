"""The shipped ledger closed in a copy: its twelve months of actuals give the 2023/24 outturn,
the board's paragraph-4 budget column does not move, and the Helping Communities Fund's
unspent money opens 2024/25."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from budgetctl.cli import app


@pytest.fixture
def closed_copy(ledger_copy: Path) -> Path:
    streams = ledger_copy / "streams.yaml"
    text = streams.read_text()
    assert "    decision: SPCB 28 March 2023\n" in text
    streams.write_text(
        text.replace("    decision: SPCB 28 March 2023\n", "    decision: SPCB 28 March 2023\n    closed: 2024-06-30\n")
    )
    return ledger_copy


def test_validate_stays_clean_and_the_budget_column_stays(runner, closed_copy) -> None:
    assert runner.invoke(app, ["validate", "--data", str(closed_copy)]).exit_code == 0
    result = runner.invoke(app, ["summary", "--data", str(closed_copy), "--year", "2023/24", "--format", "json"])
    assert json.loads(result.stdout)["total"]["budget"] == "17175399.00"


def test_the_outturn_fits_the_terminal_and_splits_the_unspent_money(runner, closed_copy, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    text = runner.invoke(app, ["monitor", "--data", str(closed_copy), "--year", "2023/24"]).stdout
    header = next(line for line in text.splitlines() if line.startswith("Programme"))
    assert header.rstrip().endswith("To balance £") and len(header.rstrip()) <= 120
    payload = json.loads(
        runner.invoke(app, ["monitor", "--data", str(closed_copy), "--year", "2023/24", "--format", "json"]).stdout
    )
    rows = {r["stream"]: r for r in payload["rows"]}
    assert rows["helping-communities-fund"]["to_balance"] == "5412.00"  # 400,000.00 - 394,588.00
    assert (rows["community-safety-fund"]["to_carry"], rows["community-safety-fund"]["to_return"]) == (
        "40000.00",
        "19265.00",
    )
    total = payload["total"]
    assert Decimal(total["unspent"]) - Decimal(total["overspend"]) == Decimal(total["revised_budget"]) - Decimal(
        total["actual"]
    )
    summary = runner.invoke(app, ["summary", "--data", str(closed_copy), "--year", "2024/25", "--format", "json"])
    fund = next(r for r in json.loads(summary.stdout)["rows"] if r["stream"] == "helping-communities-fund")
    assert (fund["budget"], fund["adjustments"]) == ("400000.00", "5412.00")
