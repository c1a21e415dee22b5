"""Year-end (`year_end` per stream) against carry-forwards, and owners of adjustment files."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from budgetctl.cli import app
from tests.conftest import make_ledger

STREAMS = textwrap.dedent(
    """\
    streams:
      grant:
        programme: Grant
        funding: Specific Grant
        owners: ["@org/grant-team"]
        year_end: {year_end}
        budget:
          2023/24: 1000
          2024/25: 1000
      local:
        programme: Local
        funding: Police Grant
        owners: ["@jane", "@org/grant-team"]
        budget:
          2023/24: 1000
    """
)
CARRY = textwrap.dedent(
    """\
    type: carry-forward
    date: 2024-05-14
    stream: grant
    from_year: 2023/24
    {consent}amount: 40
    reason: Slipped.
    approval:
      approver: Chief Executive
      date: 2024-05-21
    """
)
FILE = "adjustments/2024-25/c.yaml"


def found(runner, data: Path) -> list[tuple[str, int, int]]:
    result = runner.invoke(app, ["validate", "--data", str(data), "--format", "json"])
    return [(p["code"], p["line"], p["column"]) for p in json.loads(result.stdout)["problems"]]


@pytest.mark.parametrize(
    ("year_end", "consent", "expected"),
    [
        ("return", "", [("D016", 3, 9)]),
        ("carry-with-consent", "", [("D016", 1, 1)]),
        ("carry-with-consent", "consent: MoJ letter of 12 May 2024\n", []),
        ("carry-with-approval", "", []),
        ("balance", "", [("D020", 3, 9)]),  # the opening balance carries it: a record would count it twice
    ],
)
def test_a_carry_forward_follows_the_streams_year_end(runner, tmp_path: Path, year_end, consent, expected) -> None:
    data = make_ledger(
        tmp_path, {"streams.yaml": STREAMS.format(year_end=year_end), FILE: CARRY.format(consent=consent)}
    )
    assert found(runner, data) == expected


def test_consent_belongs_to_a_carry_forward_only(runner, tmp_path: Path) -> None:
    text = (
        "type: grant-variation\ndate: 2023-07-01\nstream: grant\nchange: increase\nconsent: x\namount: 1\n"
        "reason: r\napproval:\n  approver: A\n  date: 2023-07-02\n"
    )
    data = make_ledger(
        tmp_path, {"streams.yaml": STREAMS.format(year_end="return"), "adjustments/2023-24/g.yaml": text}
    )
    assert found(runner, data) == [("S001", 5, 1)]


def test_codeowners_asks_the_owners_of_every_stream_an_adjustment_touches(runner, tmp_path: Path) -> None:
    virement = (
        "type: virement\ndate: 2023-07-01\nfrom:\n  stream: local\nto:\n  stream: grant\namount: 1\n"
        "reason: r\napproval:\n  approver: A\n  date: 2023-07-02\n"
    )
    data = make_ledger(
        tmp_path, {"streams.yaml": STREAMS.format(year_end="return"), "adjustments/2023-24/v.yaml": virement}
    )
    result = runner.invoke(app, ["owners", "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert "/data/adjustments/2023-24/v.yaml @jane @org/grant-team\n" in result.stdout


DELEGATIONS = textwrap.dedent(
    """\
    delegations:
      approvers: {cfo: Chief Finance Officer}
      decision_format: "WMPCC #/#"
    """
)


@pytest.mark.parametrize(("decision", "expected"), [("WMPCC 052/2023", []), ("WMPCC52/2023", [("D017", 10, 13)])])
def test_a_decision_reference_follows_the_declared_format(runner, tmp_path: Path, decision, expected) -> None:
    text = (
        "type: grant-variation\ndate: 2023-07-01\nstream: local\nchange: increase\namount: 1\nreason: r\n"
        f"approval:\n  approver: cfo\n  date: 2023-07-02\n  decision: {decision}\n"
    )
    streams = DELEGATIONS + STREAMS.format(year_end="return")
    data = make_ledger(tmp_path, {"streams.yaml": streams, "adjustments/2023-24/g.yaml": text})
    assert found(runner, data) == expected


def test_a_year_cannot_close_before_it_was_approved(runner, tmp_path: Path) -> None:
    years = "years:\n  2023/24:\n    approved: 2023-03-28\n    closed: 2023-01-31\n"
    data = make_ledger(tmp_path, {"streams.yaml": years + STREAMS.format(year_end="return")})
    assert found(runner, data) == [("D018", 4, 13)]
