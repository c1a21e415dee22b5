"""The cache's key changes when any budgetctl module changes, the rules' included."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import budgetctl
from budgetctl.loading import cacheplace

PACKAGE = Path(budgetctl.__file__).resolve().parent


@pytest.mark.parametrize("module", ["rules/_rule.py", "model/money.py", "render/tables.py", "loading/schema.py"])
def test_an_edited_module_in_any_stage_gives_a_new_key(module: str) -> None:
    path = PACKAGE / module
    before = cacheplace.code_key()
    info = path.stat()
    try:
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
        assert cacheplace.code_key() != before
    finally:
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert cacheplace.code_key() == before


def test_code_key_changes_when_a_rule_module_changes() -> None:
    rule = PACKAGE / "rules" / "over_allocated_stream.py"
    info = rule.stat()
    before = cacheplace.code_key()
    try:
        os.utime(rule, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
        assert cacheplace.code_key() != before
    finally:
        os.utime(rule, ns=(info.st_atime_ns, info.st_mtime_ns))
