"""The cache's code fingerprint: an edit to any module of budgetctl, at any depth, gives a new key,
so no entry written by other code is ever read."""

from __future__ import annotations

import os
from pathlib import Path

from budgetctl.loading import cacheplace

PACKAGE = Path(cacheplace.__file__).resolve().parents[1]


def test_the_fingerprint_covers_every_module_at_any_depth() -> None:
    covered = {Path(entry.path).resolve() for entry in cacheplace.code_files()}
    modules = {p.resolve() for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts}
    assert modules - covered == set()
    assert {p.parent.name for p in modules} >= {"budgetctl", "model", "loading", "rules", "reports", "cli"}


def test_editing_a_module_deep_in_the_package_changes_the_key() -> None:
    module = PACKAGE / "rules" / "over_allocated_stream.py"
    before = cacheplace.code_key()
    info = module.stat()
    try:
        os.utime(module, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
        assert cacheplace.code_key() != before
    finally:
        os.utime(module, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert cacheplace.code_key() == before
