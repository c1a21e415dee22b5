"""Every check of the ledger format that a rule makes (docs/format.md, "What `validate`
checks"): its code and exact location.

Each case is a small ledger written inline, so the YAML sits beside the
assertion on (code, file, line, column), in the spirit of beancount's
docstring fixtures.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from budgetctl.cli import app
from budgetctl.rules import RULES, catalogue, lookup
from tests.conftest import make_ledger

STREAMS = textwrap.dedent(
    """\
    priorities:
      prioritising-victims: Prioritising the rights of victims
    streams:
      grants:
        programme: Helping Communities Fund
        funding: Proceeds of Crime Act (POCA)
        budget:
          2023/24: 10000
        eligibility:
          required: [npu, approved_by]
          allowed:
            npu: {coventry: Coventry, dudley: Dudley}
            approved_by: {chief-executive: Chief Executive}
          max_award: 5000
          excluded_costs:
            police-officer-costs: Police officer pay
      victims:
        programme: Victims Services
        funding: Specific Grant
        ring_fenced: true
        budget:
          2023/24: 6529875
        purposes:
          referral-service: Referral service
          restorative-justice: Restorative justice
      vrp:
        programme: Violence Reduction Partnership
        funding: Specific Grant and Partner Contributions
        budget:
          2023/24: 4485221
        sources:
          home-office-grant:
            2023/24: 4388080
          partner-contributions:
            2023/24: 97141
    """
)


def project(body: str) -> str:
    return textwrap.dedent(body)


GOOD_GRANT = project(
    """\
    title: Youth boxing
    stream: grants
    lead: Community Manager
    npu: coventry
    approved_by: chief-executive
    allocations:
      2023/24: 5000
    """
)

CASES = {
    "unknown stream": (
        {"projects/a.yaml": "title: A\nstream: victim\nlead: L\nallocations:\n  2023/24: 1\n"},
        [("R001", "data/projects/a.yaml", 2, 9)],
    ),
    "unknown priority": (
        {
            "projects/a.yaml": "title: A\nstream: vrp\nlead: L\npriorities: [prioritising-victims, nope]\n"
            "allocations:\n  2023/24: 1\n"
        },
        [("R002", "data/projects/a.yaml", 4, 36)],
    ),
    "year without budget": (
        {"projects/a.yaml": "title: A\nstream: vrp\nlead: L\nallocations:\n  2023/24: 1\n  2024/25: 1\n"},
        [("R003", "data/projects/a.yaml", 6, 3)],
    ),
    "duplicate project id in two folders": (
        {
            "projects/x/a.yaml": "title: A\nstream: vrp\nlead: L\nallocations:\n  2023/24: 1\n",
            "projects/y/a.yml": "title: A\nstream: vrp\nlead: L\nallocations:\n  2023/24: 1\n",
        },
        [("R004", "data/projects/y/a.yml", 1, 1)],
    ),
    "over-allocated stream": (
        {
            "projects/a.yaml": GOOD_GRANT,
            "projects/b.yaml": GOOD_GRANT.replace("5000", "4999.99"),
            "projects/c.yaml": GOOD_GRANT.replace("5000", "0.02"),
        },
        [("A001", "data/streams.yaml", 8, 16)],
    ),
    "sources do not sum to budget": (
        {"streams.yaml": STREAMS.replace("97141", "97140.99")},
        [("A002", "data/streams.yaml", 30, 16)],
    ),
    "empty allocation is a warning": (
        {"projects/a.yaml": "title: A\nstream: vrp\nlead: L\nallocations:\n  2023/24: 0\n"},
        [("A003", "data/projects/a.yaml", 5, 3)],
    ),
    "purpose missing": (
        {"projects/a.yaml": "title: A\nstream: victims\nlead: L\nallocations:\n  2023/24: 1\n"},
        [("E001", "data/projects/a.yaml", 1, 1)],
    ),
    "purpose not listed": (
        {"projects/a.yaml": "title: A\nstream: victims\nlead: L\npurpose: training\nallocations:\n  2023/24: 1\n"},
        [("E002", "data/projects/a.yaml", 4, 10)],
    ),
    "purpose on a stream without purposes": (
        {"projects/a.yaml": "title: A\nstream: vrp\nlead: L\npurpose: referral-service\nallocations:\n  2023/24: 1\n"},
        [("E002", "data/projects/a.yaml", 4, 10)],
    ),
    "required field missing": (
        {"projects/a.yaml": GOOD_GRANT.replace("npu: coventry\n", "")},
        [("E003", "data/projects/a.yaml", 1, 1)],
    ),
    "value not allowed": (
        {"projects/a.yaml": GOOD_GRANT.replace("npu: coventry", "npu: leeds")},
        [("E004", "data/projects/a.yaml", 4, 6)],
    ),
    "award over the cap": (
        {"projects/a.yaml": GOOD_GRANT.replace("5000", "5000.01")},
        [("E005", "data/projects/a.yaml", 7, 12)],
    ),
    "excluded cost": (
        {"projects/a.yaml": GOOD_GRANT.replace("allocations:", "costs: [hire, police-officer-costs]\nallocations:")},
        [("E006", "data/projects/a.yaml", 6, 15)],
    ),
}


def run_json(runner, data: Path) -> tuple[int, list[tuple[str, str, int, int]]]:
    result = runner.invoke(app, ["validate", "--data", str(data), "--format", "json"])
    payload = json.loads(result.stdout)
    return result.exit_code, [(p["code"], p["file"], p["line"], p["column"]) for p in payload["problems"]]


@pytest.mark.parametrize("name", list(CASES))
def test_rule_reports_code_and_location(name: str, runner, tmp_path: Path, monkeypatch) -> None:
    files, expected = CASES[name]
    data = make_ledger(tmp_path, {"streams.yaml": STREAMS, **files})
    monkeypatch.chdir(tmp_path)
    code, problems = run_json(runner, data)
    assert problems == expected
    only_warnings = all(lookup(c).severity.value == "warning" for c, *_ in expected)
    assert code == (0 if only_warnings else 1)


def test_clean_case_has_no_problems(runner, tmp_path: Path) -> None:
    data = make_ledger(tmp_path, {"streams.yaml": STREAMS, "projects/a.yaml": GOOD_GRANT})
    assert run_json(runner, data) == (0, [])


def test_over_allocation_message_names_stream_year_amount_and_projects(runner, tmp_path: Path) -> None:
    files = {
        "projects/a.yaml": GOOD_GRANT,
        "projects/b.yaml": GOOD_GRANT.replace("5000", "4999.99"),
        "projects/c.yaml": GOOD_GRANT.replace("5000", "0.02"),
    }
    data = make_ledger(tmp_path, {"streams.yaml": STREAMS, **files})
    result = runner.invoke(app, ["validate", "--data", str(data), "--format", "json"])
    (problem,) = json.loads(result.stdout)["problems"]
    assert problem["message"] == (
        "stream 'grants' is over-allocated in 2023/24 by £0.01: budget £10,000.00, allocated £10,000.01 "
        "by 3 projects (a £5,000.00, b £4,999.99, c £0.02); reduce allocations or raise the budget"
    )


def test_exact_budget_is_not_over_allocated(runner, tmp_path: Path) -> None:
    # 0.1 + 0.2 style sums must be exact: 3333.33 + 3333.33 + 3333.34 == 10000
    files = {
        f"projects/{n}.yaml": GOOD_GRANT.replace("5000", amount)
        for n, amount in (("a", "3333.33"), ("b", "3333.33"), ("c", "3333.34"))
    }
    data = make_ledger(tmp_path, {"streams.yaml": STREAMS, **files})
    assert run_json(runner, data) == (0, [])


def test_registry_is_an_immutable_tuple_with_unique_codes_and_documented_rules() -> None:
    assert isinstance(RULES, tuple)
    codes = [rule.code for rule in RULES]
    assert len(codes) == len(set(codes))
    names = [code.name for code in catalogue().values()]
    assert len(names) == len(set(names))
    for rule in RULES:
        documented = rule.as_code()
        assert documented.summary and documented.explanation, rule.code
        assert rule.name == rule.name.lower() and " " not in rule.name


def test_rules_command_lists_every_code(runner) -> None:
    result = runner.invoke(app, ["rules"])
    assert result.exit_code == 0
    for code in catalogue(commands=True):
        assert code in result.stdout
    assert "F001" in result.stdout and "X001" in result.stdout  # fmt's and the 360Giving export's too


def test_explain_prints_a_rule_docstring(runner) -> None:
    result = runner.invoke(app, ["explain", "A001"])
    assert result.exit_code == 0
    assert result.stdout.startswith("A001 over-allocated-stream (error)")
    assert "reduce allocations or" in result.stdout
    assert runner.invoke(app, ["explain", "over-allocated-stream"]).stdout == result.stdout


def test_explain_unknown_code_is_a_usage_error(runner) -> None:
    result = runner.invoke(app, ["explain", "A999"])
    assert result.exit_code == 2
    assert "unknown code 'A999'" in result.stderr
