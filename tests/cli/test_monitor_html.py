"""The monitoring report in HTML, alone and in the board paper (`report --monitor q2`)."""

from __future__ import annotations

import re
import shutil

import pytest

from budgetctl.cli import app
from tests.conftest import LEDGERS

IN_YEAR = LEDGERS / "in-year" / "data"


@pytest.fixture
def in_year(monkeypatch) -> None:
    monkeypatch.chdir(IN_YEAR.parent)


def _self_contained(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page
    assert not re.search(r"""(src|href)\s*=""", page)
    assert "@import" not in page and "url(" not in page


def test_monitor_html_is_one_self_contained_file(runner, in_year) -> None:
    result = runner.invoke(app, ["monitor", "--year", "2023/24", "--as-at", "q2", "--format", "html"])
    assert result.exit_code == 0
    page = result.stdout
    _self_contained(page)
    assert '<td class="rag rag-red">red</td>' in page
    assert page.count('class="rag rag-') == 5
    assert "<td>Victims Services</td>" in page and "6,574,872.40" in page
    assert "Forecast movement since 2023-06-30" in page


def test_report_with_monitor_places_it_before_the_appendices(runner, in_year) -> None:
    result = runner.invoke(app, ["report", "--year", "2023/24", "--monitor", "q2", "--format", "html"])
    assert result.exit_code == 0
    page = result.stdout
    _self_contained(page)
    funding = page.index("<h2>Funding by stream</h2>")
    monitoring = page.index("<h2>Budget monitoring 2023/24 as at 2023-09-30</h2>")
    appendix = page.index("<h2>Appendix A")
    assert funding < monitoring < appendix
    assert "td.rag-red" in page  # the RAG styles travel with the section
    plain = runner.invoke(app, ["report", "--year", "2023/24", "--format", "html"]).stdout
    assert "Budget monitoring" not in plain and "td.rag-red" not in plain


def test_report_markdown_with_monitor(runner, in_year) -> None:
    result = runner.invoke(app, ["report", "--year", "2023/24", "--monitor", "q2"])
    assert result.exit_code == 0
    text = result.stdout
    assert text.index("## Budget monitoring 2023/24 as at 2023-09-30") < text.index("## Appendix A")
    assert "### Variance explanations" in text


def test_report_monitor_usage_error(runner, in_year) -> None:
    assert runner.invoke(app, ["report", "--year", "2023/24", "--monitor", "q7"]).exit_code == 2


def test_ledger_text_is_escaped(runner, tmp_path) -> None:
    target = tmp_path / "data"
    shutil.copytree(IN_YEAR, target)
    q2 = target / "forecasts/2023-24/q2.yaml"
    q2.write_text(q2.read_text().replace("Two adviser posts vacant from July;", "<script>alert(1)</script> & <b>;"))
    page = runner.invoke(app, ["monitor", "--data", str(target), "--as-at", "q2", "-y", "2023/24", "-f", "html"]).stdout
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;" in page
    markdown = runner.invoke(
        app, ["monitor", "--data", str(target), "--as-at", "q2", "-y", "2023/24", "-f", "markdown"]
    )
    assert "\\<script\\>" in markdown.stdout
