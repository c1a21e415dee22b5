"""Commands: workflow (see README)."""

from __future__ import annotations

from budgetctl.cli import app  # noqa: F401  (commands register on it)
