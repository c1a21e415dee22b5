"""``check_ledger``: the library function every command uses, usable without the command line."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from budgetctl.loading.discover import NoLedger
from budgetctl.pipeline import check_ledger
from tests.conftest import SHIPPED, make_ledger


def test_the_shipped_ledger_checks_clean_with_its_files_and_lines() -> None:
    checked = check_ledger(SHIPPED, cache=False)
    assert checked.ledger is not None
    assert checked.problems == []
    # Every file read is counted: streams.yaml, the projects and the year's actuals, adjustments and forecasts.
    assert checked.files is not None and checked.file_count == len(checked.files.every_file())
    first = (SHIPPED / "streams.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert checked.source_line("data/streams.yaml", 1) == first
    assert checked.source_line("data/streams.yaml", 0) is None
    assert checked.source_line("data/no-such-file.yaml", 1) is None


def test_no_ledger_raises_no_ledger(tmp_path: Path) -> None:
    with pytest.raises(NoLedger, match="no ledger found"):
        check_ledger(tmp_path / "nothing")


def test_the_cache_is_kept_only_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    data = make_ledger(
        tmp_path / "ledger",
        {
            "streams.yaml": "streams:\n  s:\n    programme: P\n    funding: F\n    budget:\n      2023/24: 10\n",
            "projects/s/a.yaml": "title: A\nstream: s\nlead: L\nallocations:\n  2023/24: 11\n",
        },
    )
    uncached = check_ledger(data, cache=False)
    assert not (tmp_path / "cache").exists()
    assert [p.code for p in uncached.problems] == ["A001"]
    cached = check_ledger(data)
    assert sorted(p.name for p in (tmp_path / "cache" / "budgetctl").iterdir())
    assert cached.problems == uncached.problems
    # Only the problems wanted, nothing changed: they come from the last whole check.
    again = check_ledger(data, ledger_needed=False)
    assert again.ledger is None and again.problems == uncached.problems


def test_progress_is_asked_for_with_the_number_of_project_files(tmp_path: Path) -> None:
    seen: list[tuple[str, int]] = []

    @contextlib.contextmanager
    def progress(total: int) -> Iterator[Callable[[int], None]]:
        seen.append(("total", total))
        yield lambda done: seen.append(("done", done))

    checked = check_ledger(SHIPPED, cache=False, progress=progress)
    assert checked.files is not None
    projects = len(checked.files.projects)
    assert seen[0] == ("total", projects)
    assert sum(n for what, n in seen if what == "done") == projects
