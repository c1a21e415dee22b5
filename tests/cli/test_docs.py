"""The help is the documentation: every command is in the README and has an example."""

from __future__ import annotations

import re
from typing import Any

import typer.main

from budgetctl.cli import app
from tests.conftest import REPO


def command_paths() -> list[tuple[str, Any]]:
    """Every command as ``name`` or ``group name`` (typer may bring its own click)."""
    root: Any = typer.main.get_command(app)
    found: list[tuple[str, Any]] = []
    for name, command in root.commands.items():
        if hasattr(command, "commands"):
            found.extend((f"{name} {sub}", c) for sub, c in command.commands.items())
        else:
            found.append((name, command))
    return found


def test_every_command_has_a_readme_heading() -> None:
    headings = [line for line in (REPO / "README.md").read_text().splitlines() if line.startswith("#")]
    for path, _ in command_paths():
        assert any(f"budgetctl {path}" in h for h in headings), f"README has no heading for `budgetctl {path}`"


def test_every_command_help_ends_with_an_example() -> None:
    for path, command in command_paths():
        assert re.search(r"Example: budgetctl " + re.escape(path), command.help or ""), path


def test_readme_set_up_commands_are_the_ones_ci_runs() -> None:
    readme = (REPO / "README.md").read_text()
    ci = (REPO / ".ci" / "run").read_text()
    test_command = "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest"
    assert test_command in readme and test_command in ci
    assert "budgetctl summary --year 2023/24" in readme
