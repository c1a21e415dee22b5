"""A command that needs the ledger takes the problems of the last whole check of exactly the same
content instead of running every rule again; any change to any file's bytes runs them again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from budgetctl import rules
from budgetctl.cli import app
from budgetctl.loading import statindex
from tests.conftest import make_ledger

STREAMS = "streams:\n  fund:\n    programme: Fund\n    funding: Grant\n    budget:\n      2023/24: 1000\n"


def project(amount: str) -> str:
    return f"title: T\nstream: fund\nlead: L\nallocations:\n  2023/24: {amount}\n"


@pytest.fixture(autouse=True)
def _settled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(statindex, "SETTLE_NS", 0)


def test_projects_reuses_the_last_check_until_a_byte_changes(runner, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    data = make_ledger(
        tmp_path,
        {"streams.yaml": STREAMS, "projects/fund/a.yaml": project("600"), "projects/fund/b.yaml": project("0")},
    )
    for path in data.rglob("*.yaml"):
        os.utime(path, ns=(1_600_000_000_000_000_000,) * 2)
    args = ["projects", "--format", "csv", "--data", str(data)]
    uncached = runner.invoke(app, [*args], env={"BUDGETCTL_NO_CACHE": "1"})
    runner.invoke(app, ["validate", "--data", str(data)])
    calls = []
    real = rules.run_rules
    monkeypatch.setattr(rules, "run_rules", lambda ledger: calls.append(1) or real(ledger))
    warm = runner.invoke(app, args)
    assert (warm.exit_code, warm.stdout, warm.stderr) == (uncached.exit_code, uncached.stdout, uncached.stderr)
    assert warm.exit_code == 0 and "a,T,fund,L,600.00" in warm.stdout
    assert "A003" in warm.stderr  # b.yaml's warning, from the last whole check
    assert calls == []
    target = data / "projects/fund/a.yaml"
    before = target.stat()
    target.write_text(project("700"), encoding="utf-8")  # same size, same mtime
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    changed = runner.invoke(app, args)
    # The rules ran again over the change (a check of the changed file, or of everything): the
    # output and problems are those of an uncached run of the new content.
    again = runner.invoke(app, args, env={"BUDGETCTL_NO_CACHE": "1"})
    assert (changed.exit_code, changed.stdout, changed.stderr) == (again.exit_code, again.stdout, again.stderr)
    assert "700.00" in changed.stdout
