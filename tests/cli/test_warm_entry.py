"""The entry point's own ``validate`` (``budgetctl.__main__``: no typer, and on an unchanged
ledger no pipeline either) says exactly what the Typer command says, byte for byte, in every
format, cold, warm and after a change, including a change that keeps the file's size and mtime.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import budgetctl.cli
from budgetctl import pipeline
from budgetctl.__main__ import _plain_validate
from budgetctl.cli import app
from budgetctl.loading import statindex
from tests.conftest import LEDGERS, SHIPPED
from tests.entrypoint import Run, entry, fresh_run


@pytest.fixture
def full_checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many runs checked the ledger (``pipeline.check_read``) instead of printing its last
    whole check; and Typer must never be reached by a plain validate."""
    calls: list[int] = []
    real = pipeline.check_read

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    def no_typer() -> None:
        raise AssertionError("a plain validate went through Typer")

    monkeypatch.setattr(pipeline, "check_read", spy)
    monkeypatch.setattr(budgetctl.cli, "app", no_typer, raising=False)
    monkeypatch.setattr(statindex, "SETTLE_NS", 0)  # files written by the test count as settled
    monkeypatch.delenv("BUDGETCTL_NO_CACHE", raising=False)
    monkeypatch.delenv("CI", raising=False)
    return calls


def command(*args: str) -> Run:
    result = CliRunner().invoke(app, [*args, "--no-cache"])
    return result.exit_code, result.stdout, result.stderr


def copy(name: str, tmp_path: Path) -> Path:
    source = SHIPPED if name == "shipped" else LEDGERS / name / "data"
    data = tmp_path / "ledger" / "data"
    shutil.copytree(source, data)
    past = time.time() - 60  # older than the stat index the first run writes (git's racy rule)
    for path in data.rglob("*"):
        os.utime(path, (past, past))
    return data


@pytest.mark.parametrize("ledger", ["many-problems", "over-allocated", "shipped"])
@pytest.mark.parametrize("options", [(), ("--format", "json"), ("-f", "github"), ("--strict",), ("--format=text",)])
def test_the_entry_point_says_what_the_command_says(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    full_checks: list[int],
    ledger: str,
    options: tuple[str, ...],
) -> None:
    data = copy(ledger, tmp_path)
    args = ("validate", "--data", str(data), *options)
    cold = entry(monkeypatch, capsys, *args)
    assert len(full_checks) == 1
    warm = entry(monkeypatch, capsys, *args)
    assert len(full_checks) == 1  # served from the last whole check
    expected = command(*args)
    assert cold == warm == expected
    if ledger != "shipped":
        assert expected[0] == 1 and expected[1]


def test_the_main_data_option_is_the_default_of_validates_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], full_checks: list[int]
) -> None:
    data = copy("many-problems", tmp_path)
    found = entry(monkeypatch, capsys, "--data", str(data), "validate", "-f", "json")
    assert found == command("--data", str(data), "validate", "-f", "json")
    assert json.loads(found[1])["errors"] == 11


def test_a_change_keeping_size_and_mtime_gets_the_new_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], full_checks: list[int]
) -> None:
    data = copy("shipped", tmp_path)
    args = ("validate", "--data", str(data), "--format", "json")
    clean = entry(monkeypatch, capsys, *args)
    assert entry(monkeypatch, capsys, *args) == clean and len(full_checks) == 1  # the index vouches now
    target = next(p for p in sorted((data / "projects").rglob("*.yaml")) if ": 1" in p.read_text("utf-8"))
    before = target.stat()
    text = target.read_text("utf-8")
    broken = text.replace(": 1", ": x", 1)  # same size: an amount that is not money
    assert len(broken) == len(text)
    target.write_text(broken, encoding="utf-8")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = target.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    found = entry(monkeypatch, capsys, *args)
    assert len(full_checks) == 2  # not served from the last check: the file was read again
    assert found == command(*args) != clean
    assert found[0] == 1 and target.name in found[1]


def test_no_ledger_is_typers_red_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A user error before anything is printed: Typer runs the command and shows it (exit 2)."""
    result = subprocess.run(
        [sys.executable, "-m", "budgetctl", "validate", "--data", str(tmp_path / "none")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("budgetctl: no ledger found: ")


@pytest.mark.parametrize(
    ("args", "plain"),
    [
        (["validate"], {}),
        (["validate", "--data", "d", "--strict"], {"data": "d", "strict": "yes"}),
        (["--data", "d", "validate", "--format=json"], {"main_data": "d", "format": "json"}),
        (["validate", "-f", "github", "--no-cache"], {"format": "github", "no_cache": "yes"}),
        (["validate", "-fjson"], None),  # Click reads it; this parser leaves it to Click
        (["validate", "--format", "JSON"], None),
        (["validate", "--format", "json", "--format", "text"], None),
        (["validate", "--data"], None),
        (["validate", "--data", "--strict"], None),
        (["validate", "--help"], None),
        (["validate", "--changed-since", "HEAD"], None),
        (["validate", "extra"], None),
        (["--strict", "validate"], None),
        (["summary"], None),
        ([], None),
    ],
)
def test_only_plain_command_lines_skip_typer(args: list[str], plain: dict[str, str] | None) -> None:
    assert _plain_validate(args) == plain


def test_a_warm_validate_imports_neither_typer_nor_the_checks(tmp_path: Path) -> None:
    def modules() -> set[str]:
        return fresh_run(tmp_path, "validate", "--data", str(SHIPPED))[0]

    assert "budgetctl.rules" in modules()  # the first run checks everything
    warm = modules()
    heavy = {"typer", "click", "rich", "yaml", "pydantic_core", "budgetctl.pipeline", "budgetctl.rules"}
    assert warm & heavy == set()
    assert "budgetctl.model.records" not in warm


@pytest.mark.parametrize(
    "args",
    [
        ["summary", "--year", "2023/24", "--format", "json"],
        ["--data", "{data}", "summary", "--year", "2023/24", "--format", "csv"],
        ["--data={data}", "projects", "--format", "csv"],
        ["validate", "--help"],
        ["new", "--help"],
        ["new", "project", "--help"],
        ["explain", "A001"],
        ["--help"],
        ["valdate"],
    ],
)
def test_the_app_built_for_one_command_says_what_the_whole_app_says(args: list[str]) -> None:
    """``app_for`` registers only the command the line names; the output is the whole app's."""
    from budgetctl.cli import app_for

    line = [a.replace("{data}", str(SHIPPED)) for a in args]
    if "--data" not in " ".join(line):
        line += ["--data", str(SHIPPED)] if line[0] in ("summary",) else []
    pruned = app_for(line)
    assert (pruned is app) == (line[0] in ("--help", "valdate"))
    found = CliRunner().invoke(pruned, line)
    whole = CliRunner().invoke(app, line)
    assert (found.exit_code, found.stdout, found.stderr) == (whole.exit_code, whole.stdout, whole.stderr)
