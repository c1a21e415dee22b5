"""The board paper's Appendix C: the year's adjustments, only when there are some."""

from __future__ import annotations

from budgetctl.cli import app
from tests.conftest import LEDGERS, SHIPPED


def test_the_shipped_paper_lists_the_years_adjustments(runner) -> None:
    out = runner.invoke(app, ["report", "--year", "2023/24", "--data", str(SHIPPED)]).stdout
    appendix = out[out.index("## Appendix C – Changes to the approved budget") :]
    rows = [line for line in appendix.splitlines() if line.startswith("| 2023-")]
    assert [row.split(" | ")[1] for row in rows] == [
        "reserve-stalking-perpetrator-pilot",
        "vrp-home-office-summer-activities",
        "cs-to-ip-perpetrator-programme",
        "moj-isva-idva-uplift",
    ]
    assert "|  | 4 records |  |  |  | 301,276.30 |" in appendix
    html = runner.invoke(app, ["report", "--year", "2023/24", "--data", str(SHIPPED), "-f", "html"]).stdout
    assert html.count("<h2>Appendix C – Changes to the approved budget</h2>") == 1
    assert "<td>WMPCC 052/2023</td>" in html


def test_a_year_without_adjustments_has_no_appendix_c(runner) -> None:
    out = runner.invoke(app, ["report", "--data", str(LEDGERS / "over-allocated" / "data")]).stdout
    assert "Appendix B" in out and "Appendix C" not in out
