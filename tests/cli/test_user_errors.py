"""Failures a user fixes are one ``UserError`` with its exit code, shown in one place.

Each library exception a person can cause derives from ``UserError``; the command
line turns any of them into one red line on stderr and the error's exit code, and
no command module catches them itself or picks an exit code from a message's text.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetctl.cli import app
from budgetctl.diagnostics import UserError
from budgetctl.edit.init import InitRefused
from budgetctl.edit.new_project import ScaffoldError
from budgetctl.infra.atomic import WriteRefused
from budgetctl.infra.git import GitError
from budgetctl.loading.discover import NoLedger

CLI = Path(__file__).resolve().parents[2] / "budgetctl" / "cli"


@pytest.mark.parametrize("error", [NoLedger, GitError, WriteRefused, InitRefused, ScaffoldError])
def test_every_user_facing_failure_is_a_user_error_with_exit_2(error: type[UserError]) -> None:
    assert issubclass(error, UserError)
    assert error("x").exit_code == 2
    assert error("x", exit_code=1).exit_code == 1


def test_no_command_module_catches_a_user_error_or_reads_a_message_for_its_exit_code() -> None:
    names = {"UserError", "NoLedger", "GitError", "WriteRefused", "InitRefused", "ScaffoldError", "YearError"}
    found = []
    for path in sorted(CLI.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                caught = {n.id for n in ast.walk(node.type) if isinstance(n, ast.Name)}
                caught |= {n.attr for n in ast.walk(node.type) if isinstance(n, ast.Attribute)}
                if caught & names and path.name != "__init__.py" and caught != {"YearError"}:
                    found.append(f"{path.name}:{node.lineno} catches {sorted(caught & names)}")
            if isinstance(node, ast.Compare) and any(isinstance(op, ast.In | ast.NotIn) for op in node.ops):
                calls = [n for n in ast.walk(node) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "str"]
                if calls:
                    found.append(f"{path.name}:{node.lineno} tests the text of an exception")
    assert found == []


def test_no_ledger_is_one_red_line_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for args in (["validate"], ["summary"], ["owners"], ["fmt"], ["show", "x"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2, args
        assert result.stdout == ""
        assert result.stderr.startswith("budgetctl: no ledger found: no data/streams.yaml in ")
        assert " ".join(result.stderr.split()).endswith("(use --data DIR or set BUDGETCTL_DATA)")


def test_a_bad_revision_is_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["diff", "HEAD"])
    assert result.exit_code == 2
    assert result.stderr.startswith("budgetctl: not inside a git working tree: ")
