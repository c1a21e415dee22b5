"""CSV a spreadsheet opens correctly, every project field exported, the summary's year and priorities."""

from __future__ import annotations

import csv
import datetime
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetctl.cli import app
from budgetctl.model.periods import year_of_date
from budgetctl.model.records import Project, fields_of
from tests.conftest import SHIPPED, make_ledger

STREAMS = (
    "priorities:\n  safer-streets: Safer streets\n  victims-first: Victims first\n  unused-aim: An aim nobody funds\n"
    "streams:\n  youth:\n    programme: Youth – Café Ünïon\n    funding: Police Grant\n"
    "    budget:\n      2023/24: 100000\n"
)
PROJECT = (
    "title: Boxing “nights” – £ café\nstream: youth\nlead: Youth Manager\npriorities: [safer-streets]\n"
    "npu: coventry\napproved_by: chief-executive\npartnership: walsall\ndescription: Free sessions\n"
    "grant: true\naward_date: 2023-04-01\nstart_date: 2023-05-01\nend_date: 2024-03-31\n"
    "allocations:\n  2023/24: 5000.5\n"
)


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_csv_file_opens_in_excel_with_accents_and_pounds(tmp_path: Path) -> None:
    data = make_ledger(tmp_path, {"streams.yaml": STREAMS, "projects/boxing.yaml": PROJECT})
    target = tmp_path / "allocations.csv"
    code, out, err = invoke("export", "--format", "csv", "--data", str(data), "-o", str(target))
    assert code == 0 and out == "" and err.startswith(f"wrote {target}")
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark: Excel reads it as UTF-8
    assert raw.count(b"\r\n") == 2 and raw.count(b"\n") == 2  # CRLF line ends, nothing else
    [row] = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert row["title"] == "Boxing “nights” – £ café" and row["programme"] == "Youth – Café Ünïon"


def test_piped_csv_stays_plain(tmp_path: Path) -> None:
    data = make_ledger(tmp_path, {"streams.yaml": STREAMS, "projects/boxing.yaml": PROJECT})
    for args in (["export", "--format", "csv"], ["export", "--format", "csv", "-o", "-"]):
        code, out, _ = invoke(*args, "--data", str(data))
        assert code == 0
        assert not out.startswith("\ufeff") and out.startswith("project,year,")  # no byte order mark


def test_export_csv_has_every_field_of_a_project(tmp_path: Path) -> None:
    data = make_ledger(tmp_path, {"streams.yaml": STREAMS, "projects/boxing.yaml": PROJECT})
    _, out, _ = invoke("export", "--format", "csv", "--data", str(data))
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert set(fields_of(Project)) - {"allocations"} <= set(row)
    assert row["npu"] == "coventry" and row["approved_by"] == "chief-executive" and row["partnership"] == "walsall"
    assert row["grant"] == "true" and row["description"] == "Free sessions"
    assert (row["award_date"], row["start_date"], row["end_date"]) == ("2023-04-01", "2023-05-01", "2024-03-31")
    assert row["amount"] == "5000.50" and row["priorities"] == "safer-streets"
    _, out, _ = invoke("export", "--format", "json", "--data", str(data))
    [item] = json.loads(out)["rows"]
    assert item["grant"] is True and item["end_date"] == "2024-03-31" and item["costs"] == []


def test_summary_csv_has_the_stream_id_and_the_table_does_not(tmp_path: Path) -> None:
    _, out, _ = invoke("summary", "--year", "2023/24", "--format", "csv", "--data", str(SHIPPED))
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:3] == ["stream", "programme", "funding"]
    assert rows[1][:2] == ["helping-communities-fund", "Helping Communities Fund"]
    assert rows[-1][0] == "Total"
    _, table, _ = invoke("summary", "--year", "2023/24", "--data", str(SHIPPED))
    assert "helping-communities-fund" not in table and "│ Total " in table
    _, out, _ = invoke("summary", "--year", "2023/24", "--format", "json", "--data", str(SHIPPED))
    assert set(json.loads(out)["rows"][0]) == {
        "stream", "programme", "funding", "budget", "adjustments", "revised_budget", "allocated", "unallocated"
    }  # fmt: skip


def test_summary_file_output_is_for_excel_and_dash_is_stdout(tmp_path: Path) -> None:
    target = tmp_path / "summary.csv"
    code, _, _ = invoke("summary", "--year", "2023/24", "--format", "csv", "--data", str(SHIPPED), "-o", str(target))
    assert code == 0 and target.read_bytes().startswith(b"\xef\xbb\xbfstream,programme")
    code, out, _ = invoke("summary", "--year", "2023/24", "--format", "json", "--data", str(SHIPPED), "-o", "-")
    assert code == 0 and json.loads(out)["year"] == "2023/24"
    code, out, _ = invoke("schema", "project", "-o", "-")
    assert code == 0 and json.loads(out)["title"]
    code, out, _ = invoke("report", "--year", "2023/24", "--data", str(SHIPPED), "-o", "-")
    assert code == 0 and out.startswith("#")


def years_from(first: int, count: int) -> list[str]:
    return [f"{y}/{(y + 1) % 100:02d}" for y in range(first, first + count)]


@pytest.mark.parametrize(("offsets", "expected"), [((0, 1), 0), ((-2, -1), -1), ((-1, 0, 1, 2), 0)])
def test_summary_year_defaults_to_the_current_financial_year(offsets, expected, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    current = int(year_of_date(datetime.date.today())[:4])
    years = [years_from(current + o, 1)[0] for o in offsets]
    budget = "".join(f"      {y}: 1000\n" for y in years)
    streams = f"streams:\n  youth:\n    programme: Youth\n    funding: Police Grant\n    budget:\n{budget}"
    data = make_ledger(tmp_path, {"streams.yaml": streams})
    _, out, _ = invoke("summary", "--format", "json", "--data", str(data))
    assert json.loads(out)["year"] == years_from(current + expected, 1)[0]


def test_by_priority_lists_every_priority_with_zero(tmp_path: Path) -> None:
    data = make_ledger(tmp_path, {"streams.yaml": STREAMS, "projects/boxing.yaml": PROJECT})
    _, out, _ = invoke("summary", "--year", "2023/24", "--by", "priority", "--format", "json", "--data", str(data))
    rows = {r["priority"]: (r["projects"], r["allocated"]) for r in json.loads(out)["rows"]}
    assert rows == {"safer-streets": (1, "5000.50"), "victims-first": (0, "0.00"), "unused-aim": (0, "0.00")}
    _, out, _ = invoke("summary", "--year", "2023/24", "--by", "priority", "--data", str(data))
    assert "An aim nobody funds" in out and "0.0%" in out
