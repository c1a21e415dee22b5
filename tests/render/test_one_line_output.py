"""No text from a ledger or a file name ever forms its own output line, and Markdown from a
ledger never becomes HTML, a link, an image or a mention.

A CI runner obeys any stdout line that starts ``::error``, ``::add-mask::`` or
``::stop-commands::``; a job summary or pull-request comment renders Markdown. These tests
put hostile text everywhere validation lets it in (descriptions may hold line breaks, file
names may hold anything, text may hold Markdown and HTML) and read every output of every
command that prints it.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from budgetctl.cli import app
from budgetctl.render.tables import csv_text
from budgetctl.render.text import md
from budgetctl.reports.table import Column, Table
from tests.conftest import GIT_ENV

# Every line separator Python's splitlines knows (a CI log viewer honours several).
SEPARATORS = ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
FORGED = "::error file=x.yaml,line=1::forged"
HTML = "<img src=x onerror=alert(1)> [link](https://evil.example) ![t](https://evil.example/t.png) @octocat"

STREAMS = f"""\
priorities:
  victims: "Victims {HTML}"
streams:
  vs:
    programme: "Programme {HTML}"
    funding: "Funding {HTML}"
    description: "first line\\n{FORGED}"
    budget:
      2023/24: 1000
"""
PROJECT = f"""\
title: "Title {HTML}"
stream: vs
lead: "Lead <b>x</b>"
provider: "Provider www.evil.example"
priorities: [victims]
description: "one\\n{FORGED}\\rtwo"
allocations:
  2023/24: 10
"""


def _no_forged_line(text: str) -> None:
    for line in text.splitlines():
        assert not line.lstrip().startswith("::"), repr(line)


def _inert_markdown(text: str) -> None:
    # Escaped with a backslash, each is shown as written, not interpreted.
    assert not re.search(r"(?<!\\)<(img|b>)", text)
    assert not re.search(r"(?<!\\)\]\(", text) and "![" not in text
    assert "@octocat" not in text
    assert "https://" not in text and "www.evil" not in text


def _ledger(root: Path, project: str = PROJECT) -> Path:
    data = root / "data"
    (data / "projects" / "vs").mkdir(parents=True)
    (data / "streams.yaml").write_text(STREAMS, encoding="utf-8")
    (data / "projects" / "vs" / "p.yaml").write_text(project, encoding="utf-8")
    return data


def test_description_with_line_breaks_loads_but_carriage_return_escape_is_refused(runner, tmp_path: Path) -> None:
    data = _ledger(tmp_path, PROJECT.replace("\\rtwo", "two"))
    result = runner.invoke(app, ["validate", "--data", str(data)])
    assert result.exit_code == 0, result.output
    # A CR in a value only comes through the "\r" escape; it is refused where it is written.
    data = _ledger(tmp_path / "cr")
    result = runner.invoke(app, ["validate", "--data", str(data), "--format", "json"])
    assert result.exit_code == 1
    assert '"code": "Y012"' in result.stdout and '"line": 6' in result.stdout and '"column": 14' in result.stdout


@pytest.mark.parametrize("field", ["title", "lead", "provider"])
def test_a_line_break_in_one_line_text_is_a_located_problem(runner, tmp_path: Path, field: str) -> None:
    text = PROJECT.replace("\\rtwo", "two")
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith(field + ":"))
    lines[index] = f'{field}: "x\\n{FORGED}"'
    data = _ledger(tmp_path, "\n".join(lines) + "\n")
    result = runner.invoke(app, ["validate", "--data", str(data)])
    assert result.exit_code == 1
    assert f"data/projects/vs/p.yaml:{index + 1}:{len(field) + 3}: S003 {field}: a line break is not allowed" in (
        result.stdout
    )
    _no_forged_line(result.output)


def test_every_command_keeps_ledger_text_on_its_line(runner, tmp_path: Path) -> None:
    data = _ledger(tmp_path, PROJECT.replace("\\rtwo", "two"))
    commands = [
        ["validate"],
        ["summary", "--year", "2023/24"],
        ["summary", "--year", "2023/24", "--format", "markdown"],
        ["summary", "--year", "2023/24", "--by", "priority", "--format", "markdown"],
        ["summary", "--year", "2023/24", "--by", "funding", "--format", "markdown"],
        ["projects", "--format", "markdown"],
        ["projects"],
        ["show", "p"],
        ["report", "--year", "2023/24"],
        ["report", "--year", "2023/24", "--format", "html"],
        ["export", "--format", "csv"],
    ]
    for command in commands:
        result = runner.invoke(app, [*command, "--data", str(data)])
        assert result.exit_code == 0, (command, result.output)
        assert result.stdout
        _no_forged_line(result.output)
        if "markdown" in command or (command[:2] == ["report", "--year"] and "html" not in command):
            _inert_markdown(result.stdout)
            assert "\\<img" in result.stdout
    shown = runner.invoke(app, ["show", "p", "--data", str(data)]).stdout
    assert f"one\\u000a{FORGED}two" in shown  # the description, whole and on one line
    # In a document a description's line break is the space Markdown and HTML would show.
    for form in ("markdown", "html"):
        paper = runner.invoke(app, ["report", "--year", "2023/24", "--format", form, "--data", str(data)]).stdout
        assert "first line ::error file=x.yaml,line=1::forged" in paper

    # A file name holding every line separator, each followed by a forged command.
    bad = data / "projects" / "vs" / ("x" + "".join(sep + "::error::e" for sep in SEPARATORS) + ".yaml")
    bad.write_text("{title: T}\n", encoding="utf-8")
    for command in (["validate"], ["summary"], ["projects"], ["fmt", "--check"]):
        result = runner.invoke(app, [*command, "--data", str(data)])
        assert result.exit_code == 1, (command, result.output)
        assert "x\\u000a::error::e\\u000d::error::e" in result.output
        _no_forged_line(result.output)


def test_the_diff_keeps_ledger_text_on_its_line_and_its_markdown_inert(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    data = _ledger(repo, PROJECT.replace("\\rtwo", "two"))
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "base"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, env=GIT_ENV, capture_output=True)
    project = data / "projects" / "vs" / "p.yaml"
    project.write_text(
        PROJECT.replace("\\rtwo", "two").replace("Title", f"New\\n{FORGED}").replace("10\n", "20\n"),
        encoding="utf-8",
    )
    (data / "projects" / "vs" / f"n\n{FORGED}.yaml").write_text("title: T\n", encoding="utf-8")
    budgetctl = Path(sys.executable).with_name("budgetctl")
    for form in ("table", "markdown"):
        result = subprocess.run(
            [str(budgetctl), "diff", "HEAD", "--format", form],
            cwd=repo,
            capture_output=True,
            text=True,
            env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"},
        )
        assert result.returncode in (0, 1), result.stderr
        _no_forged_line(result.stdout + result.stderr)
        if form == "markdown":
            _inert_markdown(result.stdout)


def test_one_markdown_escaper_makes_html_links_images_and_mentions_inert() -> None:
    assert md("<script>") == "\\<script\\>"
    assert md("[a](http://e)") == "\\[a\\](http:\\/\\/e)"
    assert md("![i](x)") == "!\\[i\\](x)"
    assert md("@team") == "@&#8203;team"
    assert md("&lt;b&gt;") == "&amp;lt;b&amp;gt;"
    assert md("www.x.org") == "www\\.x.org"
    assert md("- item") == "\\- item" and md("1. item") == "1\\. item" and md("# h") == "\\# h"
    assert md("a|b *c* _d_ `e` ~f~") == "a\\|b \\*c\\* \\_d\\_ \\`e\\` \\~f\\~"
    for sep in SEPARATORS:
        assert len(md(f"a{sep}{FORGED}").splitlines()) == 1


def test_the_other_markdown_escapers_are_gone() -> None:
    root = Path(__file__).resolve().parents[2] / "budgetctl"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "text.py" and ("_md_escape" in path.read_text() or "def md(" in path.read_text())
    ]
    assert offenders == []
    assert "def escape(" not in (root / "render" / "board_markdown.py").read_text()


def test_csv_quotes_every_line_break_and_every_field_round_trips() -> None:
    texts = ["plain", "a\rb", "a\nb", "a\r\nb", "\r=1+1", f"x\r{FORGED}", 'q"uote', "c,omma", "\u2028sep", "-1"]
    table = Table("t", [Column("text", "Text"), Column("amount", "Amount", "money")], [])
    table.rows = [[text, Decimal("1.50")] for text in texts]
    out = csv_text(table, with_total=False)
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert rows[0] == ["text", "amount"]
    expected = ["'" + t if t.startswith(("=", "+", "-", "@", "\t", "\r", "\x00")) else t for t in texts]
    assert [row[0] for row in rows[1:]] == expected
    assert all(row[1] == "1.50" for row in rows[1:])
    # Outside quotes, the only CR is the one of a line end.
    unquoted = "".join(part for index, part in enumerate(out.split('"')) if index % 2 == 0)
    assert unquoted.replace("\r\n", "").count("\r") == 0 and unquoted.replace("\r\n", "").count("\n") == 0


def test_monitoring_keeps_a_hostile_reason_on_its_line_and_its_markdown_inert(runner, tmp_path: Path) -> None:
    """A forecast's reason may run over several lines; no output lets it start one of its own."""
    root = Path(__file__).resolve().parents[1] / "ledgers" / "in-year"
    shutil.copytree(root, tmp_path / "ledger")
    data = tmp_path / "ledger" / "data"
    q3 = data / "forecasts" / "2023-24" / "q3.yaml"
    reason = "The extra cohort started in December, paid for by the Q3 virement from Community Safety."
    q3.write_text(q3.read_text().replace(reason, f'"{HTML}\\n{FORGED}"'), encoding="utf-8")
    # The fixture over-allocates two streams on purpose (A001); the reason itself is accepted.
    problems = runner.invoke(app, ["validate", "--data", str(data), "--format", "json"]).stdout
    assert "forecasts/2023-24/q3.yaml" not in problems
    for form in ("table", "markdown", "html", "csv", "json"):
        result = runner.invoke(
            app, ["monitor", "--year", "2023/24", "--as-at", "q3", "--format", form, "--data", str(data)]
        )
        assert result.exit_code == 0, (form, result.output)
        if form != "json":
            _no_forged_line(result.output)
        if form == "markdown":
            _inert_markdown(result.stdout)
            assert "\\<img" in result.stdout
