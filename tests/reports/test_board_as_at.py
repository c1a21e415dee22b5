"""The board paper says when it was made and from which revision, and says OVER in words."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetctl.cli import app
from tests.conftest import GIT_ENV, LEDGERS, SHIPPED


def report(data: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["report", "--data", str(data), "--year", "2023/24", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_paper_names_its_date_and_the_ledger_commit(tmp_path: Path) -> None:
    shutil.copytree(SHIPPED, tmp_path / "data")
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=tmp_path, env=GIT_ENV, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, env=GIT_ENV, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "ledger"], cwd=tmp_path, env=GIT_ENV, check=True)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=tmp_path, env=GIT_ENV, capture_output=True, text=True
    ).stdout.strip()
    (tmp_path / "notes.md").write_text("beside the ledger, not in it\n", encoding="utf-8")
    out = report(tmp_path / "data", "--as-at", "2023-03-28")
    assert f"*As at 28 March 2023 · ledger commit {commit}*" in out.splitlines()
    (tmp_path / "data" / "notes.md").write_text("an uncommitted note\n", encoding="utf-8")
    html = report(tmp_path / "data", "--as-at", "2023-03-28", "--format", "html")
    assert f'<p class="asat">As at 28 March 2023 · ledger commit {commit} (with changes not yet committed)</p>' in html


def test_outside_git_and_the_reproducible_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(SHIPPED, tmp_path / "data")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1680000000")  # 28 March 2023, 10:40 UTC
    assert "*As at 28 March 2023 · ledger not in a git repository*" in report(tmp_path / "data").splitlines()
    result = CliRunner().invoke(app, ["report", "--data", str(tmp_path / "data"), "--as-at", "28/03/2023"])
    assert result.exit_code == 2 and "write a date as YYYY-MM-DD" in result.stderr


def test_an_over_allocated_row_says_over_in_words_in_html() -> None:
    html = report(LEDGERS / "over-allocated" / "data", "--format", "html", "--as-at", "2023-03-28")
    row = next(part for part in html.split("<tr") if "Small Grants" in part and "125.0%" in part)
    assert "125.0% <strong>OVER</strong>" in row
    assert "<strong>OVER</strong>" not in html.split("Victims Services", 1)[1].split("</tr>", 1)[0]


def test_chart_labels_agree_with_the_table() -> None:
    html = report(SHIPPED, "--format", "html", "--as-at", "2023-03-28")
    chart = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    # Helping Communities Fund: the table says 395,000.50 and 98.8%, and so does the chart (budgets
    # have pence throughout because a revised budget has pence).
    assert "£395,000.50 (98.8%)" in chart and "£400,000.00<" in chart
    assert '<div class="wide"><table class="funding">' in html and "@media screen and (max-width: 40em)" in html
    over = report(LEDGERS / "over-allocated" / "data", "--format", "html", "--as-at", "2023-03-28")
    assert "£12,500.25 (125.0% OVER)" in over.split("<svg", 1)[1]


def test_money_is_written_one_way_throughout_the_paper() -> None:
    paper = report(SHIPPED, "--as-at", "2023-03-28")
    # Community Safety: the table's Unallocated cell and the appendix sentence agree.
    row = (
        "| Community Safety | Police Grant | 3,954,765.00 | -120,000.00 | 3,834,765.00 | 3,815,500.00 | 19,265.00 "
        "| 99.5% |"
    )
    assert row in paper
    assert "Revised budget £3,834,765.00 (approved £3,954,765.00); £19,265.00 unallocated." in paper
    assert "| **Subtotal** |  |  |  | **3,815,500.00** |" in paper
    assert "is £17,175,399.00 across 5 funding streams." in paper and "£17,325,360.40 (99.1%)" in paper
