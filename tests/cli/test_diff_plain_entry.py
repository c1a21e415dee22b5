"""`diff BASE [HEAD]` answered by the entry point without Typer (``budgetctl.quick``) and its table
written without Rich (``render.diff.table_lines``) say exactly what the Typer command printed
through Rich, byte for byte, with the same exit code: between commits, against a working tree with
uncommitted changes (one keeping its file's size and mtime), for added, removed, renamed and moved
projects, problems new and fixed, a changed streams.yaml, with and without the cache, and for errors
(a bad revision, a range, no repository)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import budgetctl.quick
from budgetctl.render import console
from tests.conftest import commit, git, make_ledger
from tests.entrypoint import Run, entry, spy_on_typer

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

STREAMS = """\
streams:
  fund:
    programme: Community Safety Fund
    funding: Police Grant
    owners: ["@org/fund"]
    budget:
      2023/24: 100000
      2024/25: 90000
  other:
    programme: Other Grants
    funding: Specific Grant
    budget:
      2023/24: 50000
"""


def project(stream: str, amounts: str, title: str = "A project") -> str:
    return f"title: {title}\nstream: {stream}\nlead: Lead\nallocations:\n{amounts}"


BASE_FILES = {
    "streams.yaml": STREAMS,
    "projects/fund/a.yaml": project("fund", "  2023/24: 1000\n  2024/25: 500\n", "Youth diversion"),
    "projects/fund/b.yaml": project("fund", "  2023/24: 2000\n"),
    "projects/fund/c.yaml": project("fund", "  2023/24: 3000\n", "Knife crime education in schools"),
    "projects/other/gone.yaml": project("other", "  2023/24: 400\n", "Closed scheme"),
    "projects/other/d.yaml": project("other", "  2023/24: 4000\n", "Victims' helpline"),
    "projects/other/broken.yaml": project("other", "  2023/24: twelve\n"),
}


@pytest.fixture
def ledger_repo(tmp_path: Path) -> Path:
    """A repository with four commits: the ledger; project edits of every kind; a new error and a
    fixed one; a streams.yaml change (the last compares both sides whole)."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    data = make_ledger(root, BASE_FILES)
    commit(root, "ledger")
    write(data / "projects/fund/a.yaml", project("fund", "  2023/24: 1250\n  2024/25: 500\n", "Youth diversion"))
    (data / "projects/other/gone.yaml").unlink()
    (data / "projects/fund/b.yaml").rename(data / "projects/fund/b-renamed.yaml")
    (data / "projects/other").mkdir(exist_ok=True)
    (data / "projects/other/d.yaml").rename(data / "projects/fund/d.yaml")  # moved to another folder
    write(data / "projects/fund/new.yaml", project("fund", "  2023/24: 700\n", "A " + "long title " * 20))
    commit(root, "edits")
    write(data / "projects/fund/bad.yaml", project("nowhere", "  2023/24: 5\n"))
    write(data / "projects/other/broken.yaml", project("other", "  2023/24: 12\n"))
    write(data / "projects/fund/over.yaml", project("fund", "  2024/25: 95000\n", "Over the budget"))
    commit(root, "problems")
    write(data / "streams.yaml", STREAMS.replace("2024/25: 90000", "2024/25: 200000"))
    commit(root, "streams")
    return root


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def plain(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> Run:
    """``budgetctl ARGS`` through the entry point, which must answer without Typer."""
    calls = spy_on_typer(monkeypatch)
    found = entry(monkeypatch, capsys, *args)
    assert calls == [], "the entry point handed a plain diff to Typer"
    return found


def typer_path(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> Run:
    """``budgetctl ARGS`` through the Typer command, its table printed by Rich."""
    with monkeypatch.context() as m:
        calls = spy_on_typer(m)
        m.setattr(budgetctl.quick, "answer", lambda args: None)
        m.setattr(console, "plain_stdout", lambda: False)
        found = entry(m, capsys, *args)
        assert calls, "the Typer command did not run"
    return found


COMPARISONS = [
    ("HEAD~3", "HEAD~2"),  # edited, removed, renamed, moved and added projects
    ("HEAD~2", "HEAD~1"),  # a new error, a fixed one, an over-allocated stream
    ("HEAD~3", "HEAD~1"),
    ("HEAD~1", "HEAD"),  # streams.yaml changed: both sides checked whole
    ("HEAD~3", "HEAD"),
    ("HEAD", "HEAD"),  # no change
    ("HEAD~2",),  # the working tree
]


@pytest.mark.parametrize("revisions", COMPARISONS)
@pytest.mark.parametrize("columns", ["140", "80", "30"])
def test_the_plain_diff_prints_what_the_typer_command_prints(
    ledger_repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    revisions: tuple[str, ...],
    columns: str,
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    data = str(ledger_repo / "data")
    expected = typer_path(monkeypatch, capsys, "diff", *revisions, "--data", data)  # also fills the cache
    assert expected[0] == 0 and expected[1].count("\n") > 1 and expected[2] == ""
    assert plain(monkeypatch, capsys, "diff", *revisions, "--data", data) == expected  # warm
    assert plain(monkeypatch, capsys, "--data", data, "diff", *revisions) == expected
    monkeypatch.setenv("BUDGETCTL_NO_CACHE", "1")
    assert typer_path(monkeypatch, capsys, "diff", *revisions, "--data", data) == expected
    assert plain(monkeypatch, capsys, "diff", *revisions, "--data", data) == expected


def test_the_comparisons_show_every_kind_of_change(
    ledger_repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The cases above are not empty: each kind of change reaches the plain writer."""
    data = str(ledger_repo / "data")
    code, out, _ = plain(monkeypatch, capsys, "diff", "HEAD~3", "HEAD~2", "--data", data)
    assert code == 0
    for seen in ("Added new", "Removed gone", "Renamed b → b-renamed", "Moved d", "Changed a", "┏━", "Approvals"):
        assert seen in out, out
    code, out, _ = plain(monkeypatch, capsys, "diff", "HEAD~3", "HEAD~1", "--data", data)
    assert "Problems this change introduces" in out and "Problems this change fixes" in out
    assert "\n      projects (over £95,000.00" in out  # a problem wrapped at 140 columns, its continuation indented
    code, out, _ = plain(monkeypatch, capsys, "diff", "HEAD~1", "HEAD", "--data", data)
    assert "Changed stream fund" in out


def test_the_working_tree_with_uncommitted_changes(
    ledger_repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = ledger_repo / "data"
    target = data / "projects/fund/a.yaml"
    args = ("diff", "HEAD", "--data", str(data))
    assert plain(monkeypatch, capsys, *args)[1].startswith("No changes")
    # The same size and mtime, other content: the comparison must see it.
    stat = target.stat()
    text = target.read_text(encoding="utf-8")
    assert "1250" in text
    target.write_text(text.replace("1250", "1750"), encoding="utf-8")
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert target.stat().st_size == stat.st_size
    found = plain(monkeypatch, capsys, *args)
    assert found[1].startswith("2023/24: allocated +£500.00 across 1 stream")
    assert found == typer_path(monkeypatch, capsys, *args)
    write(data / "projects/other/added.yaml", project("other", "  2023/24: 10\n"))
    (data / "projects/fund/c.yaml").unlink()
    found = plain(monkeypatch, capsys, *args)
    assert "Added added" in found[1] and "Removed c" in found[1]
    assert found == typer_path(monkeypatch, capsys, *args)
    monkeypatch.setenv("BUDGETCTL_NO_CACHE", "1")
    assert plain(monkeypatch, capsys, *args) == found


def test_fail_on_new_errors(
    ledger_repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("diff", "HEAD~2", "HEAD~1", "--fail-on-new-errors", "--data", str(ledger_repo / "data"))
    found = plain(monkeypatch, capsys, *args)
    assert found[0] == 1
    assert found == typer_path(monkeypatch, capsys, *args)
    assert plain(monkeypatch, capsys, "diff", "HEAD~3", "HEAD~2", "--fail-on-new-errors", "--data", args[-1])[0] == 0


@pytest.mark.parametrize(
    "revisions", [("no-such-branch", "HEAD"), ("HEAD", "no-such-branch"), ("HEAD~1..HEAD",), ("HEAD...",), ("",)]
)
def test_a_bad_revision_is_left_to_the_typer_command(
    ledger_repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], revisions: tuple[str, ...]
) -> None:
    args = ("diff", *revisions, "--data", str(ledger_repo / "data"))
    calls = spy_on_typer(monkeypatch)
    code, out, err = entry(monkeypatch, capsys, *args)
    assert calls == [list(args)]  # the plain path printed nothing and handed the line on
    assert (code, out) == (2, "")
    assert err.startswith("budgetctl: not a")
    assert (code, out, err) == typer_path(monkeypatch, capsys, *args)


def test_outside_a_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = make_ledger(tmp_path / "plain", BASE_FILES)
    args = ("diff", "main", "--data", str(data))
    code, out, err = entry(monkeypatch, capsys, *args)
    assert (code, out) == (2, "") and "not inside a git working tree" in err
    assert (code, out, err) == typer_path(monkeypatch, capsys, *args)


@pytest.mark.parametrize(
    "line",
    [
        ["diff", "HEAD~1", "HEAD", "--format", "json"],
        ["diff", "HEAD~1", "HEAD", "-f", "markdown"],
        ["diff", "HEAD~1", "HEAD", "extra"],
        ["diff"],
        ["diff", "--help"],
    ],
)
def test_other_lines_go_to_typer(
    ledger_repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], line: list[str]
) -> None:
    calls = spy_on_typer(monkeypatch)
    entry(monkeypatch, capsys, *line, "--data", str(ledger_repo / "data"))
    assert calls == [[*line, "--data", str(ledger_repo / "data")]]


def test_text_rich_would_change_is_left_to_rich(
    ledger_repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A title of wide characters, a stream name too long for the table at 80 columns: the
    plain writer declines and Rich prints it, the same as the Typer command."""
    data = ledger_repo / "data"
    write(data / "projects/fund/wide.yaml", project("fund", "  2023/24: 1\n", "東京 project"))
    write(data / "streams.yaml", STREAMS.replace("Other Grants", "Other " + "grants and more " * 8))
    monkeypatch.setenv("COLUMNS", "80")
    args = ("diff", "HEAD~2", "--data", str(data))
    found = plain(monkeypatch, capsys, *args)
    assert "東京 project" in found[1]
    assert found == typer_path(monkeypatch, capsys, *args)
