"""``report`` answered by the entry point without Typer (``budgetctl.quick``, from the last whole
check: ``reports.board.warm``) writes exactly the paper of a full check with no cache, byte for
byte, with the same messages and exit code: Markdown and HTML, to standard output and to a file,
with problems, on an in-year ledger, and after a change that keeps a file's size and mtime."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetctl.cli import app
from budgetctl.reports import board
from tests.conftest import make_ledger
from tests.entrypoint import Run, entry, spy_on_typer

STREAMS = """\
streams:
  fund:
    programme: Fund
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
  empty:
    programme: Empty
    funding: Main Grant
    budget:
      2023/24: 1000
"""
COUNT = board.LIST_MAX_PROJECTS + 11
OLD = 1_600_000_000_000_000_000  # every file's mtime: long settled


def ledger(tmp_path: Path, extra: dict[str, str] | None = None) -> Path:
    files = {"streams.yaml": STREAMS, **(extra or {})}
    for i in range(COUNT):
        stream = "fund" if i % 3 else "other"
        amount = f"{100 + i}.{i % 100:02d}" if i % 7 == 0 else str(100 + i)
        provider = "" if i == 4 else "provider: P\n"  # p004 gives no provider: an error that leaves the totals right
        allocations = f"allocations:\n  2023/24: {amount}\n  2024/25: 5\n"
        head = f"title: Project {i}\nstream: {stream}\nlead: L\n"
        files[f"projects/{stream}/p{i:03d}.yaml"] = head + provider + allocations
    data = make_ledger(tmp_path, files)
    for path in data.rglob("*"):
        os.utime(path, ns=(OLD, OLD))
    return data


@pytest.fixture
def typer_runs(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The command lines the entry point handed to Typer (the fast path did not answer)."""
    return spy_on_typer(monkeypatch, "SOURCE_DATE_EPOCH")


def full_check(*args: str, **env: str) -> Run:
    """The Typer command with no cache: every file read and checked."""
    result = CliRunner().invoke(app, list(args), env={"BUDGETCTL_NO_CACHE": "1", **env})
    return result.exit_code, result.stdout, result.stderr


LINES = [
    ("--format", "html"),
    ("-f", "markdown", "--projects", "summary"),
    ("--format=html", "-y", "2023/24"),
    (),
]


@pytest.mark.parametrize("options", LINES)
def test_the_plain_paper_is_the_paper_of_a_full_check(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    typer_runs: list[list[str]],
    options: tuple[str, ...],
) -> None:
    data = ledger(tmp_path)
    assert entry(monkeypatch, capsys, "validate", "--data", str(data))[0] == 1  # E003: does not stop a report
    args = ("report", "--as-at", "2024-01-02", "--data", str(data), *options)
    typer_runs.clear()
    warm = entry(monkeypatch, capsys, *args)
    assert typer_runs == []  # answered without Typer
    assert warm == full_check(*args)
    assert "E003" in warm[2] and f"{COUNT}" in warm[1]  # the problem follows the paper
    # To a file: the same bytes, the same message.
    out = tmp_path / "paper.out"
    written = entry(monkeypatch, capsys, *args, "-o", str(out))
    first = out.read_bytes()
    assert full_check(*args, "-o", str(out)) == written and out.read_bytes() == first
    assert typer_runs == [] and written[1] == "" and written[2].startswith(f"wrote {out}\n")
    # The main --data and $SOURCE_DATE_EPOCH, as Typer reads them.
    main_data = ("--data", str(data), "report", *options)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert entry(monkeypatch, capsys, *main_data) == full_check(*main_data, SOURCE_DATE_EPOCH="1700000000")
    assert typer_runs == []


def test_a_change_keeping_size_and_mtime_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], typer_runs: list[list[str]]
) -> None:
    data = ledger(tmp_path)
    entry(monkeypatch, capsys, "validate", "--data", str(data))
    args = ("report", "--as-at", "2024-01-02", "--data", str(data), "--format", "html", "-y", "2023/24")
    before = entry(monkeypatch, capsys, *args)
    target = data / "projects/fund/p001.yaml"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("2023/24: 101", "2023/24: 999"), encoding="utf-8")
    os.utime(target, ns=(OLD, OLD))
    after = entry(monkeypatch, capsys, *args)
    assert after != before and after == full_check(*args)
    assert "999" in after[1]  # the largest award is the changed one
    entry(monkeypatch, capsys, "validate", "--data", str(data))  # the new whole check
    typer_runs.clear()
    assert entry(monkeypatch, capsys, *args) == after and typer_runs == []


@pytest.mark.parametrize(
    ("extra", "options"),
    [
        # In-year files: the paper of the plan, from a full load (the plain path leaves it).
        ({"actuals/2023-24/2023-05.csv": "date,project,kind,amount\n2023-05-08,p001,payment,50.00\n"}, ()),
        # An error that breaks the totals: refused, as always.
        ({"projects/fund/broken.yaml": "title: [unclosed\n"}, ("--format", "html")),
        # Every project listed, a year with no budget, a bad date, a line the plain reader refuses.
        ({}, ("--projects", "all")),
        ({}, ("--year", "2030/31")),
        ({}, ("--as-at", "2024-13-01")),
        ({}, ("-fhtml",)),
        # A file that cannot be written (a folder; a folder that does not exist): nothing written, Typer says why.
        ({}, ("-o", "{tmp}")),
        ({}, ("-o", "{tmp}/missing/paper.md")),
    ],
)
def test_what_the_plain_path_leaves_says_the_same(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    typer_runs: list[list[str]],
    extra: dict[str, str],
    options: tuple[str, ...],
) -> None:
    data = ledger(tmp_path, extra)
    entry(monkeypatch, capsys, "validate", "--data", str(data))
    args = ("report", "--data", str(data), *(option.replace("{tmp}", str(tmp_path)) for option in options))
    if "--as-at" not in options:
        args += ("--as-at", "2024-01-02")
    typer_runs.clear()
    assert entry(monkeypatch, capsys, *args) == full_check(*args)
    assert typer_runs == [list(args)]
