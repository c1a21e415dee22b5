"""The installed command (``__main__.run``, as ``python -m budgetctl`` runs it) ends a warm validate
without the interpreter's teardown: what it prints, on which stream, and its exit code are those
of the run that checked the ledger and of an uncached run; a write that fails still ends in exit
2 with one line, and an exit handler still runs. Through that real process, the stamp never
vouches for a ledger changed where size and mtime do not show it (ctime, inode), nor for a file
added, removed or renamed in a subfolder, nor for a folder replaced by a copy of itself."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import aged_shipped

Ran = tuple[int, str, str]  # exit code, stdout, stderr


def env(tmp_path: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}


def budgetctl(tmp_path: Path, *args: str) -> tuple[Ran, bool]:
    """``budgetctl ARGS`` in its own process, and whether the stamp answered (no discovery imported)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "budgetctl", *args],
        capture_output=True,
        text=True,
        env=env(tmp_path),
        cwd=tmp_path,
        check=False,
    )
    imports = [line for line in result.stderr.splitlines(keepends=True) if line.startswith("import time:")]
    stderr = "".join(line for line in result.stderr.splitlines(keepends=True) if not line.startswith("import time:"))
    answered = not any(line.rstrip().endswith(" budgetctl.loading.discover") for line in imports)
    return (result.returncode, result.stdout, stderr), answered


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return aged_shipped(tmp_path)


def warmed(tmp_path: Path, data: Path, *options: str) -> Ran:
    args = ("validate", "--data", str(data), *options)
    cold, answered = budgetctl(tmp_path, *args)
    assert not answered
    warm, answered = budgetctl(tmp_path, *args)
    assert answered and warm == cold
    return warm


@pytest.mark.parametrize("options", [(), ("--format", "json"), ("-f", "github")])
def test_a_warm_answer_says_what_a_check_says(tmp_path: Path, data: Path, options: tuple[str, ...]) -> None:
    warm = warmed(tmp_path, data, *options)
    assert warm == budgetctl(tmp_path, "validate", "--data", str(data), "--no-cache", *options)[0]
    assert warm[0] == 0
    if options != ("--format", "json"):
        assert (warm[2] if options else warm[1]) == "no problems in 160 files\n"


def test_a_warm_answer_that_cannot_be_written_ends_in_exit_2(tmp_path: Path, data: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    warmed(tmp_path, data)
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


def test_an_exit_handler_still_runs_after_a_warm_answer(tmp_path: Path, data: Path) -> None:
    warm = warmed(tmp_path, data)
    script = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('the handler ran', file=sys.stderr))\n"
        "sys.argv = ['budgetctl', 'validate', '--data', sys.argv[1]]\n"
        "from budgetctl.__main__ import run\n"
        "run()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(data)], capture_output=True, text=True, env=env(tmp_path), check=False
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, warm[1], "the handler ran\n")


def project_file(data: Path) -> Path:
    return next(p for p in sorted((data / "projects").rglob("*.yaml")) if ": 1" in p.read_text("utf-8"))


@pytest.mark.parametrize("keeps", ["ctime", "inode"])
def test_a_change_keeping_size_and_mtime_is_seen(tmp_path: Path, data: Path, keeps: str) -> None:
    """A same-size edit with the mtime put back: in place (only the ctime moves), or as a new
    file renamed over the old one (a new inode too)."""
    clean = warmed(tmp_path, data)
    target = project_file(data)
    before = target.stat()
    text = target.read_text("utf-8")
    broken = text.replace(": 1", ": x", 1)  # same size: an amount that is not money
    written = target if keeps == "ctime" else target.with_name("new.tmp")
    written.write_text(broken, encoding="utf-8")
    os.utime(written, ns=(before.st_atime_ns, before.st_mtime_ns))
    if written != target:
        written.replace(target)
    after = target.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    args = ("validate", "--data", str(data))
    found, answered = budgetctl(tmp_path, *args)
    assert not answered
    assert found == budgetctl(tmp_path, *args, "--no-cache")[0] != clean
    assert found[0] == 1 and target.name in found[1]


@pytest.mark.parametrize("change", ["added", "removed", "renamed", "folder-replaced", "mode-kept"])
def test_a_change_in_a_subfolder_is_seen(tmp_path: Path, data: Path, change: str) -> None:
    warmed(tmp_path, data, "--format", "json")
    target = project_file(data)
    folder = target.parent
    assert folder.parent.name == "projects"  # a file of a programme's subfolder
    if change == "added":
        shutil.copy2(target, folder / "copy.yaml")  # a second project with the same id
    elif change == "removed":
        target.unlink()
    elif change == "renamed":
        target.rename(target.with_suffix(".txt"))  # not a project file now
    elif change == "folder-replaced":  # the same names, bytes and mtimes: new inodes
        moved = folder.with_name("moved")
        folder.rename(moved)
        shutil.copytree(moved, folder, copy_function=shutil.copy2)
        shutil.rmtree(moved)
    else:
        target.chmod(target.stat().st_mode)  # nothing but the ctime moves
    args = ("validate", "--data", str(data), "--format", "json")
    found, answered = budgetctl(tmp_path, *args)
    assert not answered
    assert found == budgetctl(tmp_path, *args, "--no-cache")[0]
    again, answered = budgetctl(tmp_path, *args)
    assert again == found


QUICK = [
    ("show", "adult-sexual-violence-counselling"),
    ("trace", "victims-services", "-m", "actual", "--year", "2023/24", "--as-at", "q3"),
    ("owners",),
    ("report", "--year", "2023/24", "--format", "html", "--as-at", "2023-03-28"),
]


@pytest.mark.parametrize("args", QUICK, ids=lambda args: args[0])
def test_a_command_answered_without_typer_ends_as_a_warm_answer_does(
    tmp_path: Path, data: Path, args: tuple[str, ...]
) -> None:
    """``show``, ``trace``, ``owners`` and ``report`` answered by the entry point (``quick``) end
    without the teardown, the collector left off: the same output, stream and exit code as an
    uncached run, a report written whole to its file (and said on standard error), and an exit
    handler still runs."""
    warmed(tmp_path, data)
    command = (*args, "--data", str(data))
    warm, _ = budgetctl(tmp_path, *command)
    uncached = subprocess.run(
        [sys.executable, "-m", "budgetctl", *command],
        capture_output=True,
        text=True,
        env={**env(tmp_path), "BUDGETCTL_NO_CACHE": "1"},
        cwd=tmp_path,
        check=False,
    )
    assert warm == (uncached.returncode, uncached.stdout, uncached.stderr) and warm[0] == 0 and warm[1]
    if args[0] == "report":
        paper = tmp_path / "paper.html"
        written, _ = budgetctl(tmp_path, *command, "-o", str(paper))
        assert written == (0, "", f"wrote {paper}\n")
        assert paper.read_text(encoding="utf-8") == warm[1]
    script = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('the handler ran', file=sys.stderr))\n"
        "sys.argv = ['budgetctl', *sys.argv[1:]]\n"
        "from budgetctl.__main__ import run\n"
        "run()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, *command],
        capture_output=True,
        text=True,
        env=env(tmp_path),
        cwd=tmp_path,
        check=False,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, warm[1], "the handler ran\n")
