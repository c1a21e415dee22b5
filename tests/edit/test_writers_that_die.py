"""Writers that die leave nothing to clean up, and say only what they did.

``init`` is killed with SIGKILL at moments spread over its whole run (the real command, and
a copy slowed down between its writes so every step is hit); after each kill the folder
holds no ledger or a complete one that ``validate`` accepts, and the next ``init`` leaves
no staging folder behind. ``fmt`` says "reformatted" only for the files it wrote.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetctl.cli import app

BUDGETCTL = Path(sys.executable).with_name("budgetctl")
FILES = ["README.md", "projects/.gitkeep", "streams.yaml"]

# create() with a pause before each step: every moment of the write is a wide target.
SLOW = """
import sys, time
from pathlib import Path
from budgetctl.edit import init
real_write, real_rename = init.write_atomic, Path.rename
def write(*args, **kwargs):
    time.sleep(0.03)
    real_write(*args, **kwargs)
    time.sleep(0.03)
def rename(self, target):
    time.sleep(0.03)
    return real_rename(self, target)
init.write_atomic = write
Path.rename = rename
print("ready", flush=True)
init.create(Path(sys.argv[1]))
"""


def _state(directory: Path) -> str:
    data = directory / "data"
    if not data.exists():
        return "none"
    found = sorted(p.relative_to(data).as_posix() for p in data.rglob("*") if p.is_file())
    assert found == FILES, found  # never a partial ledger
    # In process: only the kills need a process of their own.
    result = CliRunner().invoke(app, ["validate", "--data", str(data)])
    assert result.exit_code == 0, result.output
    return "complete"


def _kill_after(argv: list[str], delay: float, wait_ready: bool) -> None:
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    if wait_ready:
        assert proc.stdout is not None
        proc.stdout.readline()
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


@pytest.mark.parametrize("slow", [False, True], ids=["real", "slowed"])
def test_init_killed_at_any_moment_leaves_no_ledger_or_a_complete_one(tmp_path: Path, slow: bool) -> None:
    start = time.perf_counter()
    subprocess.run([str(BUDGETCTL), "init", str(tmp_path / "timing")], check=True, capture_output=True)
    # The slowed steps take about 0.2 s; kills up to three times that apart still reach past
    # the rename on a busy machine.
    whole = time.perf_counter() - start if not slow else 0.6
    states = []
    for attempt in range(12):
        directory = tmp_path / f"run{attempt}"
        argv = [sys.executable, "-c", SLOW, str(directory)] if slow else [str(BUDGETCTL), "init", str(directory)]
        _kill_after(argv, whole * attempt / 10, wait_ready=slow)
        states.append(_state(directory))
        # The next init completes (or is refused over a complete ledger) and leaves no staging folder.
        again = CliRunner().invoke(app, ["init", str(directory)])
        assert again.exit_code == (0 if states[-1] == "none" else 2), again.output
        assert _state(directory) == "complete"
        assert sorted(p.name for p in directory.iterdir()) == ["data"]
    if slow:  # the real command's moments depend on the machine's load; the slowed copy's do not
        assert "none" in states and "complete" in states  # the kills hit before and after the rename


def test_init_over_an_empty_folder_and_beside_a_stale_staging_folder(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    stale = tmp_path / ".budgetctl-init-999999999-x"
    (stale / "projects").mkdir(parents=True)
    (stale / "streams.yaml").write_text("half")
    result = subprocess.run([str(BUDGETCTL), "init", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert _state(tmp_path) == "complete"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]
    assert oct((tmp_path / "data").stat().st_mode & 0o777) == oct(0o777 & ~_umask())


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


UNTIDY = "title:   T\nstream: vs\nlead:    L\nallocations:\n  2023/24:    10\n"


def _ledger(root: Path) -> Path:
    data = root / "data"
    (data / "projects" / "vs").mkdir(parents=True)
    (data / "streams.yaml").write_text(
        "streams:\n  vs:\n    programme: V\n    funding: F\n    budget:\n      2023/24: 100\n"
    )
    (data / "projects" / "vs" / "p.yaml").write_text(UNTIDY)
    return data


def test_fmt_names_a_file_given_twice_once(tmp_path: Path) -> None:
    data = _ledger(tmp_path)
    rel = "data/projects/vs/p.yaml"
    result = subprocess.run(
        [str(BUDGETCTL), "fmt", rel, rel, "./" + rel, str(data / "projects")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [f"reformatted {rel}", "1 file reformatted, 0 files already formatted"]


def _read_only(folder: Path) -> bool:
    """Make ``folder`` unwritable, for root too (an immutable folder) where the system allows it."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return True
    return subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0


def _writable(folder: Path) -> None:
    if os.geteuid() != 0:
        folder.chmod(0o755)
    else:
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True)


def test_fmt_that_cannot_write_does_not_say_reformatted(tmp_path: Path) -> None:
    data = _ledger(tmp_path)
    folder = data / "projects" / "vs"
    if not _read_only(folder):
        pytest.skip("cannot make a folder unwritable here")
    try:
        result = subprocess.run([str(BUDGETCTL), "fmt"], cwd=tmp_path, capture_output=True, text=True)
    finally:
        _writable(folder)
    assert result.returncode == 2
    assert "reformatted" not in result.stderr
    assert result.stderr.splitlines()[-1] == "1 file already formatted, 1 file not written (see above)"
    assert (folder / "p.yaml").read_text() == UNTIDY
