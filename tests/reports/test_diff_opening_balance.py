"""`budgetctl diff` on a real git repository: closing a year opens a balance fund's next year
with what it left unspent, and the diff shows it as a change to that year's adjustments."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetctl.cli import app
from tests.conftest import LEDGERS, git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def test_closing_the_year_opens_the_funds_balance(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    shutil.copytree(LEDGERS / "closed-year" / "data", repo / "data")
    streams = repo / "data" / "streams.yaml"
    closed = "    closed: 2024-06-30\n"
    streams.write_text(streams.read_text().replace(closed, ""))  # the base: 2023/24 still open
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "ledger")
    streams.write_text(
        streams.read_text().replace(
            "    decision: Board 28 March 2023\n", f"    decision: Board 28 March 2023\n{closed}"
        )
    )
    result = CliRunner().invoke(app, ["diff", "HEAD", "--data", str(repo / "data"), "--format", "json"])
    payload = json.loads(result.stdout)
    [year] = payload["years"]
    assert year["year"] == "2024/25"
    [row] = year["streams"]
    assert row["stream"] == "poca-fund"
    assert row["adjustments"] == {"before": "0.00", "after": "13545.68", "change": "13545.68"}
    assert row["revised_budget"]["after"] == "113545.68" and row["budget"]["change"] == "0.00"
