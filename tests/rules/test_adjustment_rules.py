"""Adjustments: every rule's code and exact location, the delegation
tiers, and revised budgets in the over-allocation rule. Each case is a small ledger written
inline: streams.yaml below, plus the adjustment files of the case."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from budgetctl.cli import app
from tests.conftest import make_ledger

STREAMS = textwrap.dedent(
    """\
    reserves:
      commissioning-reserve: Commissioning reserve
    delegations:
      approvers:
        chief-finance-officer: Chief Finance Officer
        chief-executive: Chief Executive of the OPCC
        commissioner: Police and Crime Commissioner
      cumulative: true
      limits:
        virement:
          - {up_to: 50000, approver: chief-finance-officer}
          - {up_to: 500000, approver: chief-executive}
          - {approver: commissioner, decision: true}
        carry-forward:
          - {approver: commissioner, decision: true}
    streams:
      community-safety-fund:
        programme: Community Safety Fund
        funding: Police Main Grant
        budget:
          2023/24: 1000000
          2024/25: 1000000
      intervention-and-prevention:
        programme: Intervention and Prevention
        funding: Police Main Grant
        budget:
          2023/24: 500000
      victims-services:
        programme: Victims Services
        funding: Specific Grant
        ring_fenced: true
        budget:
          2023/24: 600000
        purposes:
          referral-service: Referral service
      vrp:
        programme: Violence Reduction Partnership
        funding: Specific Grant and Partner Contributions
        budget:
          2023/24: 300000
        sources:
          home-office-grant:
            2023/24: 200000
          partner-contributions:
            2023/24: 100000
    """
)


def virement(amount: str = "120000", approver: str = "chief-executive", date: str = "2023-11-02", **extra: str) -> str:
    from_stream = extra.get("from_stream", "community-safety-fund")
    to_stream = extra.get("to_stream", "intervention-and-prevention")
    decision = f"\n  decision: {extra['decision']}" if "decision" in extra else ""
    return (
        "type: virement\n"
        f"date: {date}\n"
        f"from: {{stream: {from_stream}}}\n"
        f"to: {{stream: {to_stream}}}\n"
        f"amount: {amount}\n"
        "reason: Solihull will not spend it.\n"
        "approval:\n"
        f"  approver: {approver}\n"
        f"  date: {extra.get('approved', '2023-11-06')}{decision}\n"
    )


GRANT_VARIATION = """\
type: grant-variation
date: 2023-07-17
stream: vrp
change: {change}
source: {source}
amount: {amount}
reason: Home Office letter.
approval:
  approver: chief-finance-officer
  date: 2023-07-24
"""

CARRY = """\
type: carry-forward
date: 2024-05-14
stream: community-safety-fund
from_year: {from_year}
amount: 40000
reason: Slipped work.
approval:
  approver: commissioner
  date: 2024-05-21
  decision: WMPCC 019/2024
"""

RESERVE = """\
type: reserve-drawdown
date: 2023-06-05
stream: intervention-and-prevention
reserve: {reserve}
amount: 75000
reason: Pilot.
approval:
  approver: chief-executive
  date: 2023-06-12
"""

V = "adjustments/2023-24/v.yaml"
FV = "data/" + V

CASES: dict[str, tuple[dict[str, str], list[tuple[str, str, int, int]]]] = {
    "the spec's virement is clean": ({V: virement()}, []),
    "unknown stream": ({V: virement(to_stream="intervention")}, [("D001", FV, 4, 14)]),
    "no budget that year": (
        {"adjustments/2024-25/v.yaml": virement(date="2024-05-01", approved="2024-05-02")},
        [("D002", "data/adjustments/2024-25/v.yaml", 4, 14)],
    ),
    "virement out of a ring-fenced stream": ({V: virement(from_stream="victims-services")}, [("D003", FV, 3, 16)]),
    "virement into a ring-fenced stream is allowed": ({V: virement(to_stream="victims-services")}, []),
    "source missing on a stream with sources": (
        {V: GRANT_VARIATION.replace("source: {source}\n", "").format(change="increase", amount="85000")},
        [("D004", FV, 1, 1)],
    ),
    "unknown source": (
        {V: GRANT_VARIATION.format(change="increase", source="home-office", amount="85000")},
        [("D004", FV, 5, 9)],
    ),
    "source on a stream without sources": (
        {
            V: virement().replace(
                "from: {stream: community-safety-fund}", "from: {stream: community-safety-fund, source: x}"
            )
        },
        [("D004", FV, 3, 47)],
    ),
    "virement side without its source": (
        {V: virement(to_stream="vrp")},
        [("D004", FV, 4, 5)],
    ),
    "decrease below zero": (
        {V: GRANT_VARIATION.format(change="decrease", source="partner-contributions", amount="100000.01")},
        [("D005", FV, 6, 9)],
    ),
    "decrease to exactly zero of a source": (
        {V: GRANT_VARIATION.format(change="decrease", source="partner-contributions", amount="100000")},
        [],
    ),
    "virement out below zero": (
        {
            V: virement(
                amount="500000.01",
                from_stream="intervention-and-prevention",
                to_stream="community-safety-fund",
                approver="commissioner",
                decision="WMPCC 1/2023",
            )
        },
        # A001 too: no allocation exceeds a budget below zero, but 0.00 is above -0.01.
        [("D005", FV, 5, 9), ("A001", "data/streams.yaml", 27, 16)],
    ),
    "carry-forward from the wrong year": (
        {"adjustments/2024-25/c.yaml": CARRY.format(from_year="2022/23")},
        [("D006", "data/adjustments/2024-25/c.yaml", 4, 12)],
    ),
    "carry-forward from the previous year": ({"adjustments/2024-25/c.yaml": CARRY.format(from_year="2023/24")}, []),
    "unknown reserve": ({V: RESERVE.format(reserve="comissioning-reserve")}, [("D007", FV, 4, 10)]),
    "approved before proposed": ({V: virement(approved="2023-10-30")}, [("D008", FV, 9, 9)]),
    "unknown approver": ({V: virement(approver="chief-exec")}, [("D009", FV, 8, 13)]),
    "approver below the tier": ({V: virement(approver="chief-finance-officer")}, [("D010", FV, 8, 13)]),
    "approver above the tier": ({V: virement(approver="commissioner")}, []),
    "decision required": ({V: virement(amount="600000", approver="commissioner")}, [("D011", FV, 8, 3)]),
    "virement to itself": (
        {V: virement(to_stream="community-safety-fund")},
        [("D012", FV, 4, 5)],
    ),
    "a type with no limits needs only a listed approver": (
        {V: RESERVE.format(reserve="commissioning-reserve").replace("chief-executive", "chief-finance-officer")},
        [],
    ),
    "virement key on a grant variation": (
        {V: GRANT_VARIATION.format(change="increase", source="home-office-grant", amount="1") + "to: {stream: vrp}\n"},
        [("S001", FV, 11, 1)],
    ),
    "required key missing for the type": (
        {V: virement().replace("to: {stream: intervention-and-prevention}\n", "")},
        [("S002", FV, 1, 1)],
    ),
    "unknown type": ({V: virement().replace("type: virement", "type: transfer")}, [("S003", FV, 1, 7)]),
    "bad change": (
        {V: GRANT_VARIATION.format(change="up", source="home-office-grant", amount="1")},
        [("S003", FV, 4, 9)],
    ),
}


def run_json(runner, data: Path) -> tuple[int, list[tuple[str, str, int, int]]]:
    result = runner.invoke(app, ["validate", "--data", str(data), "--format", "json"])
    payload = json.loads(result.stdout)
    return result.exit_code, [(p["code"], p["file"], p["line"], p["column"]) for p in payload["problems"]]


@pytest.mark.parametrize("name", list(CASES))
def test_adjustment_rule_code_and_location(name: str, runner, tmp_path: Path, monkeypatch) -> None:
    files, expected = CASES[name]
    data = make_ledger(tmp_path, {"streams.yaml": STREAMS, **files})
    monkeypatch.chdir(tmp_path)
    code, problems = run_json(runner, data)
    assert problems == expected
    assert code == (1 if expected else 0)


def messages(runner, data: Path) -> list[str]:
    result = runner.invoke(app, ["validate", "--data", str(data), "--format", "json"])
    return [f"{p['code']} {p['message']}" for p in json.loads(result.stdout)["problems"]]


def test_cumulative_breach_names_tier_amount_and_records_in_date_order(runner, tmp_path: Path) -> None:
    # 30,000 then 25,000: the second takes the running total to 55,000, past the CFO's 50,000.
    data = make_ledger(
        tmp_path,
        {
            "streams.yaml": STREAMS,
            "adjustments/2023-24/b-first.yaml": virement(
                "30000", "chief-finance-officer", "2023-06-01", approved="2023-06-02"
            ),
            "adjustments/2023-24/a-second.yaml": virement(
                "25000", "chief-finance-officer", "2023-07-01", approved="2023-07-02"
            ),
        },
    )
    (message,) = messages(runner, data)
    assert message == (
        "D010 'chief-finance-officer' may not approve this virement: it falls in tier 2 (up to £500,000.00: "
        "chief-executive) of delegations.limits.virement, chosen by the running total £55,000.00 of virement "
        "from stream 'community-safety-fund' in 2023/24 (b-first 2023-06-01 £30,000.00, a-second 2023-07-01 "
        "£25,000.00); have it approved by 'chief-executive' or above"
    )


def test_same_date_runs_in_file_name_order(runner, tmp_path: Path) -> None:
    # Same date: a.yaml is counted first, so b.yaml is the one that crosses 50,000.
    data = make_ledger(
        tmp_path,
        {
            "streams.yaml": STREAMS,
            "adjustments/2023-24/b.yaml": virement("30000", "chief-finance-officer"),
            "adjustments/2023-24/a.yaml": virement("30000", "chief-executive"),
        },
    )
    result = runner.invoke(app, ["validate", "--data", str(data), "--format", "json"])
    (problem,) = json.loads(result.stdout)["problems"]
    assert (problem["code"], problem["file"]) == ("D010", "data/adjustments/2023-24/b.yaml")


def test_not_cumulative_chooses_by_the_record_amount(runner, tmp_path: Path) -> None:
    streams = STREAMS.replace("  cumulative: true\n", "")
    data = make_ledger(
        tmp_path,
        {
            "streams.yaml": streams,
            "adjustments/2023-24/a.yaml": virement("30000", "chief-finance-officer"),
            "adjustments/2023-24/b.yaml": virement("30000", "chief-finance-officer"),
        },
    )
    assert messages(runner, data) == []


def test_without_delegations_any_approver_text_is_accepted(runner, tmp_path: Path) -> None:
    streams = STREAMS.split("streams:\n", 1)[1]
    data = make_ledger(
        tmp_path,
        {"streams.yaml": "streams:\n" + streams, V: virement(approver="Head of Finance", amount="900000")},
    )
    assert messages(runner, data) == []


def test_over_allocation_compares_with_the_revised_budget_and_names_the_adjustments(runner, tmp_path: Path) -> None:
    project = "title: P\nstream: intervention-and-prevention\nlead: L\nallocations:\n  2023/24: {amount}\n"
    # 600,000 allocated: within 500,000 + 120,000 revised.
    data = make_ledger(
        tmp_path / "a", {"streams.yaml": STREAMS, V: virement(), "projects/p.yaml": project.format(amount=600000)}
    )
    assert messages(runner, data) == []
    # 700,000: over the revised budget; the message names the virement.
    data = make_ledger(
        tmp_path / "b", {"streams.yaml": STREAMS, V: virement(), "projects/p.yaml": project.format(amount=700000)}
    )
    (message,) = messages(runner, data)
    assert message.startswith(
        "A001 stream 'intervention-and-prevention' is over-allocated in 2023/24 by £80,000.00: revised budget "
        "£620,000.00 (approved £500,000.00, adjusted by v +£120,000.00), allocated £700,000.00"
    )


def test_sources_still_sum_to_the_revised_budget(runner, tmp_path: Path) -> None:
    data = make_ledger(
        tmp_path,
        {
            "streams.yaml": STREAMS,
            V: GRANT_VARIATION.format(change="increase", source="home-office-grant", amount="85000"),
        },
    )
    assert messages(runner, data) == []


def test_bad_delegation_tiers(runner, tmp_path: Path) -> None:
    streams = STREAMS.replace(
        "      - {up_to: 500000, approver: chief-executive}\n      - {approver: commissioner, decision: true}\n",
        "      - {approver: chief-executive}\n      - {up_to: 40000, approver: commisioner}\n",
    )
    data = make_ledger(tmp_path, {"streams.yaml": streams})
    result = runner.invoke(app, ["validate", "--data", str(data), "--format", "json"])
    found = [(p["code"], p["line"], p["column"]) for p in json.loads(result.stdout)["problems"]]
    assert found == [("D013", 12, 9), ("D013", 13, 34)]


def test_ring_fenced_without_purposes_is_a_warning(runner, tmp_path: Path) -> None:
    streams = STREAMS.replace("    purposes:\n      referral-service: Referral service\n", "")
    data = make_ledger(tmp_path, {"streams.yaml": streams})
    result = runner.invoke(app, ["validate", "--data", str(data), "--format", "json"])
    (problem,) = json.loads(result.stdout)["problems"]
    assert (problem["code"], problem["severity"], problem["line"], problem["column"]) == ("E007", "warning", 31, 18)
    assert result.exit_code == 0
