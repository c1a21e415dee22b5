"""Comparisons that take turns each find their changed files checked (``diffbase.ContentChecks``
keeps earlier comparisons' checks beside its own, up to KEEP_CHECKS), and print what a comparison
without the cache prints, byte for byte."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from budgetctl.loading import diffbase
from tests.conftest import commit, git, make_ledger
from tests.entrypoint import entry, spy_on_typer

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

STREAMS = "streams:\n  vs:\n    programme: V\n    funding: F\n    budget:\n      2023/24: 100000\n"


def project(amount: int) -> str:
    return f"title: T\nstream: vs\nlead: L\nallocations:\n  2023/24: {amount}\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """main, then two branches from it: one changes a project, the other three."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    data = make_ledger(root, {"streams.yaml": STREAMS, **{f"projects/vs/p{i}.yaml": project(i) for i in range(10)}})
    commit(root, "ledger")
    for branch, changed in (("one", [1]), ("three", [2, 3, 4])):
        git(root, "checkout", "-q", "-b", branch, "main")
        for i in changed:
            (data / f"projects/vs/p{i}.yaml").write_text(project(1000 + i), encoding="utf-8")
        commit(root, branch)
    git(root, "checkout", "-q", "main")
    return root


def checks_file() -> Path:
    (found,) = (Path(os.environ["XDG_CACHE_HOME"]) / "budgetctl").glob("*.diffchecks")
    return found


def test_comparisons_taking_turns_find_their_files_checked(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(repo / "data")
    spy_on_typer(monkeypatch)
    monkeypatch.setenv("BUDGETCTL_NO_CACHE", "1")
    expected = {b: entry(monkeypatch, capsys, "diff", "main", b, "--data", data) for b in ("one", "three")}
    monkeypatch.delenv("BUDGETCTL_NO_CACHE")
    for branch in ("one", "three", "one", "three"):  # the base summary, then each one's checks
        assert entry(monkeypatch, capsys, "diff", "main", branch, "--data", data) == expected[branch]
    kept = checks_file().read_bytes()
    for branch in ("one", "three", "one"):
        assert entry(monkeypatch, capsys, "diff", "main", branch, "--data", data) == expected[branch]
        assert checks_file().read_bytes() == kept  # nothing checked again: nothing written
    assert "+£1,000.00" in expected["one"][1] and "across 1 stream" in expected["three"][1]


def test_earlier_checks_are_kept_up_to_a_limit(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(repo / "data")
    spy_on_typer(monkeypatch)
    monkeypatch.setattr(diffbase, "KEEP_CHECKS", 1)
    for branch in ("one", "one"):  # the base summary; then streams.yaml and p1 on each side, checked
        assert entry(monkeypatch, capsys, "diff", "main", branch, "--data", data)[0] == 0
    assert len(checks_file().read_bytes().split(b"\n")[1:-1]) == 3
    assert entry(monkeypatch, capsys, "diff", "main", "three", "--data", data)[0] == 0
    body = checks_file().read_bytes().split(b"\n")[1:-1]
    # this comparison's own (streams.yaml, three files on each side), then one of the earlier ones
    assert len(body) == 1 + 3 + 3 + 1
