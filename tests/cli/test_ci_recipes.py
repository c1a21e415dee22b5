"""The shipped CI recipes: the pre-commit hooks and the example GitHub workflow run real commands safely."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from budgetctl.cli import app
from tests.conftest import REPO, SHIPPED, git

HOOKS = REPO / ".pre-commit-hooks.yaml"
WORKFLOW = REPO / "docs" / "github-workflow.yml"


def hooks() -> dict[str, dict[str, Any]]:
    loaded = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    return {hook["id"]: hook for hook in loaded}


def workflow() -> dict[Any, Any]:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps() -> list[dict[str, Any]]:
    return [step for job in workflow()["jobs"].values() for step in job["steps"]]


def budgetctl(args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.stdout + result.stderr


# --- .pre-commit-hooks.yaml ------------------------------------------------------------


def test_hooks_are_complete_and_name_budgetctl_commands() -> None:
    found = hooks()
    assert {"budgetctl-validate", "budgetctl-fmt-check"} <= set(found)
    for hook in found.values():
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["language"] == "python"
        assert hook["entry"].startswith("budgetctl ")
    assert found["budgetctl-validate"]["entry"] == "budgetctl validate"
    assert found["budgetctl-fmt-check"]["entry"] == "budgetctl fmt --check"


@pytest.mark.parametrize("path", ["data/streams.yaml", "data/projects/victims-services/x.yaml", "data/projects/y.yml"])
def test_hooks_run_on_ledger_files(path: str) -> None:
    for hook_id in ("budgetctl-validate", "budgetctl-fmt-check"):
        assert re.search(hooks()[hook_id]["files"], path), (hook_id, path)


@pytest.mark.parametrize(
    "path", ["data/README.md", "budgetctl/cli.py", "docs/github-workflow.yml", "docs/projects/notes.yaml"]
)
def test_hooks_skip_other_files(path: str) -> None:
    for hook_id in ("budgetctl-validate", "budgetctl-fmt-check"):
        assert not re.search(hooks()[hook_id]["files"], path), (hook_id, path)


def test_validate_and_fmt_hooks_pass_on_the_shipped_ledger(monkeypatch: pytest.MonkeyPatch) -> None:
    every = sorted(p.relative_to(REPO).as_posix() for p in SHIPPED.rglob("*") if p.is_file())
    for hook_id in ("budgetctl-validate", "budgetctl-fmt-check"):
        hook = hooks()[hook_id]
        staged = [path for path in every if re.search(hook["files"], path)]  # what pre-commit would pass
        assert "data/streams.yaml" in staged and "data/actuals/2023-24/2023-04.csv" in staged
        assert "data/forecasts/2023-24/q2.yaml" in staged and not any(p.startswith("data/imports/") for p in staged)
        args = shlex.split(hook["entry"])[1:] + ([] if hook.get("pass_filenames") is False else staged)
        code, out = budgetctl(args, REPO, monkeypatch)
        assert code == 0, (hook_id, out)


def test_fmt_hook_fails_on_a_badly_formatted_file(ledger_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = ledger_copy / "projects/victims-services/idva-service.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("  2023/24:", "    2023/24:"), encoding="utf-8")
    args = [*shlex.split(hooks()["budgetctl-fmt-check"]["entry"])[1:], str(target.relative_to(ledger_copy.parent))]
    code, _ = budgetctl(args, ledger_copy.parent, monkeypatch)
    assert code == 1


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_owners_hook_passes_until_streams_yaml_changes_owners(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hook = hooks()["budgetctl-owners"]
    assert hook["pass_filenames"] is False
    git(tmp_path, "init", "-q")
    shutil.copytree(SHIPPED, tmp_path / "data")
    _, out = budgetctl(["owners"], tmp_path, monkeypatch)
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github/CODEOWNERS").write_text(out, encoding="utf-8")
    args = shlex.split(hook["entry"])[1:]
    assert budgetctl(args, tmp_path, monkeypatch)[0] == 0
    streams = tmp_path / "data/streams.yaml"
    text = streams.read_text(encoding="utf-8")
    streams.write_text(
        text.replace("    programme: Victims Services\n", '    programme: Victims Services\n    owners: ["@org/v"]\n'),
        encoding="utf-8",
    )
    assert budgetctl(args, tmp_path, monkeypatch)[0] == 1


# --- docs/github-workflow.yml -----------------------------------------------------------


def test_workflow_triggers_on_pull_request_only() -> None:
    flow = workflow()
    triggers = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in triggers
    assert "pull_request_target" not in triggers
    assert "pull_request_target" not in WORKFLOW.read_text(encoding="utf-8").split("never `pull_request_target`")[-1]


def test_workflow_token_is_read_only() -> None:
    assert workflow()["permissions"] == {"contents": "read"}
    for job in workflow()["jobs"].values():
        assert "permissions" not in job or job["permissions"] == {"contents": "read"}


def test_actions_are_pinned_by_commit_sha() -> None:
    used = [step["uses"] for step in steps() if "uses" in step]
    assert used
    for action in used:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), action
    text = WORKFLOW.read_text(encoding="utf-8")
    assert all(re.search(re.escape(action) + r" # v\d", text) for action in used), "name the release in a comment"


def test_checkouts_keep_no_credentials_and_budgetctl_comes_from_the_base() -> None:
    checkouts = [step for step in steps() if step.get("uses", "").startswith("actions/checkout@")]
    assert checkouts and all(step["with"]["persist-credentials"] is False for step in checkouts)
    base = [step for step in checkouts if "github.event.pull_request.base.sha" in step["with"].get("ref", "")]
    assert len(base) == 1
    install = next(step["run"] for step in steps() if "pip install" in step.get("run", ""))
    assert f"./{base[0]['with']['path']}" in install


def test_no_pull_request_text_is_interpolated_into_scripts() -> None:
    for step in steps():
        script = step.get("run", "")
        assert "${{" not in script, step


def test_workflow_validates_with_annotations_and_writes_the_diff_summary() -> None:
    scripts = [step.get("run", "") for step in steps()]
    assert "budgetctl validate --format github --changed-since HEAD^1" in scripts
    summary = [s for s in scripts if s.startswith("budgetctl diff ")]
    assert len(summary) == 1
    assert re.fullmatch(r'budgetctl diff \S+ \S+ --format markdown >> "\$GITHUB_STEP_SUMMARY"', summary[0])


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_workflow_diff_command_works_on_a_pull_request_merge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Replay the job's checkout: a merge commit whose first parent is the base branch."""
    git(tmp_path, "init", "-q", "-b", "main")
    shutil.copytree(SHIPPED, tmp_path / "data")
    git(tmp_path, "add", "data")
    git(tmp_path, "commit", "-q", "-m", "ledger")
    git(tmp_path, "checkout", "-q", "-b", "change")
    idva = tmp_path / "data/projects/victims-services/idva-service.yaml"
    text = idva.read_text(encoding="utf-8").replace("2023/24: 1275000", "2023/24: 1287500", 1)  # the allocation
    idva.write_text(text, encoding="utf-8")
    git(tmp_path, "commit", "-q", "-am", "more advisers")
    git(tmp_path, "checkout", "-q", "main")
    git(tmp_path, "merge", "-q", "--no-ff", "-m", "merge", "change")
    script = next(step["run"] for step in steps() if step.get("run", "").startswith("budgetctl diff "))
    command = shlex.split(script.split(">>")[0])
    code, out = budgetctl(command[1:], tmp_path, monkeypatch)
    assert code == 0, out
    assert out.splitlines()[0] == "2023/24: allocated +£12,500.00 across 1 stream"
    validate = shlex.split(next(s["run"] for s in steps() if s.get("run", "").startswith("budgetctl validate")))
    assert budgetctl(validate[1:], tmp_path, monkeypatch)[0] == 0
