"""A symbolic-link loop anywhere in the ledger is Y010 at the link, never an internal error.

Real links on a real file system, and the same tree committed to a real git repository:
the message is the same from both, so ``diff HEAD --fail-on-new-errors`` on an unchanged
tree passes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import GIT_ENV

STREAMS = "streams:\n  vs:\n    programme: V\n    funding: F\n    budget:\n      2023/24: 1000\n"
PROJECT = "title: T\nstream: vs\nlead: L\nallocations:\n  2023/24: 10\n"
LINKS = {  # link -> its target (each is a loop: itself, or a pair pointing at each other)
    "projects/loop": "loop",
    "projects/vs/self": "self",
    "projects/vs/looped.yaml": "looped.yaml",
    "projects/vs/a-b": "b-a",
    "projects/vs/b-a": "a-b",
    "actuals/loop": "loop",
    "actuals/2023-24/spend.csv": "spend.csv",
}
REPORTED = sorted(f"data/{link}" for link in LINKS)
BUDGETCTL = Path(sys.executable).with_name("budgetctl")


def _ledger(root: Path) -> Path:
    data = root / "data"
    (data / "projects" / "vs").mkdir(parents=True)
    (data / "actuals" / "2023-24").mkdir(parents=True)
    (data / "streams.yaml").write_text(STREAMS)
    (data / "projects" / "vs" / "p.yaml").write_text(PROJECT)
    for link, target in LINKS.items():
        (data / link).symlink_to(target)
    return data


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "BUDGETCTL_NO_CACHE": "1"}
    return subprocess.run([str(BUDGETCTL), *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120)


def test_every_loop_is_y010_at_the_link(tmp_path: Path) -> None:
    data = _ledger(tmp_path)
    result = _run(tmp_path, "validate", "--format", "json")
    assert result.returncode == 1, result.stderr
    problems = json.loads(result.stdout)["problems"]
    assert sorted(p["file"] for p in problems) == REPORTED
    assert all((p["code"], p["line"], p["column"]) == ("Y010", 1, 1) for p in problems)
    assert {p["message"] for p in problems} == {
        "a symbolic link is not followed in a ledger; replace it with a real file or folder"
    }
    assert (data / "projects" / "loop").is_symlink()  # nothing was changed


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (["validate"], 1),
        (["summary", "--year", "2023/24"], 1),
        (["projects"], 1),
        (["report", "--year", "2023/24"], 1),
        (["export", "--format", "csv"], 1),
        (["fmt", "--check"], 1),
        (["fmt"], 1),
        # show and owners print what they were asked for; a broken file elsewhere does not stop them.
        (["show", "p"], 0),
        (["owners"], 0),
    ],
)
def test_no_command_that_reads_the_working_tree_fails_with_an_internal_error(
    tmp_path: Path, command: list[str], code: int
) -> None:
    _ledger(tmp_path)
    result = _run(tmp_path, *command)
    assert result.returncode == code, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    if code == 1:
        assert "data/projects/loop:1:1: Y010" in result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_same_loops_committed_are_the_same_problems_so_diff_sees_no_new_error(tmp_path: Path) -> None:
    _ledger(tmp_path)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "loops"]):
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, env=GIT_ENV, capture_output=True)
    result = _run(tmp_path, "diff", "HEAD", "--fail-on-new-errors", "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    payload = json.loads(result.stdout)
    assert payload["problems"] == {"new": [], "fixed": []}
    assert result.stderr == ""
