"""A board paper that summarises Appendix A (more than 200 projects) is built on a warm ledger
from streams.yaml and the last whole check (its figures and snapshot), without loading a
project: byte for byte the paper of a full check, and never that of an older ledger."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from budgetctl.cli import app
from budgetctl.loading import statindex
from budgetctl.reports import board
from tests.conftest import make_ledger

STREAMS = """\
streams:
  fund:
    programme: Fund
    funding: Police Grant
    budget:
      2023/24: 900000
      2024/25: 5000
  other:
    programme: Other
    funding: Specific Grant
    budget:
      2023/24: 50000.50
      2024/25: 5000
  empty:
    programme: Empty
    funding: Main Grant
    budget:
      2023/24: 1000
"""
COUNT = board.LIST_MAX_PROJECTS + 11


def ledger(tmp_path: Path) -> Path:
    files = {"streams.yaml": STREAMS}
    for i in range(COUNT):
        stream = "fund" if i % 3 else "other"
        amount = f"{100 + i}.{i % 100:02d}" if i % 7 == 0 else str(100 + i)
        files[f"projects/{stream}/p{i:03d}.yaml"] = (
            f"title: Project {i}\nstream: {stream}\nlead: L\nallocations:\n  2023/24: {amount}\n  2024/25: 5\n"
        )
    return make_ledger(tmp_path, files)


@pytest.fixture(autouse=True)
def _settled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(statindex, "SETTLE_NS", 0)


def report(runner, data: Path, *args: str, **env: str):  # type: ignore[no-untyped-def]
    result = runner.invoke(
        app, ["report", "--year", "2023/24", "--as-at", "2024-01-02", *args, "--data", str(data)], env=env or None
    )
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize("args", [("--format", "html"), ("--format", "markdown", "--projects", "summary"), ()])
def test_the_warm_paper_is_the_paper_of_a_full_check(runner, tmp_path: Path, args: tuple[str, ...]) -> None:
    data = ledger(tmp_path)
    cold = report(runner, data, *args)  # an empty cache: everything loaded
    assert runner.invoke(app, ["validate", "--data", str(data)]).exit_code == 0
    warm = report(runner, data, *args)
    uncached = report(runner, data, *args, BUDGETCTL_NO_CACHE="1")
    assert cold.stdout == warm.stdout == uncached.stdout
    assert f"{COUNT}" in warm.stdout and "Largest 2023/24" in warm.stdout


def test_the_warm_paper_loads_no_project(runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = ledger(tmp_path)
    runner.invoke(app, ["validate", "--data", str(data)])
    expected = report(runner, data).stdout
    from budgetctl.loading import build

    load_projects = build.load_projects

    def refuse(projects: list, *args: object) -> object:  # type: ignore[type-arg]
        assert not projects, "a project was loaded"
        return load_projects(projects, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(build, "load_projects", refuse)
    assert report(runner, data).stdout == expected


def test_a_changed_project_is_never_reported_from_the_old_check(runner, tmp_path: Path) -> None:
    data = ledger(tmp_path)
    for path in data.rglob("*.yaml"):
        os.utime(path, ns=(1_600_000_000_000_000_000,) * 2)
    runner.invoke(app, ["validate", "--data", str(data)])
    before = report(runner, data).stdout
    # The same size and modification time, another amount: the largest award and the totals change.
    target = data / "projects/fund/p001.yaml"
    stat = target.stat()
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("2023/24: 101", "2023/24: 999"), encoding="utf-8")
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    after = report(runner, data).stdout
    assert after != before
    assert after == report(runner, data, BUDGETCTL_NO_CACHE="1").stdout
