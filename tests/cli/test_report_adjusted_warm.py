"""A board paper of a ledger with adjustments that summarises Appendix A is built on a warm ledger
as one without: from streams.yaml, the adjustments and the last whole check, without loading a
project (the revised budgets and Appendix C need the adjustments alone). Byte for byte the paper
of a full check, through Typer and through the entry point, and never that of an older ledger."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetctl.cli import app
from budgetctl.loading import build, statindex
from budgetctl.loading import cache as file_cache
from budgetctl.reports import board
from tests.conftest import change_keeping_size_and_mtime, make_ledger, project_text, settled
from tests.entrypoint import entry, spy_on_typer

STREAMS = """\
delegations:
  approvers:
    cfo: Chief Finance Officer
  limits:
    virement:
      - {approver: cfo}
    grant-variation:
      - {approver: cfo}
streams:
  fund:
    programme: Fund
    funding: Police Grant
    budget:
      2023/24: 900000
  other:
    programme: Other
    funding: Specific Grant
    budget:
      2023/24: 50000.50
"""
VIREMENT = """\
type: virement
date: 2023-11-02
from:
  stream: fund
to:
  stream: other
amount: 1500.25
reason: Other needs more
approval:
  approver: cfo
  date: 2023-11-06
"""
VARIATION = """\
type: grant-variation
date: 2023-12-01
stream: other
change: increase
amount: 2000
reason: The grantor adds money
approval:
  approver: cfo
  date: 2023-12-04
"""
COUNT = board.LIST_MAX_PROJECTS + 11
ARGS = ("report", "--year", "2023/24", "--as-at", "2024-01-02")


def ledger(tmp_path: Path) -> Path:
    files = {
        "streams.yaml": STREAMS,
        "adjustments/2023-24/virement.yaml": VIREMENT,
        "adjustments/2023-24/variation.yaml": VARIATION,
    }
    for i in range(COUNT):
        stream = "fund" if i % 3 else "other"
        files[f"projects/{stream}/p{i:03d}.yaml"] = project_text(stream, f"  2023/24: {100 + i}\n", f"Project {i}")
    return settled(make_ledger(tmp_path, files))


def full_check(data: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*ARGS, *args, "--data", str(data)], env={"BUDGETCTL_NO_CACHE": "1"})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def no_project_loaded(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many project files each build loaded (a warm paper loads none)."""
    loaded: list[int] = []
    real = build.load_projects

    def counted(projects: list, *args: object, **kwargs: object) -> object:  # type: ignore[type-arg]
        loaded.append(len(projects))
        return real(projects, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build, "load_projects", counted)
    monkeypatch.setattr(statindex, "SETTLE_NS", 0)
    return loaded


@pytest.mark.parametrize("args", [("--format", "html"), ("--format", "markdown")])
def test_the_warm_paper_of_an_adjusted_ledger_is_the_paper_of_a_full_check(
    tmp_path: Path, no_project_loaded: list[int], args: tuple[str, ...]
) -> None:
    data = ledger(tmp_path)
    expected = full_check(data, *args)
    assert expected[0] == 0 and "Appendix C" in expected[1] and "1,500.25" in expected[1]
    assert CliRunner().invoke(app, ["validate", "--data", str(data)]).exit_code == 0
    no_project_loaded.clear()
    warm = CliRunner().invoke(app, [*ARGS, *args, "--data", str(data)])
    assert (warm.exit_code, warm.stdout, warm.stderr) == expected
    assert not any(no_project_loaded)


def test_the_entry_point_reads_streams_yaml_and_the_adjustments_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], no_project_loaded: list[int]
) -> None:
    typer_runs = spy_on_typer(monkeypatch)
    data = ledger(tmp_path)
    for _ in range(2):  # the first keeps the stamp, the second is served by it
        assert entry(monkeypatch, capsys, "validate", "--data", str(data))[0] == 0
    real = file_cache.read_through_index

    def not_discovered(*a: object, **k: object) -> object:
        if not file_cache.disabled_by_env():
            raise AssertionError("the ledger was discovered")
        return real(*a, **k)  # type: ignore[arg-type]

    expected = full_check(data, "-f", "html")
    monkeypatch.setattr(file_cache, "read_through_index", not_discovered)
    no_project_loaded.clear()
    found = entry(monkeypatch, capsys, *ARGS, "-f", "html", "--data", str(data))
    assert not any(no_project_loaded) and typer_runs == []
    assert found == expected


def test_an_adjustment_changed_keeping_size_and_mtime_is_reported_as_it_is_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], no_project_loaded: list[int]
) -> None:
    data = ledger(tmp_path)
    for _ in range(2):
        assert entry(monkeypatch, capsys, "validate", "--data", str(data))[0] == 0
    before = entry(monkeypatch, capsys, *ARGS, "-f", "markdown", "--data", str(data))
    path = data / "adjustments" / "2023-24" / "virement.yaml"
    change_keeping_size_and_mtime(path, path.read_text(encoding="utf-8").replace("1500.25", "1900.25"))
    os.utime(data, ns=(data.stat().st_atime_ns, data.stat().st_mtime_ns))
    after = entry(monkeypatch, capsys, *ARGS, "-f", "markdown", "--data", str(data))
    assert after != before and "1,900.25" in after[1] and "1,500.25" not in after[1]
    assert after == full_check(data, "-f", "markdown")
