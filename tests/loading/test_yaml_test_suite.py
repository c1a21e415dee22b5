"""The 402 inputs of the YAML project's test suite, each placed as a project file.

budgetctl reads a strict subset of YAML, so many valid inputs are rightly
refused. What every input must get is exit 0 or 1 with located problems, never
a traceback or a hang; an input the suite marks invalid must fail (exit 1) with
a problem located in that file. Skipped when ../shared/data/yaml-test-suite/ is
absent (see its README).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from budgetctl.cli import app
from tests.conftest import SHARED, SHIPPED

SUITE = SHARED / "data" / "yaml-test-suite" / "cases"
CASES = sorted(SUITE.rglob("in.yaml")) if SUITE.is_dir() else []
CASE_FILE = "data/projects/case.yaml"

pytestmark = pytest.mark.skipif(not CASES, reason=f"{SUITE} is absent")


def _id(path: Path) -> str:
    return path.parent.relative_to(SUITE).as_posix()


def test_the_whole_suite_is_there() -> None:
    assert len(CASES) == 402


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_yaml_test_suite_input(case: Path, runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUDGETCTL_NO_CACHE", "1")  # every input is read afresh, and no cache is left behind
    data = tmp_path / "data"
    (data / "projects").mkdir(parents=True)
    shutil.copyfile(SHIPPED / "streams.yaml", data / "streams.yaml")
    shutil.copyfile(case, data / "projects" / "case.yaml")
    result = runner.invoke(app, ["validate", "--data", str(data), "--format", "json"])
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1), (result.exit_code, result.output, result.exception)
    payload = json.loads(result.stdout)
    for problem in payload["problems"]:
        assert problem["file"] in (CASE_FILE, "data/streams.yaml")
        assert problem["line"] >= 1 and problem["column"] >= 1 and problem["message"]
    if (case.parent / "error").exists():
        assert result.exit_code == 1
        assert any(p["file"] == CASE_FILE and p["severity"] == "error" for p in payload["problems"])
