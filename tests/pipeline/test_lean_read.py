"""``validate``'s read of a ledger without actuals or forecasts keeps no project file's bytes
(``discover.read_ledger(lean=True)``): each file is hashed, then read again when checked, a
frame at a time, and dropped after. A file changed between the two reads is refused (the
run stops with "changed while budgetctl was reading"), never checked under the old content
key: with and without worker processes, and when the change keeps the size and the mtime; so
is a file replaced by a link or a pipe."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from budgetctl import pipeline
from budgetctl.loading import parallel
from budgetctl.loading.cache import FileCache
from budgetctl.loading.discover import Unkept, read_ledger
from budgetctl.model.source import FileChanged
from tests.loading.test_cache import BREAKS, make


def test_project_bytes_are_hashed_and_not_kept(tmp_path: Path) -> None:
    root = make(tmp_path, 24, BREAKS["many"])
    files = read_ledger(root, lean=True)
    assert files.streams is not None and files.streams.was_read  # streams.yaml is read once, kept
    assert files.projects and all(type(raw) is Unkept and not raw.was_read for raw in files.projects)
    for raw in files.projects:
        data = (root / raw.path.split("/", 1)[1]).read_bytes()
        assert raw.digest == hashlib.sha256(data).hexdigest()
        assert raw.data == data and raw.was_read
        raw.release()
        assert not raw.was_read and raw.data == data
    kept = read_ledger(root)
    assert [(r.path, r.digest) for r in kept.projects] == [(r.path, r.digest) for r in files.projects]
    assert kept.problems == files.problems


def test_a_ledger_with_actuals_keeps_its_bytes(tmp_path: Path) -> None:
    root = make(tmp_path, 24, BREAKS["many"])
    year = root / "actuals" / "2024-25"
    year.mkdir(parents=True)
    (year / "ledger.csv").write_text("date,stream,project,kind,amount,reference\n", encoding="utf-8")
    files = read_ledger(root, lean=True)
    assert files.in_year.get("actuals")  # the whole check reads it: every file's bytes are kept
    assert all(raw.was_read for raw in files.projects)


def _same_size_other_bytes(path: Path) -> None:
    """Change one character of the file, keeping its size and its mtime."""
    before = path.stat()
    data = bytearray(path.read_bytes())
    at = data.index(b"stream")
    data[at : at + 6] = b"STREAM"
    path.write_bytes(bytes(data))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns


@pytest.mark.parametrize("workers", [False, True])
@pytest.mark.parametrize("cached", [False, True])
def test_a_file_changed_after_discovery_is_refused(
    workers: bool, cached: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BUDGETCTL_NO_CACHE", raising=False)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    if workers:
        if len(os.sched_getaffinity(0)) < 2:
            pytest.skip("one CPU: no worker is started")
        monkeypatch.setattr(parallel, "PARALLEL_MIN_FILES", 1)
        monkeypatch.setattr(parallel, "FRAME_FILES", 3)
    root = make(tmp_path, 30, BREAKS["valid"])
    before = pipeline.check_files(read_ledger(root), ledger_needed=True)
    files = read_ledger(root, lean=True)
    last = sorted((root / "projects").rglob("*.yaml"))[-1]  # in the last worker's share
    _same_size_other_bytes(last)
    cache = FileCache.open(root) if cached else None
    with pytest.raises(FileChanged, match="changed while budgetctl was reading"):
        pipeline.check_files(files, cache=cache, ledger_needed=False)
    assert not any(p.file.endswith(last.name) for p in before.problems)
    # Read again, the ledger is checked as it is now: the changed file's problem is found.
    again = pipeline.check_files(read_ledger(root, lean=True), cache=cache, ledger_needed=False)
    assert any(p.file.endswith(last.name) for p in again.problems)
    whole = pipeline.check_files(read_ledger(root), ledger_needed=True)
    assert again.problems == whole.problems


def test_a_file_replaced_by_a_link_after_discovery_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make(tmp_path, 5, BREAKS["valid"])
    files = read_ledger(root, lean=True)
    target = sorted((root / "projects").rglob("*.yaml"))[0]
    elsewhere = tmp_path / "elsewhere.yaml"
    elsewhere.write_bytes(target.read_bytes())
    target.unlink()
    target.symlink_to(elsewhere)  # the same bytes, through a link: never followed
    with pytest.raises(FileChanged):
        pipeline.check_files(files, ledger_needed=False)


def test_a_file_replaced_by_a_pipe_after_discovery_is_refused(tmp_path: Path) -> None:
    root = make(tmp_path, 5, BREAKS["valid"])
    files = read_ledger(root, lean=True)
    target = sorted((root / "projects").rglob("*.yaml"))[0]
    target.unlink()
    os.mkfifo(target)  # opening it must not wait for a writer
    with pytest.raises(FileChanged):
        pipeline.check_files(files, ledger_needed=False)
