"""A warm summary of a given year asks for neither ``typing`` nor ``datetime`` nor
``dataclasses`` (together about 8 ms of its start-up, paid at any ledger size): every import
statement its code runs is recorded in a fresh interpreter, so a module that an editable
install's start-up already loaded still counts."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from budgetctl.loading import statindex
from tests.cli.test_summary_warm_facts import copy
from tests.entrypoint import fresh_run

# budgetctl's entry point with ``__import__`` recorded from before budgetctl is imported.
_PROBE = """
import builtins, sys
asked = set()
real = builtins.__import__
def spy(name, *args, **kwargs):
    asked.add(name)
    return real(name, *args, **kwargs)
builtins.__import__ = spy
from budgetctl.__main__ import main
sys.argv = ["budgetctl", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
sys.stdout.flush()
print("\\n" + " ".join(sorted(asked)), file=sys.stderr)
"""


def asked(tmp_path: Path, *args: str) -> tuple[set[str], str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, env=env, cwd=tmp_path, check=True
    )
    return set(result.stderr.strip().splitlines()[-1].split()), result.stdout


def test_a_warm_summary_of_a_year_imports_neither_typing_nor_datetime(tmp_path: Path) -> None:
    data = copy("shipped", tmp_path)
    fresh_run(tmp_path, "validate", "--data", str(data), check=True)
    # The copy's files changed status (ctime) just now: once they have settled, a run vouches for
    # them by their stat entries alone (as on a ledger not just copied), and keeps that.
    time.sleep(statindex.SETTLE_NS / 1e9)
    fresh_run(tmp_path, "validate", "--data", str(data), check=True)
    for options in (
        ("-y", "2023/24"),
        ("-y", "2024/25", "--by", "funding", "-f", "csv"),
        ("-y", "2023/24..2024/25", "-f", "markdown"),
    ):
        names, printed = asked(tmp_path, "summary", *options, "--data", str(data))
        assert "budgetctl.reports.summary" in names and "typer" not in names, options  # the warm path answered
        assert "Total" in printed, options
        assert names & {"typing", "datetime", "dataclasses", "inspect"} == set(), options
    assert "datetime" in asked(tmp_path, "summary", "--data", str(data))[0]  # the default year needs today's date
