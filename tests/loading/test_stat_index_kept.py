"""A file edited just before a run is read again, and its old entry (which can never vouch for
it: its ctime has moved on) is kept instead of rewriting the whole index for it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from budgetctl.loading import statindex
from budgetctl.loading.cache import FileCache
from budgetctl.loading.discover import read_ledger
from tests.conftest import make_ledger

STREAMS = "streams:\n  fund:\n    programme: Fund\n    funding: Police Grant\n    budget:\n      2023/24: 1000\n"
PAST = 1_600_000_000_000_000_000


def project(amount: str) -> str:
    return f"title: A\nstream: fund\nlead: L\nallocations:\n  2023/24: {amount}\n"


def read(data: Path) -> tuple[dict[str, bytes], statindex.StatIndex]:
    cache = FileCache.open(data)
    assert cache is not None
    index = cache.stat_index()
    files = read_ledger(data, index)
    index.save()
    return {f.path: f.data for f in files.every_file()}, index


def test_an_unsettled_edit_is_read_and_does_not_rewrite_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = make_ledger(tmp_path, {"streams.yaml": STREAMS, "projects/fund/a.yaml": project("100")})
    for path in data.rglob("*.yaml"):
        os.utime(path, ns=(PAST, PAST))
    monkeypatch.setattr(statindex, "SETTLE_NS", 0)
    read(data)
    _, index = read(data)
    assert index.hits == 2 and index.path is not None
    written = index.path.stat()

    monkeypatch.setattr(statindex, "SETTLE_NS", 3_600_000_000_000)  # nothing written in the last hour has settled
    target = data / "projects/fund/a.yaml"
    target.write_text(project("900"))  # same size, new ctime
    os.utime(target, ns=(PAST, PAST))
    found, index = read(data)
    assert index.hits == 1  # streams.yaml only
    assert b"900" in found["data/projects/fund/a.yaml"]
    assert index.path.stat().st_mtime_ns == written.st_mtime_ns  # not rewritten
    again, index = read(data)
    assert index.hits == 1 and b"900" in again["data/projects/fund/a.yaml"]  # still read, never vouched

    monkeypatch.setattr(statindex, "SETTLE_NS", 0)  # settled now: its entry is replaced
    read(data)
    final, index = read(data)
    assert index.hits == 2 and b"900" in final["data/projects/fund/a.yaml"]
