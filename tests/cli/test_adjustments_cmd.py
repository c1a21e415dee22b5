"""`budgetctl adjustments` (the register) and `budgetctl new adjustment` on the shipped ledger."""

from __future__ import annotations

import json
from pathlib import Path

from budgetctl.cli import app
from tests.conftest import SHIPPED

CS_TO_IP = "adjustments/2023-24/cs-to-ip-perpetrator-programme.yaml"


def _oneline(text: str) -> str:
    return " ".join(text.split())


def test_register_markdown_golden(runner, golden) -> None:
    result = runner.invoke(app, ["adjustments", "--year", "2023/24", "--data", str(SHIPPED), "-f", "markdown"])
    assert result.exit_code == 0, result.output
    golden("adjustments-2023-24.md", result.stdout)


def test_register_json_lists_records_in_date_order_with_their_tiers(runner) -> None:
    result = runner.invoke(app, ["adjustments", "--year", "2023/24", "--data", str(SHIPPED), "-f", "json"])
    payload = json.loads(result.stdout)
    assert [r["id"] for r in payload["rows"]] == [
        "reserve-stalking-perpetrator-pilot",
        "vrp-home-office-summer-activities",
        "cs-to-ip-perpetrator-programme",
        "moj-isva-idva-uplift",
    ]
    virement = payload["rows"][2]
    assert virement["from"] == {"stream": "community-safety-fund", "source": None}
    assert virement["amount"] == "120000.00" and virement["running_total"] == "120000.00"
    assert virement["tier"] == {"index": 2, "up_to": "250000.00", "approver": "chief-executive", "decision": False}
    assert virement["approval"] == {"approver": "chief-executive", "date": "2023-11-06", "decision": "WMPCC 052/2023"}
    assert virement["problems"] == []
    # The net change equals the summary's adjustments total: virements net to zero.
    summary = json.loads(
        runner.invoke(app, ["summary", "--year", "2023/24", "--data", str(SHIPPED), "-f", "json"]).stdout
    )
    assert (
        payload["total"]
        == {"records": 4, "net_change": summary["total"]["adjustments"]}
        == {
            "records": 4,
            "net_change": "301276.30",
        }
    )
    assert {(t["stream"], t["type"], t["total"]) for t in payload["totals"]} == {
        ("community-safety-fund", "virement", "120000.00"),
        ("intervention-and-prevention", "reserve-drawdown", "75000.00"),
        ("victims-services", "grant-variation", "141276.30"),
        ("violence-reduction-partnership", "grant-variation", "85000.00"),
    }


def test_register_csv_has_one_row_per_record_and_the_total(runner) -> None:
    result = runner.invoke(app, ["adjustments", "--year", "2024/25", "--data", str(SHIPPED), "-f", "csv"])
    lines = result.stdout.splitlines()
    assert lines[0] == "date,id,type,from,to,amount,approver,decision,running_total,tier,problems"
    assert lines[1] == (
        "2024-05-14,cs-walsall-carry-forward,carry-forward,community-safety-fund,from 2023/24,40000.00,"
        "commissioner,WMPCC 019/2024,40000.00,1: commissioner + decision,ok"
    )
    assert len(lines) == 3


def new(runner, data: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["new", "adjustment", *args, "--data", str(data)])


VIREMENT = (
    "virement", "cs-to-ip-perpetrator-programme", "--from", "community-safety-fund",
    "--to", "intervention-and-prevention", "--amount", "120000", "--reason",
    "Solihull reported at Q2 that 120k of its allocation will not be spent.", "--date", "2023-11-02",
    "--approved", "2023-11-06",
)  # fmt: skip


def test_a_120000_virement_needs_the_chief_executive_and_is_written_canonically(
    runner, ledger_copy: Path, monkeypatch
) -> None:
    monkeypatch.chdir(ledger_copy.parent)
    (ledger_copy / CS_TO_IP).unlink()
    before = sorted(p.name for p in (ledger_copy / "adjustments" / "2023-24").iterdir())
    # Too junior: refused, the tier and the approver named, nothing written.
    result = new(runner, ledger_copy, *VIREMENT, "--approver", "chief-finance-officer")
    assert result.exit_code == 1
    err = _oneline(result.stderr)
    assert err.startswith(
        "needs tier 2 (up to £250,000.00: chief-executive) of delegations.limits.virement, chosen by the running "
        "total £120,000.00 of virement from stream 'community-safety-fund' in 2023/24 "
        "(cs-to-ip-perpetrator-programme 2023-11-02 £120,000.00): approval by 'chief-executive' or above"
    )
    assert f"data/{CS_TO_IP}:10:13: D010 'chief-finance-officer' may not approve this virement" in err
    assert f"not written: data/{CS_TO_IP}" in err
    assert sorted(p.name for p in (ledger_copy / "adjustments" / "2023-24").iterdir()) == before
    # The right approver: written, and the ledger is clean again.
    result = new(runner, ledger_copy, *VIREMENT, "--approver", "chief-executive", "--decision", "WMPCC 052/2023")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"created data/{CS_TO_IP}\n"
    assert (ledger_copy / CS_TO_IP).read_text() == (
        "type: virement\n"
        "date: 2023-11-02\n"
        "from:\n"
        "  stream: community-safety-fund\n"
        "to:\n"
        "  stream: intervention-and-prevention\n"
        "amount: 120000\n"
        "reason: Solihull reported at Q2 that 120k of its allocation will not be spent.\n"
        "approval:\n"
        "  approver: chief-executive\n"
        "  date: 2023-11-06\n"
        "  decision: WMPCC 052/2023\n"
    )
    assert runner.invoke(app, ["validate", "--data", str(ledger_copy)]).exit_code == 0
    assert runner.invoke(app, ["fmt", "--check", "--data", str(ledger_copy)]).exit_code == 0
    # Recording it twice is refused: an adjustment is never replaced.
    again = new(runner, ledger_copy, *VIREMENT, "--approver", "chief-executive", "--decision", "WMPCC 052/2023")
    assert again.exit_code == 1 and "already exists" in again.stderr


def test_a_virement_out_of_the_ring_fenced_victims_grant_is_refused(runner, ledger_copy: Path) -> None:
    result = new(
        runner, ledger_copy, "virement", "victims-out", "--from", "victims-services", "--to",
        "community-safety-fund", "--amount", "1000", "--reason", "r", "--approver", "commissioner",
        "--date", "2023-12-05",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "victims-out.yaml:4:11: D003 stream 'victims-services' is ring-fenced" in _oneline(result.stderr)
    assert not (ledger_copy / "adjustments" / "2023-24" / "victims-out.yaml").exists()


def test_a_carry_forward_carries_from_the_year_before_and_lands_in_its_folder(runner, ledger_copy: Path) -> None:
    result = new(
        runner, ledger_copy, "carry-forward", "ip-slippage", "--stream", "intervention-and-prevention",
        "--amount", "10000", "--reason", "Slipped work.", "--approver", "commissioner",
        "--decision", "WMPCC 020/2024", "--date", "2024-05-14",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = (ledger_copy / "adjustments" / "2024-25" / "ip-slippage.yaml").read_text()
    assert "stream: intervention-and-prevention\nfrom_year: 2023/24\namount: 10000\n" in text


def test_options_a_type_needs_are_a_usage_error(runner, ledger_copy: Path) -> None:
    result = new(runner, ledger_copy, "virement", "x", "--from", "community-safety-fund", "--amount", "1",
                 "--reason", "r", "--approver", "commissioner")  # fmt: skip
    assert result.exit_code == 2
    assert "a virement needs --to" in result.stderr
