"""A warm ``summary`` and ``monitor`` take the ledger key from the stamp a clean ``validate``
kept (``loading.warm.unchanged``) instead of discovering and hashing the ledger: their output
is the uncached command's byte for byte, and any change the stamp cannot vouch for (even one
that keeps a file's size and mtime) gets the new result."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from budgetctl.loading import cache
from tests.conftest import age, aged_shipped
from tests.entrypoint import entry, spy_on_typer

LINES = [
    ("summary", "--year", "2023/24"),
    ("summary", "--year", "2023/24", "--by", "funding", "-f", "json"),
    ("summary", "--year", "2023/24..2024/25"),
    ("summary", "-f", "csv"),
    ("monitor", "--year", "2023/24", "--as-at", "q3"),
    ("monitor", "--year", "2023/24", "--as-at", "2023-06-30", "-f", "json"),
    ("monitor", "--as-at", "q4", "-f", "csv"),
]


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many runs discovered the ledger (read it through the stat index)."""
    calls: list[int] = []
    real = cache.read_through_index

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(cache, "read_through_index", spy)
    spy_on_typer(monkeypatch, "NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS")
    monkeypatch.setenv("COLUMNS", "200")
    return calls


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return aged_shipped(tmp_path)


@pytest.mark.parametrize("line", LINES, ids=" ".join)
def test_a_stamped_ledger_gives_the_uncached_report(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], reads: list[int], line: tuple
) -> None:
    args = (*line, "--data", str(data))
    assert entry(monkeypatch, capsys, "validate", "--data", str(data))[0] == 0  # the stamp is kept
    assert entry(monkeypatch, capsys, *args) == entry(monkeypatch, capsys, *args)  # the second from kept values
    before = len(reads)
    warm = entry(monkeypatch, capsys, *args)
    assert len(reads) == before  # nothing discovered: the stamp gave the key
    assert warm == entry(monkeypatch, capsys, *args, "--no-cache")
    assert warm[0] == 0 and warm[1]


def test_a_file_changed_keeping_its_size_and_mtime_is_not_vouched_for(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], reads: list[int]
) -> None:
    args = ("summary", "--year", "2023/24", "-f", "json", "--data", str(data))
    entry(monkeypatch, capsys, "validate", "--data", str(data))
    old = entry(monkeypatch, capsys, *args)
    target = next(path for path in sorted((data / "projects").rglob("*.yaml")) if "2023/24: 1" in path.read_text())
    text = target.read_text("utf-8")
    stat = target.stat()
    target.write_text(text.replace("2023/24: 1", "2023/24: 2", 1), encoding="utf-8")  # same size
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same mtime
    before = len(reads)
    changed = entry(monkeypatch, capsys, *args)
    assert len(reads) > before  # the stamp did not vouch: the ledger was discovered
    assert changed != old and changed == entry(monkeypatch, capsys, *args, "--no-cache")


def test_a_ledger_with_problems_is_discovered(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], reads: list[int]
) -> None:
    """The stamp is kept after a clean check only: problems are shown with the lines of their files."""
    broken = sorted((data / "projects").rglob("*.yaml"))[0]
    broken.write_text(broken.read_text("utf-8").replace("lead:", "leader:", 1), encoding="utf-8")
    age(broken)
    assert entry(monkeypatch, capsys, "validate", "--data", str(data))[0] == 1
    args = ("summary", "--year", "2023/24", "--data", str(data))
    before = len(reads)
    found = entry(monkeypatch, capsys, *args)
    assert len(reads) > before
    assert found == entry(monkeypatch, capsys, *args, "--no-cache")


def test_a_stamp_from_older_code_is_not_read(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], reads: list[int]
) -> None:
    """A stamp of another form (say, one that kept no ledger key) is never trusted."""
    import marshal

    entry(monkeypatch, capsys, "validate", "--data", str(data))
    (stamp,) = Path(os.environ["XDG_CACHE_HOME"]).rglob("*.warm")
    _form, context, signature, rehash, files, _key, _in_year = marshal.loads(stamp.read_bytes())
    stamp.write_bytes(marshal.dumps(("budgetctl-warm 1", context, signature, files, rehash)))
    args = ("summary", "--year", "2023/24", "--data", str(data))
    before = len(reads)
    assert entry(monkeypatch, capsys, *args) == entry(monkeypatch, capsys, *args, "--no-cache")
    assert len(reads) > before
