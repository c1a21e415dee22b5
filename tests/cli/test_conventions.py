"""Conventions people expect of a command-line tool."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetctl.cli import COMMANDS, app
from tests.conftest import GIT_ENV, LEDGERS, SHIPPED

OVER = LEDGERS / "over-allocated" / "data"
SCRIPT = Path(sys.executable).parent / "budgetctl"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("command", [[], *([name] for name, _ in COMMANDS), ["new", "project"]])
def test_dash_h_is_help_everywhere(command: list[str]) -> None:
    code, out, _ = invoke(*command, "-h")
    assert code == 0 and out.startswith("Usage: budgetctl")


def test_top_level_help_does_not_cut_command_descriptions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    _, out, _ = invoke("--help")
    assert "..." not in out.split("Commands:")[1]
    flat = " ".join(out.split())
    for name, function in COMMANDS:
        first = " ".join((function.__doc__ or "").strip().split("\n\n")[0].split())
        assert f"{name} {first}" in flat


def test_data_before_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ledger here: only --data can find one
    assert (
        invoke("--data", str(OVER), "validate", "--format", "json")[1]
        == invoke("validate", "--data", str(OVER), "--format", "json")[1]
    )
    code, out, _ = invoke("--data", str(OVER), "summary", "--year", "2023/24", "--format", "json")
    assert code == 0 and json.loads(out)["total"]["budget"] == "60000.50"
    # The command's own --data wins.
    code, out, _ = invoke(
        "--data", str(OVER), "summary", "--year", "2023/24", "--format", "json", "--data", str(SHIPPED)
    )
    assert json.loads(out)["total"]["budget"] == "17175399.00"
    assert invoke("--data", str(OVER), "new", "project", "-h")[0] == 0


def test_rules_as_json() -> None:
    code, out, _ = invoke("rules", "--format", "json")
    assert code == 0
    codes = {r["code"]: r for r in json.loads(out)}
    assert codes["A001"] == {
        "code": "A001",
        "name": "over-allocated-stream",
        "severity": "error",
        "summary": "A stream's allocations exceed its revised budget in a year.",
    }
    assert {"Y019", "Y020", "A006", "G001", "G002", "G003", "G004", "E007", "X001"} <= set(codes)


COLOUR_COMMANDS = [
    ["validate", "--data", str(OVER)],
    ["summary", "--year", "2023/24", "--data", str(OVER)],
    ["show", "arts", "--data", str(OVER)],
    ["rules"],
    ["projects", "--data", str(OVER)],
]


@pytest.mark.parametrize("command", COLOUR_COMMANDS, ids=lambda c: c[0])
def test_no_color_and_force_color_are_the_same_in_every_command(
    command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" in CliRunner().invoke(app, command).stdout  # forced, though not a terminal
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in CliRunner().invoke(app, command).stdout  # NO_COLOR wins
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.delenv("FORCE_COLOR")
    assert "\x1b[" not in CliRunner().invoke(app, command).stdout  # piped: plain


def completions(words: str, cword: int, cwd: Path) -> list[str]:
    env = {**os.environ, "_BUDGETCTL_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    result = subprocess.run([str(SCRIPT)], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    return result.stdout.split()


@pytest.mark.skipif(not SCRIPT.exists(), reason="budgetctl is not installed beside the interpreter")
def test_shell_completion_of_commands_options_and_project_ids(tmp_path: Path) -> None:
    shutil.copytree(SHIPPED, tmp_path / "data")
    assert completions("budgetctl va", 1, tmp_path) == ["validate"]
    assert "--year" in completions("budgetctl summary --", 2, tmp_path)
    assert completions("budgetctl show idva", 2, tmp_path) == ["idva-service"]
    assert completions("budgetctl summary --year 20", 3, tmp_path) == ["2023/24", "2024/25"]
    assert completions("budgetctl projects --stream vic", 3, tmp_path) == ["victims-services"]
    for shell in ("bash", "zsh", "fish"):
        script = subprocess.run(
            [str(SCRIPT), "--show-completion", shell], capture_output=True, text=True, check=False, cwd=tmp_path
        )
        assert script.returncode == 0 and "_BUDGETCTL_COMPLETE" in script.stdout, shell


def test_show_suggests_the_project_meant() -> None:
    code, _, err = invoke("show", "idva-servce", "--data", str(SHIPPED))
    assert code == 2
    assert "no project 'idva-servce' (did you mean 'idva-service'?)" in err
    assert "`budgetctl projects` lists them" in invoke("show", "zzz", "--data", str(SHIPPED))[2]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_git_range_gets_a_hint(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=tmp_path, env=GIT_ENV, check=True)
    shutil.copytree(SHIPPED, tmp_path / "data")
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, env=GIT_ENV, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "c"], cwd=tmp_path, env=GIT_ENV, check=True)
    code, _, err = invoke("diff", "main..HEAD", "--data", str(tmp_path / "data"))
    assert code == 2
    assert err.strip().endswith("budgetctl takes the two revisions apart: budgetctl diff main HEAD")


def test_the_workflow_recipe_runs_in_a_merge_queue_and_has_dependabot() -> None:
    import yaml

    from tests.conftest import REPO

    workflow = yaml.safe_load((REPO / "docs" / "github-workflow.yml").read_text(encoding="utf-8"))
    assert {"pull_request", "merge_group"} <= set(workflow[True])
    text = (REPO / "docs" / "github-workflow.yml").read_text(encoding="utf-8")
    assert "github.event.merge_group.base_sha" in text  # the base checkout works in a merge queue
    dependabot = yaml.safe_load((REPO / "docs" / "dependabot.yml").read_text(encoding="utf-8"))
    assert dependabot["updates"] == [
        {"package-ecosystem": "github-actions", "directory": "/", "schedule": {"interval": "weekly"}}
    ]


@pytest.mark.parametrize("command", [[name] for name, _ in COMMANDS] + [["new", "project"]], ids=" ".join)
def test_help_examples_stay_on_one_line_to_copy(command: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    _, out, _ = invoke(*command, "--help")
    [example] = [line.strip() for line in out.splitlines() if line.strip().startswith("Example: budgetctl")]
    import shlex

    words = shlex.split(example.removeprefix("Example: "))
    assert words[0] == "budgetctl" and words[1 : 1 + len(command)] == command
    # The next line is not a continuation of the command.
    after = out.splitlines()[out.splitlines().index(next(line for line in out.splitlines() if "Example:" in line)) + 1]
    assert after.strip() == "" or after.startswith(("Options", "Arguments"))
