"""Narrow terminals: every amount printed whole and every row labelled, at 60 to 140 columns.

Golden files at 60, 80, 100 and 120 columns for summary, show, projects and diff;
and a sweep over widths checking each amount of the JSON output appears whole.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetctl.cli import app
from budgetctl.model.money import format_pounds
from tests.conftest import GIT_ENV, SHIPPED

WIDTHS = (60, 80, 100, 120)
IDVA = "data/projects/victims-services/idva-service.yaml"


def run(monkeypatch: pytest.MonkeyPatch, width: int, *args: str) -> str:
    monkeypatch.setenv("COLUMNS", str(width))
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def assert_fits(out: str, width: int) -> None:
    assert "…" not in out
    for line in out.splitlines():
        # A path may run on (the terminal wraps it; cutting it would break copying).
        if "/" not in line:
            assert len(line.rstrip()) <= width, line


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The shipped ledger committed, then idva-service raised by £25,000 in the working tree."""
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, env=GIT_ENV, check=True)
    shutil.copytree(SHIPPED, root / "data")
    subprocess.run(["git", "add", "-A"], cwd=root, env=GIT_ENV, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "ledger"], cwd=root, env=GIT_ENV, check=True)
    path = root / IDVA
    path.write_text(path.read_text(encoding="utf-8").replace("2023/24: 1275000", "2023/24: 1300000"), "utf-8")
    return root


@pytest.mark.parametrize("width", WIDTHS)
def test_summary_golden(width: int, monkeypatch: pytest.MonkeyPatch, golden) -> None:  # type: ignore[no-untyped-def]
    out = run(monkeypatch, width, "summary", "--year", "2023/24", "--data", str(SHIPPED))
    assert_fits(out, width)
    golden(f"widths/summary-{width}.txt", out)


@pytest.mark.parametrize("width", WIDTHS)
def test_show_golden(width: int, monkeypatch: pytest.MonkeyPatch, golden) -> None:  # type: ignore[no-untyped-def]
    out = run(monkeypatch, width, "show", "idva-service", "--data", str(SHIPPED))
    assert_fits(out, width)
    assert "2023/24" in out and "1,275,000.00" in out and "19.1%" in out  # of the revised budget
    golden(f"widths/show-{width}.txt", out)


@pytest.mark.parametrize("width", WIDTHS)
def test_projects_golden(width: int, monkeypatch: pytest.MonkeyPatch, golden) -> None:  # type: ignore[no-untyped-def]
    args = ["projects", "--year", "2023/24", "--stream", "victims-services", "--data", str(SHIPPED)]
    out = run(monkeypatch, width, *args)
    assert_fits(out, width)
    golden(f"widths/projects-{width}.txt", out)


@pytest.mark.parametrize("width", WIDTHS)
def test_diff_golden(width: int, repo: Path, monkeypatch: pytest.MonkeyPatch, golden) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(repo)
    out = run(monkeypatch, width, "diff", "HEAD")
    assert_fits(out, width)
    for amount in ("+£25,000.00", "-£25,000.00", "£17,175,399.00", "£17,350,360.40", "£1,300,000.00"):
        assert amount in out
    golden(f"widths/diff-{width}.txt", out)  # the commit id is fixed by GIT_ENV's dates


@pytest.mark.parametrize("width", range(60, 141, 9))
def test_every_amount_whole_at_any_width(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = json.loads(run(monkeypatch, 200, "summary", "--format", "json", "--data", str(SHIPPED)))
    projects = json.loads(run(monkeypatch, 200, "projects", "--format", "json", "--data", str(SHIPPED)))
    out = run(monkeypatch, width, "summary", "--data", str(SHIPPED))
    assert_fits(out, width)
    for row in [*summary["rows"], summary["total"]]:
        for key in ("budget", "allocated", "unallocated"):
            assert format_pounds(Decimal(row[key])) in out
    for by in ("funding", "priority"):
        assert_fits(run(monkeypatch, width, "summary", "--by", by, "--data", str(SHIPPED)), width)
    out = run(monkeypatch, width, "projects", "--data", str(SHIPPED))
    assert_fits(out, width)
    for row in projects["rows"]:
        assert format_pounds(Decimal(row["total"])) in out


def test_over_allocated_row_says_over_when_stacked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from tests.conftest import LEDGERS

    out = run(monkeypatch, 60, "summary", "--year", "2023/24", "--data", str(LEDGERS / "over-allocated" / "data"))
    assert " OVER" in out
    assert_fits(out, 60)
