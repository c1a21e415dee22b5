"""A monitor view served by a fresh ``budgetctl`` process, as the installed command runs (its bytes
written to standard output as they are when that is the interpreter's own UTF-8 output, the text
otherwise, and the process ended without the interpreter's teardown), prints exactly what the
uncached command prints: the same bytes on standard output and standard error and the same exit
code, in every format, for a report longer than a pipe holds, in another encoding, and into a
closed pipe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_monitor_warm_facts import many_streams

Run = tuple[int, bytes, bytes]


def budgetctl(tmp_path: Path, *args: str, encoding: str = "utf-8", closed: bool = False) -> tuple[Run, set[str]]:
    """``python -m budgetctl ARGS`` (``run``, as the installed script) in a fresh interpreter,
    standard output a pipe (``closed``: its reading end closed first): the exit code, what it
    wrote, and the budgetctl modules it imported."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "NO_COLOR": "1",
        "COLUMNS": "200",
        "PYTHONIOENCODING": encoding,
    }
    argv = [sys.executable, "-X", "importtime", "-m", "budgetctl", *args]
    if closed:
        read, write = os.pipe()
        os.close(read)
        try:
            result = subprocess.run(argv, stdout=write, stderr=subprocess.PIPE, env=env, cwd=tmp_path, check=False)
        finally:
            os.close(write)
        out = b""
    else:
        result = subprocess.run(argv, capture_output=True, env=env, cwd=tmp_path, check=False)
        out = result.stdout
    lines = result.stderr.splitlines(keepends=True)
    timed = [line for line in lines if line.startswith(b"import time:")]
    err = b"".join(line for line in lines if not line.startswith(b"import time:"))
    modules = {line.rsplit(b"|", 1)[1].strip().decode() for line in timed[1:]}  # after the header
    return (result.returncode, out, err), modules


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("views")
    data = many_streams(root, 700)  # a stream table of about 100 kB: more than a pipe holds
    old = 1_600_000_000  # settled: the stamp vouches for every file by its stat entry
    for path in data.rglob("*"):
        os.utime(path, (old, old))
    budgetctl(root, "validate", "--data", str(data))
    return data


@pytest.mark.parametrize("options", [(), ("-f", "csv"), ("-f", "json"), ("-f", "markdown"), ("--as-at", "q2")])
@pytest.mark.parametrize("encoding", ["utf-8", "latin-1"])
def test_a_served_view_is_the_uncached_output(ledger: Path, options: tuple[str, ...], encoding: str) -> None:
    root = ledger.parent
    args = ("monitor", "--data", str(ledger), "-y", "2023/24", *options)
    first, _ = budgetctl(root, *args, encoding=encoding)
    served, modules = budgetctl(root, *args, encoding=encoding)
    uncached, _ = budgetctl(root, *args, "--no-cache", encoding=encoding)
    assert served == first == uncached
    assert served[0] == 0 and len(served[1]) > (65536 if options in [(), ("--as-at", "q2")] else 0)
    assert "budgetctl.reports.monitor" not in modules  # served: no report made


@pytest.mark.parametrize("options", [(), ("-f", "json")])
def test_a_served_view_into_a_closed_pipe_fails_as_the_uncached_run(ledger: Path, options: tuple[str, ...]) -> None:
    root = ledger.parent
    args = ("monitor", "--data", str(ledger), "-y", "2023/24", "--as-at", "q3", *options)
    budgetctl(root, *args)  # kept
    served, modules = budgetctl(root, *args, closed=True)
    assert "budgetctl.reports.monitor" not in modules
    uncached, _ = budgetctl(root, *args, "--no-cache", closed=True)
    assert served == uncached
    assert served[0] == 2 and b"cannot write to standard output" in served[2]
