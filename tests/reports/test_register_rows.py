"""The adjustments register builds each record's row once: its CSV and JSON come from it.

A JSON record carries only the keys of its type (a virement has ``from`` and ``to``, the
others ``stream`` and ``source``), in one order; CSV has the board's columns.
"""

from __future__ import annotations

import csv
import io
import json

from budgetctl.cli import app
from tests.conftest import SHIPPED

COMMON_HEAD = ["id", "file", "type", "date"]
COMMON_TAIL = ["amount", "reason", "approval", "running_total", "tier", "problems"]


def _register(runner, year: str, fmt: str) -> str:
    result = runner.invoke(app, ["adjustments", "--year", year, "--data", str(SHIPPED), "-f", fmt])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_json_records_have_the_keys_of_their_type_in_order(runner) -> None:
    rows = json.loads(_register(runner, "2023/24", "json"))["rows"]
    rows += json.loads(_register(runner, "2024/25", "json"))["rows"]
    keys = {row["type"]: list(row) for row in rows}
    assert keys == {
        "reserve-drawdown": [*COMMON_HEAD, "stream", "source", "reserve", *COMMON_TAIL],
        "grant-variation": [*COMMON_HEAD, "stream", "source", "change", *COMMON_TAIL],
        "virement": [*COMMON_HEAD, "from", "to", *COMMON_TAIL],
        "carry-forward": [*COMMON_HEAD, "stream", "source", "from_year", *COMMON_TAIL],
    }


def test_json_amount_is_as_recorded_while_the_table_signs_it_by_effect(runner) -> None:
    payload = json.loads(_register(runner, "2023/24", "json"))
    table = list(csv.DictReader(io.StringIO(_register(runner, "2023/24", "csv"))))
    assert [r["amount"] for r in payload["rows"]] == [r["amount"] for r in table[:-1]]  # all increases here
    assert table[-1]["id"] == "4 records" and table[-1]["amount"] == payload["total"]["net_change"]
    assert list(table[0]) == [
        "date", "id", "type", "from", "to", "amount", "approver", "decision", "running_total", "tier", "problems",
    ]  # fmt: skip
    assert [r["problems"] for r in table[:-1]] == ["ok"] * 4 and table[-1]["problems"] == ""


def test_totals_by_stream_and_type_are_in_the_json_beside_the_records(runner) -> None:
    payload = json.loads(_register(runner, "2023/24", "json"))
    assert [list(t) for t in payload["totals"]] == [["stream", "type", "records", "total", "tier"]] * len(
        payload["totals"]
    )
    virement = next(t for t in payload["totals"] if t["type"] == "virement")
    assert virement["total"] == "120000.00" and virement["tier"]["index"] == 2
