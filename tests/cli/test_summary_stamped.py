"""A warm ``summary`` of a ledger the warm stamp vouches for (unchanged since a whole check that
found no problem) is printed from the summary values kept under the stamp's ledger key, without
discovery, the check file, json or pathlib, and ends without the interpreter's teardown, as a
warm validate does. Through the installed command's real process: what it prints, on which
stream, and its exit code are the uncached command's; a write that fails still ends in exit 2
with one line; an exit handler still runs; a file changed keeping its size and mtime is seen."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

from budgetctl.__main__ import _summary
from tests.cli.test_summary_warm_facts import copy

Ran = tuple[int, str, str]  # exit code, stdout, stderr

OPTIONS = [
    ("-y", "2023/24"),
    (),  # the default year: today's
    ("-y", "2023/24", "--by", "funding", "-f", "csv"),
    ("-y", "2024/25", "-f", "json"),
    ("-y", "2023/24", "-f", "markdown"),
    ("-y", "2023/24..2025/26"),
]


def env(tmp_path: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}


# The installed command's entry point (``__main__.run``), with every import statement its code
# runs written to stderr as it runs (a module the interpreter's start-up loaded still counts).
_PROBE = """
import builtins, sys
real = builtins.__import__
def spy(name, globals=None, locals=None, fromlist=(), level=0):
    asked = [name, *(name + "." + item for item in fromlist or ())]
    sys.stderr.write("".join("asked: " + item + "\\n" for item in asked))
    return real(name, globals, locals, fromlist, level)
builtins.__import__ = spy
sys.argv = ["budgetctl", *sys.argv[1:]]
from budgetctl.__main__ import run
run()
"""


def budgetctl(tmp_path: Path, *args: str) -> tuple[Ran, set[str]]:
    """``budgetctl ARGS`` in its own process, as the installed command runs it, and the modules
    its code asked for."""
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, env=env(tmp_path), cwd=tmp_path
    )
    lines = result.stderr.splitlines(keepends=True)
    modules = {line.removeprefix("asked: ").strip() for line in lines if line.startswith("asked: ")}
    stderr = "".join(line for line in lines if not line.startswith("asked: "))
    return (result.returncode, result.stdout, stderr), modules


# What a summary the stamp vouches for does without: discovery, the cache's module, json (the
# check file's reader), pathlib and Typer.
UNNEEDED = {"budgetctl.loading.discover", "budgetctl.loading.cache", "json", "pathlib", "typer"}


def stamped_summary(tmp_path: Path, data: Path, *options: str) -> Ran:
    """The summary served from the stamp (asserted), after a validate that kept it."""
    found, modules = budgetctl(tmp_path, "summary", "--data", str(data), *options)
    unneeded = UNNEEDED - {"json"} if "json" in options else UNNEEDED  # JSON output is json's to write
    assert "budgetctl.reports.summary" in modules and modules & unneeded == set(), (options, modules & unneeded)
    return found


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """The shipped ledger without its actuals and forecasts (a summary of one year with them is
    the plan's check, which the stamp does not vouch for), its files a minute old, validated."""
    data = copy("shipped", tmp_path)
    found = budgetctl(tmp_path, "validate", "--data", str(data))[0]
    assert found[0] == 0 and found[1].startswith("no problems in ")
    return data


def uncached(tmp_path: Path, data: Path, *options: str) -> Ran:
    return budgetctl(tmp_path, "summary", "--data", str(data), *options, "--no-cache")[0]


@pytest.mark.parametrize("options", OPTIONS)
def test_a_summary_the_stamp_vouches_for_is_the_uncached_one(
    tmp_path: Path, data: Path, options: tuple[str, ...]
) -> None:
    found = stamped_summary(tmp_path, data, *options)
    assert found == uncached(tmp_path, data, *options)
    assert found[0] == 0 and ("Total" in found[1] or '"total"' in found[1])


def test_the_check_file_is_not_needed(tmp_path: Path, data: Path) -> None:
    """The stamp says the whole check found no problem and how many files it read: a check file
    gone (or another ledger's) changes nothing."""
    (check,) = (tmp_path / "cache" / "budgetctl").glob("*.check.json")
    check.unlink()
    assert stamped_summary(tmp_path, data, "-y", "2023/24") == uncached(tmp_path, data, "-y", "2023/24")


def test_without_the_values_the_ledger_is_checked(tmp_path: Path, data: Path) -> None:
    (values,) = (tmp_path / "cache" / "budgetctl").glob("*.summary")
    values.unlink()
    found, modules = budgetctl(tmp_path, "summary", "--data", str(data), "-y", "2023/24")
    assert "typer" in modules  # the command checked the ledger
    assert found == uncached(tmp_path, data, "-y", "2023/24")


def test_a_summary_that_cannot_be_written_ends_in_exit_2(tmp_path: Path, data: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "budgetctl", "summary", "-y", "2023/24", "--data", str(data)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=env(tmp_path),
            cwd=tmp_path,
            check=False,
        )
    assert result.returncode == 2
    assert result.stderr == "budgetctl: cannot write to standard output: No space left on device\n"


def test_an_exit_handler_still_runs_after_a_stamped_summary(tmp_path: Path, data: Path) -> None:
    printed = stamped_summary(tmp_path, data, "-y", "2023/24")[1]
    script = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('the handler ran', file=sys.stderr))\n"
        "sys.argv = ['budgetctl', 'summary', '-y', '2023/24', '--data', sys.argv[1]]\n"
        "from budgetctl.__main__ import run\n"
        "run()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(data)], capture_output=True, text=True, env=env(tmp_path), check=False
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, printed, "the handler ran\n")


@pytest.mark.parametrize("keeps", ["ctime", "inode", "just written"])
def test_a_change_keeping_size_and_mtime_is_seen(tmp_path: Path, data: Path, keeps: str) -> None:
    """A same-size edit of an allocation with the mtime put back: in place (only the ctime moves),
    or as a new file renamed over the old one (a new inode too); or in place, of a file written
    just before the validate that kept the stamp (which then names it to hash again, as in the
    benchmark's rounds: an edit, validate, validate, summary)."""
    target = next(p for p in sorted((data / "projects").rglob("*.yaml")) if "  2023/24: 1" in p.read_text("utf-8"))
    if keeps == "just written":
        target.write_text(target.read_text("utf-8") + "# edited\n", encoding="utf-8")
        assert budgetctl(tmp_path, "validate", "--data", str(data))[0][0] == 0
    before_text = stamped_summary(tmp_path, data, "-y", "2023/24", "-f", "json")
    info = target.stat()
    text = target.read_text("utf-8")
    changed = text.replace("  2023/24: 1", "  2023/24: 2", 1)  # same size: £1,000s more allocated
    written = target if keeps == "ctime" else target.with_name("new.tmp")
    written.write_text(changed, encoding="utf-8")
    os.utime(written, ns=(info.st_atime_ns, info.st_mtime_ns))
    if written != target:
        written.replace(target)
    after = target.stat()
    assert (after.st_size, after.st_mtime_ns) == (info.st_size, info.st_mtime_ns)
    found, modules = budgetctl(tmp_path, "summary", "--data", str(data), "-y", "2023/24", "-f", "json")
    assert "budgetctl.loading.discover" in modules  # the stamp did not vouch
    assert found == uncached(tmp_path, data, "-y", "2023/24", "-f", "json") != before_text


def test_the_collector_is_on_again_when_typer_runs_the_command(tmp_path: Path) -> None:
    """The fast path turns the cycle collector off while it works; when it prints nothing (Typer
    runs the command), the collector is on again."""
    assert gc.isenabled()
    _summary({"by": "priority"})  # a grouping the fast path does not serve
    assert gc.isenabled()
    _summary({"data": str(tmp_path / "nowhere")})  # no ledger: Typer says so
    assert gc.isenabled()


def test_the_collector_is_on_again_after_a_summary_printed_in_process(tmp_path: Path, data: Path) -> None:
    """Only the installed command's process ends after a warm answer: a caller of ``main`` (a
    test, a script) gets the collector back."""
    script = (
        "import gc, sys\n"
        "from budgetctl.__main__ import main\n"
        "sys.argv = ['budgetctl', 'summary', '-y', '2023/24', '--data', sys.argv[1]]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(gc.isenabled(), 'typer' in sys.modules, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(data)],
        capture_output=True,
        text=True,
        env=env(tmp_path),
        cwd=tmp_path,
        check=True,
    )
    assert "Total" in result.stdout and result.stderr == "True False\n"  # printed by the fast path
