"""A balance stream's opening balance: once 2023/24 is closed, what the fund left unspent opens
2024/25, exactly once, in summary, monitor, the adjustments register and trace; not before."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from budgetctl.cli import app
from tests.conftest import LEDGERS

CLOSED = LEDGERS / "closed-year" / "data"
OPENING = "13545.68"  # 100,000.00 budget less 86,454.32 spent in 2023/24


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(CLOSED, target)
    return target


def reopen(data: Path) -> None:
    streams = data / "streams.yaml"
    streams.write_text(streams.read_text().replace("    closed: 2024-06-30\n", ""))


def json_of(runner, *args: str) -> dict:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def rows(payload: dict) -> dict[str, dict]:
    return {r["stream"]: r for r in payload["rows"]}


@pytest.mark.parametrize("cache", [[], ["--no-cache"]])
def test_summary_counts_the_opening_balance_once(runner, data, cache) -> None:
    for _ in range(2):  # cold, then served from the cache of the first run
        payload = json_of(runner, "summary", "--data", str(data), "--year", "2024/25", *cache)
        fund = rows(payload)["poca-fund"]
        assert (fund["budget"], fund["adjustments"], fund["revised_budget"]) == ("100000.00", OPENING, "113545.68")
        assert fund["unallocated"] == OPENING
        # 13,545.68 opening balance + 15,000 and 5,000 carried forward: each once.
        assert payload["total"]["adjustments"] == "33545.68"
        assert payload["total"]["budget"] == "600000.00"


def test_monitor_counts_it_from_the_day_the_year_closed(runner, data) -> None:
    q1 = rows(json_of(runner, "monitor", "--data", str(data), "--year", "2024/25", "--as-at", "q1"))["poca-fund"]
    assert (q1["adjustments"], q1["revised_budget"]) == (OPENING, "113545.68")
    early = rows(json_of(runner, "monitor", "--data", str(data), "--year", "2024/25", "--as-at", "2024-06-29"))
    assert early["poca-fund"]["adjustments"] == "0.00"
    text = runner.invoke(app, ["monitor", "--data", str(data), "--year", "2024/25", "--as-at", "q1"]).stdout
    assert "£13,545.68 opening balance from 2023/24, closed 2024-06-30" in " ".join(text.split())


def test_nothing_opens_while_the_year_is_open(runner, data) -> None:
    reopen(data)
    summary = rows(json_of(runner, "summary", "--data", str(data), "--year", "2024/25"))
    assert summary["poca-fund"]["adjustments"] == "0.00"
    register = json_of(runner, "adjustments", "--data", str(data), "--year", "2024/25")
    assert [r["type"] for r in register["rows"]] == ["carry-forward", "carry-forward"]
    text = runner.invoke(app, ["monitor", "--data", str(data), "--year", "2024/25", "--as-at", "q1"]).stdout
    assert "opens 2024/25 once 2023/24 is closed; not in these figures yet" in " ".join(text.split())


def test_the_register_lists_it_as_its_own_line(runner, data) -> None:
    register = json_of(runner, "adjustments", "--data", str(data), "--year", "2024/25")
    [opening] = [r for r in register["rows"] if r["type"] == "opening-balance"]
    assert opening == {
        "id": None,
        "file": None,
        "type": "opening-balance",
        "date": "2024-06-30",
        "stream": "poca-fund",
        "from_year": "2023/24",
        "amount": OPENING,
        "revised_budget": "100000.00",
        "actual": "86454.32",
        "approval": None,
        "running_total": None,
        "tier": None,
        "problems": [],
    }
    assert register["total"] == {"records": 2, "opening_balances": 1, "net_change": "33545.68"}
    table = runner.invoke(app, ["adjustments", "--data", str(data), "--year", "2024/25", "--format", "markdown"])
    assert "2 records + 1 opening balance" in table.stdout


def test_trace_lists_the_values_it_comes_from(runner, data) -> None:
    found = json_of(runner, "trace", "poca-fund", "--data", str(data), "--measure", "opening_balance",
                    "--year", "2024/25")  # fmt: skip
    assert found["total"] == OPENING
    places = [(v["file"], v["line"], v["amount"]) for v in found["values"]]
    assert places == [
        ("data/streams.yaml", 17, "100000.00"),
        ("data/actuals/2023-24/2023-24-ledger.csv", 2, "-40000.00"),
        ("data/actuals/2023-24/2023-24-ledger.csv", 6, "-47654.32"),
        ("data/actuals/2023-24/2023-24-ledger.csv", 8, "1200.00"),
    ]
    revised = json_of(runner, "trace", "poca-fund", "--data", str(data), "--measure", "revised_budget",
                      "--year", "2024/25")  # fmt: skip
    assert revised["total"] == "113545.68"


def test_a_carry_forward_on_a_balance_stream_is_refused(runner, data) -> None:
    (data / "adjustments" / "2024-25" / "poca-carry.yaml").write_text(
        "type: carry-forward\ndate: 2024-05-14\nstream: poca-fund\nfrom_year: 2023/24\namount: 1000\n"
        "reason: r\napproval:\n  approver: commissioner\n  date: 2024-05-21\n"
    )
    result = runner.invoke(app, ["validate", "--data", str(data), "--format", "json"])
    assert result.exit_code == 1
    [problem] = [p for p in json.loads(result.stdout)["problems"] if p["code"] == "D020"]
    assert (problem["file"], problem["line"], problem["column"]) == ("data/adjustments/2024-25/poca-carry.yaml", 3, 9)
    assert "count it twice" in problem["message"]
    # The figures would be wrong: summary refuses them.
    assert runner.invoke(app, ["summary", "--data", str(data), "--year", "2024/25"]).exit_code == 1


def test_the_board_paper_names_the_opening_balance(runner, data) -> None:
    result = runner.invoke(app, ["report", "--data", str(data), "--year", "2024/25", "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert (
        "2 adjustments and 1 opening balance from 2023/24 since approval (+£33,545.68) bring the revised budget "
        "to £633,545.68." in result.stdout
    )
