"""A project's agreement (a nested record) is exported whole: an object in JSON, one cell in CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from budgetctl.cli import app

SHIPPED = Path(__file__).resolve().parents[2] / "data"


def test_agreement_is_an_object_with_money_as_text_in_json() -> None:
    result = CliRunner().invoke(app, ["export", "--data", str(SHIPPED), "--year", "2023/24", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = [r for r in json.loads(result.stdout)["rows"] if r["agreement"]]
    assert rows
    agreement = rows[0]["agreement"]
    assert set(agreement) == {"ref", "signed", "committed"}
    assert all(isinstance(v, str) and v.count(".") == 1 for v in agreement["committed"].values())


def test_agreement_is_one_readable_cell_in_csv() -> None:
    result = CliRunner().invoke(app, ["export", "--data", str(SHIPPED), "--year", "2023/24", "--format", "csv"])
    assert result.exit_code == 0, result.output
    cells = [row["agreement"] for row in csv.DictReader(io.StringIO(result.stdout)) if row["agreement"]]
    assert cells and all(c.startswith("ref: ") and "Agreement(" not in c for c in cells)
