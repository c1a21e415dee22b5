"""A board paper stays a paper: past 200 projects Appendix A summarises each programme in one
row (every project behind --projects all and in the exports), the chart keeps the largest
streams, and streams with the same conditions are stated once; the money still reconciles."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from budgetctl.cli import app
from budgetctl.reports.board import CHART_MAX_BARS, LIST_MAX_PROJECTS
from tests.conftest import make_ledger

STREAMS = 15


def big(tmp_path: Path, projects: int = LIST_MAX_PROJECTS + 1) -> Path:
    files = {"streams.yaml": "streams:\n"}
    for s in range(STREAMS):
        files["streams.yaml"] += (
            f"  s{s:02d}:\n    programme: Programme {s:02d}\n    funding: Grant\n"
            f"    budget:\n      2023/24: {1_000_000 + s * 1000}\n"
        )
    for i in range(projects):
        s = i % STREAMS
        files[f"projects/s{s:02d}/p{i:04d}.yaml"] = (
            f"title: Title {i}\nstream: s{s:02d}\nlead: L\nallocations:\n  2023/24: {100 + i}.50\n"
        )
    return make_ledger(tmp_path, files)


def report(runner, data: Path, *args: str) -> str:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["report", "--year", "2023/24", "--data", str(data), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def pounds(text: str) -> Decimal:
    return Decimal(text.strip("* ").replace(",", ""))


def test_past_the_limit_appendix_a_is_one_row_per_programme_and_reconciles(runner, tmp_path: Path) -> None:
    data = big(tmp_path)
    paper = report(runner, data)
    appendix = paper.split("## Appendix A")[1].split("## Appendix B")[0]
    assert "Title 7" not in appendix
    rows = [
        line.split(" | ")
        for line in appendix.splitlines()
        if line.startswith("| Programme 0") or line.startswith("| Programme 1")
    ]
    assert len(rows) == STREAMS
    funding = paper.split("## Funding by stream")[1].split("## Appendix A")[0]
    lines = [line.split(" | ") for line in funding.splitlines() if re.match(r"\| Programme \d", line)]
    allocated = {cells[0].lstrip("| "): cells[3] for cells in lines}
    assert len(allocated) == STREAMS
    for row in rows:
        assert row[4].rstrip(" |") == allocated[row[0].lstrip("| ")]  # the funding table's Allocated
    total = next(line for line in appendix.splitlines() if line.startswith("| **Total**"))
    assert f"**{LIST_MAX_PROJECTS + 1}**" in total
    assert pounds(total.split(" | ")[-1].rstrip(" |")) == sum(Decimal(f"{100 + i}.50") for i in range(201))
    assert "--projects all" in appendix and "export --year 2023/24 --format csv" in appendix


def test_projects_all_lists_every_project_and_summary_shortens_a_small_paper(runner, tmp_path: Path) -> None:
    data = big(tmp_path)
    full = report(runner, data, "--projects", "all")
    assert all(f"Title {i} " in full for i in range(LIST_MAX_PROJECTS + 1))
    small = big(tmp_path / "small", projects=20)
    assert "Title 3 " in report(runner, small)  # auto: a short list is listed
    assert "Title 3 " not in report(runner, small, "--projects", "summary")


def test_a_short_chart_keeps_the_largest_streams_and_sums_the_others(runner, tmp_path: Path) -> None:
    data = big(tmp_path)
    html = report(runner, data, "--format", "html")
    labels = re.findall(r'<text text-anchor="end"[^>]*>(.*?)</text>', html)
    assert len(labels) == CHART_MAX_BARS
    assert "4 other streams" in labels[-1]
    assert "Programme 14" in html.split("<svg")[1] and "Programme 00" not in html.split("<svg")[1].split("</svg>")[0]
    assert len(html.encode()) < 300_000


def test_streams_with_the_same_conditions_are_stated_once(runner, tmp_path: Path) -> None:
    paper = report(runner, big(tmp_path))
    appendix = paper.split("## Appendix B")[1]
    assert appendix.count("No conditions beyond the budget") == 1
    same = next(line for line in appendix.splitlines() if line.startswith("The same conditions apply to:"))
    assert all(f"Programme {s:02d}" in same for s in range(1, STREAMS))
