"""The commonest typing slips in a project file: each message says what happened and what to type."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetctl.cli import app
from budgetctl.model.money import parse_money
from tests.conftest import make_ledger

STREAMS = "streams:\n  youth:\n    programme: Youth\n    funding: Police Grant\n    budget:\n      2023/24: 100000\n"
HEAD = "title: Youth work\nstream: youth\nlead: Youth Manager\n"


def problems(tmp_path: Path, project: str, *extra: str) -> tuple[int, list[dict]]:
    data = make_ledger(tmp_path, {"streams.yaml": STREAMS, "projects/p.yaml": project})
    result = CliRunner().invoke(app, ["validate", "--data", str(data), "--format", "json", *extra])
    return result.exit_code, json.loads(result.stdout)["problems"]


def only(tmp_path: Path, project: str) -> dict:
    _, found = problems(tmp_path, project)
    assert len(found) == 1, found
    return found[0]


def test_a_tab_used_for_indentation_is_named_and_located(tmp_path: Path) -> None:
    p = only(tmp_path, HEAD + "allocations:\n\t2023/24: 5000\n")
    assert (p["code"], p["line"], p["column"]) == ("Y002", 5, 1)
    assert "a tab is used for indentation on line 5" in p["message"]
    assert "'<tab>2023/24: 5000'" not in p["message"]  # the stripped line, tab named where it matters
    assert "replace the tab with spaces" in p["message"]


def test_a_colon_inside_a_title_says_to_quote_it(tmp_path: Path) -> None:
    p = only(tmp_path, "title: Youth work: phase 2\nstream: youth\nlead: L\nallocations:\n  2023/24: 5000\n")
    assert (p["code"], p["line"], p["column"]) == ("Y002", 1, 8)
    assert p["message"].endswith('put the text in quotes: title: "Youth work: phase 2"')


def test_no_space_after_the_colon_says_to_add_one(tmp_path: Path) -> None:
    p = only(tmp_path, HEAD + "allocations:\n  2023/24:5000\n")
    assert (p["code"], p["line"], p["column"]) == ("S003", 5, 3)
    assert p["message"].endswith("put a space after the colon: `2023/24: 5000`")


def test_a_year_at_the_left_margin_says_to_indent_it(tmp_path: Path) -> None:
    code, found = problems(tmp_path, HEAD + "allocations:\n2023/24: 5000\n")
    assert code == 1
    by_code = {p["code"]: p for p in found}
    assert (by_code["S001"]["line"], by_code["S001"]["column"]) == (5, 1)
    for p in found:
        assert "indent each year under `allocations:`" in p["message"]


def test_a_non_breaking_space_from_word_is_named_visibly(tmp_path: Path) -> None:
    p = only(tmp_path, "title: Youth work\nstream: youth\nlead:\u00a0Youth Manager\nallocations:\n  2023/24: 5000\n")
    assert (p["code"], p["line"], p["column"]) == ("Y002", 3, 6)
    assert "non-breaking space (U+00A0" in p["message"]
    assert "'lead:<U+00A0>Youth Manager'" in p["message"]
    assert "\u00a0" not in p["message"]


def test_a_non_breaking_space_after_a_year_colon(tmp_path: Path) -> None:
    p = only(tmp_path, HEAD + "allocations:\n  2023/24:\u00a05000\n")
    assert p["code"] == "S003"
    assert "non-breaking space (U+00A0)" in p["message"]


def test_text_cut_at_hash_is_a_warning_with_the_quoted_fix(tmp_path: Path) -> None:
    code, found = problems(
        tmp_path, "title: Project #2 for youth\nstream: youth\nlead: L\nallocations:\n  2023/24: 5\n"
    )
    assert code == 0
    [p] = found
    assert (p["code"], p["severity"], p["line"], p["column"]) == ("Y019", "warning", 1, 8)
    assert "it reads 'Project'" in p["message"]
    assert p["message"].endswith('put the whole value in quotes: "Project #2 for youth"')
    assert (
        problems(tmp_path, 'title: "Project #2 for youth"\nstream: youth\nlead: L\nallocations:\n  2023/24: 5\n')[1]
        == []
    )


def test_an_ordinary_trailing_comment_is_not_a_slip(tmp_path: Path) -> None:
    text = "title: Youth  # the working title\nstream: youth  #\nlead: L\nallocations:\n  2023/24: 5  # ok\n"
    assert problems(tmp_path, text) == (0, [])


@pytest.mark.parametrize(
    ("written", "fix"),
    [
        ('"1,275,000"', "write 1275000 (no quotes, £ or commas)"),
        ("'£5,000'", "write 5000 (no quotes, £ or commas)"),
        ("5000 GBP", "the amounts are pounds already: write 5000"),
        ("£5,000", "leave out the £ sign and write 5000"),
        ('"1000"', "write 1000 without the quotes"),
    ],
)
def test_money_slips_say_exactly_what_to_write(tmp_path: Path, written: str, fix: str) -> None:
    p = only(tmp_path, HEAD + f"allocations:\n  2023/24: {written}\n")
    assert p["code"] == "S005"
    assert fix in p["message"]
    # The suggested text is itself accepted: one round of fixing.
    suggested = p["message"].split("write ", 1)[1].split(" ", 1)[0]
    assert parse_money(suggested) > 0
