"""Discovery reads each file with plain reads: a read may return less than asked for, and the
file's bytes are still all of it, exactly; the size limits hold as before."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from budgetctl.loading import discover
from budgetctl.model.source import MAX_FILE_BYTES

PROJECT = "title: T\nstream: s\nlead: L\nallocations:\n  2023/24: 100\n"


def _ledger(tmp_path: Path, sizes: list[int]) -> Path:
    data = tmp_path / "data"
    (data / "projects" / "s").mkdir(parents=True)
    (data / "streams.yaml").write_text("streams: {}\n")
    for n, size in enumerate(sizes):
        text = PROJECT + "#" * size + "\n"
        (data / "projects" / "s" / f"p{n}.yaml").write_text(text)
    return data


def _bytes(data: Path) -> dict[str, bytes]:
    files = discover.read_ledger(data)
    return {raw.path: raw.data for raw in [files.streams, *files.projects] if raw is not None}


@pytest.mark.parametrize("chunk", [1, 7, 4096])
def test_short_reads_give_the_whole_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    data = _ledger(tmp_path, [0, 10, 5000, 70_000])
    expected = {
        f"data/{p.relative_to(data).as_posix()}": p.read_bytes() for p in sorted(data.rglob("*")) if p.is_file()
    }
    assert _bytes(data) == expected
    real = os.read
    monkeypatch.setattr(discover.os, "read", lambda fd, n: real(fd, min(n, chunk)))
    assert _bytes(data) == expected


def test_an_empty_file_reads_as_empty(tmp_path: Path) -> None:
    data = _ledger(tmp_path, [])
    (data / "projects" / "s" / "empty.yaml").write_bytes(b"")
    assert _bytes(data)["data/projects/s/empty.yaml"] == b""


def test_a_file_that_grows_past_the_limit_while_read_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _ledger(tmp_path, [0])
    target = data / "projects" / "s" / "p0.yaml"
    real = os.read
    grown: list[int] = []

    def growing(fd: int, n: int) -> bytes:
        if not grown and os.fstat(fd).st_size == target.stat().st_size:
            grown.append(1)
            with target.open("ab") as handle:  # after the size was taken: the file grows past the limit
                handle.write(b"#" * MAX_FILE_BYTES)
        return real(fd, n)

    monkeypatch.setattr(discover.os, "read", growing)
    files = discover.read_ledger(data)
    assert [raw.path for raw in files.projects] == []
    assert [(p.code, p.file) for p in files.problems] == [("Y015", "data/projects/s/p0.yaml")]
