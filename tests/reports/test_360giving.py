"""`budgetctl export --format 360giving`: a package that the 360Giving schema accepts, or problems."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from budgetctl.cli import app
from budgetctl.reports.giving360 import org_id_problem
from tests.conftest import SHIPPED, make_ledger

SCHEMAS = Path(__file__).resolve().parents[3] / "shared" / "data" / "360giving"
RFC3339 = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})")


@pytest.fixture(scope="module")
def validator():  # type: ignore[no-untyped-def]
    """The package schema, with the grant schema registered under the URL its $ref names (no network)."""
    if not (SCHEMAS / "360-giving-package-schema.json").exists():
        pytest.skip(f"360Giving schemas not found in {SCHEMAS}")
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    grant = json.loads((SCHEMAS / "360-giving-schema.json").read_text(encoding="utf-8"))
    package = json.loads((SCHEMAS / "360-giving-package-schema.json").read_text(encoding="utf-8"))
    ref = package["properties"]["grants"]["items"]["$ref"]
    registry = Registry().with_resources([(ref, Resource(contents=grant, specification=DRAFT202012))])
    # Dates are `oneOf: [{format: date-time}, {pattern: YYYY-MM-DD}]`: without a real date-time
    # check both branches match and every date fails, so check date-time as RFC 3339 does.
    checker = FormatChecker(formats=())
    checker.checks("date-time")(lambda value: not isinstance(value, str) or bool(RFC3339.fullmatch(value)))
    return Draft202012Validator(package, registry=registry, format_checker=checker)


def export(runner, data: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["export", "--format", "360giving", "--data", str(data), *args])


STREAMS = """\
publisher:
  name: Example OPCC
  org_id: GB-GOR-PB123
  prefix: 360G-EXAMPLE
streams:
  fund:
    programme: Small Grants
    funding: Proceeds of Crime Act (POCA)
    budget:
      2023/24: 100000
"""

GRANT = """\
title: Boxing nights
stream: fund
lead: Manager
provider: Boxing Club (illustrative)
recipient_org_id: GB-CHC-1070468
description: Friday sessions.
grant: true
award_date: 2023-05-17
start_date: 2023-06-01
end_date: 2024-03-31
allocations:
  2023/24: 4850.50
"""


def ledger(tmp_path: Path, streams: str = STREAMS, **projects: str) -> Path:
    files = {"streams.yaml": streams, **{f"projects/fund/{name}.yaml": text for name, text in projects.items()}}
    return make_ledger(tmp_path, files)


def test_shipped_package_validates_against_the_schema(runner, validator) -> None:
    result = export(runner, SHIPPED, "--year", "2023/24")
    assert result.exit_code == 0, result.output
    package = json.loads(result.stdout)
    assert sorted(e.message for e in validator.iter_errors(package)) == []
    # One grant per shipped project marked `grant: true` (the Helping Communities Fund awards).
    marked = [f for f in (SHIPPED / "projects").rglob("*.yaml") if "\ngrant: true\n" in f.read_text(encoding="utf-8")]
    assert len(marked) > 8 and len(package["grants"]) == len(marked)
    assert {g["currency"] for g in package["grants"]} == {"GBP"}
    assert {g["grantProgramme"][0]["title"] for g in package["grants"]} == {"Helping Communities Fund"}


def test_grant_fields_come_from_the_project_file(runner, tmp_path: Path, validator) -> None:
    result = export(runner, ledger(tmp_path, boxing=GRANT))
    assert result.exit_code == 0, result.output
    package = json.loads(result.stdout, parse_float=Decimal)
    assert list(validator.iter_errors(json.loads(result.stdout))) == []
    assert package["publisher"] == {"name": "Example OPCC", "identifier": "GB-GOR-PB123"}
    (grant,) = package["grants"]
    assert grant == {
        "id": "360G-EXAMPLE-boxing",
        "title": "Boxing nights",
        "description": "Friday sessions.",
        "currency": "GBP",
        "amountAwarded": Decimal("4850.50"),
        "awardDate": "2023-05-17",
        "plannedDates": [{"startDate": "2023-06-01", "endDate": "2024-03-31"}],
        "recipientOrganization": [
            {"id": "GB-CHC-1070468", "name": "Boxing Club (illustrative)", "charityNumber": "1070468"}
        ],
        "fundingOrganization": [{"id": "GB-GOR-PB123", "name": "Example OPCC"}],
        "grantProgramme": [{"code": "fund", "title": "Small Grants"}],
    }
    assert '"amountAwarded": 4850.50,' in result.stdout  # a JSON number, exactly as written


def test_unregistered_recipient_gets_the_publishers_own_identifier(runner, tmp_path: Path) -> None:
    text = GRANT.replace("recipient_org_id: GB-CHC-1070468\n", "")
    package = json.loads(export(runner, ledger(tmp_path, boxing=text)).stdout)
    assert package["grants"][0]["recipientOrganization"] == [
        {"id": "360G-EXAMPLE-ORG-boxing-club", "name": "Boxing Club (illustrative)"}
    ]


def test_missing_required_fields_are_problems_and_nothing_is_written(runner, tmp_path: Path) -> None:
    text = GRANT.replace("provider: Boxing Club (illustrative)\n", "")
    text = text.replace("description: Friday sessions.\n", "").replace("award_date: 2023-05-17\n", "")
    target = tmp_path / "grants.json"
    result = export(runner, ledger(tmp_path, boxing=text), "-o", str(target))
    assert result.exit_code == 1
    assert not target.exists()
    found = re.findall(r"^(data/projects/fund/boxing\.yaml:1:1: X001) .*`(\w+):`", result.stderr, re.MULTILINE)
    assert sorted(name for _, name in found) == ["award_date", "description", "provider"]
    assert "nothing written" in result.stderr


def test_bad_recipient_org_id_is_reported_at_its_value(runner, tmp_path: Path) -> None:
    text = GRANT.replace("GB-CHC-1070468", "GB-CHC-12AB")
    result = export(runner, ledger(tmp_path, boxing=text))
    assert result.exit_code == 1
    assert "data/projects/fund/boxing.yaml:5:19: X002 recipient_org_id: 'GB-CHC-12AB' is not a valid GB-CHC" in (
        result.stderr
    )


def test_end_before_start_is_a_problem(runner, tmp_path: Path) -> None:
    text = GRANT.replace("end_date: 2024-03-31", "end_date: 2023-01-31")
    result = export(runner, ledger(tmp_path, boxing=text))
    assert result.exit_code == 1
    assert "data/projects/fund/boxing.yaml:10:11: X006 end_date 2023-01-31 is before start_date 2023-06-01" in (
        result.stderr
    )


def test_publisher_settings_missing_from_file_and_options(runner, tmp_path: Path) -> None:
    streams = STREAMS.split("streams:", 1)[1]
    result = export(runner, ledger(tmp_path, "streams:" + streams, boxing=GRANT))
    assert result.exit_code == 1
    assert result.stderr.count("data/streams.yaml:1:1: X003") == 3
    assert "pass --prefix" in result.stderr


def test_command_line_options_override_the_file(runner, tmp_path: Path) -> None:
    data = ledger(tmp_path, boxing=GRANT)
    result = export(runner, data, "--prefix", "360G-OTHER", "--funder-id", "GB-COH-09668396", "--funder-name", "X")
    package = json.loads(result.stdout)
    assert package["grants"][0]["id"] == "360G-OTHER-boxing"
    assert package["grants"][0]["fundingOrganization"] == [{"id": "GB-COH-09668396", "name": "X"}]


def test_bad_prefix_option_is_a_usage_error(runner, tmp_path: Path) -> None:
    result = export(runner, ledger(tmp_path, boxing=GRANT), "--prefix", "OPCC/WM")
    assert result.exit_code == 2
    assert "--prefix: 'OPCC/WM' is not a 360Giving prefix" in result.stderr


def test_bad_funder_id_in_the_file_is_reported_at_its_line(runner, tmp_path: Path) -> None:
    result = export(runner, ledger(tmp_path, STREAMS.replace("GB-GOR-PB123", "charity 123"), boxing=GRANT))
    assert result.exit_code == 1
    assert "data/streams.yaml:3:11: X004 'charity 123' does not start with a known org-id list code" in result.stderr


def test_no_grants_is_a_problem(runner, tmp_path: Path) -> None:
    result = export(runner, ledger(tmp_path, boxing=GRANT.replace("grant: true\n", "")))
    assert result.exit_code == 1
    assert "X005 no project marked `grant: true` allocates in 2023/24" in result.stderr


@pytest.mark.parametrize(
    "org_id",
    [
        "GB-CHC-1070468",
        "GB-CHC-220949",
        "GB-COH-09668396",
        "GB-COH-SC123456",
        "GB-LAE-BIR",
        "GB-SC-SC012345",
        "GB-NIC-100012",
        "GB-EDU-103456",
        "GB-NHS-RRK",
        "GB-GOR-PB123",
        "GB-MPR-IP12345R",
        "GB-UKPRN-10007760",
        "XI-IATI-XM-DAC-41114",
        "360G-OPCCWM-ORG-opcc",
    ],
)
def test_org_ids_accepted(org_id: str) -> None:
    assert org_id_problem(org_id) is None


@pytest.mark.parametrize(
    ("org_id", "reason"),
    [
        ("GB-CHC-12", "6 or 7 digit charity number"),
        ("GB-CHC-1070468 ", "6 or 7 digit charity number"),
        ("GB-COH-123", "8 character company number"),
        ("GB-LAE-birmingham", "local authority code"),
        ("GB-SC-012345", "Scottish charity number"),
        ("GB-UKPRN-2000000", "UK provider reference number"),
        ("1070468", "known org-id list code"),
        ("XX-NOPE-123456789", "known org-id list code"),
    ],
)
def test_org_ids_refused(org_id: str, reason: str) -> None:
    problem = org_id_problem(org_id)
    assert problem is not None
    assert reason in problem
