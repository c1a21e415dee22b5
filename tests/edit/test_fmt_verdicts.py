"""`fmt --check` keeps, beside the cache, the verdict that a file's bytes would be reformatted, so
a file left unformatted is not formatted and guarded again on every run. The verdict is of the
bytes: a file changed (even keeping its size and mtime) is formatted again, and `fmt --diff` and
`fmt` itself, which need the new bytes, always format."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetctl.cli import app
from budgetctl.edit import fmt
from tests.conftest import make_ledger

STREAMS = "streams:\n  fund:\n    programme: Fund\n    funding: Police Grant\n    budget:\n      2023/24: 100000\n"
HEAD = "title: T\nstream: fund\nlead: L\nallocations:\n"
ONE_DECIMAL = HEAD + "  2023/24: 100.5\n"  # fmt writes 100.50
SAME_SIZE_CANONICAL = HEAD + "  2023/24: 10000\n"
OTHER = HEAD + "  2023/24: 7\n"
LONG_AGO = (1_600_000_000_000_000_000, 1_600_000_000_000_000_000)


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("BUDGETCTL_NO_CACHE", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    ledger = make_ledger(
        tmp_path, {"streams.yaml": STREAMS, "projects/fund/a.yaml": ONE_DECIMAL, "projects/fund/b.yaml": OTHER}
    )
    for path in ledger.rglob("*.yaml"):
        os.utime(path, ns=LONG_AGO)
    return ledger


@pytest.fixture
def formatted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The display paths of the files formatted, in order."""
    seen: list[str] = []
    real = fmt.format_file

    def counting(data: bytes, path: str, kind: str | None = None) -> fmt.Formatted:
        seen.append(path.rsplit("/", 1)[-1])
        return real(data, path, kind)

    monkeypatch.setattr(fmt, "format_file", counting)
    return seen


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stderr


def test_a_file_that_would_be_reformatted_is_formatted_once(data: Path, formatted: list[str]) -> None:
    first = run("fmt", "--check", "--data", str(data))
    said = "would reformat data/projects/fund/a.yaml\n1 file would be reformatted, 2 files already formatted\n"
    assert first == (1, said)
    assert sorted(formatted) == ["a.yaml", "b.yaml", "streams.yaml"]
    formatted.clear()
    assert run("fmt", "--check", "--data", str(data)) == first
    assert formatted == []


def test_the_same_size_and_mtime_with_other_bytes_is_formatted_again(data: Path, formatted: list[str]) -> None:
    run("fmt", "--check", "--data", str(data))
    target = data / "projects" / "fund" / "a.yaml"
    assert len(SAME_SIZE_CANONICAL) == len(ONE_DECIMAL)
    target.write_text(SAME_SIZE_CANONICAL, encoding="utf-8")
    os.utime(target, ns=LONG_AGO)
    formatted.clear()
    assert run("fmt", "--check", "--data", str(data)) == (0, "3 files already formatted\n")
    assert formatted == ["a.yaml"]
    # And back: the old verdict was forgotten, so the file is formatted again.
    target.write_text(ONE_DECIMAL, encoding="utf-8")
    os.utime(target, ns=LONG_AGO)
    formatted.clear()
    assert run("fmt", "--check", "--data", str(data))[0] == 1
    assert formatted == ["a.yaml"]


def test_diff_and_fmt_format_a_file_with_a_kept_verdict(data: Path, formatted: list[str]) -> None:
    run("fmt", "--check", "--data", str(data))
    result = CliRunner().invoke(app, ["fmt", "--diff", "--data", str(data)])
    assert result.exit_code == 0  # --diff shows; only --check fails
    assert "-  2023/24: 100.5\n+  2023/24: 100.50\n" in result.stdout
    assert run("fmt", "--data", str(data)) == (
        0,
        "reformatted data/projects/fund/a.yaml\n1 file reformatted, 2 files already formatted\n",
    )
    assert (data / "projects" / "fund" / "a.yaml").read_text(encoding="utf-8") == HEAD + "  2023/24: 100.50\n"
    assert run("fmt", "--check", "--data", str(data)) == (0, "3 files already formatted\n")


def test_a_kept_verdict_is_the_uncached_answer(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cached = [run("fmt", "--check", "--data", str(data)) for _ in range(3)]
    monkeypatch.setenv("BUDGETCTL_NO_CACHE", "1")
    assert cached == [run("fmt", "--check", "--data", str(data))] * 3
