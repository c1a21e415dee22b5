"""validate finds what export and the ring-fencing rules would otherwise find late:
grant fields, organisation identifiers, dates, ring-fenced streams without purposes."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from budgetctl.cli import app
from budgetctl.model.orgid import org_id_lists, org_id_problem
from tests.conftest import REPO, make_ledger

STREAMS = "streams:\n  youth:\n    programme: Youth\n    funding: Police Grant\n    budget:\n      2023/24: 100000\n"
GRANT = (
    "title: Boxing\nstream: youth\nlead: Youth Manager\nprovider: Boxing Club\n"
    "description: Friday boxing\naward_date: 2023-04-01\ngrant: true\n"
)


def problems(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, str, int, int]]:
    data = make_ledger(tmp_path, {"streams.yaml": STREAMS, **files})
    result = CliRunner().invoke(app, ["validate", "--data", str(data), "--format", "json"])
    return [
        (p["code"], p["file"].split("data/")[-1], p["line"], p["column"]) for p in json.loads(result.stdout)["problems"]
    ]


def messages(tmp_path: Path, files: dict[str, str]) -> list[str]:
    data = make_ledger(tmp_path, {"streams.yaml": STREAMS, **files})
    result = CliRunner().invoke(app, ["validate", "--data", str(data), "--format", "json"])
    return [p["message"] for p in json.loads(result.stdout)["problems"]]


ALLOC = "allocations:\n  2023/24: 5000\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GRANT + ALLOC, []),
        (GRANT.replace("description: Friday boxing\n", "") + ALLOC, [("G001", "projects/p.yaml", 1, 1)]),
        (
            GRANT.replace("award_date: 2023-04-01\n", "").replace("provider: Boxing Club\n", "") + ALLOC,
            [("G001", "projects/p.yaml", 1, 1), ("G001", "projects/p.yaml", 1, 1)],
        ),
        (GRANT + "end_date: 2024-03-31\n" + ALLOC, [("G001", "projects/p.yaml", 8, 11)]),
        (GRANT.replace("grant: true\n", "").replace("description: Friday boxing\n", "") + ALLOC, []),
        (GRANT + "recipient_org_id: GB-CHARITY-123\n" + ALLOC, [("G002", "projects/p.yaml", 8, 19)]),
        (GRANT + "recipient_org_id: GB-CHC-12\n" + ALLOC, [("G002", "projects/p.yaml", 8, 19)]),
        (GRANT + "start_date: 2023-06-01\nend_date: 2023-05-31\n" + ALLOC, [("G003", "projects/p.yaml", 9, 11)]),
        (GRANT + "start_date: 2023-04-01\nend_date: 2025-03-31\n" + ALLOC, [("G004", "projects/p.yaml", 9, 11)]),
        (GRANT + "start_date: 2022-10-01\nend_date: 2024-03-31\n" + ALLOC, [("G004", "projects/p.yaml", 8, 13)]),
        (GRANT + "start_date: 2023-04-01\nend_date: 2024-03-31\n" + ALLOC, []),
    ],
)
def test_project_checks(text: str, expected: list, tmp_path: Path) -> None:
    assert problems(tmp_path, {"projects/p.yaml": text}) == expected


@pytest.mark.parametrize(
    "org_id",
    ["GB-CASC-CH1234", "GB-SHPE-L4567", "GB-COE-123456", "IE-CHY-20012345", "GB-CHC-1070468", "GB-COH-09668396",
     "GB-SC-SC012345", "GB-NIC-100012", "GB-EDU-103456", "GB-LAE-BIR", "GB-PLA-CRF", "GB-NHS-RRK", "GB-GOR-PB123",
     "GB-MPR-IP12345R", "XI-IATI-EC_ECHO", "360G-OPCCWM-ORG-netherton"],
)  # fmt: skip
def test_identifiers_from_the_whole_register_are_accepted(org_id: str, tmp_path: Path) -> None:
    assert org_id_problem(org_id) is None
    assert problems(tmp_path, {"projects/p.yaml": GRANT + f"recipient_org_id: {org_id}\n" + ALLOC}) == []


def test_a_bad_identifier_says_what_to_write(tmp_path: Path) -> None:
    [message] = messages(tmp_path, {"projects/p.yaml": GRANT + "recipient_org_id: GB-CHC-12\n" + ALLOC})
    assert message == (
        "recipient_org_id: 'GB-CHC-12' is not a valid GB-CHC identifier: "
        "expected a 6 or 7 digit charity number, e.g. GB-CHC-1070468"
    )
    [message] = messages(tmp_path, {"projects/p.yaml": GRANT + "recipient_org_id: GB-CHARITY-1\n" + ALLOC})
    assert "does not start with a known org-id list code ('GB-CHARITY' is not on the org-id.guide register)" in message


def test_an_identifier_on_a_deprecated_list_is_a_warning_naming_its_successor(tmp_path: Path) -> None:
    data = make_ledger(
        tmp_path,
        {"streams.yaml": STREAMS, "projects/p.yaml": GRANT + "recipient_org_id: GB-GOVUK-home_office\n" + ALLOC},
    )
    result = CliRunner().invoke(app, ["validate", "--data", str(data), "--format", "json"])
    assert result.exit_code == 0  # still a valid identifier: the export accepts it
    [p] = json.loads(result.stdout)["problems"]
    assert (p["code"], p["severity"], p["line"], p["column"]) == ("G005", "warning", 8, 19)
    assert p["message"] == (
        "recipient_org_id: 'GB-GOVUK-home_office' is on GB-GOVUK, a list the org-id.guide register has "
        "deprecated: identify the organisation in GB-GOR instead (https://org-id.guide/list/GB-GOR)"
    )
    assert CliRunner().invoke(app, ["validate", "--data", str(data), "--strict"]).exit_code == 1
    # A deprecated list whose successor the register does not name points at the list itself.
    [message] = messages(tmp_path, {"projects/p.yaml": GRANT + "recipient_org_id: UG-NGB-1234\n" + ALLOC})
    assert message.endswith(
        "deprecated: find the organisation's current identifier from https://org-id.guide/list/UG-NGB"
    )


def test_a_dates_message_names_the_year_to_add(tmp_path: Path) -> None:
    text = GRANT + "start_date: 2023-04-01\nend_date: 2025-03-31\n" + ALLOC
    [message] = messages(tmp_path, {"projects/p.yaml": text})
    assert message == (
        "end_date 2025-03-31 is in 2024/25, but the project allocates only in 2023/24; "
        "add 2024/25 under allocations or correct the date"
    )


def test_a_ring_fenced_stream_without_purposes_is_a_warning(tmp_path: Path) -> None:
    streams = STREAMS.replace("    funding: Police Grant\n", "    funding: Police Grant\n    ring_fenced: true\n")
    data = make_ledger(tmp_path, {"streams.yaml": streams})
    result = CliRunner().invoke(app, ["validate", "--data", str(data), "--format", "json"])
    assert result.exit_code == 0
    [p] = json.loads(result.stdout)["problems"]
    assert (p["code"], p["severity"], p["line"], p["column"]) == ("E007", "warning", 5, 18)
    assert "ring-fenced but lists no purposes" in p["message"]
    assert CliRunner().invoke(app, ["validate", "--data", str(data), "--strict"]).exit_code == 1


def test_the_shipped_register_data_says_where_it_comes_from() -> None:
    path = REPO / "budgetctl" / "model" / "data" / "org_id_lists.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert "ODbL" in data["licence"] and data["date"] and "register's source" in data["note"]
    codes = set(org_id_lists())
    assert len(codes) >= 800  # the whole register, not a hand-picked few
    assert {"GB-CASC", "GB-SHPE", "GB-COE", "IE-CHY", "GB-CHC", "GB-COH", "GB-SC", "GB-NIC", "GB-EDU", "GB-LAE",
            "GB-PLA", "GB-NHS", "GB-GOR", "GB-MPR", "XI-IATI"} <= codes  # fmt: skip
    for item in data["lists"]:  # every example passes its own list's check
        if "example" in item:
            assert org_id_problem(item["example"]) is None, item
    successors = {item["code"]: item.get("replaced_by") for item in data["lists"] if item.get("deprecated")}
    assert successors["GB-GOVUK"] == "GB-GOR" and successors["XI-GRID"] == "XI-ROR"
    live = codes - set(successors)
    assert all(code in live for code in successors.values() if code), successors  # never to another dead list


def _refresh_script(tmp_path: Path, monkeypatch) -> tuple[Any, Path]:  # type: ignore[no-untyped-def]
    """scripts/refresh_org_id_lists.py, writing to a copy of the shipped list in ``tmp_path``."""
    spec = importlib.util.spec_from_file_location("refresh", REPO / "scripts" / "refresh_org_id_lists.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    target = tmp_path / "org_id_lists.json"
    shutil.copy(module.TARGET, target)
    monkeypatch.setattr(module, "TARGET", target)
    return module, target


def test_the_refresh_script_rewrites_the_list_from_a_download(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    module, target = _refresh_script(tmp_path, monkeypatch)
    download = tmp_path / "download.json"
    download.write_text(
        json.dumps({"lists": [{"code": "GB-CHC", "name": {"en": "Charity Commission"}}, {"code": "GB-NEW"}]}),
        encoding="utf-8",
    )
    assert module.main([str(download)]) == 0
    written = json.loads(target.read_text(encoding="utf-8"))
    assert [item["code"] for item in written["lists"]] == ["GB-CHC", "GB-NEW"]
    assert written["lists"][0]["form"] == "[0-9]{6,7}"  # budgetctl's own check is kept
    assert "a copy of https://org-id.guide/download.json" in written["note"]


def test_the_refresh_script_reads_a_checkout_of_the_registers_source(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    module, target = _refresh_script(tmp_path, monkeypatch)
    register = tmp_path / "register"
    (register / "lists" / "gb").mkdir(parents=True)
    (register / "lists" / "gb" / "gb-chc.json").write_text(
        json.dumps({"code": "GB-CHC", "name": {"en": "Charity Commission"}, "deprecated": False}), encoding="utf-8"
    )
    (register / "lists" / "gb" / "gb-old.json").write_text(
        json.dumps({"code": "GB-OLD", "name": {"en": "A closed register"}, "deprecated": True}), encoding="utf-8"
    )
    (register / "lists" / "gb" / "gb-past.json").write_text(
        json.dumps(
            {
                "code": "GB-PAST",
                "name": {"en": "A merged register"},
                "deprecated": True,
                "description": {"en": "It has been deprecated in favour of https://org-id.guide/list/GB-CHC."},
            }
        ),
        encoding="utf-8",
    )
    assert module.main([str(register)]) == 0
    written = json.loads(target.read_text(encoding="utf-8"))["lists"]
    assert written[2] == {"code": "GB-PAST", "name": "A merged register", "deprecated": True, "replaced_by": "GB-CHC"}
    assert written[0] == {
        "code": "GB-CHC",
        "name": "Charity Commission",
        "form": "[0-9]{6,7}",
        "described": "a 6 or 7 digit charity number",
        "example": "GB-CHC-1070468",
    }
    assert written[1] == {"code": "GB-OLD", "name": "A closed register", "deprecated": True}
