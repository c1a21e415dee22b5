"""`budgetctl report`: the board paper in Markdown and in self-contained, printable HTML."""

from __future__ import annotations

import functools
import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from decimal import Decimal
from pathlib import Path

import pytest

from budgetctl.cli import app
from budgetctl.loading.discover import read_ledger
from budgetctl.pipeline import check_files
from budgetctl.reports.board import board_report
from budgetctl.reports.summary import summary
from tests.conftest import LEDGERS, SHIPPED, make_ledger

CHROMIUM = Path("/usr/bin/chromium")

STREAMS = """\
streams:
  fund:
    programme: Small <Grants> & Co
    funding: Police | Grant
    budget:
      2023/24: 1000
    eligibility:
      required: [npu]
      allowed:
        npu: {north: North NPU, south: South NPU}
      max_award: 500
      excluded_costs: {officers: Police officer pay}
  grant:
    programme: Victims
    funding: Specific Grant
    ring_fenced: true
    budget:
      2023/24: 2000
    purposes:
      referral: Referral service
    sources:
      ministry:
        2023/24: 1500
      partners:
        2023/24: 500
"""


def project(title: str, stream: str, amount: str, extra: str = "") -> str:
    return f"title: {title}\nstream: {stream}\nlead: Lead\n{extra}allocations:\n  2023/24: {amount}\n"


def small_ledger(tmp_path: Path) -> Path:
    return make_ledger(
        tmp_path,
        {
            "streams.yaml": STREAMS,
            "projects/fund/a.yaml": project('"<script>alert(1)</script> | x"', "fund", "400", "npu: north\n"),
            "projects/fund/b.yaml": project("Second", "fund", "99.50", "npu: south\nprovider: A & B\n"),
            "projects/grant/c.yaml": project("Referral hub", "grant", "1200", "purpose: referral\n"),
        },
    )


@functools.cache
def _outside_git(data: Path) -> Path:
    """A copy of ``data`` outside any git repository: the paper's revision line stays the same."""
    copy = Path(tempfile.mkdtemp(prefix="budgetctl-report-")) / "data"
    shutil.copytree(data, copy)
    return copy


def run(runner, data: Path, *args: str):  # type: ignore[no-untyped-def]
    """The report of ``data`` dated 28 March 2023 (the board's date), from outside git."""
    return runner.invoke(app, ["report", "--data", str(_outside_git(data)), "--as-at", "2023-03-28", *args])


def test_shipped_markdown_report_golden(runner, golden) -> None:
    result = run(runner, SHIPPED, "--year", "2023/24")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    golden("report-2023-24.md", result.stdout)


def test_paragraph_4_total_and_reconciled_appendix_a(runner) -> None:
    result = run(runner, SHIPPED, "--year", "2023/24")
    total_row = next(line for line in result.stdout.splitlines() if line.startswith("| **Total**"))
    assert "**17,175,399.00**"  # budgets with pence: a revised budget has pence in total_row
    assert "**17,325,360.40**" in total_row
    subtotals = re.findall(r"^\| \*\*Subtotal\*\* \|.*\*\*([0-9,.]+)\*\* \|$", result.stdout, re.MULTILINE)
    assert sum(Decimal(s.replace(",", "")) for s in subtotals) == Decimal("17325360.40")


def test_appendix_a_subtotals_equal_the_summary_allocated_column() -> None:
    checked = check_files(read_ledger(SHIPPED))
    paper = board_report(checked.ledger, "2023/24")
    table = summary(checked.ledger, "2023/24")
    allocated = {row["stream"]: Decimal(row["allocated"]) for row in table.data["rows"]}
    assert {p.stream: p.subtotal for p in paper.programmes} == allocated
    assert paper.total_allocated == Decimal(table.data["total"]["allocated"])
    assert paper.total_budget == Decimal("17175399.00")
    assert paper.total_revised == Decimal(table.data["total"]["revised_budget"]) == Decimal("17476675.30")
    assert sum(len(p.projects) for p in paper.programmes) == 139


def test_appendix_b_is_written_from_the_declared_rules(runner, tmp_path: Path) -> None:
    result = run(runner, small_ledger(tmp_path))
    assert result.exit_code == 0, result.output
    text = result.stdout
    appendix_b = text[text.index("## Appendix B") :]
    assert "Every project must give its Neighbourhood Policing Unit." in appendix_b
    assert "- North NPU\n- South NPU" in appendix_b
    assert "No project may receive more than £500 in a financial year." in appendix_b
    assert "These costs are never funded:\n\n- Police officer pay" in appendix_b
    assert "This is a ring-fenced grant" in appendix_b
    assert "- Referral service" in appendix_b
    assert "- Ministry: £1,500\n- Partners: £500" in appendix_b


def test_markdown_escapes_ledger_text(runner, tmp_path: Path) -> None:
    text = run(runner, small_ledger(tmp_path)).stdout
    assert "<script>" not in text
    assert r"\<script\>alert(1)\</script\> \| x" in text
    assert r"Small \<Grants\> &amp; Co" in text  # an entity is shown as written, never decoded


def test_html_is_self_contained_escaped_and_printable(runner, tmp_path: Path) -> None:
    result = run(runner, small_ledger(tmp_path), "--format", "html")
    assert result.exit_code == 0, result.output
    page = result.stdout
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; | x" in page
    assert "Small &lt;Grants&gt; &amp; Co" in page
    assert "A &amp; B" in page
    # Nothing is fetched: the only URL is the SVG namespace, which is never loaded.
    assert re.findall(r"https?://[^\s\"']+", page) == ["http://www.w3.org/2000/svg"]
    assert not re.search(r"<link|<img|<iframe|src=|@import|url\(", page, re.IGNORECASE)
    assert "@page { size: A4; margin: 15mm; }" in page
    assert "break-inside: avoid" in page
    assert page.count("<svg") == 1


def test_html_report_of_the_shipped_ledger(runner) -> None:
    page = run(runner, SHIPPED, "--format", "html", "--year", "2023/24").stdout
    total = page[page.index('<tr class="total">') :]
    assert re.match(r'<tr class="total"><td>Total</td><td></td><td class="num">17,175,399.00</td>', total)
    assert 'Subtotal, Victims Services</td><td class="num">6,599,872.40</td>' in page
    assert "£6,529,875" in page  # a chart label


def test_over_allocated_stream_is_flagged(runner) -> None:
    result = run(runner, LEDGERS / "over-allocated" / "data", "--year", "2023/24")
    assert "**OVER**" in result.stdout
    assert "over-allocated." in result.stdout


def test_output_file_holds_what_stdout_would(runner, tmp_path: Path) -> None:
    target = tmp_path / "paper.html"
    result = run(runner, SHIPPED, "--format", "html", "-o", str(target))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8") == run(runner, SHIPPED, "--format", "html").stdout


def test_output_through_a_symlink_is_refused(runner, tmp_path: Path) -> None:
    (tmp_path / "real.md").write_text("keep\n", encoding="utf-8")
    (tmp_path / "link.md").symlink_to(tmp_path / "real.md")
    result = run(runner, SHIPPED, "-o", str(tmp_path / "link.md"))
    assert result.exit_code == 2
    assert (tmp_path / "real.md").read_text(encoding="utf-8") == "keep\n"


def test_refused_when_errors_break_the_totals(runner, tmp_path: Path) -> None:
    data = make_ledger(
        tmp_path, {"streams.yaml": STREAMS, "projects/fund/a.yaml": project("A", "fund", '"400"', "npu: north\n")}
    )
    result = run(runner, data)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "data/projects/fund/a.yaml:6:12: S005" in result.stderr


def test_unknown_year_is_a_usage_error(runner) -> None:
    result = run(runner, SHIPPED, "--year", "2030/31")
    assert result.exit_code == 2
    assert "years with a budget: 2023/24" in result.stderr


def _png_pixels_vary(png: bytes) -> int:
    """How many distinct byte values the decompressed image data holds (a blank page has very few)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    data, offset = b"", 8
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        kind = png[offset + 4 : offset + 8]
        if kind == b"IDAT":
            data += png[offset + 8 : offset + 8 + length]
        offset += 12 + length
    return len(set(zlib.decompress(data)))


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed (apt-get install chromium)")
def test_html_renders_in_headless_chromium(runner, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    assert run(runner, SHIPPED, "--format", "html", "--year", "2023/24", "-o", str(page)).exit_code == 0
    flags = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    png, pdf = tmp_path / "report.png", tmp_path / "report.pdf"
    subprocess.run([*flags, f"--screenshot={png}", "--window-size=1240,1754", page.as_uri()], timeout=120, check=True)
    subprocess.run([*flags, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()], timeout=120, check=True)
    image = png.read_bytes()
    assert struct.unpack(">II", image[16:24]) == (1240, 1754)
    assert len(image) > 50_000  # a blank page of this size compresses to a few kilobytes
    assert _png_pixels_vary(image) > 100
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes()))
    assert pages >= 3  # the front page, then Appendix A and Appendix B each start a new page
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "17,175,399" in text
