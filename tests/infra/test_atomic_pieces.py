"""write_atomic takes its bytes in pieces (a cache file of megabytes is not joined first), and
a cache file (``durable=False``) is fsynced before its rename but its folder is not."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from budgetctl.infra import atomic
from budgetctl.loading import ownfiles


def _syncs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = os.fsync

    def counted(fd: int) -> None:
        calls.append("folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real(fd)

    monkeypatch.setattr(atomic.os, "fsync", counted)
    return calls


def test_pieces_are_written_one_after_the_other(tmp_path: Path) -> None:
    target = tmp_path / "f.bin"
    target.write_bytes(b"old")
    atomic.write_atomic(target, [b"ab", b"", b"c" * 100_000, b"d"])
    assert target.read_bytes() == b"ab" + b"c" * 100_000 + b"d"


def test_a_ledger_file_is_durable_and_a_cache_file_is_fsynced_but_not_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _syncs(monkeypatch)
    atomic.write_atomic(tmp_path / "ledger.yaml", b"x: 1\n")
    assert calls == ["file", "folder"]
    calls.clear()
    folder = tmp_path / "cache"
    ownfiles.write_own(folder / "c.json", [b"{", b"}\n"])
    assert calls == ["file"]
    assert ownfiles.read_own(folder / "c.json") == b"{}\n"
    assert not [p for p in folder.iterdir() if p.name != "c.json"]  # no temporary file left


def test_read_own_reads_a_large_file_whole_and_refuses_one_that_is_not_ascii(tmp_path: Path) -> None:
    big = tmp_path / "big"
    data = b"0123456789abcdef\n" * 800_000  # 13.6 MB: more than one read may return
    big.write_bytes(data)
    assert ownfiles.read_own(big) == data
    assert ownfiles.read_own(tmp_path / "missing") is None
    (tmp_path / "odd").write_bytes(b"caf\xc3\xa9\n")
    assert ownfiles.read_own(tmp_path / "odd") is None
    assert ownfiles.read_own(tmp_path / "odd", binary=True) == b"caf\xc3\xa9\n"
