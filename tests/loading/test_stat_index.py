"""The stat-keyed index: a warm run reads no unchanged file, and no shortcut can lie.

Every file it vouches for has the stat entry it had when its bytes were hashed,
had settled before that run, and is older than the index itself (git's racy-clean
rule); anything else is read and hashed again.
"""

from __future__ import annotations

import json
import marshal
import os
from pathlib import Path

import pytest

from budgetctl.cli import app
from budgetctl.loading import statindex
from budgetctl.loading.cache import FileCache
from budgetctl.loading.discover import FileChanged, RawFile, digest, read_ledger
from tests.conftest import make_ledger

STREAMS = """\
streams:
  fund:
    programme: Fund
    funding: Police Grant
    budget:
      2023/24: 1000
"""
PAST = 1_600_000_000_000_000_000  # 2020: settled long ago


def project(amount: str) -> str:
    return f"title: A\nstream: fund\nlead: L\nallocations:\n  2023/24: {amount}\n"


def ledger(tmp_path: Path) -> Path:
    data = make_ledger(
        tmp_path,
        {"streams.yaml": STREAMS, "projects/fund/a.yaml": project("100"), "projects/fund/b.yaml": project("200")},
    )
    for path in data.rglob("*.yaml"):
        os.utime(path, ns=(PAST, PAST))
    return data


@pytest.fixture
def settle_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written by the test (ctime: just now) count as settled; the racy rule still applies."""
    monkeypatch.setattr(statindex, "SETTLE_NS", 0)


def index_for(data: Path) -> statindex.StatIndex:
    cache = FileCache.open(data)
    assert cache is not None
    return cache.stat_index()


def read(data: Path) -> tuple[dict[str, RawFile], statindex.StatIndex]:
    index = index_for(data)
    files = read_ledger(data, index)
    index.save()
    return {f.path: f for f in files.every_file()}, index


def test_a_warm_read_reads_no_unchanged_file_and_keys_it_by_content(tmp_path: Path, settle_now: None) -> None:
    data = ledger(tmp_path)
    first, _ = read(data)
    assert all(f.was_read for f in first.values())
    second, index = read(data)
    assert index.hits == 3
    assert not any(f.was_read for f in second.values())
    for path, raw in second.items():
        assert raw.digest == first[path].digest == digest((data.parent / path).read_bytes())
        assert raw.data == first[path].data  # read on first use, checked against its key


def test_a_file_changed_keeping_its_size_and_mtime_is_read_again(tmp_path: Path, settle_now: None) -> None:
    data = ledger(tmp_path)
    read(data)
    target = data / "projects/fund/a.yaml"
    before = target.stat()
    target.write_text(project("900"), encoding="utf-8")  # same size
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = target.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    files, index = read(data)
    assert index.hits == 2
    raw = files["data/projects/fund/a.yaml"]
    assert raw.was_read and b"900" in raw.data


def test_a_racily_clean_entry_is_hashed_again(tmp_path: Path, settle_now: None) -> None:
    """An entry whose file is not older than the index itself is not trusted (git's rule)."""
    data = ledger(tmp_path)
    read(data)
    index = index_for(data)
    assert index.path is not None
    os.utime(index.path, ns=(PAST, PAST))  # the index now looks as old as the files
    files, index = read(data)
    assert index.hits == 0
    assert all(f.was_read for f in files.values())


def test_a_file_written_just_before_a_run_is_not_vouched_for_by_it(tmp_path: Path) -> None:
    data = ledger(tmp_path)  # utime made every ctime "now": nothing has settled
    read(data)
    files, index = read(data)
    assert index.hits == 0 and all(f.was_read for f in files.values())


@pytest.mark.parametrize("damage", ["key", "truncated", "shape"])
def test_a_damaged_index_vouches_for_nothing(tmp_path: Path, settle_now: None, damage: str) -> None:
    data = ledger(tmp_path)
    read(data)
    index = index_for(data)
    assert index.path is not None
    stored = index.path.read_bytes()
    form, entries = marshal.loads(stored)
    assert set(entries) == {"data/streams.yaml", "data/projects/fund/a.yaml", "data/projects/fund/b.yaml"}
    key, *stats = entries["data/streams.yaml"]
    if damage == "key":
        entries["data/streams.yaml"] = ("zzz" + key[3:], *stats)  # its content key is no longer hex
        stored = marshal.dumps((form, entries))
    elif damage == "truncated":
        stored = stored[:-7]
    else:
        entries["data/streams.yaml"] = (key, *stats[:-1])  # a field short
        stored = marshal.dumps((form, entries))
    index.path.write_bytes(stored)
    files, index = read(data)
    assert index.hits == 0
    assert all(f.was_read for f in files.values())


def test_bytes_read_late_must_match_the_key_they_were_vouched_with(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(project("100"))
    assert RawFile("data/a.yaml", key=digest(path.read_bytes()), load=path.read_bytes).data == path.read_bytes()
    stale = RawFile("data/a.yaml", key=digest(b"other bytes"), load=path.read_bytes)
    with pytest.raises(FileChanged):
        _ = stale.data


def test_cached_and_uncached_runs_agree_after_a_same_size_same_mtime_edit(runner, tmp_path: Path, settle_now) -> None:  # type: ignore[no-untyped-def]
    data = ledger(tmp_path)
    for _ in range(2):  # the second run is served by the index and the cache
        assert runner.invoke(app, ["validate", "--data", str(data)]).exit_code == 0
    target = data / "projects/fund/b.yaml"
    before = target.stat()
    target.write_text(project("999"), encoding="utf-8")  # 100 + 999 > 1000: over-allocated
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    for args in (["validate", "--format", "json"], ["summary", "--year", "2023/24", "--format", "json"]):
        cached = runner.invoke(app, [*args, "--data", str(data)])
        uncached = runner.invoke(app, [*args, "--data", str(data), "--no-cache"])
        assert cached.exit_code == uncached.exit_code
        assert json.loads(cached.stdout) == json.loads(uncached.stdout)
    problems = json.loads(runner.invoke(app, ["validate", "--format", "json", "--data", str(data)]).stdout)
    assert "A001" in {p["code"] for p in problems["problems"]}
