"""360Giving: where a grant's beneficiaries are (the NPU), and the package's licence and issue date."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from budgetctl.cli import app
from tests.conftest import SHIPPED


def export(*args: str) -> tuple[int, dict | None, str]:
    result = CliRunner().invoke(
        app, ["export", "--format", "360giving", "--year", "2023/24", "--data", str(SHIPPED), *args]
    )
    return result.exit_code, json.loads(result.stdout) if result.exit_code == 0 else None, result.stderr


def test_beneficiary_location_is_the_npu_by_its_name() -> None:
    code, package, _ = export("--issued", "2023-04-30")
    assert code == 0 and package is not None
    boxing = next(g for g in package["grants"] if g["id"].endswith("-birmingham-east-youth-boxing-nights"))
    assert boxing["beneficiaryLocation"] == [{"name": "Birmingham East", "description": "Neighbourhood Policing Unit"}]
    for grant in package["grants"]:
        assert grant.get("beneficiaryLocation", [{"name": "x"}])[0]["name"]


def test_licence_and_issue_date(monkeypatch: pytest.MonkeyPatch) -> None:
    _, package, _ = export("--issued", "2023-04-30")
    assert package is not None
    assert (package["issued"], package["license"]) == ("2023-04-30", "https://creativecommons.org/licenses/by/4.0/")
    _, package, _ = export("--licence", "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/")
    assert package is not None and package["license"].endswith("open-government-licence/version/3/")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1680000000")
    _, package, _ = export()
    assert package is not None and package["issued"] == "2023-03-28"
    code, _, err = export("--issued", "30/04/2023")
    assert code == 2 and "--issued '30/04/2023': write a date as YYYY-MM-DD" in err


def test_a_multi_year_grant_is_one_award_with_one_award_date(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    data = tmp_path / "data"
    shutil.copytree(SHIPPED, data)
    path = data / "projects" / "helping-communities-fund" / "dudley-home-security-packs.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("allocations:\n", "allocations:\n  2024/25: 1000\n"), encoding="utf-8")
    assert "2024/25: 400000" in (data / "streams.yaml").read_text(encoding="utf-8")  # the fund's 2024/25 budget
    for year in ("2023/24", "2024/25"):
        result = CliRunner().invoke(
            app, ["export", "--format", "360giving", "--year", year, "--data", str(data), "--issued", "2024-04-01"]
        )
        assert result.exit_code == 0, result.output
        grants = [g for g in json.loads(result.stdout)["grants"] if "dudley-home-security-packs" in g["id"]]
        assert len(grants) == 1  # not one grant per year, each repeating the award date
        [grant] = grants
        assert grant["id"] == "360G-OPCCWM-dudley-home-security-packs"
        assert grant["amountAwarded"] == 3750.5  # the whole award: 2,750.50 + 1,000.00
        assert grant["awardDate"] == "2023-06-21"
