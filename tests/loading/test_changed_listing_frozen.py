"""A ``validate`` after one project file changed sets the stamp's listing aside from the
collector (``gc.freeze``) while the check of changes runs, so that check's collections do
not walk the listing's tuples again, and gives every object back afterwards: nothing stays
frozen, for a check of changes and for a whole check after one that did not apply. Its
output stays that of an uncached run, byte for byte."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from tests.pipeline.test_check_changes import GENERATE

_PROBE = """
import atexit, gc, json, os, sys
from budgetctl import pipeline
from budgetctl.loading import statindex

statindex.SETTLE_NS = 0  # files written by the test count as settled
seen = {"during": [], "taken": []}
real = pipeline.check_listed


def spy(listed):
    seen["during"].append(gc.get_freeze_count())
    result = real(listed)
    seen["taken"].append(result is not None)
    return result


def report():
    seen["after"] = gc.get_freeze_count()
    with open(os.environ["PROBE_OUT"], "w", encoding="utf-8") as out:
        json.dump(seen, out)


pipeline.check_listed = spy
atexit.register(report)
from budgetctl.__main__ import main

sys.argv = ["budgetctl", *sys.argv[1:]]
main()
"""


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


def test_the_listing_is_frozen_only_while_the_changes_are_checked(tmp_path: Path) -> None:
    GENERATE.generate(30, tmp_path / "ledger", seed=11, journals=False, git=False)
    data = tmp_path / "ledger" / "data"
    past = time.time() - 60
    for path in data.rglob("*"):
        os.utime(path, (past, past))
    args = ("validate", "--data", str(data))
    assert _run(tmp_path, *args)[0][0] == 0
    assert _run(tmp_path, *args)[0][0] == 0  # the stamp answers
    target = sorted((data / "projects").rglob("*.yaml"))[4]
    target.write_text(target.read_text("utf-8") + "# edited\n", encoding="utf-8")
    now, probe = _run(tmp_path, *args)
    assert now == _run(tmp_path, *args, "--no-cache")[0]
    assert now[0] == 0
    assert probe["taken"] == [True]
    during = probe["during"]
    assert isinstance(during, list) and len(during) == 1 and during[0] > 0
    assert probe["after"] == 0

    # streams.yaml changed: the check of changes does not apply, and the whole check that
    # follows runs with nothing frozen.
    streams = data / "streams.yaml"
    streams.write_text(streams.read_text("utf-8") + "# edited\n", encoding="utf-8")
    now, probe = _run(tmp_path, *args)
    assert now == _run(tmp_path, *args, "--no-cache")[0]
    assert probe["taken"] in ([False], [])
    assert probe["after"] == 0
