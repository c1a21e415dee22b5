"""One shape for every problem budgetctl reports, from any stage."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem at a place: ``file:line:column`` (both from 1), a stable code, a fix."""

    code: str
    severity: Severity
    message: str
    file: str
    line: int = 1
    column: int = 1

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def as_json(self) -> dict[str, object]:
        """The spec's JSON shape of a problem."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
        }

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.code, self.message)


def count_errors(diagnostics: list[Diagnostic], *, strict: bool = False) -> int:
    """Problems that fail a run: errors, and warnings too under ``--strict``."""
    return sum(1 for d in diagnostics if d.is_error or strict)
