"""Actuals and forecasts in `validate`: every M rule and the CSV refusals at file, line and column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from budgetctl.cli import app
from tests.conftest import make_ledger

STREAMS = """\
streams:
  victims:
    programme: Victims
    funding: Grant
    budget:
      2022/23: 100000
      2023/24: 300000
    purposes:
      support: Support for victims
"""
# A ring-fenced stream declares its purposes (E007 otherwise), so each project names one.
ISVA = "title: ISVA\nstream: victims\nlead: Lead\npurpose: support\nallocations:\n  2023/24: 100000\n"
IDVA = "title: IDVA\nstream: victims\nlead: Lead\npurpose: support\nallocations:\n  2022/23: 50000\n  2023/24: 200000\n"
OLD = "title: Old pilot\nstream: victims\nlead: Lead\npurpose: support\nallocations:\n  2022/23: 50000\n"
HEADER = "date,project,kind,amount,reference,supplier,description\n"
APRIL_FILE = "actuals/2023-24/2023-04.csv"
APRIL = f"data/{APRIL_FILE}"


def ledger(tmp_path: Path, extra: dict[str, str]) -> Path:
    files = {
        "streams.yaml": STREAMS,
        "projects/isva.yaml": ISVA,
        "projects/idva.yaml": IDVA,
        "projects/old-pilot.yaml": OLD,
        **extra,
    }
    return make_ledger(tmp_path, files)


def problems(runner, tmp_path: Path, extra: dict[str, str]) -> tuple[int, list[tuple[str, str, int, int]], list[str]]:
    data = ledger(tmp_path, extra)
    result = runner.invoke(app, ["validate", "--format", "json", "--data", str(data)])
    payload = json.loads(result.stdout)
    found = [(p["code"], p["file"], p["line"], p["column"]) for p in payload["problems"]]
    return result.exit_code, found, [p["message"] for p in payload["problems"]]


def test_clean_actuals_and_forecast_validate(runner, tmp_path) -> None:
    extra = {
        "actuals/2023-24/2023-04.csv": HEADER
        + "2023-04-28,isva,payment,20833.33,AP-1,Example Ltd,April\n"
        + '2023-04-30,idva,payment,"1000.00",AP-2,"Smith, Jones",April\n',
        "forecasts/2023-24/q1.yaml": "as_at: 2023-06-30\nprojects:\n  isva:\n    outturn: 101000\n",
    }
    code, found, _ = problems(runner, tmp_path, extra)
    assert (code, found) == (0, [])


def test_unknown_project_is_an_error_at_the_project_cell(runner, tmp_path) -> None:
    extra = {APRIL_FILE: HEADER + "2023-04-28,isva,payment,5.00,AP-1,,\n2023-04-29,isvaa,payment,5.00,AP-2,,\n"}
    code, found, messages = problems(runner, tmp_path, extra)
    assert code == 1
    assert found == [("M001", APRIL, 3, 12)]
    assert "did you mean 'isva'?" in messages[0]


def test_duplicate_reference_and_kind_names_both_lines(runner, tmp_path) -> None:
    may = "data/actuals/2023-24/2023-05.csv"
    extra = {
        APRIL_FILE: HEADER + "2023-04-28,isva,payment,5.00,AP-1,,\n2023-04-28,isva,credit,5.00,AP-1,,\n",
        may[5:]: HEADER + "2023-05-28,idva,payment,7.00,AP-1,,\n",
    }
    code, found, messages = problems(runner, tmp_path, extra)
    assert code == 1
    # (AP-1, credit) differs from (AP-1, payment): only the May payment repeats a pair.
    assert found == [("M002", may, 2, 30)]
    assert f"{APRIL}:2" in messages[0]


def test_actual_above_allocation_warns_where_the_total_went_over(runner, tmp_path) -> None:
    extra = {
        APRIL_FILE: HEADER
        + "2023-04-28,isva,payment,60000.00,AP-1,,\n"
        + "2023-05-28,isva,payment,60000.00,AP-2,,\n"
        + "2023-06-28,isva,credit,1000.00,AP-3,,\n"
    }
    code, found, messages = problems(runner, tmp_path, extra)
    assert code == 0  # a warning
    assert found == [("M003", APRIL, 3, 25)]
    assert "£119,000.00, above its allocation of £100,000.00 by £19,000.00" in messages[0]


def test_spend_without_allocation_and_below_zero_warn(runner, tmp_path) -> None:
    extra = {
        APRIL_FILE: HEADER
        + "2023-04-28,old-pilot,payment,10.00,AP-1,,\n"
        + "2023-05-28,isva,payment,10.00,AP-2,,\n"
        + "2023-06-28,isva,credit,30.00,AP-3,,\n"
    }
    code, found, messages = problems(runner, tmp_path, extra)
    assert code == 0
    assert found == [("M004", APRIL, 2, 12), ("M005", APRIL, 4, 24)]
    assert "'old-pilot' has no allocation in 2023/24" in messages[0]
    assert "-£20.00, below zero" in messages[1]


@pytest.mark.parametrize(
    ("row", "code", "column"),
    [
        ("2023-04-31,isva,payment,5.00,AP-1,,", "C011", 1),
        ("2024-04-01,isva,payment,5.00,AP-1,,", "C012", 1),
        ("2023-04-28,isva,Payment,5.00,AP-1,,", "C014", 17),
        ("2023-04-28,isva,payment,-5.00,AP-1,,", "C015", 25),
        ("2023-04-28,isva,payment,5.00,,,", "C016", 30),
        ("2023-04-28,isva,payment,5.00,AP-1,=HYPERLINK(1),", "C017", 35),
        ("2023-04-28,isva,accrual,5.00,AP-1,,", "C018", 1),
        ("2023-04-28,isva,payment,5.00,AP-1,", "C004", 1),
        ('2023-04-28,isva,payment,5.00,AP-1,"Smith" Ltd,', "C010", 35),
    ],
)
def test_csv_refusals_at_their_cell(runner, tmp_path, row, code, column) -> None:
    status, found, _ = problems(runner, tmp_path, {APRIL_FILE: HEADER + row + "\n"})
    assert status == 1
    assert found == [(code, APRIL, 2, column)]


def test_header_and_encoding_refusals(runner, tmp_path) -> None:
    bad = {
        APRIL_FILE: "date,project,kind,amont,reference,supplier,description\n",
        "actuals/2023-24/2023-05.csv": HEADER + "2023-05-01,isva,payment,5.00,AP-9,Caf\xe9,\n",
    }
    data = ledger(tmp_path, {APRIL_FILE: bad[APRIL_FILE]})
    (data / "actuals/2023-24/2023-05.csv").write_bytes(
        (HEADER + "2023-05-01,isva,payment,5.00,AP-9,Caf\xe9,\n").encode("cp1252")
    )
    result = runner.invoke(app, ["validate", "--format", "json", "--data", str(data)])
    found = [(p["code"], p["file"], p["line"], p["column"]) for p in json.loads(result.stdout)["problems"]]
    assert found == [("C003", APRIL, 1, 19), ("C001", "data/actuals/2023-24/2023-05.csv", 2, 38)]
    assert "did you mean 'amount'?" in json.loads(result.stdout)["problems"][0]["message"]


def test_forecast_rules(runner, tmp_path) -> None:
    q2 = "data/forecasts/2023-24/q2.yaml"
    extra = {
        APRIL_FILE: HEADER + "2023-04-28,isva,payment,60000.00,AP-1,,\n2023-10-28,idva,payment,9.00,AP-2,,\n",
        "forecasts/2023-24/q2.yaml": (
            "as_at: 2023-09-29\n"
            "projects:\n"
            "  isva:\n"
            "    outturn: 50000\n"
            "    reason: Slipped.\n"
            "  idva:\n"
            "    outturn: 150000\n"
            "  isvaa:\n"
            "    outturn: 1\n"
        ),
    }
    code, found, messages = problems(runner, tmp_path, extra)
    assert code == 1
    assert found == [
        ("M006", q2, 1, 8),
        ("M009", q2, 4, 14),
        ("M008", q2, 7, 14),
        ("M007", q2, 8, 3),
    ]
    assert "write 2023-09-30" in messages[0]
    assert "below its actual £60,000.00 at 2023-09-29" in messages[1]
    assert "by £50,000.00, more than 2%" in messages[2]


def test_reason_threshold_follows_monitoring_amber(runner, tmp_path) -> None:
    forecast = "as_at: 2023-06-30\nprojects:\n  isva:\n    outturn: 104000\n"
    _, found, _ = problems(runner, tmp_path, {"forecasts/2023-24/q1.yaml": forecast})
    assert [f[0] for f in found] == ["M008"]
    streams = STREAMS.replace("streams:", "monitoring:\n  rag: {amber: 5, red: 10}\nstreams:")
    _, found, _ = problems(runner, tmp_path / "b", {"streams.yaml": streams, "forecasts/2023-24/q1.yaml": forecast})
    assert found == []


def test_forecast_schema_problems_are_located(runner, tmp_path) -> None:
    q1 = "data/forecasts/2023-24/q1.yaml"
    forecast = "as_at: 2023-06-30\nprojects:\n  isva:\n    outturn: 1,000\n    class: slipage\n"
    code, found, messages = problems(runner, tmp_path, {"forecasts/2023-24/q1.yaml": forecast})
    assert code == 1
    assert found == [("S005", q1, 4, 14), ("S003", q1, 5, 12)]
    assert "did you mean 'slippage'?" in messages[1]


def test_rag_thresholds_out_of_order(runner, tmp_path) -> None:
    streams = STREAMS.replace("streams:", "monitoring:\n  rag:\n    amber: 6\n    red: 5\nstreams:")
    code, found, _ = problems(runner, tmp_path, {"streams.yaml": streams})
    assert (code, found) == (1, [("M010", "data/streams.yaml", 3, 12)])


def test_misplaced_in_year_file_is_an_error(runner, tmp_path) -> None:
    code, found, _ = problems(runner, tmp_path, {"actuals/2023-04.csv": HEADER, "forecasts/2023-24/q5.yaml": ""})
    assert code == 1
    assert [(f[0], f[1]) for f in found] == [
        ("Y018", "data/actuals/2023-04.csv"),
        ("Y018", "data/forecasts/2023-24/q5.yaml"),
    ]


def test_github_and_text_formats_show_in_year_problems(runner, tmp_path) -> None:
    data = ledger(tmp_path, {APRIL_FILE: HEADER + "2023-04-29,isvaa,payment,5.00,AP-2,,\n"})
    text = runner.invoke(app, ["validate", "--data", str(data)])
    assert f"{APRIL}:2:12: M001 no project 'isvaa'" in text.stdout
    assert "2023-04-29,isvaa,payment" in text.stdout  # the source line under the problem
    github = runner.invoke(app, ["validate", "--format", "github", "--data", str(data)])
    assert f"::error file={APRIL},line=2,col=12,title=M001" in github.stdout
