"""A board paper kept as written (``render.board_view``) is printed again only for exactly the ledger
content, code and options it was written for, with this run's date line: byte for byte the paper of
a full check with no cache, with the same messages and exit code. Never that of an older ledger (a
file changed keeping its size and mtime), never a view damaged or forged, never one of a ledger with
problems."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetctl.cli import app
from budgetctl.loading import cache as file_cache
from budgetctl.render import board_view
from budgetctl.reports import board
from tests.conftest import GIT_ENV, make_ledger
from tests.entrypoint import Run, entry, spy_on_typer

STREAMS = """\
streams:
  fund:
    programme: Fund & <Co>
    funding: Police Grant
    description: Local projects.
    eligibility:
      required: [provider]
      max_award: 5000
    budget:
      2023/24: 900000
      2024/25: 5000
  other:
    programme: Other
    funding: Specific Grant
    budget:
      2023/24: 50000.50
      2024/25: 5000
"""
COUNT = board.LIST_MAX_PROJECTS + 11
OLD = 1_600_000_000_000_000_000  # every file's mtime: long settled


def ledger(tmp_path: Path, problem: bool = False) -> Path:
    files = {"streams.yaml": STREAMS}
    for i in range(COUNT):
        stream = "fund" if i % 3 else "other"
        amount = f"{100 + i}.{i % 100:02d}" if i % 7 == 0 else str(100 + i)
        provider = "" if problem and i == 4 else "provider: P\n"
        head = f"title: Project {i}\nstream: {stream}\nlead: L\n"
        files[f"projects/{stream}/p{i:03d}.yaml"] = (
            head + provider + f"allocations:\n  2023/24: {amount}\n  2024/25: 5\n"
        )
    data = make_ledger(tmp_path, files)
    settle(data)
    return data


def settle(data: Path) -> None:
    for path in data.rglob("*"):
        os.utime(path, ns=(OLD, OLD))


@pytest.fixture
def typer_runs(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    return spy_on_typer(monkeypatch, "SOURCE_DATE_EPOCH")


def full_check(*args: str, **env: str) -> Run:
    """The Typer command with no cache: every file read and checked."""
    result = CliRunner().invoke(app, list(args), env={"BUDGETCTL_NO_CACHE": "1", **env})
    return result.exit_code, result.stdout, result.stderr


def views(data: Path) -> list[Path]:
    """The papers kept for the ledger at ``data``."""
    opened = file_cache.FileCache.open(data)
    assert opened is not None
    return sorted(opened.path.parent.glob(f"{opened.path.stem}.board-*"))


def not_built(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on a paper with the cache on can only be printed from a kept view (a full check
    with no cache still builds it)."""

    def fail(*_: object, **__: object) -> None:
        if not file_cache.disabled_by_env():
            raise AssertionError("the paper was built again")

    monkeypatch.setattr(board, "warm", fail)


@pytest.mark.parametrize(
    "options",
    [("--format", "html", "-y", "2023/24"), ("-f", "markdown", "--projects", "summary"), ("--format=html",), ()],
)
def test_a_kept_paper_is_the_paper_of_a_full_check(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    typer_runs: list[list[str]],
    options: tuple[str, ...],
) -> None:
    data = ledger(tmp_path)
    assert entry(monkeypatch, capsys, "validate", "--data", str(data))[0] == 0
    args = ("report", "--as-at", "2024-01-02", "--data", str(data), *options)
    first = entry(monkeypatch, capsys, *args)  # built from the last whole check, and kept
    assert first == full_check(*args) and len(views(data)) == 1
    not_built(monkeypatch)
    typer_runs.clear()
    assert entry(monkeypatch, capsys, *args) == first and typer_runs == []
    # Another day, to a file: this run's date line in the kept paper.
    out = tmp_path / "paper.out"
    later = ("report", "--as-at", "2025-02-03", "--data", str(data), *options, "-o", str(out))
    written = entry(monkeypatch, capsys, *later)
    paper = out.read_bytes()
    assert typer_runs == [] and written == (0, "", f"wrote {out}\n")
    assert full_check(*later) == written and out.read_bytes() == paper
    assert b"As at 3 February 2025" in paper and b"2 January 2024" not in paper


def test_the_date_line_names_the_commit_as_git_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], typer_runs: list[list[str]]
) -> None:
    data = ledger(tmp_path)
    run = {"cwd": tmp_path, "env": GIT_ENV, "check": True, "capture_output": True}
    subprocess.run(["git", "init", "-q"], **run)  # type: ignore[call-overload]
    subprocess.run(["git", "add", "-A"], **run)  # type: ignore[call-overload]
    subprocess.run(["git", "commit", "-qm", "ledger"], **run)  # type: ignore[call-overload]
    entry(monkeypatch, capsys, "validate", "--data", str(data))
    args = ("report", "--as-at", "2024-01-02", "--data", str(data), "-f", "html")
    assert entry(monkeypatch, capsys, *args) == full_check(*args)
    not_built(monkeypatch)
    clean = entry(monkeypatch, capsys, *args)
    assert clean == full_check(*args) and "ledger commit" in clean[1] and "not yet committed" not in clean[1]
    (tmp_path / "notes.txt").write_text("untracked\n", encoding="utf-8")  # outside the ledger's own files
    (data / "projects" / "notes.txt").write_text("untracked\n", encoding="utf-8")
    dirty = entry(monkeypatch, capsys, *args)
    assert dirty == full_check(*args) and "(with changes not yet committed)" in dirty[1]
    assert typer_runs == []


def test_a_file_changed_keeping_size_and_mtime_is_never_shown_from_the_kept_paper(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], typer_runs: list[list[str]]
) -> None:
    data = ledger(tmp_path)
    entry(monkeypatch, capsys, "validate", "--data", str(data))
    args = ("report", "--as-at", "2024-01-02", "--data", str(data), "--format", "html", "-y", "2023/24")
    before = entry(monkeypatch, capsys, *args)
    assert len(views(data)) == 1
    target = data / "projects/fund/p001.yaml"
    text = target.read_text(encoding="utf-8")
    changed = text.replace("2023/24: 101", "2023/24: 999")
    assert len(changed) == len(text)
    target.write_text(changed, encoding="utf-8")
    os.utime(target, ns=(OLD, OLD))
    after = entry(monkeypatch, capsys, *args)
    assert after != before and after == full_check(*args) and "999" in after[1]
    # Validated again: the new content's paper is kept beside the old one, and each is shown for its own content.
    entry(monkeypatch, capsys, "validate", "--data", str(data))
    assert entry(monkeypatch, capsys, *args) == after and len(views(data)) == 2
    target.write_text(text, encoding="utf-8")
    os.utime(target, ns=(OLD, OLD))
    entry(monkeypatch, capsys, "validate", "--data", str(data))
    not_built(monkeypatch)
    typer_runs.clear()
    assert entry(monkeypatch, capsys, *args) == before == full_check(*args) and typer_runs == []
    target.write_text(changed, encoding="utf-8")
    os.utime(target, ns=(OLD, OLD))
    entry(monkeypatch, capsys, "validate", "--data", str(data))
    assert entry(monkeypatch, capsys, *args) == after and typer_runs == []


def test_a_damaged_or_forged_view_is_never_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], typer_runs: list[list[str]]
) -> None:
    data = ledger(tmp_path)
    entry(monkeypatch, capsys, "validate", "--data", str(data))
    args = ("report", "--as-at", "2024-01-02", "--data", str(data), "--format", "html")
    expected = entry(monkeypatch, capsys, *args)
    (kept,) = views(data)
    good = kept.read_bytes()
    head, cut, sums, body = _parts(good)
    forged_body = body.replace(b"Local projects.", b"Forged project.")
    forgeries = [
        good[:-10] + b"x" + good[-9:],  # a byte changed: the CRC differs
        good[: len(good) // 2],  # cut short
        head + cut + b"\n" + sums + b"\n" + forged_body,  # another text under the old sums
        head + cut + b"\n" + _sums(forged_body) + b"\n" + forged_body + b"\x1b",  # a control character
        head + b"999999999\n" + sums + b"\n" + body,  # the date line's place beyond the text
        head.replace(b"budgetctl-board-view 1", b"budgetctl-board-view 0") + cut + b"\n" + sums + b"\n" + body,
    ]
    for forged in forgeries:
        kept.write_bytes(forged)
        kept.chmod(0o600)
        assert entry(monkeypatch, capsys, *args) == expected == full_check(*args)


def _parts(data: bytes) -> tuple[bytes, bytes, bytes, bytes]:
    """A view's head (up to the date line's place), that place, its sums and its text."""
    first, sums, body = data.split(b"\n", 2)
    head, _, cut = first.rpartition(b"\t")
    return head + b"\t", cut, sums, body


def _sums(body: bytes) -> bytes:
    from binascii import crc32

    return f"{len(body)} {crc32(body):08x}".encode()


def test_no_paper_is_kept_of_a_ledger_with_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], typer_runs: list[list[str]]
) -> None:
    data = ledger(tmp_path, problem=True)
    assert entry(monkeypatch, capsys, "validate", "--data", str(data))[0] == 1
    args = ("report", "--as-at", "2024-01-02", "--data", str(data), "--format", "html")
    for _ in range(2):
        found = entry(monkeypatch, capsys, *args)
        assert found == full_check(*args) and "E003" in found[2]
    assert views(data) == [] and typer_runs == []


def test_the_view_of_a_defaulted_year_names_the_day() -> None:
    # The default year is today's: a paper kept yesterday is another view.
    assert board_view.view_of("html", "auto", None, "2024-03-31") != board_view.view_of(
        "html", "auto", None, "2024-04-01"
    )
    assert board_view.view_of("html", "auto", "2023/24", "2024-03-31") == board_view.view_of(
        "html", "auto", "2023/24", "2024-04-01"
    )
    assert board_view.view_of("html", "auto", "2023/24") != board_view.view_of("markdown", "auto", "2023/24")
    assert board_view.view_of("html", "auto", "2023/24") != board_view.view_of("html", "summary", "2023/24")


def test_a_ledger_the_stamp_vouches_for_is_reported_from_streams_yaml_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], typer_runs: list[list[str]]
) -> None:
    data = ledger(tmp_path)
    entry(monkeypatch, capsys, "validate", "--data", str(data))
    args = ("report", "--as-at", "2024-01-02", "--data", str(data), "-f", "html", "-y", "2023/24")
    expected = full_check(*args)
    real = file_cache.read_through_index

    def not_discovered(*a: object, **k: object) -> object:
        if not file_cache.disabled_by_env():
            raise AssertionError("the ledger was discovered")
        return real(*a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(file_cache, "read_through_index", not_discovered)
    assert entry(monkeypatch, capsys, *args) == expected and typer_runs == []
    assert len(views(data)) == 1
    # streams.yaml changed keeping its size and mtime: the stamp no longer vouches, and the ledger is discovered.
    monkeypatch.setattr(file_cache, "read_through_index", real)
    streams = data / "streams.yaml"
    text = streams.read_text(encoding="utf-8")
    streams.write_text(text.replace("Local projects.", "Local schemes.."), encoding="utf-8")
    os.utime(streams, ns=(OLD, OLD))
    changed = entry(monkeypatch, capsys, *args)
    assert changed == full_check(*args) and "Local schemes.." in changed[1]
