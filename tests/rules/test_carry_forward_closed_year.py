"""D019 on the shipped ledger: once 2023/24 is closed, a carry-forward out of it may take only what
the stream left unspent (revised budget less actual spend from the actuals files)."""

from __future__ import annotations

import json
from pathlib import Path

from budgetctl.cli import app

CARRY = "adjustments/2024-25/cs-walsall-carry-forward.yaml"


def close_2023_24(data: Path) -> None:
    streams = data / "streams.yaml"
    text = streams.read_text(encoding="utf-8")
    old = "    decision: SPCB 28 March 2023\n"
    assert old in text
    streams.write_text(text.replace(old, old + "    closed: 2024-06-30\n", 1), encoding="utf-8")


def problems(runner, data: Path) -> list[dict]:
    result = runner.invoke(app, ["validate", "--data", str(data), "--format", "json"])
    return json.loads(result.stdout)["problems"]


def test_a_carry_forward_within_the_unspent_money_of_a_closed_year_is_clean(runner, ledger_copy: Path) -> None:
    # Community Safety 2023/24: revised 3,834,765.00, actual 3,775,500.00: 59,265.00 unspent, 40,000 carried.
    close_2023_24(ledger_copy)
    assert problems(runner, ledger_copy) == []


def test_a_carry_forward_beyond_the_unspent_money_is_an_error(runner, ledger_copy: Path) -> None:
    close_2023_24(ledger_copy)
    path = ledger_copy / CARRY
    path.write_text(path.read_text(encoding="utf-8").replace("amount: 40000", "amount: 60000"), encoding="utf-8")
    [problem] = [p for p in problems(runner, ledger_copy) if p["code"] == "D019"]
    assert (problem["file"], problem["line"], problem["column"]) == (f"data/{CARRY}", 6, 9)
    assert problem["message"] == (
        "2023/24 is closed: stream 'community-safety-fund' left £59,265.00 unspent (revised budget less actual "
        "spend) but its carry-forwards from it take £60,000.00, £735.00 too much; reduce the carry-forward"
    )


def test_an_open_year_is_not_checked(runner, ledger_copy: Path) -> None:
    path = ledger_copy / CARRY
    path.write_text(path.read_text(encoding="utf-8").replace("amount: 40000", "amount: 60000"), encoding="utf-8")
    assert not [p for p in problems(runner, ledger_copy) if p["code"] == "D019"]
