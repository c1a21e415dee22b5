"""A whole check that keeps no project record (``pipeline.check_compact``, what ``validate`` runs)
finds exactly what the check that builds the whole ledger finds: the same problems in the same
order, file count and completeness, and it keeps the same cache, check, summary, monitoring and
snapshot files. Over the test ledgers, the shipped one, the hostile corpus as ledgers, generated
ledgers broken in known ways, with worker processes sending frames of three files, and with a
worker that dies or sends garbage."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from budgetctl import pipeline
from budgetctl.loading import parallel
from budgetctl.loading.cache import FileCache
from budgetctl.loading.discover import read_ledger
from tests.conftest import LEDGERS, SHIPPED
from tests.loading.test_cache import BREAKS, make
from tests.loading.test_hostile import CASES, write_ledger


def _checked(root: Path, *, compact: bool, cache: FileCache | None = None) -> tuple[object, ...]:
    taken: list[bool] = []
    real = pipeline.check_compact

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        found = real(*args, **kwargs)
        taken.append(found is not None)
        return found

    pipeline.check_compact = spy  # type: ignore[assignment]
    try:
        # The compact check reads as validate does: the project files' bytes read again a frame at a time.
        checked = pipeline.check_files(read_ledger(root, lean=compact), cache=cache, ledger_needed=not compact)
    finally:
        pipeline.check_compact = real  # type: ignore[assignment]
    assert compact or not taken  # the whole ledger was built
    quoted = [checked.source_line(p.file, p.line) for p in checked.problems]  # read again when released
    return checked.problems, checked.file_count, checked.incomplete, quoted, taken


def assert_same(root: Path) -> bool:
    """Both checks agree without a cache; True when the compact one applied."""
    *whole, _ = _checked(root, compact=False)
    *compact, taken = _checked(root, compact=True)
    assert compact == whole
    return taken == [True]


def _kept(folder: Path) -> dict[str, object]:
    """Every file a check kept in the cache folder, by suffix; the snapshot without its random id;
    nothing else (no temporary file left)."""
    found: dict[str, object] = {}
    for path in sorted(folder.iterdir()):
        data = path.read_bytes()
        suffix = path.name.split(".", 1)[1]
        if suffix == "jsonl":  # the same header and entries (written as made: in another order)
            header, *lines = data.split(b"\n")
            found[suffix] = [header, sorted(lines)]
        elif suffix == "snap":
            lines = data.split(b"\n")
            head = json.loads(lines[1])
            head.pop("id")
            found[suffix] = [lines[0], head, *lines[2:]]
        else:
            found[suffix] = data
    return found


def ledgers(tmp_path: Path) -> list[Path]:
    found = [SHIPPED, *(p / "data" for p in sorted(LEDGERS.iterdir()))]
    for name, breaks in BREAKS.items():
        folder = tmp_path / f"generated-{name}"
        folder.mkdir()
        found.append(make(folder, 24, breaks))
    return found


def test_the_same_problems_as_the_whole_ledger(tmp_path: Path) -> None:
    applied = [assert_same(root) for root in ledgers(tmp_path)]
    assert sum(applied) >= len(BREAKS)  # the generated ones at least; in-year ledgers are checked whole


def test_lines_quoted_under_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BUDGETCTL_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = make(tmp_path, 24, BREAKS["many"])
    monkeypatch.chdir(root.parent)  # paths shown from here: data/projects/...
    checked = pipeline.check_files(read_ledger(root, lean=True), cache=FileCache.open(root), ledger_needed=False)
    in_projects = [p for p in checked.problems if "/projects/" in p.file and p.line > 0]
    for p in in_projects:
        lines = (root.parent / p.file).read_bytes().decode("utf-8", "replace").splitlines()
        assert checked.source_line(p.file, p.line) == (lines[p.line - 1] if p.line <= len(lines) else None)
    assert sum(checked.source_line(p.file, p.line) is not None for p in in_projects) > 3


def test_the_hostile_corpus_as_ledgers(tmp_path: Path) -> None:
    applied = 0
    for number, case in enumerate(CASES):
        root = write_ledger(tmp_path / f"case-{number}", case.files)
        applied += assert_same(root)
    assert applied > len(CASES) // 2


def test_the_same_files_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BUDGETCTL_NO_CACHE", raising=False)
    monkeypatch.delenv("CI", raising=False)
    for number, root in enumerate(ledgers(tmp_path)):
        kept = []
        for compact in (False, True):
            home = tmp_path / f"cache-{number}-{compact}"
            monkeypatch.setenv("XDG_CACHE_HOME", str(home))
            cache = FileCache.open(root)
            assert cache is not None
            found = _checked(root, compact=compact, cache=cache)
            cache.save()
            kept.append((found[:4], _kept(home / "budgetctl")))
        assert kept[0] == kept[1], root


@pytest.fixture
def frames_of_three(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(parallel, "FRAME_FILES", 3)
    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("one CPU: no worker is started")


def test_with_workers_sending_frames(tmp_path: Path, frames_of_three: None) -> None:
    for name in ("many", "valid", "over-allocated"):
        folder = tmp_path / name
        folder.mkdir()
        assert assert_same(make(folder, 40, BREAKS[name]))


def test_workers_append_the_same_entries(
    tmp_path: Path, frames_of_three: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each process appends its frames' entry lines to the one file the parent then puts in place.
    monkeypatch.delenv("BUDGETCTL_NO_CACHE", raising=False)
    monkeypatch.delenv("CI", raising=False)
    root = make(tmp_path, 40, BREAKS["many"])
    kept = []
    for compact in (False, True):
        home = tmp_path / f"cache-{compact}"
        monkeypatch.setenv("XDG_CACHE_HOME", str(home))
        cache = FileCache.open(root)
        assert cache is not None
        found = _checked(root, compact=compact, cache=cache)
        cache.save()
        kept.append((found[:4], _kept(home / "budgetctl")))
    assert kept[0] == kept[1]
    lines = [line for line in kept[1][1]["jsonl"][1] if line]  # type: ignore[index]
    assert len(lines) == 41  # every file's entry, once


@pytest.mark.parametrize("failure", ["dies", "sends garbage"])
def test_a_failing_worker_costs_time_not_results(
    failure: str, tmp_path: Path, frames_of_three: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make(tmp_path, 40, BREAKS["many"])
    *whole, _ = _checked(root, compact=False)
    parent = os.getpid()
    real = parallel.check_project
    done = [0]

    def failing(raw):  # type: ignore[no-untyped-def]
        if os.getpid() == parent:
            return real(raw)
        done[0] += 1
        if done[0] <= 7:  # two whole frames and part of a third, then the failure
            return real(raw)
        if failure == "dies":
            os._exit(3)
        return "garbage"

    monkeypatch.setattr(parallel, "check_project", failing)
    *compact, taken = _checked(root, compact=True)
    assert compact == whole and taken == [True]
