"""The rules' table (module, code, scope) is what each rule module says, in the order the rules
run: a check of a few changed files reads scopes from it and imports only the rules it runs."""

from __future__ import annotations

import subprocess
import sys
from importlib import import_module
from pathlib import Path

import budgetctl.rules as rules


def test_the_table_is_each_rule_module_s_own_code_and_scope_in_order() -> None:
    found = [import_module(f"budgetctl.rules.{module}").RULE for module, _, _ in rules.TABLE]
    assert [(rule.code, rule.scope) for rule in found] == [(code, scope) for _, code, scope in rules.TABLE]
    assert tuple(found) == rules.RULES


def test_every_rule_module_is_in_the_table() -> None:
    folder = Path(rules.__file__).parent
    with_rule = {
        path.stem
        for path in folder.glob("*.py")
        if not path.stem.startswith("_") and "\nRULE = " in path.read_text(encoding="utf-8")
    }
    assert with_rule == {module for module, _, _ in rules.TABLE}


def test_rules_of_one_scope_are_in_the_order_they_run() -> None:
    for scope in ("file", "streams", "in-year", "ledger"):
        assert rules.of_scope(scope) == [rule for rule in rules.RULES if rule.scope == scope]
    assert rules.scopes() == {rule.code: rule.scope for rule in rules.RULES}


def test_the_rules_of_one_scope_import_no_other_rule() -> None:
    probe = (
        "import sys\n"
        "from budgetctl.rules import of_scope, scopes\n"
        "scopes()\n"
        "assert not [m for m in sys.modules if m.startswith('budgetctl.rules.')], sys.modules\n"
        "ran = {r.code for r in of_scope('file')}\n"
        "loaded = {m.rsplit('.', 1)[1] for m in sys.modules if m.startswith('budgetctl.rules.')}\n"
        "print(sorted(ran)); print(sorted(m for m in loaded if not m.startswith('_')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=Path(rules.__file__).parents[2]
    ).stdout.splitlines()
    wanted = sorted(code for _, code, scope in rules.TABLE if scope == "file")
    assert out[0] == str(wanted)
    assert out[1] == str(sorted(module for module, _, scope in rules.TABLE if scope == "file"))
