"""`show` through the stamp writes nothing: when a file the stamp hashes again has settled, show
hashes it (so it still shows the bytes on disk) but leaves writing the stamp again, and waiting
for the disk, to the next validate. Its output stays the Typer command's after a full check, byte
for byte, including after a change that keeps the file's size and mtime."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from budgetctl.loading import cacheplace, lookup, statindex, warm
from tests.cli.test_show_stamped import CLEAN, full_check, same_everywhere, settled, stamp
from tests.conftest import make_ledger
from tests.entrypoint import entry


def _stamp_file(data: Path) -> Path:
    place = cacheplace.where(str(data.resolve()))
    assert place is not None
    return Path(place[0]).with_suffix(".warm")


def _rehash(kept: Path) -> tuple[tuple[str, str], ...]:
    """The files the stamp names to hash again."""
    found = warm._read(str(kept))
    assert found is not None
    return found[3]


def test_show_hashes_a_settled_file_again_and_leaves_the_stamp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = settled(make_ledger(tmp_path, CLEAN))
    stamp(monkeypatch, capsys, data)
    monkeypatch.setattr(statindex, "SETTLE_NS", 3_000_000_000)
    target = data / "projects" / "fund" / "b.yml"
    target.write_text(CLEAN["projects/fund/b.yml"].replace("250.5", "250.25"), "utf-8")
    assert stamp(monkeypatch, capsys, data) == 0  # the stamp keeps b.yml to hash again
    kept = _stamp_file(data)
    before = kept.read_bytes(), kept.stat().st_mtime_ns
    assert str(target.resolve()) in [path for path, _ in _rehash(kept)]
    monkeypatch.setattr(statindex, "SETTLE_NS", 0)  # b.yml has settled now
    stamped: list[bool] = []
    real = lookup.stamped_files

    def stamped_files(*args, **kwargs):  # type: ignore[no-untyped-def]
        found = real(*args, **kwargs)
        stamped.append(isinstance(found, lookup.Picked))
        return found

    monkeypatch.setattr(lookup, "stamped_files", stamped_files)
    found = same_everywhere(monkeypatch, capsys, "show", "b", "--data", str(data))
    assert stamped[0] is True and "250.25" in found[1]
    assert (kept.read_bytes(), kept.stat().st_mtime_ns) == before  # show wrote no stamp
    # The next validate settles it: the stamp no longer names b.yml to hash again.
    assert entry(monkeypatch, capsys, "validate", "--data", str(data))[0] == 0
    assert _rehash(kept) == ()


def test_a_change_keeping_size_and_mtime_is_shown_while_the_stamp_waits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The stamp still names the file to hash again (show did not settle it): a change of the same
    size and mtime is found by its hash, and show gives what the full check gives."""
    data = settled(make_ledger(tmp_path, CLEAN))
    stamp(monkeypatch, capsys, data)
    monkeypatch.setattr(statindex, "SETTLE_NS", 3_000_000_000)
    target = data / "projects" / "fund" / "b.yml"
    target.write_text(CLEAN["projects/fund/b.yml"].replace("250.5", "250.25"), "utf-8")
    assert stamp(monkeypatch, capsys, data) == 0
    monkeypatch.setattr(statindex, "SETTLE_NS", 0)
    args = ("show", "b", "--data", str(data))
    first = same_everywhere(monkeypatch, capsys, *args)
    assert "250.25" in first[1]
    info = target.stat()
    target.write_text(CLEAN["projects/fund/b.yml"].replace("250.5", "250.75"), "utf-8")  # same size
    os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert target.stat().st_size == info.st_size
    found = entry(monkeypatch, capsys, *args)
    assert found == full_check(*args)
    assert "250.75" in found[1] and "250.25" not in found[1]
