"""Property: ``budgetctl diff`` of ledger A to ledger B accounts exactly for the change
in totals, per year and per stream, whatever A and B are (hypothesis, real git)."""

from __future__ import annotations

import json
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from typer.testing import CliRunner

from budgetctl.cli import app
from tests.conftest import git
from tests.model.test_properties import YEARS, GenLedger, ledgers, write

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def expected(ledger: GenLedger, year: str) -> dict[str, tuple[int, int]]:
    """Per stream: (budget, allocated) in pence."""
    return {
        sid: (budget[year], sum(p.allocations.get(year, 0) for p in ledger.projects if p.stream == sid))
        for sid, (_, _, budget) in ledger.streams.items()
    }


def pence(text: str) -> int:
    return int(Decimal(text) * 100)


@settings(max_examples=25, derandomize=True, deadline=None)
@given(ledgers(), ledgers())
def test_diff_accounts_exactly_for_the_change_in_totals(a: GenLedger, b: GenLedger) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp)
        git(repo, "init", "-q")
        data = write(repo, a.files())
        (data / "projects" / ".keep").write_text("")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "A")
        shutil.rmtree(data)
        data = write(repo, b.files())  # the working tree holds B

        result = CliRunner().invoke(app, ["diff", "HEAD", "--data", str(data), "--format", "json"])
        assert result.exit_code == 0, result.output
        payload = json.loads(result.stdout)
        listed = {y["year"]: y for y in payload["years"]}
        for year in YEARS:
            before, after = expected(a, year), expected(b, year)
            change_budget = sum(v[0] for v in after.values()) - sum(v[0] for v in before.values())
            change_allocated = sum(v[1] for v in after.values()) - sum(v[1] for v in before.values())
            if year not in listed:
                assert before == after or (change_budget, change_allocated) == (0, 0)
                continue
            total = listed[year]["total"]
            assert pence(total["budget"]["change"]) == change_budget
            assert pence(total["allocated"]["change"]) == change_allocated
            assert pence(total["unallocated"]["change"]) == change_budget - change_allocated
            for row in listed[year]["streams"]:
                was = before.get(row["stream"], (0, 0))
                now = after.get(row["stream"], (0, 0))
                assert pence(row["budget"]["change"]) == now[0] - was[0]
                assert pence(row["allocated"]["change"]) == now[1] - was[1]
