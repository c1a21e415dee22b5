"""`budgetctl diff` on the year's files: actuals added per stream and month, forecast and RAG changes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetctl.cli import app
from tests.conftest import LEDGERS, git

HEADER = "date,project,kind,amount,reference,supplier,description\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository holding the in-year fixture ledger up to q1, with the q2 forecast uncommitted."""
    root = tmp_path / "repo"
    shutil.copytree(LEDGERS / "in-year" / "data", root / "data")
    q2 = (root / "data/forecasts/2023-24/q2.yaml").read_bytes()
    (root / "data/forecasts/2023-24/q2.yaml").unlink()
    (root / "data/forecasts/2023-24/q3.yaml").unlink()
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "q1")
    (root / "data/forecasts/2023-24/q2.yaml").write_bytes(q2)
    return root


def run(repo: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["diff", "main", *args, "--data", str(repo / "data")])
    return result.exit_code, result.stdout


def test_a_q2_forecast_shows_forecast_and_rag_changes(repo: Path) -> None:
    code, out = run(repo, "--format", "json")
    assert code == 0
    payload = json.loads(out)
    changes = {f["stream"]: f for f in payload["in_year"]["forecasts"]}
    victims = changes["victims-services"]
    assert victims["as_at"] == "2023-09-30"
    assert (victims["rag"]["before"], victims["rag"]["after"]) == ("green", "red")
    assert victims["forecast"] == {"before": "6459872.40", "after": "6574872.40"}
    assert payload["in_year"]["actuals"] == []
    assert "victims-services green→red" in payload["headline"]


def test_imported_rows_show_per_stream_and_month(repo: Path) -> None:
    (repo / "data/actuals/2023-24/late.csv").write_text(
        HEADER
        + "2023-09-28,isva-service,payment,100.00,LATE-1,,\n"
        + "2023-09-29,isva-service,credit,30.00,LATE-2,,\n"
        + "2023-10-02,custody-navigators,payment,5.50,LATE-3,,\n"
    )
    code, out = run(repo, "--format", "json")
    assert code == 0
    actuals = json.loads(out)["in_year"]["actuals"]
    assert actuals == [
        {
            "stream": "victims-services",
            "month": "2023-09",
            "added_rows": 2,
            "added": "70.00",
            "removed_rows": 0,
            "removed": "0.00",
        },
        {
            "stream": "violence-reduction-partnership",
            "month": "2023-10",
            "added_rows": 1,
            "added": "5.50",
            "removed_rows": 0,
            "removed": "0.00",
        },
    ]
    _, text = run(repo)
    assert "victims-services 2023-09: 2 rows added, +£70.00" in text
    _, markdown = run(repo, "--format", "markdown")
    assert "#### Actuals" in markdown and "#### Forecasts and RAG" in markdown


def test_no_in_year_change_adds_nothing(repo: Path) -> None:
    (repo / "data/forecasts/2023-24/q2.yaml").unlink()
    code, out = run(repo, "--format", "json")
    assert code == 0
    payload = json.loads(out)
    assert payload["in_year"] == {"actuals": [], "forecasts": []}
    assert payload["headline"] == "No changes to the ledger."
