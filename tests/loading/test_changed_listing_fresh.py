"""A ``validate`` after one project file changed, in a fresh interpreter as a user runs it: the
check of changes (``pipeline.check_listed``) imports only the per-file rules (``rules.of_scope``,
not ``RULES``) and says exactly what an uncached run says, byte for byte, for an edit, a per-file
problem, a schema problem and a problem across files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from budgetctl import rules
from tests.pipeline.test_check_changes import GENERATE

_PROBE = """
import atexit, json, os, sys
from budgetctl import pipeline
from budgetctl.loading import statindex

statindex.SETTLE_NS = 0  # files written by the test count as settled
taken = []
real = pipeline.check_listed


def spy(listed):
    result = real(listed)
    taken.append(result is not None)
    return result


def report():
    loaded = sorted(name.rsplit(".", 1)[1] for name in sys.modules if name.startswith("budgetctl.rules."))
    with open(os.environ["PROBE_OUT"], "w", encoding="utf-8") as out:
        json.dump({"taken": taken, "rules": loaded, "all": "RULES" in vars(sys.modules["budgetctl.rules"])
                   if "budgetctl.rules" in sys.modules else False}, out)


pipeline.check_listed = spy
atexit.register(report)
from budgetctl.__main__ import main

sys.argv = ["budgetctl", *sys.argv[1:]]
main()
"""


def _age(path: Path, seconds: float = 60) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


def _run(tmp_path: Path, *args: str) -> tuple[tuple[int, str, str], dict[str, object]]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR")}
    env.pop("BUDGETCTL_NO_CACHE", None)
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    env["PROBE_OUT"] = str(tmp_path / "probe.json")
    probe = tmp_path / "probe.py"
    probe.write_text(_PROBE, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(probe), *args], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120
    )
    return (done.returncode, done.stdout, done.stderr), json.loads((tmp_path / "probe.json").read_text("utf-8"))


def _unknown_priority(text: str) -> str:
    if "priorities: [" in text:
        return text.replace("priorities: [", "priorities: [no-such-priority, ", 1)
    return text.replace("allocations:\n", "priorities: [no-such-priority]\nallocations:\n", 1)


CHANGES = {
    "edit": (lambda text: text.replace("allocations:\n  20", "allocations:\n  20", 1), 0, None),
    "per-file": (lambda text: _unknown_priority(text), 1, "R002"),
    "schema": (lambda text: text.replace("lead:", "lead_by:", 1), 1, "S0"),
    "across": (
        lambda text: text.replace(text.split("allocations:\n", 1)[1].split("\n", 1)[0], "  2023/24: 999999999999", 1),
        1,
        "A001",
    ),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_one_changed_file_in_a_fresh_run_imports_only_the_per_file_rules_and_says_what_discovery_says(
    tmp_path: Path, change: str
) -> None:
    GENERATE.generate(30, tmp_path / "ledger", seed=11, journals=False, git=False)
    data = tmp_path / "ledger" / "data"
    for path in data.rglob("*"):
        _age(path)
    args = ("validate", "--data", str(data))
    assert _run(tmp_path, *args)[0][0] == 0
    assert _run(tmp_path, *args)[0][0] == 0  # the stamp answers
    target = sorted((data / "projects").rglob("*.yaml"))[4]
    edit, code, shown = CHANGES[change]
    text = target.read_text("utf-8")
    changed = edit(text) + ("# edited\n" if change == "edit" else "")
    assert changed != text
    target.write_text(changed, encoding="utf-8")
    for options in ((), ("--format", "json")):
        now, probe = _run(tmp_path, *args, *options)
        uncached, _ = _run(tmp_path, *args, *options, "--no-cache")
        assert now == uncached, options
        assert now[0] == code and (shown is None or shown in now[1])
        if not options:  # the first run after the change: from the table, with the per-file rules only
            assert probe["taken"] == [True]
            assert probe["all"] is False
            per_file = {module for module, _, scope in rules.TABLE if scope == "file"}
            ran = {name for name in probe["rules"] if not name.startswith("_")}  # type: ignore[union-attr]
            assert ran <= per_file | {"duplicate_project_id", "over_allocated_stream"}
