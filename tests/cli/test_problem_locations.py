"""Problems land where a reviewer looks: paths from the working directory, the project that
tipped a stream over, and every problem accounted for under GitHub's annotation limit."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetctl.cli import app
from tests.conftest import GIT_ENV, make_ledger

STREAMS = "streams:\n  youth:\n    programme: Youth\n    funding: Police Grant\n    budget:\n      2023/24: 100000\n"


def project(amount: str, extra: str = "") -> str:
    return f"title: P\nstream: youth\nlead: Youth Manager\n{extra}allocations:\n  2023/24: {amount}\n"


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout


def test_paths_are_relative_to_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_ledger(tmp_path / "finance", {"streams.yaml": STREAMS, "projects/x.yaml": project("5000", "colour: red\n")})
    monkeypatch.chdir(tmp_path)
    _, out = invoke("validate", "--data", "finance/data", "--format", "json")
    [p] = json.loads(out)["problems"]
    assert p["file"] == "finance/data/projects/x.yaml"
    _, out = invoke("validate", "--data", "finance/data", "--format", "github")
    assert out.startswith("::error file=finance/data/projects/x.yaml,line=4,col=1,title=S001::")
    _, out = invoke("validate", "--data", "finance/data")
    assert out.startswith("finance/data/projects/x.yaml:4:1: S001 unknown key 'colour'")
    # Inside the ledger folder, and from outside the folder holding it.
    monkeypatch.chdir(tmp_path / "finance" / "data")
    _, out = invoke("validate", "--data", ".", "--format", "json")
    assert json.loads(out)["problems"][0]["file"] == "projects/x.yaml"
    monkeypatch.chdir(tmp_path / "finance" / "data" / "projects")
    _, out = invoke("validate", "--data", "..", "--format", "json")
    assert json.loads(out)["problems"][0]["file"] == "data/projects/x.yaml"


def test_fmt_finds_its_files_from_a_repository_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = make_ledger(tmp_path / "finance", {"streams.yaml": STREAMS, "projects/x.yaml": project("5000.5")})
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["fmt", "--data", "finance/data", "--check"])
    assert result.exit_code == 1 and "would reformat finance/data/projects/x.yaml" in result.stderr
    code, _ = invoke("fmt", "--data", "finance/data")
    assert code == 0
    assert "2023/24: 5000.50" in (data / "projects" / "x.yaml").read_text(encoding="utf-8")


def commit_all(root: Path) -> None:
    subprocess.run(["git", "add", "-A"], cwd=root, env=GIT_ENV, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "c"], cwd=root, env=GIT_ENV, check=True)


def test_diff_in_a_repository_shows_paths_from_its_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = make_ledger(tmp_path / "finance", {"streams.yaml": STREAMS, "projects/a.yaml": project("60000")})
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=tmp_path, env=GIT_ENV, check=True)
    commit_all(tmp_path)
    (data / "projects" / "b.yaml").write_text(project("50000"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out = invoke("diff", "HEAD", "--data", "finance/data", "--format", "json")
    assert code == 0
    problems = json.loads(out)["problems"]
    assert [(p["code"], p["file"]) for p in problems["new"]] == [("A001", "finance/data/streams.yaml")]
    assert problems["fixed"] == []


def test_an_over_allocation_is_marked_on_the_changed_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"streams.yaml": STREAMS, "projects/a.yaml": project("60000"), "projects/small.yaml": project("5000")}
    data = make_ledger(tmp_path / "finance", files)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=tmp_path, env=GIT_ENV, check=True)
    commit_all(tmp_path)
    (data / "projects" / "new.yaml").write_text(project("40000"), encoding="utf-8")
    commit_all(tmp_path)
    monkeypatch.chdir(tmp_path)
    # Without --changed-since: one error, at the budget line, as before.
    code, out = invoke("validate", "--data", "finance/data", "--format", "json")
    assert code == 1
    assert [(p["code"], p["file"], p["line"]) for p in json.loads(out)["problems"]] == [
        ("A001", "finance/data/streams.yaml", 6)
    ]
    code, out = invoke("validate", "--data", "finance/data", "--changed-since", "HEAD^1", "--format", "github")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("::warning file=finance/data/projects/new.yaml,line=5,col=12,title=A006::")
    assert (
        "this change allocates £40,000.00 in 2023/24 to stream 'youth', which is over-allocated by £5,000.00"
        in (lines[0])
    )
    assert "A001 at finance/data/streams.yaml:6" in lines[0]
    assert lines[1].startswith("::error file=finance/data/streams.yaml,line=6,col=16,title=A001::")
    assert len(lines) == 2  # a.yaml and small.yaml did not change
    # An edit in the working tree counts as a change too.
    (data / "projects" / "small.yaml").write_text(project("5000.01"), encoding="utf-8")
    _, out = invoke("validate", "--data", "finance/data", "--changed-since", "HEAD", "--format", "json")
    assert [p["file"] for p in json.loads(out)["problems"] if p["code"] == "A006"] == [
        "finance/data/projects/small.yaml"
    ]
    code, _ = invoke("validate", "--data", "finance/data", "--changed-since", "no-such-rev")
    assert code == 2


def test_github_annotations_beyond_the_limit_are_counted_and_logged(tmp_path: Path) -> None:
    files = {"streams.yaml": STREAMS}
    files.update({f"projects/p{i:02}.yaml": project("5", "colour: red\n") for i in range(13)})
    files.update({f"projects/w{i:02}.yaml": project("0") for i in range(11)})  # A003 warnings
    data = make_ledger(tmp_path, files)
    code, out = invoke("validate", "--data", str(data), "--format", "github")
    assert code == 1
    lines = out.splitlines()
    assert sum(line.startswith("::error ") for line in lines) == 10
    assert sum(line.startswith("::warning ") for line in lines) == 10
    plain = [line for line in lines if line.startswith("data/")]
    assert [line.split(":")[0] for line in plain] == [
        "data/projects/p10.yaml",
        "data/projects/p11.yaml",
        "data/projects/p12.yaml",
        "data/projects/w10.yaml",
    ]
    assert lines[-1].startswith(
        "::notice title=budgetctl::3 more errors and 1 more warning than GitHub shows as annotations"
    )


def test_ten_or_fewer_need_no_notice(tmp_path: Path) -> None:
    files = {"streams.yaml": STREAMS, **{f"projects/p{i}.yaml": project("5", "colour: red\n") for i in range(10)}}
    _, out = invoke("validate", "--data", str(make_ledger(tmp_path, files)), "--format", "github")
    assert len(out.splitlines()) == 10 and "::notice" not in out
