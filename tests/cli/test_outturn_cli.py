"""`budgetctl monitor` on a closed year prints the outturn: golden outputs on the closed-year
fixture ledger, the normative JSON keys kept with the year-end keys added, exact sums, and
every format and `--by project`."""

from __future__ import annotations

import csv
import io
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from budgetctl.cli import app
from tests.conftest import LEDGERS

CLOSED = LEDGERS / "closed-year" / "data"
NORMATIVE_ROW = ["stream", "programme", "funding", "approved_budget", "adjustments", "revised_budget"]
NORMATIVE_ROW += ["allocated", "actual", "forecast", "variance", "rag"]
YEAR_END = ["unspent", "to_return", "to_carry", "to_balance", "overspend", "carry_beyond_unspent"]


@pytest.fixture
def closed(monkeypatch) -> Path:
    monkeypatch.chdir(CLOSED.parent)
    monkeypatch.setenv("COLUMNS", "120")
    return CLOSED


def run(runner, *args: str) -> str:
    result = runner.invoke(app, ["monitor", "--year", "2023/24", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_table_golden(runner, golden, closed) -> None:
    golden("outturn-2023-24.txt", run(runner))


def test_markdown_golden(runner, golden, closed) -> None:
    golden("outturn-2023-24.md", run(runner, "--format", "markdown"))


def test_json_golden_keeps_the_normative_keys_and_adds_the_year_end(runner, golden, closed) -> None:
    text = run(runner, "--format", "json")
    golden("outturn-2023-24.json", text)
    payload = json.loads(text)
    assert list(payload) == ["year", "as_at", "rows", "total", "outturn", "closed"]
    assert (payload["year"], payload["as_at"], payload["closed"]) == ("2023/24", "2024-03-31", "2024-06-30")
    for row in payload["rows"]:
        assert list(row) == [*NORMATIVE_ROW, "year_end", *YEAR_END]
        assert row["forecast"] == row["actual"]
        revised, actual = Decimal(row["revised_budget"]), Decimal(row["actual"])
        assert Decimal(row["variance"]) == actual - revised
        assert Decimal(row["adjustments"]) == revised - Decimal(row["approved_budget"])
        parts = Decimal(row["to_return"]) + Decimal(row["to_carry"]) + Decimal(row["to_balance"])
        assert parts == Decimal(row["unspent"])
        assert parts - Decimal(row["overspend"]) == revised - actual
    assert list(payload["total"]) == [*NORMATIVE_ROW[3:-1], *YEAR_END]
    for measure, value in payload["total"].items():
        assert sum(Decimal(r[measure]) for r in payload["rows"]) == Decimal(value)
    rows = {r["stream"]: r for r in payload["rows"]}
    # Figures of the fixture, by hand: 40,000 + 47,654.32 - 1,200 credited back.
    assert (rows["poca-fund"]["actual"], rows["poca-fund"]["to_balance"]) == ("86454.32", "13545.68")
    # 290,000 after the virement, 275,000 spent: the whole 15,000 is carried forward.
    assert (rows["community-safety"]["to_carry"], rows["community-safety"]["to_return"]) == ("15000.00", "0.00")
    # 210,000 after the virement, 203,500 spent (with the 31 March accrual): 5,000 carried with consent.
    assert (rows["victims"]["to_carry"], rows["victims"]["to_return"]) == ("5000.00", "1500.00")
    assert (rows["violence-reduction"]["overspend"], rows["violence-reduction"]["unspent"]) == ("1250.00", "0.00")
    assert payload["total"]["to_carry"] == "20000.00"


def test_csv_has_every_figure_with_a_total(runner, closed) -> None:
    rows = list(csv.DictReader(io.StringIO(run(runner, "--format", "csv"))))
    assert [r["stream"] for r in rows] == ["poca-fund", "community-safety", "victims", "violence-reduction", "Total"]
    assert rows[-1]["to_balance"] == "13545.68" and rows[-1]["unspent"] == "35045.68"
    assert rows[0]["year_end"] == "balance"


def test_html_is_headed_as_the_outturn(runner, closed) -> None:
    text = run(runner, "--format", "html")
    assert "<h2>Outturn 2023/24 (closed 2024-06-30)</h2>" in text
    assert "<th class=num>To balance £</th>" in text and "Forecast £" not in text
    assert '<td class="num">13,545.68</td>' in text
    assert "Forecast movement" not in text


def test_by_project_shows_the_outturn(runner, closed) -> None:
    text = run(runner, "--by", "project")
    assert "Outturn 2023/24 (closed 2024-06-30), by project" in text
    assert "Outturn £" in text and "Forecast £" not in text
    payload = json.loads(run(runner, "--by", "project", "--format", "json"))
    assert payload["outturn"] is True
    assert all(r["forecast"] == r["actual"] for r in payload["rows"])
    assert payload["total"]["actual"] == "616204.32"


def test_an_earlier_as_at_is_ordinary_monitoring(runner, closed) -> None:
    payload = json.loads(run(runner, "--as-at", "q2", "--format", "json"))
    assert list(payload) == ["year", "as_at", "rows", "total"]
    assert payload["as_at"] == "2023-09-30"
    assert "Budget monitoring 2023/24 as at 2023-09-30" in run(runner, "--as-at", "q2")


def test_an_open_year_is_not_an_outturn_even_at_its_last_day(runner, tmp_path) -> None:
    target = tmp_path / "data"
    shutil.copytree(CLOSED, target)
    streams = target / "streams.yaml"
    streams.write_text(streams.read_text().replace("    closed: 2024-06-30\n", ""))
    result = runner.invoke(app, ["monitor", "--data", str(target), "--year", "2023/24", "--as-at", "q4", "-f", "json"])
    payload = json.loads(result.stdout)
    assert "outturn" not in payload and "to_return" not in payload["rows"][0]


def test_trace_of_the_year_end_figures_sums_to_the_report(runner, closed) -> None:
    payload = json.loads(run(runner, "--format", "json"))
    for row in payload["rows"]:
        for measure in ("unspent", "to_return", "to_carry", "to_balance", "forecast"):
            result = runner.invoke(
                app, ["trace", row["stream"], "--measure", measure, "--year", "2023/24", "--format", "json"]
            )
            assert result.exit_code == 0, result.output
            assert json.loads(result.stdout)["total"] == row[measure], (row["stream"], measure)
    traced = json.loads(run(runner, "--format", "json", "--trace"))
    assert traced["total"]["trace"]["to_balance"]["total"] == "13545.68"
