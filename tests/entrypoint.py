"""Running ``budgetctl`` through its entry point inside a test, and spying on what it hands to
Typer: the tests that hold each plain fast path to the Typer command share them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import budgetctl.cli
from budgetctl.__main__ import main
from budgetctl.loading import statindex

Run = tuple[int, str, str]  # exit code, stdout, stderr


def entry(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> Run:
    """``budgetctl ARGS`` as the installed script runs it (``main``), with what it printed."""
    monkeypatch.setattr(sys, "argv", ["budgetctl", *args])
    monkeypatch.setattr(sys, "stdout", sys.stdout)  # main wraps it; put back after the test
    with pytest.raises(SystemExit) as stopped:
        main()
    out = capsys.readouterr()
    code = stopped.value.code
    return (code if isinstance(code, int) else 0), out.out, out.err


def spy_on_typer(monkeypatch: pytest.MonkeyPatch, *unset: str) -> list[list[str]]:
    """The command lines the entry point hands to Typer from now on (a fast path did not answer);
    files written by the test count as settled, and the cache is on (``unset``: more variables)."""
    calls: list[list[str]] = []
    real = budgetctl.cli.app_for

    def spy(args: list[str]):  # type: ignore[no-untyped-def]
        calls.append(list(args))
        return real(args)

    monkeypatch.setattr(budgetctl.cli, "app_for", spy)
    monkeypatch.setattr(statindex, "SETTLE_NS", 0)
    for name in ("BUDGETCTL_NO_CACHE", "CI", *unset):
        monkeypatch.delenv(name, raising=False)
    return calls


# Runs budgetctl's entry point in a fresh interpreter and prints every module it imported
# (space-separated: no module name holds a space, and the probe itself must not import json).
_PROBE = """
import sys
from budgetctl.__main__ import main
sys.argv = ["budgetctl", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
sys.stdout.flush()
print("\\n" + " ".join(sorted(sys.modules)), file=sys.stderr)
"""


def fresh_run(tmp_path: Path, *args: str, check: bool = False) -> tuple[set[str], str]:
    """``budgetctl ARGS`` in a fresh interpreter, as a user starts it (the cache under
    ``tmp_path``, no colour): every module it imported, and what it printed."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, env=env, cwd=tmp_path, check=check
    )
    return set(result.stderr.strip().splitlines()[-1].split()), result.stdout
