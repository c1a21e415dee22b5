"""Files that look like ledger files but are not read are warnings (Y020), on disk and in git."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetctl.cli import app
from budgetctl.loading.revision import files_at
from tests.conftest import GIT_ENV, make_ledger

STREAMS = "streams:\n  youth:\n    programme: Youth\n    funding: Police Grant\n    budget:\n      2023/24: 100000\n"
PROJECT = "title: Boxing\nstream: youth\nlead: Youth Manager\nallocations:\n  2023/24: 5000\n"

STRAYS = {
    "x.yaml": ("data/x.yaml", "move it into projects/"),
    "y.csv": ("data/y.csv", "move it into actuals/2023-24/"),
    "project/boxing.yaml": ("data/project", "the folder project/ is not part of the ledger format (did you mean"),
    "projects/boxing.YAML": ("data/projects/boxing.YAML", "rename it to boxing.yaml"),
    "projects/youth/boxing.yaml.txt": ("data/projects/youth/boxing.yaml.txt", "rename it to boxing.yaml"),
    "budgets/2023.yml": (
        "data/budgets",
        "the folder budgets/ is not part of the ledger format: 1 file in it that looks like a ledger file is not read",
    ),
}
# Never warned about: not ledger-like, hidden, or in a folder the format defines for other uses.
QUIET = {
    "README.md": "notes",
    "projects/README.md": "notes",
    "projects/youth/notes.txt": "notes",
    ".github/workflow.yml": "x",
    "projects/.hidden/x.yaml.bak": "x",
    "imports/ledger-2023-04.csv": "a,b\n",
    "docs/guide.md": "x",
}


def validate_json(data: Path) -> tuple[int, list[dict]]:
    result = CliRunner().invoke(app, ["validate", "--data", str(data), "--format", "json"])
    return result.exit_code, json.loads(result.stdout)["problems"]


@pytest.mark.parametrize("stray", sorted(STRAYS))
def test_a_stray_file_on_disk_is_a_warning_naming_it(stray: str, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    data = make_ledger(tmp_path, {"streams.yaml": STREAMS, stray: PROJECT, **QUIET})
    monkeypatch.chdir(tmp_path)
    code, problems = validate_json(Path("data"))
    assert code == 0  # a warning: --strict makes CI fail on it
    [p] = problems
    path, advice = STRAYS[stray]
    assert (p["code"], p["severity"], p["file"]) == ("Y020", "warning", path)
    assert advice in p["message"]
    assert "no total" in p["message"]
    strict = CliRunner().invoke(app, ["validate", "--data", str(data), "--strict"])
    assert strict.exit_code == 1


def test_the_shipped_layout_has_no_warning(tmp_path: Path) -> None:
    data = make_ledger(tmp_path, {"streams.yaml": STREAMS, "projects/youth/boxing.yaml": PROJECT, **QUIET})
    assert validate_json(data) == (0, [])


def test_in_git_trees_the_same_files_are_warned_about(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    make_ledger(root, {"streams.yaml": STREAMS, **QUIET})
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, env=GIT_ENV, check=True)

    def commit() -> str:
        subprocess.run(["git", "add", "-A"], cwd=root, env=GIT_ENV, check=True)
        subprocess.run(["git", "commit", "-q", "-m", "c"], cwd=root, env=GIT_ENV, check=True)
        return subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, env=GIT_ENV, capture_output=True, text=True
        ).stdout

    commit()
    for stray in STRAYS:
        (root / "data" / stray).parent.mkdir(parents=True, exist_ok=True)
        (root / "data" / stray).write_text(PROJECT, encoding="utf-8")
    sha = commit().strip()
    files = files_at(root, sha, "data")
    assert files is not None
    in_git = sorted((p.file, p.code) for p in files.problems)
    assert in_git == sorted((path, "Y020") for path, _ in STRAYS.values())
    # diff reports them as what the change introduces.
    result = CliRunner().invoke(app, ["diff", "HEAD~1", "HEAD", "--data", str(root / "data"), "--format", "json"])
    assert result.exit_code == 0, result.output
    new = json.loads(result.stdout)["problems"]["new"]
    assert sorted(p["file"] for p in new) == sorted(path for path, _ in STRAYS.values())
