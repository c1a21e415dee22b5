"""`budgetctl diff` checks each file once through the cache of checked files (keyed by content):
cached and uncached comparisons are the same, and the working tree's last check is not replaced."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetctl.cli import app
from tests.conftest import git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

IDVA = "data/projects/victims-services/idva-service.yaml"


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path, shipped_repo_template: Path) -> Path:
    root = Path(shutil.copytree(shipped_repo_template, tmp_path / "repo", symlinks=True))
    # An edit, a file with an error and a move: changed money, a new problem and an unchanged file at a new path.
    replace(root / IDVA, "2023/24: ", "2023/24: 1")
    (root / "data/projects/victims-services/new.yaml").write_text(
        "title: New\nstream: no-such-stream\nlead: L\nallocations:\n  2023/24: 5\n", encoding="utf-8"
    )
    moved = root / "data/projects/victims-services/moved.yaml"
    shutil.move(root / "data/projects/victims-services/isva-service.yaml", moved)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "edit")
    return root


def run(repo: Path, *args: str, env: dict[str, str] | None = None) -> dict:
    result = CliRunner().invoke(app, ["diff", *args, "--format", "json", "--data", str(repo / "data")], env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("args", [("HEAD~1", "HEAD"), ("HEAD~1",)])
def test_cached_and_uncached_diffs_are_the_same(repo: Path, args: tuple[str, ...]) -> None:
    uncached = run(repo, *args, env={"BUDGETCTL_NO_CACHE": "1"})
    first, warm = run(repo, *args), run(repo, *args)
    assert first == warm == uncached
    assert uncached["projects"] and uncached["problems"]["new"]


def test_diff_leaves_validates_last_check_alone(repo: Path) -> None:
    runner = CliRunner()
    data = str(repo / "data")
    before = runner.invoke(app, ["validate", "--format", "json", "--data", data])
    cache_dir = Path(__import__("os").environ["XDG_CACHE_HOME"]) / "budgetctl"
    check = next(cache_dir.glob("*.check.json")).read_bytes()
    run(repo, "HEAD~1", "HEAD")
    assert next(cache_dir.glob("*.check.json")).read_bytes() == check
    after = runner.invoke(app, ["validate", "--format", "json", "--data", data])
    assert json.loads(after.stdout) == json.loads(before.stdout)


def test_a_file_the_same_on_both_sides_is_decoded_once(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from budgetctl.loading import codec

    run(repo, "HEAD~1", "HEAD")  # fills the cache
    calls = []
    real = codec.from_entry
    monkeypatch.setattr(
        codec, "from_entry", lambda entry, path, decode: calls.append(path) or real(entry, path, decode)
    )
    warm = run(repo, "HEAD~1", "HEAD")
    assert warm == run(repo, "HEAD~1", "HEAD", env={"BUDGETCTL_NO_CACHE": "1"})
    projects = len(list((repo / "data" / "projects").rglob("*.yaml")))
    adjustments = len(list((repo / "data" / "adjustments").rglob("*.yaml")))
    # streams.yaml on each side, each project and adjustment file once, and the three files the commit changed.
    assert len(calls) <= 2 + projects + adjustments + 3
