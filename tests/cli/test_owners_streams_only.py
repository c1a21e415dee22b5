"""`budgetctl owners` reads streams.yaml alone: project files cannot change or stop it,
and the problems of streams.yaml are still reported with their place."""

from __future__ import annotations

from pathlib import Path

from budgetctl.cli import app
from tests.conftest import make_ledger

STREAMS = """\
streams:
  victims-services:
    programme: Victims Services
    funding: Specific Grant
    owners: ["@org/victims-commissioning"]
    budget:
      2023/24: 100000
"""
GOOD = "title: A\nstream: victims-services\nlead: L\nallocations:\n  2023/24: 100\n"


def test_broken_project_files_neither_stop_nor_change_owners(runner, tmp_path: Path) -> None:
    clean = make_ledger(tmp_path / "clean", {"streams.yaml": STREAMS, "projects/victims-services/a.yaml": GOOD})
    broken = make_ledger(
        tmp_path / "broken",
        {
            "streams.yaml": STREAMS,
            "projects/victims-services/a.yaml": "title: [unclosed\n",
            "projects/elsewhere/b.yaml": GOOD.replace("victims-services", "no-such-stream"),
        },
    )
    good = runner.invoke(app, ["owners", "--data", str(clean)])
    bad = runner.invoke(app, ["owners", "--data", str(broken)])
    assert good.exit_code == bad.exit_code == 0, bad.output
    assert "/data/projects/victims-services/ @org/victims-commissioning" in good.stdout
    assert good.stdout == bad.stdout.replace("broken", "clean")
    assert runner.invoke(app, ["validate", "--data", str(broken)]).exit_code == 1  # validate still sees them


def test_a_broken_streams_yaml_is_reported_at_its_line(runner, tmp_path: Path) -> None:
    data = make_ledger(
        tmp_path, {"streams.yaml": STREAMS + "  bad: [unclosed\n", "projects/victims-services/a.yaml": GOOD}
    )
    result = runner.invoke(app, ["owners", "--data", str(data)])
    assert result.exit_code == 1
    where = runner.invoke(app, ["validate", "--data", str(data)]).stdout.splitlines()[0].split(" Y002")[0]
    assert where.startswith("data/streams.yaml:")
    assert f"{where} Y002 YAML syntax error" in result.stderr  # the place validate gives
    assert "owners refused" in result.stderr
    assert result.stdout == ""
