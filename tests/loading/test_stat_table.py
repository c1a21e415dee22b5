"""The stat index's whole table: a read whose every file has the stat entry it had at the last
read is vouched for in one comparison, without loading the entries; anything else (a change
that keeps size and mtime, a file added, a table not ours, entries replaced since) is looked
up file by file, as before."""

from __future__ import annotations

import marshal
import os
from pathlib import Path

import pytest

from budgetctl.loading import statindex
from budgetctl.loading.cache import FileCache
from budgetctl.loading.discover import RawFile, digest, read_ledger
from tests.conftest import make_ledger

PAST = 1_600_000_000_000_000_000  # 2020: settled long ago
STREAMS = "streams:\n  fund:\n    programme: Fund\n    funding: Police Grant\n    budget:\n      2023/24: 1000\n"


def project(amount: str) -> str:
    return f"title: A\nstream: fund\nlead: L\nallocations:\n  2023/24: {amount}\n"


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(statindex, "SETTLE_NS", 0)
    data = make_ledger(
        tmp_path,
        {"streams.yaml": STREAMS, "projects/fund/a.yaml": project("100"), "projects/fund/b.yaml": project("200")},
    )
    for path in data.rglob("*.yaml"):
        os.utime(path, ns=(PAST, PAST))
    return data


def read(data: Path) -> tuple[dict[str, RawFile], statindex.StatIndex]:
    cache = FileCache.open(data)
    assert cache is not None
    index = cache.stat_index()
    files = read_ledger(data, index)
    index.save()
    return {f.path: f for f in files.every_file()}, index


def test_an_unchanged_ledger_is_vouched_for_by_the_table_alone(data: Path) -> None:
    first, _ = read(data)
    second, index = read(data)
    assert index.hits == 3 and index._loaded is None  # the entries were not even loaded
    for path, raw in second.items():
        assert not raw.was_read
        assert raw.digest == first[path].digest == digest((data.parent / path).read_bytes())


def test_a_change_keeping_size_and_mtime_is_not_vouched_for(data: Path) -> None:
    read(data)
    target = data / "projects/fund/a.yaml"
    target.write_text(project("900"), encoding="utf-8")
    os.utime(target, ns=(PAST, PAST))
    files, index = read(data)
    assert index.hits == 2 and b"900" in files["data/projects/fund/a.yaml"].data
    assert files["data/projects/fund/a.yaml"].was_read and not files["data/projects/fund/b.yaml"].was_read
    again, index = read(data)  # the new table
    assert index.hits == 3 and index._loaded is None
    assert b"900" in again["data/projects/fund/a.yaml"].data


def test_a_file_added_is_read(data: Path) -> None:
    read(data)
    (data / "projects/fund/c.yaml").write_text(project("300"), encoding="utf-8")
    os.utime(data / "projects/fund/c.yaml", ns=(PAST, PAST))
    files, index = read(data)
    assert index.hits == 3 and files["data/projects/fund/c.yaml"].was_read


@pytest.mark.parametrize("damage", ["entries-touched", "form", "key", "truncated"])
def test_a_table_that_does_not_hold_is_not_used(data: Path, damage: str) -> None:
    _, index = read(data)
    read(data)
    assert index.path is not None and index.table_path is not None
    table = index.table_path
    if damage == "entries-touched":
        os.utime(index.path, ns=(PAST, PAST))  # the entries' file is not the one the table names
    else:
        form, shown, keys, rows, named, late = marshal.loads(table.read_bytes())
        if damage == "form":
            stored = marshal.dumps(("other", shown, keys, rows, named, late))
        elif damage == "key":
            stored = marshal.dumps((form, shown, ("zz" + keys[0][2:], *keys[1:]), rows, named, late))
        else:
            stored = table.read_bytes()[:-5]
        table.write_bytes(stored)
    files, index = read(data)
    assert index._loaded is not None  # looked up file by file
    for path, raw in files.items():
        assert raw.digest == digest((data.parent / path).read_bytes())


def test_a_file_read_unsettled_is_read_again_while_the_others_are_vouched_for(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read(data)
    monkeypatch.setattr(statindex, "SETTLE_NS", 3_600_000_000_000)  # nothing written in the last hour has settled
    target = data / "projects/fund/a.yaml"
    target.write_text(project("900"), encoding="utf-8")
    os.utime(target, ns=(PAST, PAST))
    for _ in range(2):
        files, index = read(data)
        assert index.hits == 2 and index._partial
        assert files["data/projects/fund/a.yaml"].was_read and b"900" in files["data/projects/fund/a.yaml"].data
        assert not files["data/projects/fund/b.yaml"].was_read
    target.write_text(project("800"), encoding="utf-8")  # same size, same mtime: only its ctime moved
    os.utime(target, ns=(PAST, PAST))
    files, index = read(data)
    assert b"800" in files["data/projects/fund/a.yaml"].data


def test_a_table_kept_with_a_file_read_unsettled_never_vouches_for_it(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, index = read(data)
    target = data / "projects/fund/a.yaml"
    target.write_text(target.read_text(encoding="utf-8"), encoding="utf-8")  # its ctime moves
    os.utime(target, ns=(PAST, PAST))
    monkeypatch.setattr(statindex, "SETTLE_NS", 3_600_000_000_000)  # nothing written in the last hour has settled
    assert index.table_path is not None
    index.table_path.unlink()  # each file looked up in the entries; a.yaml read unsettled, and kept so in the table
    files, index = read(data)
    assert index.hits == 2 and index._partial is None and files["data/projects/fund/a.yaml"].was_read
    for _ in range(2):  # its row in the table is its stat entry now, but it was read unsettled
        files, index = read(data)
        assert index.hits == 2 and index._partial and files["data/projects/fund/a.yaml"].was_read


def test_a_file_removed_or_added_leaves_the_others_vouched_for_by_name(data: Path) -> None:
    read(data)
    (data / "projects/fund/a.yaml").unlink()
    (data / "projects/fund/c.yaml").write_text(project("300"), encoding="utf-8")
    os.utime(data / "projects/fund/c.yaml", ns=(PAST, PAST))
    files, index = read(data)
    assert index.hits == 2 and index._partial
    assert set(files) == {"data/streams.yaml", "data/projects/fund/b.yaml", "data/projects/fund/c.yaml"}
    assert files["data/projects/fund/c.yaml"].was_read and not files["data/projects/fund/b.yaml"].was_read
