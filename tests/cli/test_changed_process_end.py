"""The installed command (``__main__.run``, as ``python -m budgetctl`` runs it) ends a ``validate``
answered by the check of the files changed since the stamp (``pipeline.check_listed``) without
the interpreter's teardown, as it ends a warm answer: what it prints, on which stream, and its
exit code (0, or 1 for a problem) are those of an uncached run; a write that fails still ends in
exit 2 with one line, and an exit handler still runs, with the check's exit code."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.pipeline.test_check_changes import GENERATE

Ran = tuple[int, str, str]  # exit code, stdout, stderr


def env(tmp_path: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}


def budgetctl(tmp_path: Path, *args: str) -> tuple[Ran, bool]:
    """``budgetctl ARGS`` in its own process, and whether the check of changes answered (the
    whole check, after discovery, imports the progress display; that check does not)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "budgetctl", *args],
        capture_output=True,
        text=True,
        env=env(tmp_path),
        cwd=tmp_path,
        check=False,
    )
    lines = result.stderr.splitlines(keepends=True)
    imports = [line for line in lines if line.startswith("import time:")]
    stderr = "".join(line for line in lines if not line.startswith("import time:"))
    changes = any(line.rstrip().endswith(" budgetctl.pipeline") for line in imports) and not any(
        line.rstrip().endswith(" budgetctl.render.progress") for line in imports
    )
    return (result.returncode, result.stdout, stderr), changes


def project_file(data: Path) -> Path:
    return next(p for p in sorted((data / "projects").rglob("*.yaml")) if "\nallocations:\n" in p.read_text("utf-8"))


def edited(data: Path, problem: bool) -> Path:
    """A stamped ledger with one project file edited: a comment, or an unknown priority (R002)."""
    target = project_file(data)
    text = target.read_text("utf-8")
    if problem and "priorities: [" in text:
        text = text.replace("priorities: [", "priorities: [no-such-priority, ", 1)
    elif problem:
        text = text.replace("\nallocations:\n", "\npriorities: [no-such-priority]\nallocations:\n", 1)
    target.write_text(text + "# edited\n", encoding="utf-8")
    return target


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A generated ledger (no in-year files: the check of changes takes none), a minute old."""
    GENERATE.generate(30, tmp_path / "ledger", seed=11, journals=False, git=False)
    data = tmp_path / "ledger" / "data"
    past = time.time() - 60
    for path in data.rglob("*"):
        os.utime(path, (past, past))
    for _ in range(2):  # a whole check, then the stamp's answer
        assert budgetctl(tmp_path, "validate", "--data", str(data))[0][0] == 0
    return data


@pytest.mark.parametrize("problem", [False, True])
@pytest.mark.parametrize("options", [(), ("--format", "json"), ("-f", "github")])
def test_a_check_of_changes_says_what_an_uncached_check_says(
    tmp_path: Path, data: Path, options: tuple[str, ...], problem: bool
) -> None:
    target = edited(data, problem)
    args = ("validate", "--data", str(data), *options)
    found, changes = budgetctl(tmp_path, *args)
    assert changes
    assert found == budgetctl(tmp_path, *args, "--no-cache")[0]
    assert found[0] == (1 if problem else 0)
    if problem:
        assert "R002" in found[1] + found[2] and target.name in found[1] + found[2]


def test_a_check_of_changes_that_cannot_be_written_ends_in_exit_2(tmp_path: Path, data: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    edited(data, problem=True)
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "budgetctl", "validate", "--data", str(data)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=env(tmp_path),
            cwd=tmp_path,
            check=False,
        )
    assert result.returncode == 2
    assert result.stderr == "budgetctl: cannot write to standard output: No space left on device\n"


@pytest.mark.parametrize("problem", [False, True])
def test_an_exit_handler_still_runs_after_a_check_of_changes(tmp_path: Path, data: Path, problem: bool) -> None:
    edited(data, problem)
    uncached = budgetctl(tmp_path, "validate", "--data", str(data), "--no-cache")[0]
    script = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('the handler ran', file=sys.stderr))\n"
        "sys.argv = ['budgetctl', 'validate', '--data', sys.argv[1]]\n"
        "from budgetctl.__main__ import run\n"
        "run()\n"
    )
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", script, str(data)],
        capture_output=True,
        text=True,
        env=env(tmp_path),
        cwd=tmp_path,
        check=False,
    )
    lines = result.stderr.splitlines(keepends=True)
    assert not any(line.rstrip().endswith(" budgetctl.render.progress") for line in lines)  # the check of changes
    stderr = "".join(line for line in lines if not line.startswith("import time:"))
    assert (result.returncode, result.stdout, stderr) == (uncached[0], uncached[1], uncached[2] + "the handler ran\n")
