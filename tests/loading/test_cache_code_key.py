"""The cache's code key covers every budgetctl module, not only the loading stage's: a changed
rule must not replay the last whole check of an unchanged ledger."""

from __future__ import annotations

import os
from pathlib import Path

import budgetctl
from budgetctl.loading import cache


def test_code_key_changes_when_a_rule_module_changes() -> None:
    rule = Path(budgetctl.__file__).parent / "rules" / "over_allocated_stream.py"
    info = rule.stat()
    before = cache._code_key()
    try:
        os.utime(rule, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
        assert cache._code_key() != before
    finally:
        os.utime(rule, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert cache._code_key() == before
