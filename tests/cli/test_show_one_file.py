"""`budgetctl show ID` on a warm ledger reads streams.yaml and the project's file only, and its
output and problems are those of a full check of the same ledger content."""

from __future__ import annotations

import json
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
      2024/25: 1000
  other:
    programme: Other
    funding: Specific Grant
    budget:
      2024/25: 500
"""


def ledger(tmp_path: Path) -> Path:
    return make_ledger(
        tmp_path,
        {
            "streams.yaml": STREAMS,
            # fund is over-allocated in 2023/24 (A001, in streams.yaml); d allocates nothing (A003, in d.yaml).
            "projects/fund/a.yaml": project_text("fund", "  2023/24: 600\n  2024/25: 100\n"),
            "projects/fund/d.yaml": project_text("fund", "  2024/25: 0\n"),
            "projects/fund/b.yaml": project_text("fund", "  2023/24: 500\n  2024/25: 250.5\n"),
            "projects/other/c.yaml": project_text("other", "  2024/25: 400\n"),
        },
    )


@pytest.fixture(autouse=True)
def _settled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(statindex, "SETTLE_NS", 0)


def both(runner, data: Path, *args: str):  # type: ignore[no-untyped-def]
    """``show`` on a cold cache (a full check), then warm (served from one file), then without a cache."""
    runs = [runner.invoke(app, ["show", *args, "--data", str(data)]) for _ in range(2)]
    runs.append(runner.invoke(app, ["show", *args, "--data", str(data)], env={"BUDGETCTL_NO_CACHE": "1"}))
    return runs


def test_warm_show_equals_a_full_check(runner, tmp_path: Path) -> None:
    data = ledger(tmp_path)
    assert runner.invoke(app, ["validate", "--data", str(data)]).exit_code == 1  # fills the cache
    for args in (("a",), ("a", "--format", "json"), ("c",)):
        cold, warm, uncached = both(runner, data, *args)
        assert cold.exit_code == warm.exit_code == uncached.exit_code == 0
        assert cold.stdout == warm.stdout == uncached.stdout
        assert cold.stderr == warm.stderr == uncached.stderr
    payload = json.loads(both(runner, data, "a", "--format", "json")[1].stdout)
    assert payload["allocations"][0]["stream_allocated"] == "1100.00"  # a and b, from the whole ledger


def test_warm_show_checks_no_other_file(runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = ledger(tmp_path)
    runner.invoke(app, ["validate", "--data", str(data)])
    expected = runner.invoke(app, ["show", "a", "--data", str(data)])

    def no_full_check(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("show loaded the whole ledger")

    monkeypatch.setattr("budgetctl.cli.options.load", no_full_check)
    monkeypatch.setattr("budgetctl.loading.parallel.check_project", no_full_check)  # nor checked a project again
    warm = runner.invoke(app, ["show", "a", "--data", str(data)])
    assert warm.exit_code == 0, warm.output
    assert warm.stdout == expected.stdout


def test_show_reports_the_problems_of_its_two_files_only(runner, tmp_path: Path) -> None:
    data = ledger(tmp_path)
    runner.invoke(app, ["validate", "--data", str(data)])
    warm = both(runner, data, "d")[1]
    assert "data/projects/fund/d.yaml:5:3: A003 warning:" in warm.stderr
    assert "data/streams.yaml:6:16: A001 " in warm.stderr
    other = both(runner, data, "a")[1]
    assert "A003" not in other.stderr  # d's warning is not a's
    assert "data/streams.yaml:6:16: A001 " in other.stderr  # streams.yaml is one of a's two files


def test_an_edit_elsewhere_keeping_size_and_mtime_changes_the_stream_figures(runner, tmp_path: Path) -> None:
    data = ledger(tmp_path)
    for path in data.rglob("*.yaml"):
        os.utime(path, ns=(1_600_000_000_000_000_000,) * 2)
    runner.invoke(app, ["validate", "--data", str(data)])
    runner.invoke(app, ["show", "a", "--data", str(data)])
    target = data / "projects/fund/b.yaml"
    before = target.stat()
    target.write_text(project_text("fund", "  2023/24: 100\n  2024/25: 250.5\n"), encoding="utf-8")  # same size
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    shown = json.loads(runner.invoke(app, ["show", "a", "--format", "json", "--data", str(data)]).stdout)
    assert shown["allocations"][0]["stream_allocated"] == "700.00"


def test_a_duplicate_id_is_shown_as_a_full_check_shows_it(runner, tmp_path: Path) -> None:
    data = ledger(tmp_path)
    (data / "projects/other/a.yaml").write_text(project_text("other", "  2024/25: 1\n"), encoding="utf-8")
    runner.invoke(app, ["validate", "--data", str(data)])
    cold, warm, uncached = both(runner, data, "a")
    assert cold.stdout == warm.stdout == uncached.stdout
    assert "R004" in warm.stderr
