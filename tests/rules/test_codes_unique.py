"""Every problem code means one thing: the loader's, the rules', validate --changed-since's and
the commands' codes never share a code (a shared one would hide a rule from `budgetctl rules`)."""

from __future__ import annotations

import json
from collections import Counter

from typer.testing import CliRunner

from budgetctl.cli import app
from budgetctl.loading.codes import CODES, COMMAND_CODES
from budgetctl.rules import RULES
from budgetctl.rules import allocation_in_over_allocated_stream as changed


def test_no_code_is_defined_twice_across_loader_rules_and_commands() -> None:
    every = [
        *CODES,
        *(rule.code for rule in RULES),
        changed.CODE.code,
        *(c.code for c in COMMAND_CODES),
    ]
    assert [code for code, count in Counter(every).items() if count > 1] == []


def test_rules_json_lists_each_code_once_with_the_date_and_changed_project_codes() -> None:
    result = CliRunner().invoke(app, ["rules", "--format", "json"])
    assert result.exit_code == 0, result.output
    listed = [row["code"] for row in json.loads(result.stdout)]
    assert len(listed) == len(set(listed))
    names = {row["code"]: row["name"] for row in json.loads(result.stdout)}
    assert names["G003"] == "end-before-start"
    assert names["G004"] == "date-outside-allocations"
    assert names["A006"] == "over-allocation-in-changed-project"
    assert names["A004"] == "committed-above-allocation"
    assert names["D001"] != "end-before-start"
