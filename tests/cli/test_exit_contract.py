"""Exit codes are the contract: an output that cannot be written and a path the system
cannot use are exit 2 with one line, never the internal-error exit 3; ``--data ..`` is
the folder it names, with no false problems.

Everything runs the installed ``budgetctl`` in a real process, with a real closed pipe,
a real full device and real path lengths.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SHIPPED

BUDGETCTL = Path(sys.executable).with_name("budgetctl")
COMMANDS = [
    ["validate"],
    ["validate", "--format", "json"],
    ["summary", "--year", "2023/24"],
    ["summary", "--year", "2023/24", "--format", "csv"],
    ["projects", "--format", "markdown"],
    ["show", "idva-service"],
    ["report", "--year", "2023/24"],
    ["export", "--format", "json"],
    ["owners"],
    ["rules"],
]


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    shutil.copytree(SHIPPED, tmp_path / "data")
    return tmp_path


def _run(cwd: Path, args: list[str], **kwargs) -> subprocess.CompletedProcess[bytes]:  # type: ignore[no-untyped-def]
    env = {**os.environ, "NO_COLOR": "1", "BUDGETCTL_NO_CACHE": "1"}
    return subprocess.run([str(BUDGETCTL), *args], cwd=cwd, stderr=subprocess.PIPE, env=env, timeout=120, **kwargs)


def _one_line(stderr: bytes) -> str:
    lines = stderr.decode().splitlines()
    assert len(lines) == 1, lines
    assert "internal error" not in lines[0] and "Traceback" not in lines[0]
    return lines[0]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_closed_pipe_is_exit_2_with_one_line(ledger: Path, command: list[str]) -> None:
    read, write = os.pipe()
    os.close(read)  # `budgetctl ... | head -0`: nobody reads
    try:
        result = _run(ledger, command, stdout=write)
    finally:
        os.close(write)
    assert result.returncode == 2
    assert _one_line(result.stderr) == "budgetctl: cannot write to standard output: Broken pipe"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_full_device_is_exit_2_with_one_line(ledger: Path, command: list[str]) -> None:
    with open("/dev/full", "wb") as full:
        result = _run(ledger, command, stdout=full)
    assert result.returncode == 2
    assert _one_line(result.stderr) == "budgetctl: cannot write to standard output: No space left on device"


def test_a_closed_standard_output_is_exit_2(ledger: Path) -> None:
    result = _run(ledger, ["summary"], stdout=subprocess.DEVNULL, preexec_fn=lambda: os.close(1))
    assert result.returncode == 2
    assert _one_line(result.stderr) == "budgetctl: standard output is closed; nothing can be printed"


@pytest.mark.parametrize(
    "command",
    [
        ["validate"],
        ["summary"],
        ["projects"],
        ["show", "x"],
        ["report"],
        ["export", "--format", "csv"],
        ["owners"],
        ["fmt"],
        ["new", "project", "x", "--stream", "s", "--title", "T", "--lead", "L", "--amount", "2023/24=1"],
        ["diff", "HEAD"],
    ],
    ids=" ".join,
)
@pytest.mark.parametrize("path", ["a" * 5000, "a/" * 3000, "a" * 300 + "/data"], ids=["name", "depth", "part"])
def test_a_data_path_too_long_for_the_system_is_exit_2_with_one_line(
    ledger: Path, command: list[str], path: str
) -> None:
    if command[0] == "diff" and shutil.which("git") is None:
        pytest.skip("git is not installed")
    if command[0] == "diff":
        subprocess.run(["git", "init", "-q"], cwd=ledger, check=True)
    result = _run(ledger, [*command, "--data", path], stdout=subprocess.PIPE)
    assert result.returncode == 2, result.stderr[-300:]
    line = _one_line(result.stderr)
    assert line.startswith("budgetctl: ")


def test_fmt_of_a_path_too_long_is_exit_2(ledger: Path) -> None:
    result = _run(ledger, ["fmt", "a" * 5000], stdout=subprocess.PIPE)
    assert result.returncode == 2
    assert _one_line(result.stderr).startswith("budgetctl: no such file or folder: aaaa")


@pytest.mark.parametrize(("cwd", "data"), [("data/projects", ".."), ("data/projects/victims-services", "../..")])
def test_data_ending_in_dotdot_is_the_folder_it_names(ledger: Path, cwd: str, data: str) -> None:
    expected = _run(ledger, ["validate", "--format", "json"], stdout=subprocess.PIPE)
    result = _run(ledger / cwd, ["validate", "--format", "json", "--data", data], stdout=subprocess.PIPE)
    assert result.returncode == expected.returncode == 0, result.stdout.decode()[:2000]
    assert result.stdout == expected.stdout  # the same files, the same display paths, no R006
