"""`budgetctl projects` and `budgetctl show ID`: allocations per project with multi-year totals."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

from budgetctl.cli import app
from tests.conftest import SHIPPED, make_ledger

STREAMS = """\
streams:
  fund:
    programme: Fund
    funding: Police Grant
    budget:
      2023/24: 1000
      2024/25: 1000
  other:
    programme: Other
    funding: Specific Grant
    budget:
      2024/25: 500
"""


def multi_year(tmp_path: Path) -> Path:
    return make_ledger(
        tmp_path,
        {
            "streams.yaml": STREAMS,
            "projects/fund/a.yaml": "title: A\nstream: fund\nlead: L\nallocations:\n  2023/24: 100\n  2024/25: 250.5\n",
            "projects/fund/b.yaml": "title: B\nstream: fund\nlead: M\nallocations:\n  2024/25: 300\n",
            "projects/other/c.yaml": "title: C\nstream: other\nlead: N\nallocations:\n  2024/25: 500\n",
        },
    )


def invoke(runner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def test_multi_year_totals_per_project(runner, tmp_path: Path) -> None:
    data = multi_year(tmp_path)
    result = invoke(runner, "projects", "--data", str(data), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "id,title,stream,lead,2023/24,2024/25,total",
        "a,A,fund,L,100.00,250.50,350.50",
        "b,B,fund,M,,300.00,300.00",
        "c,C,other,N,,500.00,500.00",
        "Total (3 projects),,,,100.00,1050.50,1150.50",
    ]


def test_year_filter_keeps_the_all_years_total(runner, tmp_path: Path) -> None:
    data = multi_year(tmp_path)
    payload = json.loads(invoke(runner, "projects", "--data", str(data), "--year", "2023/24", "-f", "json").stdout)
    assert [(r["id"], r["total"]) for r in payload["rows"]] == [("a", "350.50")]
    assert payload["rows"][0]["allocations"] == {"2023/24": "100.00", "2024/25": "250.50"}
    assert payload["total"] == {"2023/24": "100.00", "total": "350.50"}


def test_stream_filter(runner, tmp_path: Path) -> None:
    data = multi_year(tmp_path)
    table = list(
        csv.DictReader(io.StringIO(invoke(runner, "projects", "--data", str(data), "-s", "other", "-f", "csv").stdout))
    )
    assert [r["id"] for r in table] == ["c", "Total (1 projects)"]


def test_unknown_stream_suggests_the_closest(runner, tmp_path: Path) -> None:
    result = invoke(runner, "projects", "--data", str(multi_year(tmp_path)), "--stream", "fnd")
    assert result.exit_code == 2
    assert "no stream 'fnd' (did you mean 'fund'?)" in result.stderr


def test_shipped_projects_total_matches_the_summary(runner) -> None:
    payload = json.loads(invoke(runner, "projects", "--data", str(SHIPPED), "--format", "json").stdout)
    assert len(payload["rows"]) == 139
    assert payload["total"]["2023/24"] == "17325360.40"  # the summary's allocated total
    assert payload["total"]["total"] == "20710360.40"
    assert sum(Decimal(r["total"]) for r in payload["rows"]) == Decimal("20710360.40")


def test_shipped_projects_markdown_golden(runner, golden) -> None:
    result = invoke(runner, "projects", "--data", str(SHIPPED), "--stream", "victims-services", "-f", "markdown")
    assert result.exit_code == 0
    golden("projects-victims-services.md", result.stdout)


def test_show_prints_every_field_and_the_stream_context(runner) -> None:
    result = invoke(runner, "show", "dudley-home-security-packs", "--data", str(SHIPPED))
    assert result.exit_code == 0, result.output
    fields = dict(line.split(None, 1) for line in result.stdout.split("\n\n")[0].splitlines())
    assert fields["file"] == "data/projects/helping-communities-fund/dudley-home-security-packs.yaml"
    assert fields["stream"] == "helping-communities-fund (Helping Communities Fund, Proceeds of Crime Act (POCA))"
    assert fields["provider"] == "Netherton Residents Group (illustrative)"
    assert fields["costs"] == "equipment"
    assert fields["grant"] == "yes"
    assert fields["award_date"] == "2023-06-21"
    assert fields["total"] == "£2,750.50 over 1 year(s)"
    # 2023/24: the project's 2,750.50 against the stream's 400,000 budget, 395,000.50 allocated.
    assert "2,750.50 │              400,000.00 │         395,000.50 │             4,999.50 │" in result.stdout


def test_show_json(runner, tmp_path: Path) -> None:
    result = invoke(runner, "show", "a", "--data", str(multi_year(tmp_path)), "--format", "json")
    payload = json.loads(result.stdout)
    assert payload["file"] == "data/projects/fund/a.yaml"
    assert payload["total"] == "350.50"
    assert payload["allocations"] == [
        {
            "year": "2023/24",
            "allocation": "100.00",
            "stream_budget": "1000.00",
            "stream_approved_budget": "1000.00",
            "stream_allocated": "100.00",
            "stream_unallocated": "900.00",
        },
        {
            "year": "2024/25",
            "allocation": "250.50",
            "stream_budget": "1000.00",
            "stream_approved_budget": "1000.00",
            "stream_allocated": "550.50",
            "stream_unallocated": "449.50",
        },
    ]


def test_show_unknown_id_suggests_the_closest(runner) -> None:
    result = invoke(runner, "show", "idva-servce", "--data", str(SHIPPED))
    assert result.exit_code == 2
    assert "no project 'idva-servce' (did you mean 'idva-service'?)" in result.stderr
