"""`budgetctl diff` on real git repositories: an approved budget edited in place and a closed year's
files changed are new errors that `--fail-on-new-errors` enforces; an adjustment is the way."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetctl.cli import app
from tests.conftest import commit, git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def diff(repo: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["diff", *args, "--data", str(repo / "data")])
    return result.exit_code, result.stdout, result.stderr


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_in_place_edit_of_an_approved_budget_is_a_new_error(repo: Path) -> None:
    # Intervention and Prevention's approved 2023/24 budget, raised in place instead of by an adjustment.
    replace(repo / "data" / "streams.yaml", "      2023/24: 1805538\n", "      2023/24: 1925538\n")
    _, out, _ = diff(repo, "HEAD", "--format", "json")
    payload = json.loads(out)
    [problem] = [p for p in payload["problems"]["new"] if p["code"] == "D014"]
    assert problem["message"].startswith(
        "approved budget changed in place: record an adjustment (stream 'intervention-and-prevention' budget "
        "2023/24: £1,805,538.00 → £1,925,538.00; 2023/24 was approved on 2023-03-28)"
    )
    assert (problem["file"], problem["line"], problem["column"]) == ("data/streams.yaml", 140, 16)
    assert payload["headline"].endswith("1 new error")
    assert diff(repo, "HEAD", "--fail-on-new-errors")[0] == 1
    assert diff(repo, "HEAD")[0] == 0  # reported, but only enforced when asked


def test_an_in_place_edit_of_an_approved_source_is_a_new_error(repo: Path) -> None:
    streams = repo / "data" / "streams.yaml"
    replace(streams, "      2023/24: 4485221\n", "      2023/24: 4485321\n")
    replace(streams, "        2023/24: 97141\n", "        2023/24: 97241\n")
    _, out, _ = diff(repo, "HEAD", "--format", "json")
    found = [(p["line"], p["message"].split(";")[0]) for p in json.loads(out)["problems"]["new"]]
    assert [f for f in found if "approved budget changed in place" in f[1]] == [
        (169, "approved budget changed in place: record an adjustment (stream 'violence-reduction-partnership' "
              "budget 2023/24: £4,485,221.00 → £4,485,321.00"),
        (185, "approved budget changed in place: record an adjustment (stream 'violence-reduction-partnership' "
              "sources.partner-contributions 2023/24: £97,141.00 → £97,241.00"),
    ]  # fmt: skip


def test_the_same_change_as_an_adjustment_is_no_error(repo: Path) -> None:
    (repo / "data" / "adjustments" / "2023-24" / "ip-uplift.yaml").write_text(
        "type: grant-variation\ndate: 2023-12-01\nstream: intervention-and-prevention\nchange: increase\n"
        "amount: 1000\nreason: r\napproval:\n  approver: chief-finance-officer\n  date: 2023-12-02\n",
        encoding="utf-8",
    )
    code, out, _ = diff(repo, "HEAD", "--fail-on-new-errors", "--format", "json")
    payload = json.loads(out)
    assert code == 0, payload["problems"]["new"]
    assert payload["headline"] == "2023/24: adjustments +£1,000.00 across 1 stream"
    [added] = payload["adjustments"]
    assert added["change"] == "added" and added["id"] == "ip-uplift"
    assert added["tier"].startswith("tier 1 (up to £100,000.00: chief-finance-officer)")
    row = payload["years"][0]["streams"][0]
    assert row["revised_budget"] == {"before": "2000538.00", "after": "2001538.00", "change": "1000.00"}
    assert row["budget"]["change"] == "0.00"


def test_a_year_not_yet_approved_may_be_edited(repo: Path) -> None:
    streams = repo / "data" / "streams.yaml"
    replace(streams, "years:\n  2023/24:\n    approved: 2023-03-28\n    decision: SPCB 28 March 2023\n", "years:\n")
    commit(repo, "2023/24 not approved yet")
    replace(streams, "      2023/24: 1805538\n", "      2023/24: 1925538\n")
    code, out, _ = diff(repo, "HEAD", "--fail-on-new-errors", "--format", "json")
    assert code == 0
    assert not [p for p in json.loads(out)["problems"]["new"] if p["code"] == "D014"]


def test_a_change_to_a_closed_year_is_a_new_error(repo: Path) -> None:
    streams = repo / "data" / "streams.yaml"
    replace(streams, "    decision: SPCB 28 March 2023\n", "    decision: SPCB 28 March 2023\n    closed: 2024-06-30\n")
    commit(repo, "2023/24 closed")
    replace(repo / "data" / "adjustments" / "2023-24" / "moj-isva-idva-uplift.yaml", "141276.30", "141276.31")
    code, out, _ = diff(repo, "HEAD", "--fail-on-new-errors", "--format", "json")
    assert code == 1
    [problem] = [p for p in json.loads(out)["problems"]["new"] if p["code"] == "D015"]
    assert problem["file"] == "data/adjustments/2023-24/moj-isva-idva-uplift.yaml"
    assert problem["message"].startswith(
        "2023/24 is closed (its outturn became final on 2024-06-30): this file was changed"
    )
    # A change to the next year's files is fine.
    git(repo, "checkout", "-q", "--", "data")
    replace(repo / "data" / "adjustments" / "2024-25" / "cs-walsall-carry-forward.yaml", "Walsall", "Walsall's")
    assert diff(repo, "HEAD", "--fail-on-new-errors")[0] == 0


def test_explain_knows_the_diff_codes(runner) -> None:
    result = runner.invoke(app, ["explain", "D014"])
    assert result.exit_code == 0
    assert "approved-budget-changed" in result.stdout


def test_a_virement_shows_the_money_it_moves_in_the_headline(repo: Path) -> None:
    (repo / "data" / "adjustments" / "2023-24" / "cs-to-hcf.yaml").write_text(
        "type: virement\ndate: 2023-12-01\nfrom:\n  stream: community-safety-fund\nto:\n"
        "  stream: helping-communities-fund\namount: 1000\nreason: r\napproval:\n"
        "  approver: chief-finance-officer\n  date: 2023-12-02\n",
        encoding="utf-8",
    )
    _, out, _ = diff(repo, "HEAD", "--format", "json")
    assert json.loads(out)["headline"].startswith("2023/24: adjustments moving £1,000.00 across 2 streams")
