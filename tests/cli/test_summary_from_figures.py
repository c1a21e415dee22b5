"""`budgetctl summary` by stream or funding on a warm ledger reads streams.yaml and the figures of
the last whole check of the same ledger content: its output is the full check's, to the penny."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from budgetctl.cli import app
from budgetctl.loading import statindex
from tests.conftest import make_ledger, project_text

STREAMS = """\
streams:
  fund:
    programme: Fund
    funding: Police Grant
    budget:
      2023/24: 1000
  other:
    programme: Other
    funding: Police Grant
    budget:
      2023/24: 500
  zero:
    programme: Zero
    funding: Specific Grant
    budget:
      2024/25: 10
"""


def ledger(tmp_path: Path) -> Path:
    data = make_ledger(
        tmp_path,
        {
            "streams.yaml": STREAMS,
            "projects/fund/a.yaml": project_text("fund", "  2023/24: 600.25\n"),
            "projects/fund/b.yaml": project_text("fund", "  2023/24: 100\n"),
            # An allocation of nothing on a stream without a 2023/24 budget: a row of zeros, and R003/A003.
            "projects/zero/z.yaml": project_text("zero", "  2023/24: 0\n"),
        },
    )
    for path in data.rglob("*.yaml"):
        os.utime(path, ns=(1_600_000_000_000_000_000,) * 2)
    return data


@pytest.fixture(autouse=True)
def _settled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(statindex, "SETTLE_NS", 0)


FORMATS = ["table", "csv", "json", "markdown"]


@pytest.mark.parametrize("by", ["stream", "funding"])
def test_warm_summary_equals_a_full_check(runner, tmp_path: Path, by: str, monkeypatch: pytest.MonkeyPatch) -> None:
    data = ledger(tmp_path)
    full = {
        f: runner.invoke(app, ["summary", "-y", "2023/24", "--by", by, "-f", f, "--data", str(data), "--no-cache"])
        for f in FORMATS
    }
    runner.invoke(app, ["validate", "--data", str(data)])

    def no_projects(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a project was loaded")

    monkeypatch.setattr("budgetctl.loading.build.ProjectEntry", no_projects)
    for f in FORMATS:
        warm = runner.invoke(app, ["summary", "-y", "2023/24", "--by", by, "-f", f, "--data", str(data)])
        assert warm.exit_code == full[f].exit_code == 0, warm.output
        assert warm.stdout == full[f].stdout
        assert warm.stderr == full[f].stderr
    assert "Zero" in full["csv"].stdout  # the stream with an allocation of nothing has its row


def test_an_edit_keeping_size_and_mtime_shows_in_the_warm_summary(runner, tmp_path: Path) -> None:
    data = ledger(tmp_path)
    runner.invoke(app, ["validate", "--data", str(data)])
    target = data / "projects/fund/b.yaml"
    before = target.stat()
    target.write_text(project_text("fund", "  2023/24: 300\n"), encoding="utf-8")  # same size
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    warm = runner.invoke(app, ["summary", "-y", "2023/24", "-f", "csv", "--data", str(data)])
    full = runner.invoke(app, ["summary", "-y", "2023/24", "-f", "csv", "--data", str(data), "--no-cache"])
    assert warm.stdout == full.stdout
    assert "900.25" in warm.stdout


def test_unreliable_totals_are_refused_as_before(runner, tmp_path: Path) -> None:
    data = ledger(tmp_path)
    (data / "projects/fund/c.yaml").write_text(project_text("nowhere", "  2023/24: 1\n"), encoding="utf-8")
    runner.invoke(app, ["validate", "--data", str(data)])
    warm = runner.invoke(app, ["summary", "-y", "2023/24", "--data", str(data)])
    full = runner.invoke(app, ["summary", "-y", "2023/24", "--data", str(data), "--no-cache"])
    assert warm.exit_code == full.exit_code == 1
    assert warm.stderr == full.stderr and "R001" in warm.stderr
