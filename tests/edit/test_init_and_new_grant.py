"""init makes a repository (or says how) and can write the CI files; new project takes the grant fields."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from budgetctl.cli import app
from tests.conftest import GIT_ENV, SHIPPED

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@needs_git
def test_init_makes_a_git_repository(tmp_path: Path) -> None:
    code, out, _ = invoke("init", str(tmp_path / "office"), "--git")
    assert code == 0 and f"initialised a git repository in {tmp_path / 'office'}" in out
    assert (tmp_path / "office" / ".git").is_dir()
    assert not (tmp_path / "office" / ".pre-commit-config.yaml").exists()  # only with --ci


@needs_git
def test_init_inside_a_repository_says_so(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, env=GIT_ENV, check=True)
    code, out, _ = invoke("init", str(tmp_path / "finance"))
    assert code == 0 and "is inside the git repository" in out
    assert not (tmp_path / "finance" / ".git").exists()


def test_init_without_git_says_how(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    code, out, _ = invoke("init", str(tmp_path / "office"), "--git")
    assert code == 0
    assert f"install git, then run `git init {tmp_path / 'office'}`" in out
    code, out, _ = invoke("init", str(tmp_path / "other"))
    assert f"not a git repository yet: run `git init {tmp_path / 'other'}` (or budgetctl init --git)" in out


def test_init_ci_writes_hooks_workflow_and_dependabot(tmp_path: Path) -> None:
    code, _, _ = invoke("init", str(tmp_path), "--ci", "--no-git")
    assert code == 0
    hooks = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [repo] = hooks["repos"]
    by_id = {h["id"]: h for h in repo["hooks"]}
    assert set(by_id) == {"budgetctl-validate", "budgetctl-fmt-check"}
    for hook in by_id.values():
        assert re.search(hook["files"], "data/projects/youth/boxing.yaml")
        assert re.search(hook["files"], "data/streams.yaml")
        assert not re.search(hook["files"], "docs/projects/notes.yaml")  # outside the ledger folder
    workflow = yaml.safe_load((tmp_path / ".github" / "workflows" / "ledger.yml").read_text(encoding="utf-8"))
    assert set(workflow[True]) == {"pull_request", "merge_group"}  # YAML 1.1 reads `on` as true
    runs = [s.get("run", "") for s in workflow["jobs"]["ledger"]["steps"]]
    assert "budgetctl validate --data data --format github --changed-since HEAD^1" in runs
    for step in workflow["jobs"]["ledger"]["steps"]:
        if "uses" in step:
            assert re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", step["uses"])  # pinned by commit
    dependabot = yaml.safe_load((tmp_path / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    assert dependabot["updates"][0]["package-ecosystem"] == "github-actions"
    # The skeleton and the hooks agree: the hook's command passes on the new ledger.
    assert invoke("validate", "--data", str(tmp_path / "data"))[0] == 0
    code, _, err = invoke("init", str(tmp_path / "again"), "--ci", "--no-git")
    assert code == 0  # a fresh folder is fine
    (tmp_path / "third").mkdir()
    (tmp_path / "third" / ".pre-commit-config.yaml").write_text("mine\n", encoding="utf-8")
    code, _, err = invoke("init", str(tmp_path / "third"), "--ci", "--no-git")
    assert code == 2 and "never overwrites it" in err
    assert (tmp_path / "third" / ".pre-commit-config.yaml").read_text(encoding="utf-8") == "mine\n"


def test_new_project_takes_the_grant_fields(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(SHIPPED, data)
    args = [
        "new", "project", "boxing-nights", "--data", str(data), "--stream", "helping-communities-fund",
        "--title", "Boxing nights", "--lead", "Community Engagement Manager", "--npu", "coventry",
        "--approved-by", "chief-executive", "--provider", "Boxing Club", "--provider-sector",
        "community-and-voluntary", "--description", "Friday boxing", "--amount", "2023/24=4000",
        "--grant", "--award-date", "2023-05-01", "--start-date", "2023-06-01", "--end-date", "2024-03-31",
        "--recipient-org-id", "GB-CHC-1070468",
    ]  # fmt: skip
    code, _, err = invoke(*args)
    assert code == 0, err
    text = (data / "projects" / "helping-communities-fund" / "boxing-nights.yaml").read_text(encoding="utf-8")
    assert "recipient_org_id: GB-CHC-1070468\n" in text
    assert "grant: true\naward_date: 2023-05-01\nstart_date: 2023-06-01\nend_date: 2024-03-31\n" in text
    assert invoke("fmt", "--check", "--data", str(data))[0] == 0
    code, out, _ = invoke("export", "--format", "360giving", "--year", "2023/24", "--data", str(data))
    assert code == 0
    [grant] = [g for g in json.loads(out)["grants"] if g["id"] == "360G-OPCCWM-boxing-nights"]
    assert grant["recipientOrganization"][0]["id"] == "GB-CHC-1070468"


def test_new_project_refuses_a_grant_without_what_360giving_needs(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(SHIPPED, data)
    code, _, err = invoke(
        "new", "project", "p", "--data", str(data), "--stream", "victims-services", "--title", "P",
        "--lead", "L", "--purpose", "referral-service", "--amount", "2023/24=1", "--grant",
    )  # fmt: skip
    assert code == 1 and "G001" in err and not (data / "projects" / "victims-services" / "p.yaml").exists()
    code, _, err = invoke(
        "new", "project", "p", "--data", str(data), "--stream", "victims-services", "--title", "P",
        "--lead", "L", "--amount", "2023/24=1", "--end-date", "31/03/2024",
    )  # fmt: skip
    assert code == 2 and "--end-date '31/03/2024': write a date as YYYY-MM-DD" in err
