"""Start-up: each command imports only what it needs (checked by module, never by time).

`budgetctl --version` answers before typer, pydantic, rich or a YAML library
is imported; `--help` needs typer only; machine-readable output never loads
Rich; the read-only commands never load ruamel (the writer's YAML library),
and a small ledger never starts worker processes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.entrypoint import fresh_run

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "data"

HEAVY = {"typer", "click", "pydantic", "pydantic_core", "rich", "yaml", "ruamel", "multiprocessing", "concurrent"}


def imported(tmp_path: Path, *args: str) -> set[str]:
    """The heavy top-level packages ``budgetctl ARGS`` imports, run in a fresh interpreter."""
    return {name.split(".")[0] for name in fresh_run(tmp_path, *args)[0]} & HEAVY


def test_version_imports_nothing_heavy(tmp_path: Path) -> None:
    assert imported(tmp_path, "--version") == set()


def test_version_with_python_x_importtime(tmp_path: Path) -> None:
    """The same, as `python -X importtime` sees it."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "budgetctl", "--version"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert result.stdout.startswith("budgetctl ")
    modules = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in result.stderr.splitlines() if "|" in line}
    assert "budgetctl" in modules
    assert modules & HEAVY == set()


def test_help_needs_typer_only(tmp_path: Path) -> None:
    assert imported(tmp_path, "--help") <= {"typer", "click"}


@pytest.mark.parametrize(
    "args",
    [
        ("validate", "--format", "json"),
        ("validate", "--format", "github"),
        ("summary", "--year", "2023/24", "--format", "json"),
        ("summary", "--year", "2023/24", "--format", "csv"),
    ],
)
@pytest.mark.parametrize("cache", ["--no-cache", None])
def test_machine_readable_output_never_loads_rich(tmp_path: Path, args: tuple[str, ...], cache: str | None) -> None:
    extra = (cache,) if cache else ()
    for _ in range(2):  # the second run reads the cache
        found = imported(tmp_path, *args, "--data", str(SHIPPED), *extra)
        assert "rich" not in found
        assert "ruamel" not in found
        assert not found & {"multiprocessing", "concurrent"}  # 35 files: no worker processes


def test_piped_text_output_needs_neither_rich_nor_the_writer(tmp_path: Path) -> None:
    found = imported(tmp_path, "validate", "--data", str(SHIPPED))
    assert "rich" not in found  # colour only on a terminal, so plain text is printed directly
    assert "ruamel" not in found


def test_a_run_served_from_the_cache_parses_no_yaml(tmp_path: Path) -> None:
    first = imported(tmp_path, "validate", "--data", str(SHIPPED))
    assert "yaml" in first  # the first run parses every file and fills the cache
    again = imported(tmp_path, "validate", "--data", str(SHIPPED))
    assert "yaml" not in again


@pytest.mark.parametrize("command", ["summary", "report", "projects"])
def test_a_report_served_from_the_cache_never_loads_the_validator(tmp_path: Path, command: str) -> None:
    first = imported(tmp_path, command, "--data", str(SHIPPED))
    assert "pydantic_core" in first  # the first run validates every file and fills the cache
    again = imported(tmp_path, command, "--data", str(SHIPPED))
    assert not again & {"pydantic", "pydantic_core", "yaml"}


def test_validate_on_an_unchanged_ledger_neither_validates_nor_runs_a_rule(tmp_path: Path) -> None:
    # A full check fills the cache (a summary reads the plan only: with actuals, its check is partial).
    imported(tmp_path, "validate", "--data", str(SHIPPED), "--format", "json")
    again = imported(tmp_path, "validate", "--data", str(SHIPPED))
    assert not again & {"pydantic", "pydantic_core", "yaml"}
    # ...and leaves the cache of checked files as it was: the next report is served from it.
    report = imported(tmp_path, "summary", "--data", str(SHIPPED), "--format", "json")
    assert not report & {"pydantic", "pydantic_core", "yaml"}


def test_validate_after_one_edit_imports_neither_dataclasses_nor_inspect(tmp_path: Path, ledger_copy: Path) -> None:
    """The records are ``plainclass``'s: a check of one changed file pays for neither import (about
    20 ms) nor dataclasses' compiling of six methods a class."""
    fresh_run(tmp_path, "validate", "--data", str(ledger_copy), check=True)  # fills the cache
    project = next((ledger_copy / "projects").rglob("*.yaml"))
    project.write_text(project.read_text(encoding="utf-8") + "# reviewed\n", encoding="utf-8")
    again, shown = fresh_run(tmp_path, "validate", "--data", str(ledger_copy), check=True)
    assert "no problems" in shown
    assert "budgetctl.model.records" in again  # the changed file was checked, so its record was made
    assert not again & {"dataclasses", "inspect"}
